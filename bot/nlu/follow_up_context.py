"""Reading follow-ups with the previous answer: "and for RM?", "is it painful?",
"what about my husband?", "tell me more". Plain functions; the components
are bot/nlu/follow_up.py (the table) and bot/nlu/embedding_classifier.py
(the previous question and the follow-up classified together).

Each channel passes the topic it last answered in the message metadata
(``follow_up``, bot/conversation.py). A short message that refers back and
names only a side (RIF / RM), an aspect (tests, treatment, causes, signs,
timing, a partner) or asks for more is read with that topic through the
tables in ``follow_ups.yml``:

* a new topic ("and for RM?" after Tests for RIF -> Tests for RM): intent
  ``faq`` with that topic, exactly as an FAQ button sets it;
* more on the same topic ("is it painful?", "tell me more"): intent
  ``ask_more`` with the topic as the ``faq_key`` entity, answered by the
  deeper variant of ``utter_more``.

A message naming a term of its own ("is aspirin safe?"), or a longer one the
classifier is sure of, is left alone. The decision is ``read_follow_up``, a
plain function with table tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import yaml

from bot.turn_notes import FOLLOW_UP_CONTEXT

LEXICON_FILE = Path(__file__).with_name("follow_ups.yml")
TERMS_FILE = Path(__file__).resolve().parents[1] / "spacy_pipeline" / "terms.yml"
MORE = "more"
PARTNER = "partner"
DIFFERENCE = "difference"
MAX_TEXT = 300


@dataclass(frozen=True)
class FollowUp:
    """The reading of a follow-up: a ``topic`` to answer, ``more`` for the deeper variant."""

    topic: str
    more: bool = False


@dataclass(frozen=True)
class Lexicon:
    max_words: int
    max_words_when_unsure: int
    unsure_below: float
    sides: Mapping[str, "re.Pattern[str]"]
    aspects: Mapping[str, "re.Pattern[str]"]
    refers_back: "re.Pattern[str]"
    sided: Mapping[str, Mapping[str, str]]
    from_topic: Mapping[str, Mapping[str, str]]
    partner_default: str
    context_terms: frozenset
    leads_back: "re.Pattern[str]"
    own_terms: "re.Pattern[str]"  # a domain term that makes a message a question of its own
    difference_topic: str

    def side_of_topic(self, topic: str) -> Optional[str]:
        return next((side for per_side in self.sided.values() for side, key in per_side.items() if key == topic), None)

    def aspect_of_topic(self, topic: str) -> Optional[str]:
        return next((aspect for aspect, per_side in self.sided.items() if topic in per_side.values()), None)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    with LEXICON_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)

    def compiled(pattern: str) -> "re.Pattern[str]":
        return re.compile(pattern, re.IGNORECASE)

    with TERMS_FILE.open(encoding="utf-8") as handle:
        terms = yaml.safe_load(handle)["terms"]
    allowed = set(raw["context_terms"])
    surface_forms = {
        form.lower()
        for per_label in terms.values()
        for key, forms in per_label.items()
        if key in allowed
        for form in forms
    }
    own_forms = sorted(
        {
            form.lower()
            for per_label in terms.values()
            for key, forms in per_label.items()
            if key not in allowed
            for form in forms
        },
        key=len,
        reverse=True,
    )
    return Lexicon(
        max_words=raw["max_words"],
        max_words_when_unsure=raw["max_words_when_unsure"],
        unsure_below=raw["unsure_below"],
        sides={side: compiled(p) for side, p in raw["sides"].items()},
        aspects={aspect: compiled(p) for aspect, p in raw["aspects"].items()},
        refers_back=compiled(raw["refers_back"]),
        sided=raw["sided"],
        from_topic={key: value or {} for key, value in raw["from_topic"].items()},
        partner_default=raw["partner_default"],
        context_terms=frozenset(allowed | surface_forms),
        leads_back=compiled(raw["leads_back"]),
        own_terms=compiled(r"\b(" + "|".join(re.escape(form) for form in own_forms) + r")\b"),
        difference_topic=raw["difference_topic"],
    )


def read_follow_up(
    text: Optional[str],
    previous_topic: Optional[str],
    confidence: float = 0.0,
    terms: Sequence[str] = (),
    words: Optional[Lexicon] = None,
) -> Optional[FollowUp]:
    """The contextual reading of ``text`` after an answer on ``previous_topic``,
    or None to keep the classifier's. ``confidence`` is the classifier's,
    ``terms`` the domain terms found in the message."""
    words = words or lexicon()
    if not text or not previous_topic or text.startswith("/"):
        return None
    text = text[:MAX_TEXT]
    count = len(text.split())
    wide = confidence < words.unsure_below or bool(words.leads_back.search(text))
    if count > (words.max_words_when_unsure if wide else words.max_words):
        return None
    if any(term.lower() not in words.context_terms for term in terms):
        return None  # "is aspirin safe?": a question of its own
    sides = [side for side, pattern in words.sides.items() if pattern.search(text)]
    side = sides[0] if len(sides) == 1 else None
    previous_aspect = words.aspect_of_topic(previous_topic)
    # "different from RM?" compares the patterns only after a definition;
    # after tests or causes it asks the same about the other side.
    aspects = {n: p for n, p in words.aspects.items() if n != DIFFERENCE or previous_aspect == "definition"}
    aspect = next((name for name, pattern in aspects.items() if pattern.search(text)), None)
    if count > 3 and aspect != MORE and not words.refers_back.search(text):
        return None  # a request for more refers back by itself
    previous_side = words.side_of_topic(previous_topic)
    if aspect == DIFFERENCE:
        return FollowUp(words.difference_topic) if (side or previous_side) else None
    if aspect == PARTNER:
        return FollowUp(words.from_topic.get(previous_topic, {}).get(PARTNER, words.partner_default))
    if aspect == MORE:
        if side and previous_side and side != previous_side and previous_aspect:
            return FollowUp(words.sided[previous_aspect][side])  # "why? and for RM?"
        return FollowUp(previous_topic, more=True)
    if aspect in words.sided:
        chosen = side or previous_side
        if chosen:
            return FollowUp(words.sided[aspect][chosen])
        target = words.from_topic.get(previous_topic, {}).get(aspect)
        return FollowUp(target) if target else None
    if aspect is None and side and previous_aspect:
        return FollowUp(words.sided[previous_aspect][side])  # "and for RM?"
    if aspect is None and side and previous_side is None:
        # The topic covers both patterns (lifestyle, immune factors): more on it.
        return FollowUp(previous_topic, more=True)
    return None


@dataclass(frozen=True)
class Context:
    """What the channel passed: the topic answered last and the question it answered."""

    topic: str
    question: str = ""


def context_of(metadata: Any) -> Optional[Context]:
    """The previous answer's context the channel put into the metadata."""
    context = metadata.get(FOLLOW_UP_CONTEXT) if isinstance(metadata, dict) else None
    if not isinstance(context, dict) or not isinstance(context.get("topic"), str):
        return None
    question = context.get("question")
    return Context(context["topic"], question[:MAX_TEXT] if isinstance(question, str) else "")


def leads_back(text: Optional[str], words: Optional[Lexicon] = None) -> bool:
    """True for a message that opens with "and ...", "what about ...", "same for ..."."""
    return bool(text) and bool((words or lexicon()).leads_back.search(text[:MAX_TEXT]))


def names_own_term(text: Optional[str], words: Optional[Lexicon] = None) -> bool:
    """True when the message names a domain term of its own ("aspirin", "PGT")."""
    return bool(text) and bool((words or lexicon()).own_terms.search(text[:MAX_TEXT]))


def is_elliptical(text: Optional[str], words: Optional[Lexicon] = None) -> bool:
    """Short and referring back ("and if they're high?", "polyps too?"): a
    message that needs the previous question to be understood."""
    words = words or lexicon()
    if not text or text.startswith("/"):
        return False
    count = len(text[:MAX_TEXT].split())
    return count <= words.max_words_when_unsure and (count <= 3 or bool(words.refers_back.search(text[:MAX_TEXT])))
