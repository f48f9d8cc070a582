"""rasa_sdk actions of the history walk-through: thin adapters around the
plain functions in this package."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.profile import RegionWithoutAsking
from actions.content import form_content, format_resources, region_aliases
from actions.forms import FAILED_ATTEMPTS_SLOT, MAX_FAILED_ATTEMPTS, CountingFormValidationAction
from actions.history import answers
from actions.history.assessment import Assessment, Flag, Pattern, assess
from actions.history.content import (
    change_choices,
    flag_lines,
    format_prefilled,
    format_summary,
    format_understood,
    guidance_content,
    guidance_for,
    related_topic_buttons,
    understood_buttons,
)
from actions.history.form_logic import (
    HISTORY_SLOTS,
    REGION_SLOT,
    prefilled_answers,
    required_history_slots,
)
from actions.history.narrative import history_from_dict, history_to_dict, parse_history
from actions.history.walkthrough import (
    CONFIRMED_SLOT,
    HISTORY_SLOT,
    NOTE_CHANGE_CHOICES,
    NOTE_CHANGE_PROMPT,
    NOTE_PAUSE,
    TakenAnswer,
    facts_for_assessment,
    is_a_pause,
    looks_like_question,
    take_answer,
    understood,
)
from bot.faq_topic import faq_key_of

ASSESSMENT_SLOT = "assessment"
FLAGS_SLOT = "assessment_flags"
ASKED_BACK_SLOT = "asked_back"  # the question a vague answer was asked back for, once
CHOICES_OFFERED = "history_confirmed_choices"  # asked_back: the change choices are the open question

answers.warm_up()  # at action server start, not on the first walk-through answer


def _history_slots(tracker: Tracker) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in HISTORY_SLOTS + (CONFIRMED_SLOT,)}


def _history(tracker: Tracker) -> Any:
    return history_from_dict(tracker.get_slot(HISTORY_SLOT))


def _take(slot: str, value: Any, tracker: Tracker) -> TakenAnswer:
    asked = tracker.get_slot(ASKED_BACK_SLOT)
    choices_offered = slot == CONFIRMED_SLOT and asked == CHOICES_OFFERED
    return take_answer(
        slot, value, _history_slots(tracker), _history(tracker), asked == slot, region_aliases(), choices_offered
    )


def _say_note(note: Any, dispatcher: CollectingDispatcher) -> None:
    if note:
        dispatcher.utter_message(text=form_content()["notes"][note].strip())


class ValidateHistoryForm(RegionWithoutAsking, CountingFormValidationAction):
    def name(self) -> Text:
        return "validate_history_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return required_history_slots(domain_slots, _history_slots(tracker))

    def _check(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if value is None:  # cleared by a correction: asked again, not a failed attempt
            return {slot: None}
        if is_a_pause(slot, (tracker.latest_message.get("intent") or {}).get("name")):
            _say_note(NOTE_PAUSE, dispatcher)
            return {slot: None}  # the form asks again; the failed-attempt count stays as it was
        taken = _take(slot, value, tracker)
        if taken.problem:
            rejected = self.reject(slot, taken.problem, dispatcher, tracker, taken.details)
            return {**rejected, ASKED_BACK_SLOT: slot if taken.vague else None}
        if taken.note == NOTE_CHANGE_CHOICES:
            choices = change_choices()
            dispatcher.utter_message(text=" ".join(choices["text"].split()), buttons=choices["buttons"])
        else:
            _say_note(taken.note, dispatcher)
        # After "What should I change?" a second "no" gets choices (never the summary a third time).
        asked = {NOTE_CHANGE_PROMPT: CONFIRMED_SLOT, NOTE_CHANGE_CHOICES: CHOICES_OFFERED}.get(taken.note or "")
        return {**taken.slots, FAILED_ATTEMPTS_SLOT: 0, ASKED_BACK_SLOT: asked}

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

    def validate_history_confirmed(self, value, dispatcher, tracker, domain):
        return self._check(CONFIRMED_SLOT, value, dispatcher, tracker)

    def validate_user_region(self, value, dispatcher, tracker, domain):
        return self._check("user_region", value, dispatcher, tracker)


class ActionAskHistoryConfirmed(Action):
    """ "Here is what I understood: ..." with Yes / Change something."""

    def name(self) -> Text:
        return "action_ask_history_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot(ASKED_BACK_SLOT) == CHOICES_OFFERED:
            return []  # the choices just shown are the question
        items = understood(_history_slots(tracker), _history(tracker))
        dispatcher.utter_message(text=format_understood(items), buttons=understood_buttons())
        return []


class ActionAnswerInWalkThrough(Action):
    """A message in the middle of the walk-through that the classifier took for
    a question: if it reads as an answer to the open question, take it (the
    form then asks the next one); otherwise answer the question, and after the
    second question on the same step offer to skip it."""

    def name(self) -> Text:
        return "action_answer_in_walk_through"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slot = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        if slot and not looks_like_question(text):
            taken = _take(slot, text, tracker)
            if taken.taken:
                _say_note(taken.note, dispatcher)
                values = {**taken.slots, FAILED_ATTEMPTS_SLOT: 0, ASKED_BACK_SLOT: None}
                return [SlotSet(name, value) for name, value in values.items()]
        key = faq_key_of(tracker.latest_message)
        if key:
            dispatcher.utter_message(response=f"utter_faq/{key}")
        attempts = int(tracker.get_slot(FAILED_ATTEMPTS_SLOT) or 0) + 1
        if attempts >= MAX_FAILED_ATTEMPTS:
            offer = form_content()["offer_skip_or_stop"]
            dispatcher.utter_message(text=offer["text"].strip(), buttons=offer["buttons"])
        return [SlotSet(FAILED_ATTEMPTS_SLOT, attempts)]


def _assessment_of(tracker: Tracker) -> Assessment:
    return assess(facts_for_assessment(_history_slots(tracker), _history(tracker)))


def _assessed(tracker: Tracker) -> Assessment:
    """The assessment set by action_assess_history, or worked out again if missing."""
    stored = tracker.get_slot(ASSESSMENT_SLOT)
    if not stored:
        return _assessment_of(tracker)
    return Assessment(Pattern(stored), tuple(Flag(flag) for flag in tracker.get_slot(FLAGS_SLOT) or ()))


class ActionAssessHistory(Action):
    """Names the pattern the history resembles (never a diagnosis)."""

    def name(self) -> Text:
        return "action_assess_history"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        assessment = _assessment_of(tracker)
        dispatcher.utter_message(text=guidance_for(assessment.pattern)["result"].strip())
        for line in flag_lines(assessment):
            dispatcher.utter_message(text=line)
        dispatcher.utter_message(text=guidance_content()["caveat"].strip())
        return [SlotSet(ASSESSMENT_SLOT, assessment.pattern.value), SlotSet(FLAGS_SLOT, list(assessment.flag_values))]


class ActionShareNextSteps(Action):
    """What specialists look at, the partner's part, and support resources."""

    def name(self) -> Text:
        return "action_share_next_steps"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        pattern = _assessed(tracker).pattern
        dispatcher.utter_message(text=guidance_for(pattern)["look_at"].strip())
        dispatcher.utter_message(text=guidance_content()["partner_and_health"].strip())
        dispatcher.utter_message(text=format_resources(tracker.get_slot("user_region")))
        return []


class ActionShareHistorySummary(Action):
    """One message to take to the clinic, then related topics."""

    def name(self) -> Text:
        return "action_share_history_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        assessment = _assessed(tracker)
        dispatcher.utter_message(
            text=format_summary(_history_slots(tracker), assessment.pattern, assessment.flag_values),
            buttons=related_topic_buttons(assessment.pattern),
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
        events += [SlotSet(FAILED_ATTEMPTS_SLOT, 0), SlotSet(ASSESSMENT_SLOT, None), SlotSet(FLAGS_SLOT, None)]
        events += [SlotSet(CONFIRMED_SLOT, None), SlotSet(HISTORY_SLOT, None), SlotSet(ASKED_BACK_SLOT, None)]
        if tracker.latest_message.get("intent", {}).get("name") == "stop_assessment":
            return events
        # "3 failed transfers, is that RIF?": what the message already says is not asked again.
        history = parse_history(tracker.latest_message.get("text") or "")
        told = prefilled_answers(history.to_slots())
        if told:
            dispatcher.utter_message(text=format_prefilled(told))
            events += [SlotSet(slot, value) for slot, value in told.items()]
        if not history.is_empty:
            events.append(SlotSet(HISTORY_SLOT, history_to_dict(history)))
        return events
