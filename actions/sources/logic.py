"""Which FAQ answer a user asks about, and its sources in plain words. Plain
functions over plain data; table-tested in tests/test_sources.py."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, List, Optional

from bot.faq_topic import FAQ_ANSWER_ACTION, faq_key_of


def last_answered_topic(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The FAQ key of the latest FAQ answer in a conversation (rasa_sdk
    tracker events as dicts): the retrieval intent of the user message that
    utter_faq answered."""
    answered = False
    for event in reversed(list(events)):
        if event.get("event") == "action" and event.get("name") == FAQ_ANSWER_ACTION:
            answered = True
        elif event.get("event") == "user" and answered:
            key = faq_key_of(event.get("parse_data"))
            if key:
                return key
            answered = False
    return None


def plain_date(value: Any) -> str:
    """2026-11-22 -> 22 November 2026."""
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{date.day} {date:%B %Y}"


def describe_sources(topic: Dict[str, Any], words: Dict[str, Any]) -> List[str]:
    """The lines of the reply: heading, one line per source, review date."""
    names = words["source_names"]
    lines = [words["heading"].format(title=topic["title"])]
    lines.extend(f"- {names.get(source, source)}" for source in topic["sources"])
    lines.append(words["reviewed"].format(date=plain_date(topic["reviewed"])))
    return lines
