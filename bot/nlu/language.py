"""Is a message written in another language? Decided by maintained libraries
that ship their data inside their packages, not by word lists of our own:
lingua-language-detector (low accuracy mode: n-gram models of ten languages,
about 20 MB) proposes a language, and spaCy's stop-word lists of that
language and of English must agree (more of its function words than of
English ones; a message with no function words at all needs lingua to be
sure and most of its words not to be English forms in spacy-lookups-data's
lemma table). Low accuracy mode alone called "thyroid peroxidase antibodies
meaning" and "find me a cheap hotel" German; high accuracy mode needs about
330 MB for these ten languages.

English is protected: a message of fewer than three words, one with any of
the forum words of bot/nlu/glossary.yml ("pred for fet, yay or nay"), or one
where English keeps more than a small share of lingua's confidence is never
called another language. Scripts other than Latin (Cyrillic, Arabic, CJK...)
are another language at any length: the assistant reads English only.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache
from typing import Optional

# The languages patients of UK, Irish and US clinics most often write in
# besides English (Latin script; other scripts are caught by script), with
# their spaCy language codes.
_LANGUAGES = {
    "ENGLISH": "en",
    "SPANISH": "es",
    "FRENCH": "fr",
    "GERMAN": "de",
    "PORTUGUESE": "pt",
    "ITALIAN": "it",
    "POLISH": "pl",
    "DUTCH": "nl",
    "TURKISH": "tr",
    "ROMANIAN": "ro",
}
MIN_WORDS = 3
MAX_ENGLISH_CONFIDENCE = 0.05
# "hola, necesito ayuda" has no function words at all: lingua must then be sure.
SURE_WITHOUT_FUNCTION_WORDS = 0.95
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_ANY_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


@lru_cache(maxsize=None)
def _stop_words(name: str) -> frozenset:
    module = importlib.import_module(f"spacy.lang.{_LANGUAGES[name]}.stop_words")
    return frozenset(module.STOP_WORDS)


def warm_up() -> None:
    _detector()
    for name in _LANGUAGES:
        _stop_words(name)
    _english_inflections()


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
    words = [word.lower() for word in _ANY_WORD.findall(text)]
    theirs = sum(word in _stop_words(top) for word in words)
    ours = sum(word in _stop_words("ENGLISH") for word in words)
    sure = confidences[top] >= SURE_WITHOUT_FUNCTION_WORDS and ours == 0 and not _mostly_english_words(words)
    return top if theirs > ours or sure else None


@lru_cache(maxsize=1)
def _english_inflections() -> frozenset:
    """English word forms from spacy-lookups-data's lemma table (forms and lemmas)."""
    import gzip
    import json
    from pathlib import Path

    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    return frozenset(table) | frozenset(table.values())


def _mostly_english_words(words: list) -> bool:
    known = sum(word in _english_inflections() for word in words)
    return known * 2 >= len(words)
