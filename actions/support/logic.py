"""Plain decisions of the support actions, testable without Rasa."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Pattern

from actions.content import load_content


def support_text() -> dict:
    return load_content("support")


@lru_cache(maxsize=1)
def _self_blame_patterns() -> List[Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in support_text()["self_blame_patterns"]]


def voices_self_blame(text: Optional[str]) -> bool:
    """Does the message blame the writer (so the reply says it is not their fault)?"""
    if not text:
        return False
    normalised = text.replace("\u2019", "'")
    return any(p.search(normalised) for p in _self_blame_patterns())


def distress_reply(text: Optional[str]) -> List[str]:
    """Empathy first; "not your fault" where blame is voiced; then an offer."""
    words = support_text()["distress"]
    lines = [words["empathy"].strip()]
    if voices_self_blame(text):
        lines.append(words["not_your_fault"].strip())
    lines.append(words["offer"].strip())
    return lines


def answer_beside_the_question(parse_data: Optional[dict], faq_key: Optional[str]) -> Optional[str]:
    """The response to send before a safety reply that was found by meaning or
    is the tier-2 question, so that it never drops what the message was
    about: beside the tier-2 question, the emergency or same-day advice when
    a symptom was read too (whichever its score says), else the answer to the FAQ question the classifier read;
    beside same-day advice found by meaning, that answer. None otherwise, and
    never beside the tier-1 or the emergency reply."""
    parse_data = parse_data or {}
    finding = parse_data.get("safety_net") or {}
    asked_faq = finding.get("overrode") == "faq" and bool(faq_key)
    if finding.get("tier") == 2:
        risk = parse_data.get("sentence_risk") or {}
        if risk.get("symptom_flagged"):
            urgent = risk.get("urgent", 0.0) >= risk.get("same_day", 0.0)
            return "utter_urgent_care" if urgent else "utter_same_day_care"
        return f"utter_faq/{faq_key}" if asked_faq else None
    if finding.get("reason") == "meaning:symptom" and asked_faq:
        return f"utter_faq/{faq_key}"
    return None
