"""Let the question, not the story around it, choose the FAQ.

Patients tell a story and ask at the end. For a message of several sentences
with at least one question, the question sentences are appended once more,
so they weigh double in the word counts and the sentence embedding. Runs
after GlossaryExpander, in training and serving alike; GlossaryTextRestorer
puts the user's own words back at the end.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.glossary import ORIGINAL_TEXT, SEPARATOR
from bot.nlu.guard import guarded
from bot.nlu.input_guard import MAX_MESSAGE_CHARS
from bot.nlu.stateless import StatelessComponent

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+|(?<=\?)(?=\S)")
_QUESTION_START = re.compile(
    r"^(what|whats|what's|how|why|when|where|which|who|is|are|am|can|could|should|shall|would|will|do|does|did|"
    r"has|have|any|anyone|was|were|might|must)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> List[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


_LEADING_JOINER = re.compile(r"^[-–—*•\s]*((and|but|also|so|or|plus|then)\b[\s,]*)*", re.IGNORECASE)


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_QUESTION_START.match(_LEADING_JOINER.sub("", sentence)))


def focus(text: str, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """The text with its question sentences appended again, when it has a
    story around them; otherwise the text unchanged."""
    parts = sentences(text)
    questions = [part for part in parts if is_question(part)]
    if len(parts) < 2 or not questions or len(questions) == len(parts):
        return text
    focused = text + SEPARATOR + " ".join(questions)
    return focused if len(focused) <= max_chars else text


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class QuestionFocus(StatelessComponent):
    """Appends a long message's question sentences once more (see module)."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # retrain when this changes

    @staticmethod
    def _focus(message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or text.startswith("/"):
            return
        original = message.get(ORIGINAL_TEXT) or text
        focused = focus(original)
        if focused == original:
            return
        message.set(ORIGINAL_TEXT, original)
        message.set(TEXT, text + focused[len(original) :])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._focus(example)
        return training_data

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._focus(message)
        return messages
