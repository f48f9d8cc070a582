"""A safety net that does not depend on the classifier.

Red-flag symptoms and crisis language are recognised with spaCy phrase
matching and regular expressions (``safety_patterns.yml``). The component
runs after the classifiers and overrides the intent, so these messages are
never answered with an FAQ, a fallback, or swallowed by the history form.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Pattern

import yaml

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.stateless import StatelessComponent

PATTERNS_FILE = Path(__file__).with_name("safety_patterns.yml")
CRISIS = "crisis"
URGENT_SYMPTOMS = "urgent_symptoms"
# Checked in this order: a message with both gets the crisis reply first.
SAFETY_INTENTS = (CRISIS, URGENT_SYMPTOMS)


class SafetyDetector:
    """Finds the safety intent a text calls for, if any. Plain Python + spaCy."""

    def __init__(self, config: Dict[str, Dict[str, List[str]]]) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("en")
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._regexes: Dict[str, List[Pattern[str]]] = {}
        for intent in SAFETY_INTENTS:
            entry = config[intent]
            self._phrases.add(intent, [self._nlp.make_doc(p) for p in entry.get("phrases", [])])
            self._regexes[intent] = [re.compile(p, re.IGNORECASE) for p in entry.get("patterns", [])]

    def detect(self, text: Optional[str]) -> Optional[str]:
        if not text or not text.strip():
            return None
        normalised = " ".join(text.replace("\u2019", "'").split())
        doc = self._nlp.make_doc(normalised)
        matched = {self._nlp.vocab.strings[match_id] for match_id, _, _ in self._phrases(doc)}
        for intent in SAFETY_INTENTS:
            if intent in matched or any(r.search(normalised) for r in self._regexes[intent]):
                return intent
        return None


@lru_cache(maxsize=1)
def default_detector() -> SafetyDetector:
    with PATTERNS_FILE.open(encoding="utf-8") as handle:
        return SafetyDetector(yaml.safe_load(handle))


def detect_safety_intent(text: Optional[str]) -> Optional[str]:
    """``crisis``, ``urgent_symptoms`` or None for a user's message."""
    return default_detector().detect(text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(StatelessComponent):
    """Overrides the intent with ``crisis`` or ``urgent_symptoms`` when the text calls for it."""


    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = detect_safety_intent(message.get("text"))
            if intent is None:
                continue
            previous = message.get("intent") or {}
            override = {"name": intent, "confidence": 1.0}
            message.set("intent", override, add_to_output=True)
            ranking = [r for r in (message.get("intent_ranking") or []) if r.get("name") != intent]
            message.set("intent_ranking", [override] + ranking, add_to_output=True)
            message.set("safety_net", {"overrode": previous.get("name")}, add_to_output=True)
        return messages
