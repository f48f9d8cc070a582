"""Turn what people type into form answers. Plain functions, no Rasa types.

Counts accept digits, number words ("three", "twenty-one"), "once"/"twice",
"a couple", and "none"/"no"/"never"/"zero" for 0; "not sure"/"I don't know"
mean unknown. spaCy's ``like_num`` finds the number tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional

from text_to_num import alpha2digit

from actions.content import OTHER_REGION, UNKNOWN  # noqa: F401 - answer values, re-exported

MAX_COUNT = 30
# Any longer run of digits is "more than anything we count": Python's int()
# would refuse over 4,300 digits and costs time before that.
MAX_DIGITS = 6
NUMBER_CEILING = 10**MAX_DIGITS

# Problems a count answer can have; each has an explanation in the domain
# (utter_explain_count_<problem>).
NOT_A_NUMBER = "not_a_number"
NEGATIVE = "negative"
TOO_LARGE = "too_large"
AMBIGUOUS = "ambiguous"

_UNKNOWN_PHRASES = re.compile(
    r"\b(not sure|unsure|no idea|don'?t know|do not know|dont know|dunno|idk|"
    r"can'?t remember|cannot remember|don'?t remember|not certain|skip|prefer not)\b"
)
_ZERO_PHRASES = re.compile(
    r"^(none|no|nope|never|zero|nil|nothing|not any|not one|no transfers?|no losses|not yet|0)\b"
)
_VAGUE = re.compile(r"\b(a few|few|several|many|lots|loads|some|a lot)\b")
_NEGATIVE = re.compile(r"(^|[^\w])-\s*\d|\bminus\b")

_TIMES: Dict[str, int] = {"once": 1, "twice": 2, "thrice": 3}


@dataclass(frozen=True)
class CountAnswer:
    """A parsed count: ``value`` when valid, ``unknown`` when the user does
    not know, else ``problem`` says what is wrong."""

    value: Optional[int] = None
    unknown: bool = False
    problem: Optional[str] = None

    @property
    def is_valid(self) -> bool:
        return self.value is not None or self.unknown

    @property
    def slot_value(self):
        return UNKNOWN if self.unknown else self.value


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en")


def warm_up() -> None:
    """Load the tokenizer now: importing spaCy takes seconds (it pulls in
    TensorFlow through thinc), better paid at start-up than by a user."""
    _tokenizer()


def whole_number(digits: str) -> int:
    """A run of decimal digits (any script) as an int, at most NUMBER_CEILING."""
    digits = digits.lstrip("0") or "0"
    return NUMBER_CEILING if len(digits) > MAX_DIGITS else int(digits)


# spaCy's tokenizer strips punctuation off a run without spaces one character
# at a time, searching the rest again each time: 2,000 "(" or emoji took 0.6 s.
# A long run is split at its punctuation first (a number keeps "1,000", "2.5").
_LONG_RUN = re.compile(r"\S{41,}")
_RUN_PUNCTUATION = re.compile(r"[^\w,.]|_|(?<!\d)[,.]|[,.](?!\d)")


def _spaced(text: str) -> str:
    return _LONG_RUN.sub(lambda run: _RUN_PUNCTUATION.sub(r" \g<0> ", run.group()), text)


def _numbers_in(text: str) -> List[int]:
    """Numbers in the text, number words composed by text2num's ``alpha2digit``
    ("twenty one" -> 21, "a hundred" -> 100); "once" / "twice" count too."""
    numbers: List[int] = []
    digits = alpha2digit(text.replace("-", " "), "en", threshold=0)
    for token in _tokenizer()(_spaced(digits)):
        word = token.lower_
        if word in _TIMES:
            numbers.append(_TIMES[word])
        elif word.replace(",", "").isdecimal():
            numbers.append(whole_number(word.replace(",", "")))
        elif re.fullmatch(r"\d+\.\d+", word):
            numbers.append(-1)  # a fraction is never a valid count
    return numbers


def parse_count(text: Optional[str], maximum: int = MAX_COUNT) -> CountAnswer:
    """Parse a "how many" answer into a whole number from 0 to ``maximum``."""
    cleaned = " ".join((text or "").lower().split())
    if not cleaned:
        return CountAnswer(problem=NOT_A_NUMBER)
    if _UNKNOWN_PHRASES.search(cleaned):
        return CountAnswer(unknown=True)
    if _NEGATIVE.search(cleaned):
        return CountAnswer(problem=NEGATIVE)
    if re.search(r"\b(a )?couple\b", cleaned):
        return CountAnswer(value=2)
    numbers = _numbers_in(cleaned)
    if not numbers:
        if _ZERO_PHRASES.search(cleaned):
            return CountAnswer(value=0)
        if _VAGUE.search(cleaned):
            return CountAnswer(problem=AMBIGUOUS)
        return CountAnswer(problem=NOT_A_NUMBER)
    if len(set(numbers)) > 1:
        return CountAnswer(problem=AMBIGUOUS)
    value = numbers[0]
    if value < 0:
        return CountAnswer(problem=NOT_A_NUMBER)
    if value > maximum:
        return CountAnswer(problem=TOO_LARGE)
    return CountAnswer(value=value)


# Yes / no / not sure answers ------------------------------------------------

YES, NO, SOME = "yes", "no", "some"

_YES = re.compile(
    r"^(yes|yeah|yep|yup|ya|y|sure|correct|definitely|they were|we have|we did|i have|both|both of us|done|good|all of them)\b"
)
_NO = re.compile(r"^(no|nope|nah|n|not really|neither|never|they weren'?t|we haven'?t|i haven'?t|not yet|none|poor)\b")
_SOME = re.compile(r"\b(some|mixed|a few of them|one of us|only me|only my partner|partly|half)\b")


def parse_yes_no(text: Optional[str], allow_some: bool = False) -> Optional[str]:
    """ "yes", "no", "some" (if allowed), ``UNKNOWN``, or None when unclear."""
    cleaned = " ".join((text or "").lower().split()).strip(" .!?")
    if not cleaned:
        return None
    if _UNKNOWN_PHRASES.search(cleaned):
        return UNKNOWN
    if allow_some and _SOME.search(cleaned):
        return SOME
    if _NO.search(cleaned):
        return NO
    if _YES.search(cleaned):
        return YES
    return None


# Region ------------------------------------------------------------------------


def parse_region(text: Optional[str], aliases: Dict[str, List[str]]) -> Optional[str]:
    """Region key whose alias appears in the text; ``UNKNOWN`` for "not sure";
    ``other`` for any other place; None for an empty answer."""
    cleaned = " ".join((text or "").lower().split()).strip(" .!?")
    if not cleaned:
        return None
    if _UNKNOWN_PHRASES.search(cleaned):
        return UNKNOWN
    return region_named_in(cleaned, aliases) or OTHER_REGION


def region_named_in(text: Optional[str], aliases: Dict[str, List[str]]) -> Optional[str]:
    """Region key whose alias appears as words in the text, else None."""
    words = re.sub(r"[^a-z0-9 ]", " ", (text or "").lower()).split()
    padded = f" {' '.join(words)} "
    for region, names in aliases.items():
        for name in names:
            if f" {name.lower()} " in padded:
                return region
    return None
