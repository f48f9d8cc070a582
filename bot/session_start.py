"""Whether a turn opened a conversation session: the one place that knows.

The tracker store notes it while saving a turn (``note``); the channels read
it (``pop``) to put the "not a doctor" line first, without reading the whole
conversation back from the database. Data flows one way: store -> here ->
channels; neither reaches into the other.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any, Iterable, Optional

from rasa.shared.core.events import SessionStarted, UserUttered

MAX_REMEMBERED_TURNS = 10_000

_noted: "OrderedDict[str, bool]" = OrderedDict()
_lock = Lock()


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


def note(sender_id: str, events: Iterable[Any]) -> None:
    """Called by the tracker store for every turn it saves."""
    with _lock:
        _noted[sender_id] = is_first_turn_of_session(events)
        _noted.move_to_end(sender_id)
        while len(_noted) > MAX_REMEMBERED_TURNS:
            _noted.popitem(last=False)


def pop(sender_id: str) -> Optional[bool]:
    """Whether the turn last saved for ``sender_id`` opened a session; None if
    none was noted since the last call (then the caller reads the store)."""
    with _lock:
        return _noted.pop(sender_id, None)
