"""Explicit yes / no answers, decided by exact phrases, not by the classifier.

``affirm`` and ``deny`` are set only when the whole message is one of the
phrases in ``confirmation.yml`` (or a ``/affirm`` / ``/deny`` button, which
Rasa parses before the pipeline). If the classifier guesses ``affirm`` or
``deny`` for anything else, the guess is dropped for the next intent in its
ranking: "yes, but where is this from?" must never confirm a deletion.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.guard import guarded
from bot.nlu.stateless import StatelessComponent

PHRASES_FILE = Path(__file__).with_name("confirmation.yml")
AFFIRM = "affirm"
DENY = "deny"
UNSURE = "unsure"
ACKNOWLEDGE = "acknowledge"
ANSWER_INTENTS = (AFFIRM, DENY, UNSURE)
EXPLICIT_INTENTS = ANSWER_INTENTS + (ACKNOWLEDGE,)
# Variation selectors and skin tones that may follow an emoji.
_EMOJI_MODIFIERS = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")

_POLITE = re.compile(r"\b(please|pls|thanks|thank you|i'?m sure|im sure)\b")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def _normalise(text: str) -> str:
    text = " ".join(text.lower().replace("\u2019", "'").split())
    text = _POLITE.sub(" ", text)
    text = re.sub(r"[,!.]+", " ", text)
    return " ".join(_EDGES.sub("", text).split())


@lru_cache(maxsize=1)
def _phrases() -> Dict[str, frozenset]:
    with PHRASES_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    phrases = {intent: frozenset(_normalise(p) for p in raw[intent]) for intent in EXPLICIT_INTENTS}
    phrases["emoji"] = frozenset(_EMOJI_MODIFIERS.sub("", e) for e in raw["acknowledge_emoji"])
    return phrases


def _only_acknowledging_emoji(text: str) -> bool:
    symbols = _EMOJI_MODIFIERS.sub("", "".join(text.split()))
    return bool(symbols) and len(symbols) <= 12 and all(char in _phrases()["emoji"] for char in symbols)


def explicit_answer(text: Optional[str]) -> Optional[str]:
    """``affirm``, ``deny`` or ``unsure`` if the whole message is an explicit
    yes, no or not-sure answer, ``acknowledge`` for a bare "ok", "hmm" or
    thumbs-up, else None."""
    if not text or len(text) > 100:
        return None
    stripped = text.strip()
    if stripped in (f"/{AFFIRM}", f"/{DENY}", f"/{UNSURE}"):
        return stripped[1:]
    if _only_acknowledging_emoji(stripped):
        return ACKNOWLEDGE
    normalised = _normalise(stripped)
    if not normalised:
        return None
    for intent in EXPLICIT_INTENTS:
        if normalised in _phrases()[intent]:
            return intent
    return None


def _without_answer_guesses(ranking: List[dict]) -> List[dict]:
    return [r for r in ranking if r.get("name") not in EXPLICIT_INTENTS]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ExplicitAnswerClassifier(StatelessComponent):
    """Sets ``affirm`` / ``deny`` / ``unsure`` / ``acknowledge`` only for explicit answers (see module docstring)."""

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            answer = explicit_answer(message.get("text"))
            ranking = message.get("intent_ranking") or []
            if answer is not None:
                decided = {"name": answer, "confidence": 1.0}
                message.set("intent", decided, add_to_output=True)
                message.set(
                    "intent_ranking", [decided] + [r for r in ranking if r.get("name") != answer], add_to_output=True
                )
                continue
            intent = (message.get("intent") or {}).get("name")
            if intent in EXPLICIT_INTENTS:
                rest = _without_answer_guesses(ranking)
                fallback = rest[0] if rest else {"name": "nlu_fallback", "confidence": 1.0}
                message.set("intent", fallback, add_to_output=True)
                message.set("intent_ranking", rest, add_to_output=True)
        return messages
