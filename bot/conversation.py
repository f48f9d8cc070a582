"""What channels add around the assistant's replies, independent of the
action server: the "not a doctor" line at the start of each session, and an
apology instead of silence."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml
from rasa.shared.core.events import SessionStarted, UserUttered

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@lru_cache(maxsize=1)
def messages() -> Dict[str, str]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        return {key: " ".join(value.split()) for key, value in yaml.safe_load(handle).items()}


def is_first_turn_of_session(events: Iterable[Any]) -> bool:
    """True if exactly one user message follows the latest session start
    (Rasa's own action_session_start, which needs no action server)."""
    user_messages = 0
    for event in events:
        if isinstance(event, SessionStarted):
            user_messages = 0
        elif isinstance(event, UserUttered):
            user_messages += 1
    return user_messages == 1


def with_session_start_and_apology(replies: List[Dict[str, Any]], recipient_id: str, first_turn: bool) -> List[Dict[str, Any]]:
    """The replies to send: an apology if there are none, the disclaimer first in a new session."""
    replies = list(replies) or [{"recipient_id": recipient_id, "text": messages()["apology"]}]
    if first_turn:
        replies.insert(0, {"recipient_id": recipient_id, "text": messages()["session_disclaimer"]})
    return replies
