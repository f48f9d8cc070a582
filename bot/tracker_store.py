"""Rasa's SQL tracker store, plus a real "delete my data".

A conversation is deleted from the database, instead of saved, only when
all three hold in this turn: the assistant had asked "Delete everything?"
(``utter_ask_delete_confirmation``), the user's answer was an explicit yes
(the button or a typed "yes", see bot/nlu/confirmation.py), and the
assistant then said it deleted it (``utter_data_deleted``). So a deletion
never hangs on one guess of the classifier or of the dialogue policy.
Works for SQLite (the default) and PostgreSQL alike.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Iterable, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import turn_notes
from bot.nlu.confirmation import AFFIRM, explicit_answer

logger = logging.getLogger(__name__)

DELETION_CONFIRMATION = "utter_data_deleted"
DELETION_QUESTIONS = ("utter_ask_delete_confirmation", "utter_ask_delete_confirmation_paused")
SECONDS_PER_DAY = 24 * 60 * 60


def asked_to_forget(events: Iterable[Any]) -> bool:
    """True if, in the latest turn, the user answered the deletion question
    with an explicit yes and the assistant confirmed the deletion."""
    last_bot_action = None
    question_before_answer = None
    answer_was_yes = False
    confirmed = False
    for event in events:
        if isinstance(event, UserUttered):
            question_before_answer = last_bot_action
            answer_was_yes = explicit_answer(event.text) == AFFIRM
            confirmed = False
        elif isinstance(event, ActionExecuted) and event.action_name != "action_listen":
            last_bot_action = event.action_name
            if event.action_name == DELETION_CONFIRMATION:
                confirmed = True
    return confirmed and answer_was_yes and question_before_answer in DELETION_QUESTIONS


class PrivacyAwareSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that deletes a conversation on request and by age.

    It also notes, when it saves a turn, whether that turn opened a session
    (bot/turn_notes.py), so the channels can add the "not a doctor" line
    without reading the whole conversation back from the database."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        turn_notes.note(tracker.sender_id, tracker.events)
        if asked_to_forget(tracker.events):
            deleted = self.delete_conversation(tracker.sender_id)
            logger.info("Deleted a conversation on the user's request (%d events).", deleted)
            return
        await super().save(tracker)

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
