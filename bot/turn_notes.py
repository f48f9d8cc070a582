"""What the channels need to know about a turn, noted once: whether it opened
a conversation session (then the "not a doctor" line goes first), which
other FAQ topics a several-questions message asked about (offered as buttons
after the answer), and which FAQ topic was answered (for its Sources button).

The tracker store notes it while saving a turn (``note``); the channels read
it (``pop``), without reading the whole conversation back from the database.
Data flows one way: store -> here -> channels; neither reaches into the other.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

from bot.faq_topic import FAQ_ANSWER_ACTION, faq_key_of

MAX_REMEMBERED_TURNS = 10_000
ALSO_ASKED = "also_asked"  # set by bot/nlu/embedding_classifier.py
TOLD_HISTORY = "told_history"  # set by bot/nlu/history_question.py
# Message metadata the channels add: {"topic": <the FAQ key answered last>},
# read by bot/nlu/follow_up.py.
FOLLOW_UP_CONTEXT = "follow_up"


@dataclass(frozen=True)
class TurnNote:
    first_turn: bool
    also_asked: Tuple[str, ...] = ()
    answered_topic: Optional[str] = None  # the FAQ key answered in this turn
    listened: bool = True  # the turn ended in action_listen (False: it failed part-way)
    told_history: bool = False  # the answered message held a history (offer the walk-through)


_noted: "OrderedDict[str, TurnNote]" = OrderedDict()
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


def also_asked(events: Sequence[Any]) -> Tuple[str, ...]:
    """The other topics of the latest message, if it was answered with an FAQ."""
    answered = False
    for event in reversed(events):
        if isinstance(event, ActionExecuted) and event.action_name == FAQ_ANSWER_ACTION:
            answered = True
        elif isinstance(event, UserUttered):
            keys: List[str] = list((event.parse_data or {}).get(ALSO_ASKED) or [])
            return tuple(keys) if answered else ()
    return ()


def answered_topic(events: Sequence[Any]) -> Optional[str]:
    """The FAQ key answered in the latest turn (the retrieval intent the
    response selector chose), if an FAQ answer was given."""
    answered = False
    for event in reversed(events):
        if isinstance(event, ActionExecuted) and event.action_name == FAQ_ANSWER_ACTION:
            answered = True
        elif isinstance(event, UserUttered):
            if not answered:
                return None
            return faq_key_of(event.parse_data)
    return None


def last_answered(events: Sequence[Any]) -> Optional[Tuple[str, str]]:
    """(FAQ key, the user's words) of the latest FAQ answer in this session, if any."""
    answered = False
    for event in reversed(events):
        if isinstance(event, SessionStarted):
            return None
        if isinstance(event, ActionExecuted) and event.action_name == FAQ_ANSWER_ACTION:
            answered = True
        elif isinstance(event, UserUttered) and answered:
            key = faq_key_of(event.parse_data)
            if key:
                return key, event.text or ""
            answered = False
    return None


def told_history(events: Sequence[Any]) -> bool:
    """True if the latest message told a history and got an FAQ answer."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return bool((event.parse_data or {}).get(TOLD_HISTORY)) and answered_topic(events) is not None
    return False


def ended_listening(events: Sequence[Any]) -> bool:
    """True if the latest action is action_listen (a finished turn)."""
    for event in reversed(events):
        if isinstance(event, ActionExecuted):
            return event.action_name == ACTION_LISTEN_NAME
        if isinstance(event, UserUttered):
            return False
    return True


def note_of(events: Iterable[Any]) -> TurnNote:
    events = list(events)
    return TurnNote(
        first_turn=is_first_turn_of_session(events),
        also_asked=also_asked(events),
        answered_topic=answered_topic(events),
        listened=ended_listening(events),
        told_history=told_history(events),
    )


def note(sender_id: str, events: Iterable[Any]) -> None:
    """Called by the tracker store for every turn it saves."""
    with _lock:
        _noted[sender_id] = note_of(events)
        _noted.move_to_end(sender_id)
        while len(_noted) > MAX_REMEMBERED_TURNS:
            _noted.popitem(last=False)


def pop(sender_id: str) -> Optional[TurnNote]:
    """The note of the turn last saved for ``sender_id``; None if none was
    noted since the last call (then the caller reads the store)."""
    with _lock:
        return _noted.pop(sender_id, None)
