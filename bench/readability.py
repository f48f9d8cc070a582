"""Plain-language checks for the answers: sentences, syllables, Flesch-Kincaid grade.

Pure functions, standard library only (textstat is not a dependency). The rules
are simple heuristics, documented here so a reviewer can reproduce a figure by
hand:

* Sentences end at ``.``, ``!`` or ``?`` (plus any closing quote or bracket)
  followed by white space or the end of the text. A full stop with no space
  after it (``2.5``, the inner dot of ``e.g.``) never ends a sentence, and
  neither does the dot of a known abbreviation (``e.g.``, ``i.e.``, ``Dr.``,
  ``vs.`` ...; see ``ABBREVIATIONS``). Colons and semicolons do not split.
* Words are white-space separated tokens that hold at least one letter or
  digit. A hyphenated or slashed token (``first-trimester``, ``Th1/Th2``) is
  one word; its syllables are the sum of its parts.
* Syllables of an ordinary word: groups of consecutive vowels (``a e i o u``,
  and ``y`` except as the first letter); a final silent ``e`` is not counted
  (``make``) unless the word ends in consonant + ``le`` (``table``); a final
  ``-ed`` is silent unless it follows ``t`` or ``d`` (``formed`` vs
  ``tested``); a final ``-es`` is silent after a consonant other than
  ``s x z c g h`` and consonant + ``l`` (``makes`` vs ``uses``, ``changes``,
  ``tables``). Every word has at least one syllable. Apostrophes are dropped
  first (``don't`` -> ``dont``).
* Abbreviations and numbers: a part written in capitals (two or more letters,
  e.g. ``RIF``, ``HFEA``, ``NICE``) or in digits (``999``, ``2023``) counts one
  syllable per character, at most three. So ``IVF`` = 3, ``RCOG`` = 3,
  ``PGT-A`` = 3 + 1 = 4. This slightly over-counts short spoken acronyms
  (``NICE``), which keeps the grade on the cautious side.

Flesch-Kincaid grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

__all__ = [
    "ABBREVIATIONS",
    "AnswerStats",
    "fk_grade",
    "sentences",
    "summarise",
    "syllables",
    "text_syllables",
    "words",
]

# Lower-cased tokens whose final dot does not end a sentence.
ABBREVIATIONS = frozenset(
    {"e.g.", "i.e.", "etc.", "vs.", "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "no.", "approx.", "cf.", "fig."}
)
MAX_ABBREVIATION_SYLLABLES = 3

_SENTENCE_END = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s|$)")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_PART = re.compile(r"[A-Za-z0-9]+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_VOWELS = "aeiouy"


def sentences(text: str) -> List[str]:
    """The sentences of ``text``, stripped, in order (empty ones dropped)."""
    found: List[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        candidate = text[start:end]
        last_token = candidate.split()[-1].lower() if candidate.split() else ""
        # Drop an opening bracket or quote so "(e.g." is still seen as "e.g.".
        last_token = last_token.lstrip("(\"'[\u2018\u201c")
        if last_token in ABBREVIATIONS:
            continue
        if candidate.strip():
            found.append(candidate.strip())
        start = end
    tail = text[start:].strip()
    if tail and _ALNUM.search(tail):
        found.append(tail)
    return found


def words(text: str) -> List[str]:
    """White-space separated tokens that contain at least one letter or digit."""
    return [token for token in text.split() if _ALNUM.search(token)]


def _part_syllables(part: str) -> int:
    """Syllables of one run of letters/digits (no punctuation inside)."""
    if part.isdigit() or (len(part) >= 2 and part.isupper() and part.isalpha()):
        return min(len(part), MAX_ABBREVIATION_SYLLABLES)
    if any(ch.isdigit() for ch in part):
        # Mixed tokens such as "Th1" or "PGT2": letters and digits separately.
        return sum(_part_syllables(piece) for piece in re.findall(r"[A-Za-z]+|[0-9]+", part))
    word = part.lower()
    groups = _VOWEL_GROUP.findall(word[1:] if word.startswith("y") else word)
    count = len(groups)
    if len(word) > 2 and word.endswith("e") and not word.endswith(("ee", "ye")):
        consonant_le = word.endswith("le") and word[-3] not in _VOWELS
        if not consonant_le and word[-2] not in _VOWELS:
            count -= 1  # silent final e: "make", "fibroids" is unaffected
    if len(word) > 3 and word.endswith("ed") and word[-3] not in _VOWELS and word[-3] not in "td":
        count -= 1  # silent -ed: "formed", "checked" (not "tested")
    elif len(word) > 3 and word.endswith("es") and word[-3] not in _VOWELS and word[-3] not in "sxzcgh":
        if not (word[-3] == "l" and word[-4] not in _VOWELS):
            count -= 1  # silent -es: "makes", "times" (not "uses", "changes", "tables")
    return max(1, count)


def syllables(word: str) -> int:
    """Syllables of one word (see the module docstring for the rules)."""
    cleaned = word.replace("'", "").replace("\u2019", "")
    parts = _PART.findall(cleaned)
    if not parts:
        return 0
    return sum(_part_syllables(part) for part in parts)


def text_syllables(text: str) -> int:
    return sum(syllables(token) for token in words(text))


def _counts(text: str) -> Tuple[int, int, int]:
    return len(words(text)), max(1, len(sentences(text))), text_syllables(text)


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level of ``text`` (0.0 for text without words)."""
    n_words, n_sentences, n_syllables = _counts(text)
    if n_words == 0:
        return 0.0
    return 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59


@dataclass(frozen=True)
class AnswerStats:
    """Readability figures for one answer."""

    key: str
    words: int
    sentences: int
    syllables: int
    grade: float
    longest_sentence: int  # in words

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(1, self.sentences)

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / max(1, self.words)


def summarise(key: str, text: str) -> AnswerStats:
    """All readability figures of one answer."""
    n_words, n_sentences, n_syllables = _counts(text)
    longest = max((len(words(sentence)) for sentence in sentences(text)), default=0)
    return AnswerStats(
        key=key,
        words=n_words,
        sentences=n_sentences,
        syllables=n_syllables,
        grade=round(fk_grade(text), 2),
        longest_sentence=longest,
    )
