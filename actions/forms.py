"""Form validation shared by the walk-through and the region question:
each unusable answer gets an explanation, and after MAX_FAILED_ATTEMPTS the
user is offered to skip the question or stop (as RasaHQ/financial-demo's
base class counts failed attempts)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import form_content

FAILED_ATTEMPTS_SLOT = "history_failed_attempts"
MAX_FAILED_ATTEMPTS = 2


class CountingFormValidationAction(FormValidationAction, ABC):
    """Counts unusable answers to the current question (see module)."""

    @abstractmethod
    def name(self) -> Text:
        """The validation action's name."""

    def accept(self, slot: str, value: Any) -> Dict[Text, Any]:
        return {slot: value, FAILED_ATTEMPTS_SLOT: 0}

    def reject(
        self, slot: str, problem: str, dispatcher: CollectingDispatcher, tracker: Tracker, details=None
    ) -> Dict[Text, Any]:
        content = form_content()
        attempts = int(tracker.get_slot(FAILED_ATTEMPTS_SLOT) or 0) + 1
        dispatcher.utter_message(text=content["explanations"][problem].strip().format(**(details or {})))
        if attempts >= MAX_FAILED_ATTEMPTS:
            offer = content["offer_skip_or_stop"]
            dispatcher.utter_message(text=offer["text"].strip(), buttons=offer["buttons"])
        return {slot: None, FAILED_ATTEMPTS_SLOT: attempts}
