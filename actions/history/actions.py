"""rasa_sdk actions of the history walk-through: thin adapters around the
plain functions in this package."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import format_resources, region_aliases
from actions.forms import FAILED_ATTEMPTS_SLOT, CountingFormValidationAction
from actions.history import answers
from actions.history.assessment import Pattern, assess_history
from actions.history.content import (
    format_prefilled,
    format_summary,
    guidance_content,
    guidance_for,
    related_topic_buttons,
)
from actions.history.form_logic import (
    HISTORY_SLOTS,
    REGION_SLOT,
    answers_for_assessment,
    check_answer,
    prefilled_answers,
    required_history_slots,
)
from actions.history.narrative import parse_history

ASSESSMENT_SLOT = "assessment"

answers.warm_up()  # at action server start, not on the first walk-through answer


def _history_slots(tracker: Tracker) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in HISTORY_SLOTS}


class ValidateHistoryForm(CountingFormValidationAction):
    def name(self) -> Text:
        return "validate_history_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return required_history_slots(domain_slots, _history_slots(tracker))

    def _check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        checked = check_answer(slot, value, _history_slots(tracker), region_aliases())
        if checked.problem:
            return self.reject(slot, checked.problem, dispatcher, tracker, checked.details)
        return self.accept(slot, checked.value)

    def validate_embryo_transfers(self, value, dispatcher, tracker, domain):
        return self._check("embryo_transfers", value, dispatcher, tracker)

    def validate_positive_tests(self, value, dispatcher, tracker, domain):
        return self._check("positive_tests", value, dispatcher, tracker)

    def validate_confirmed_losses(self, value, dispatcher, tracker, domain):
        return self._check("confirmed_losses", value, dispatcher, tracker)

    def validate_embryos_good_quality(self, value, dispatcher, tracker, domain):
        return self._check("embryos_good_quality", value, dispatcher, tracker)

    def validate_losses_first_trimester(self, value, dispatcher, tracker, domain):
        return self._check("losses_first_trimester", value, dispatcher, tracker)

    def validate_chromosome_tests_both(self, value, dispatcher, tracker, domain):
        return self._check("chromosome_tests_both", value, dispatcher, tracker)

    def validate_user_region(self, value, dispatcher, tracker, domain):
        return self._check("user_region", value, dispatcher, tracker)


def _pattern_of(tracker: Tracker) -> Pattern:
    return assess_history(**answers_for_assessment(_history_slots(tracker)))


def _assessed_pattern(tracker: Tracker) -> Pattern:
    """The pattern set by action_assess_history, or worked out again if missing."""
    return Pattern(tracker.get_slot(ASSESSMENT_SLOT) or _pattern_of(tracker).value)


class ActionAssessHistory(Action):
    """Names the pattern the history resembles (never a diagnosis)."""

    def name(self) -> Text:
        return "action_assess_history"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        pattern = _pattern_of(tracker)
        dispatcher.utter_message(text=guidance_for(pattern)["result"].strip())
        dispatcher.utter_message(text=guidance_content()["caveat"].strip())
        return [SlotSet(ASSESSMENT_SLOT, pattern.value)]


class ActionShareNextSteps(Action):
    """What specialists look at, the partner's part, and support resources."""

    def name(self) -> Text:
        return "action_share_next_steps"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        pattern = _assessed_pattern(tracker)
        dispatcher.utter_message(text=guidance_for(pattern)["look_at"].strip())
        dispatcher.utter_message(text=guidance_content()["partner_and_health"].strip())
        dispatcher.utter_message(text=format_resources(tracker.get_slot("user_region")))
        return []


class ActionShareHistorySummary(Action):
    """One message to take to the clinic, then related topics."""

    def name(self) -> Text:
        return "action_share_history_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        pattern = _assessed_pattern(tracker)
        dispatcher.utter_message(
            text=format_summary(_history_slots(tracker), pattern),
            buttons=related_topic_buttons(pattern),
        )
        return []


class ActionResetHistory(Action):
    """Forgets the walk-through's answers (stop, start over) and takes those the
    starting message already gives. The region is kept: it is about the user,
    not the history, and is asked only once."""

    def name(self) -> Text:
        return "action_reset_history"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = [SlotSet(slot, None) for slot in HISTORY_SLOTS if slot != REGION_SLOT]
        events += [SlotSet(FAILED_ATTEMPTS_SLOT, 0), SlotSet(ASSESSMENT_SLOT, None)]
        # "3 failed transfers, is that RIF?": what the message already says is not asked again.
        told = prefilled_answers(parse_history(tracker.latest_message.get("text") or "").to_slots())
        if told:
            dispatcher.utter_message(text=format_prefilled(told))
            events += [SlotSet(slot, value) for slot, value in told.items()]
        return events
