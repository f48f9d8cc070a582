"""Rasa's SQL tracker store, plus a real "delete my data".

When the assistant has confirmed a deletion in this turn (it ran
``utter_data_deleted`` after the user's last message), the conversation's
events are deleted from the database instead of saved. Works for SQLite
(the default) and PostgreSQL alike.
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Iterable, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversation import is_first_turn_of_session

logger = logging.getLogger(__name__)

DELETION_CONFIRMATION = "utter_data_deleted"
SECONDS_PER_DAY = 24 * 60 * 60


def asked_to_forget(events: Iterable[Any]) -> bool:
    """True if the deletion was confirmed after the latest user message."""
    confirmed = False
    for event in events:
        if isinstance(event, UserUttered):
            confirmed = False
        elif isinstance(event, ActionExecuted) and event.action_name == DELETION_CONFIRMATION:
            confirmed = True
    return confirmed


MAX_REMEMBERED_TURNS = 10_000


class PrivacyAwareSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that deletes a conversation on request and by age.

    It also notes, when it saves a turn, whether that turn opened a session,
    so the channels can add the "not a doctor" line without reading the
    whole conversation back from the database (bot/conversation.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._first_turn_by_sender: "OrderedDict[str, bool]" = OrderedDict()

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._remember_first_turn(tracker)
        if asked_to_forget(tracker.events):
            deleted = self.delete_conversation(tracker.sender_id)
            logger.info("Deleted a conversation on the user's request (%d events).", deleted)
            return
        await super().save(tracker)

    def _remember_first_turn(self, tracker: DialogueStateTracker) -> None:
        self._first_turn_by_sender[tracker.sender_id] = is_first_turn_of_session(tracker.events)
        self._first_turn_by_sender.move_to_end(tracker.sender_id)
        while len(self._first_turn_by_sender) > MAX_REMEMBERED_TURNS:
            self._first_turn_by_sender.popitem(last=False)

    def pop_first_turn_of_last_save(self, sender_id: str) -> Optional[bool]:
        """Whether the turn this server last saved for ``sender_id`` opened a
        session; None if it saved none since the last call (then read the store)."""
        return self._first_turn_by_sender.pop(sender_id, None)

    def delete_conversation(self, sender_id: str) -> int:
        """Delete every stored event of one conversation; returns how many."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return deleted

    def delete_conversations_older_than(self, days: float, now: Optional[float] = None) -> int:
        """Delete conversations whose latest event is older than ``days``; returns how many."""
        import sqlalchemy as sa

        cutoff = (now if now is not None else time.time()) - days * SECONDS_PER_DAY
        with self.session_scope() as session:
            stale = [
                row[0]
                for row in session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
            ]
            if stale:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(stale)).delete(
                    synchronize_session=False
                )
            session.commit()
        return len(stale)
