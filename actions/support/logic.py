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
