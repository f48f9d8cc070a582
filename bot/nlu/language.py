"""Is a message written in another language? Decided by a maintained library
that ships its models inside its package (lingua-language-detector, low
accuracy mode: n-gram models of a few languages, about 20 MB), not by word
lists of our own.

English is protected: a message of fewer than three words, one with any of
the forum words of bot/nlu/glossary.yml ("pred for fet, yay or nay"), or one
where English keeps more than a small share of the confidence is never
called another language. Scripts other than Latin (Cyrillic, Arabic, CJK...)
are another language at any length: the assistant reads English only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

# The languages patients of UK, Irish and US clinics most often write in
# besides English (Latin script; other scripts are caught by script).
_LANGUAGES = (
    "ENGLISH",
    "SPANISH",
    "FRENCH",
    "GERMAN",
    "PORTUGUESE",
    "ITALIAN",
    "POLISH",
    "DUTCH",
    "TURKISH",
    "ROMANIAN",
)
MIN_WORDS = 3
MAX_ENGLISH_CONFIDENCE = 0.05
MIN_OTHER_CONFIDENCE = 0.5
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def warm_up() -> None:
    _detector()


def _mostly_other_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    other = sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN"))
    return bool(letters) and other / len(letters) > 0.5


def _has_forum_words(text: str) -> bool:
    from bot.nlu.glossary import load_glossary  # here: the glossary imports the input guard

    return any(entry.pattern.search(text) for entry in load_glossary().entries)


def other_language(text: Optional[str]) -> Optional[str]:
    """The name of the language a message is written in when it is not
    English ("SPANISH", or "OTHER_SCRIPT"), else None."""
    if not text or not text.strip():
        return None
    if _mostly_other_script(text):
        return "OTHER_SCRIPT"
    if len(_WORD.findall(text)) < MIN_WORDS or _has_forum_words(text):
        return None
    confidences = {c.language.name: c.value for c in _detector().compute_language_confidence_values(text)}
    top = max(confidences, key=confidences.get)
    if top == "ENGLISH" or confidences.get("ENGLISH", 0.0) > MAX_ENGLISH_CONFIDENCE:
        return None
    return top if confidences[top] >= MIN_OTHER_CONFIDENCE else None
