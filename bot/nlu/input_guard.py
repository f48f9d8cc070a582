"""Recognise input the assistant cannot read well, so it gets a clear, kind
reply instead of a guess: empty, very long, markup, emoji only, or another
language. The component marks such messages with intent ``unusable_input``
and an ``input_issue`` entity, whose value picks the reply variation.
"""

from __future__ import annotations

import re
import unicodedata
from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.guard import guarded
from bot.nlu.language import other_language, warm_up
from bot.nlu.stateless import StatelessComponent, set_decision

MAX_MESSAGE_CHARS = 2000
# What the safety net reads of a longer message (100 KB takes it ~30 ms).
MAX_SAFETY_CHARS = 100_000
UNTRIMMED_TEXT = "untrimmed_text"

EMPTY = "empty"
TOO_LONG = "too_long"
MARKUP = "markup"
EMOJI_ONLY = "emoji_only"
NON_ENGLISH = "non_english"

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>|javascript:|on\w+\s*=", re.IGNORECASE)


def _is_emoji_or_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in {"So", "Sk", "Cs", "Mn", "Cf", "Me"} or 0x1F000 <= ord(char) <= 0x1FAFF or char in "\u200d\ufe0f"


ORIGINAL_LENGTH = "original_text_length"
# spaCy's tokenizer strips punctuation off a token one character at a time,
# searching the rest each time: quadratic in a long run without spaces
# ("((((...", "!?!?..."; 2,000 characters took over a second). Such a run is
# split at its punctuation before any tokenizer sees it.
_LONG_RUN = re.compile(r"\S{41,}")
_RUN_PUNCTUATION = re.compile(r"[^\w\s]")


def with_long_runs_split(text: str) -> str:
    """``text`` with every run of 41+ non-space characters split at its punctuation."""
    return _LONG_RUN.sub(lambda run: _RUN_PUNCTUATION.sub(r" \g<0> ", run.group()), text)


def classify_input(text: Optional[str], original_length: Optional[int] = None) -> Optional[str]:
    """The issue a message has (see the constants), or None if it is usable.
    ``original_length`` is the length before LongInputTrimmer cut the text."""
    if text is None or not text.strip():
        return EMPTY
    if max(len(text), original_length or 0) > MAX_MESSAGE_CHARS:
        return TOO_LONG
    if _MARKUP.search(text):
        return MARKUP
    visible = [c for c in text if not c.isspace()]
    if all(_is_emoji_or_symbol(c) or unicodedata.category(c).startswith("P") for c in visible) and any(
        _is_emoji_or_symbol(c) for c in visible
    ):
        return EMOJI_ONLY
    if _looks_non_english(text):
        return NON_ENGLISH
    return None


def _looks_non_english(text: str) -> bool:
    return other_language(text) is not None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LongInputTrimmer(StatelessComponent):
    """First in the pipeline: cuts very long messages before tokenizers and
    classifiers see them (100 KB of text would exhaust the classifier's
    memory), and records the original length for InputGuard."""

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text") or ""
            if len(text) > MAX_MESSAGE_CHARS:
                message.set(ORIGINAL_LENGTH, len(text))
                # The safety net still reads all of it (a crisis line may come late).
                message.set(UNTRIMMED_TEXT, text[:MAX_SAFETY_CHARS])
                text = text[:MAX_MESSAGE_CHARS]
                message.set("text", text)
            if _LONG_RUN.search(text) and not text.startswith("/"):
                message.set("text", with_long_runs_split(text))
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(StatelessComponent):
    """Sets intent ``unusable_input`` and entity ``input_issue`` for unreadable input."""

    def __init__(self) -> None:
        warm_up()  # load the language models with the model, not on the first message

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text")
            if text and text.startswith("/") and len(text) < 200:
                continue  # button payloads such as /faq/<key> or /stop_assessment
            if (message.get("intent") or {}).get("name") == "acknowledge":
                continue  # a thumbs-up is read (bot/nlu/confirmation.py)
            # The user's own words, without the glossary's English additions.
            issue = classify_input(message.get("glossary_original_text") or text, message.get(ORIGINAL_LENGTH))
            if issue is None:
                continue
            set_decision(message, "unusable_input", "InputGuard", entity="input_issue", value=issue)
        return messages
