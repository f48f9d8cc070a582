"""A history told with numbers and a "which am I?" question starts the walk-through.

"I've had 3 failed transfers, is that RIF?" and "two MMCs and a chemical,
where do I fit?" are the most central questions there are, and the
classifier alone sent them to an FAQ or the fallback. When the user's own
words hold a history with counts (parsed by the walk-through's own
``parse_history``) and ask which pattern it is, the intent becomes
``start_assessment``. A history with a different question ("3 failed FETs,
is the ERA worth it?") keeps its FAQ.

A request to look at one's own situation, with or without numbers ("which
one applies to me, RIF or RM?", "can you help me understand my situation")
starts it too (``walk_through_requests.yml``). A history told with another
question keeps its FAQ answer, and the message is marked ``told_history`` so
the channel offers "Go through my history" under that answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from actions.history.narrative import History, parse_history
from bot.nlu.glossary import ORIGINAL_TEXT
from bot.nlu.guard import guarded
from bot.nlu.stateless import StatelessComponent

REQUESTS_FILE = Path(__file__).with_name("walk_through_requests.yml")
START_ASSESSMENT = "start_assessment"
TOLD_HISTORY = "told_history"  # read by bot/turn_notes.py
MAX_TEXT = 2000
# Intents a stated history with a "which am I" question may replace.
REPLACEABLE = {"faq", "nlu_fallback", "out_of_scope", "inform", "express_distress", START_ASSESSMENT}

_WHICH_AM_I = re.compile(
    r"\b(is (that|this|it|mine)( classed| classified| considered| counted)?( as)? (rif|rm|rpl|recurrent)"
    r"|(does|would|do) (that|this|it|i|we|my history) (count|mean|make|put|qualify|fit|sound)"
    r"|what am i|am i (rif|rm|rpl)|which (one|pattern|group|category|of (the|these) two|applies|fits)"
    r"|where do (i|we) (fit|stand|sit|belong)|do (i|we) (fit|count|qualify)"
    r"|(class(ed|ified)?|count(s|ed)?|considered|qualif(y|ies)|diagnosed) as (rif|rm|rpl|recurrent)"
    r"|put (me|us) in|(rif|rm|rpl) or (rif|rm|rpl)|which is (it|mine)|what (pattern|group) (is|am|do))",
    re.IGNORECASE,
)

# ...and the question is about the patterns themselves.
_PATTERN_WORDS = re.compile(
    r"\b(rif|rm|rpl|recurrent|implantation failure|pattern|group|box|bucket|category|which one|fit|what am i)\b",
    re.IGNORECASE,
)


def most_repeated(history: History) -> int:
    """The largest count of one kind of event: a pattern needs a repeat."""
    fields = (
        history.transfers_total,
        history.negative_tests,
        history.biochemical_losses,
        history.confirmed_miscarriages,
    )
    return max(value or 0 for value in fields)


@lru_cache(maxsize=1)
def _requests() -> "re.Pattern[str]":
    with REQUESTS_FILE.open(encoding="utf-8") as handle:
        patterns = yaml.safe_load(handle)["requests"]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def asks_for_walk_through(text: Optional[str]) -> bool:
    """True for a request to look at one's own history, numbers or not."""
    return bool(text) and not text.startswith("/") and bool(_requests().search(text[:MAX_TEXT]))


def asks_which_pattern(text: Optional[str], history: Optional[History] = None) -> bool:
    """True for a stated history with a repeated event ("3 failed transfers",
    "two MMCs") plus a "which one am I" question."""
    if not text or text.startswith("/") or not _WHICH_AM_I.search(text) or not _PATTERN_WORDS.search(text):
        return False
    return most_repeated(history if history is not None else parse_history(text)) >= 2


def tells_history(history: History) -> bool:
    """True when the words hold a history with at least one count."""
    return most_repeated(history) >= 1


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class HistoryQuestionDetector(StatelessComponent):
    """Sets ``start_assessment`` for a history-with-numbers "which am I" question."""

    def __init__(self) -> None:
        parse_history("2 transfers")  # load spaCy with the model, not on a user's message

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get("intent") or {}).get("name")
            if intent not in REPLACEABLE:
                continue
            text = message.get(ORIGINAL_TEXT) or message.get("text") or ""
            if text.startswith("/"):
                continue
            history = parse_history(text[:MAX_TEXT])
            if asks_for_walk_through(text) or asks_which_pattern(text, history):
                decided = {"name": START_ASSESSMENT, "confidence": 1.0}
                ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != START_ASSESSMENT]
                message.set("intent", decided, add_to_output=True)
                message.set("intent_ranking", [decided, *ranking], add_to_output=True)
            elif intent == "faq" and tells_history(history):
                message.set(TOLD_HISTORY, True, add_to_output=True)
        return messages
