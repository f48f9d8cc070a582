"""rasa_sdk actions for support: thin adapters around actions.support.logic."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.profile import RegionWithoutAsking
from actions.content import format_resources, region_aliases
from actions.forms import CountingFormValidationAction
from actions.history.form_logic import REGION_SLOT, check_answer
from actions.support.logic import answer_beside_the_question, distress_reply, support_text
from bot.faq_topic import faq_key_of


class ActionRespondToDistress(Action):
    def name(self) -> Text:
        return "action_respond_to_distress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lines = distress_reply(tracker.latest_message.get("text"))
        for line in lines[:-1]:
            dispatcher.utter_message(text=line)
        dispatcher.utter_message(text=lines[-1], buttons=support_text()["distress"]["buttons"])
        return []


class ActionAnswerBesideTheQuestion(Action):
    """Before the tier-2 question: the answer to what else the message asked
    (actions.support.logic.answer_beside_the_question), or nothing."""

    def name(self) -> Text:
        return "action_answer_beside_the_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        response = answer_beside_the_question(tracker.latest_message, faq_key_of(tracker.latest_message))
        if response:
            dispatcher.utter_message(response=response)
        return []


class ActionShareSupportResources(Action):
    def name(self) -> Text:
        return "action_share_support_resources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=format_resources(tracker.get_slot(REGION_SLOT)))
        dispatcher.utter_message(text=support_text()["resources_closing"].strip())
        return []


class ValidateRegionForm(RegionWithoutAsking, CountingFormValidationAction):
    """Asks the region once (it is remembered in user_region)."""

    def name(self) -> Text:
        return "validate_region_form"

    def validate_user_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        checked = check_answer(REGION_SLOT, value, {}, region_aliases())
        if checked.problem:
            return self.reject(REGION_SLOT, checked.problem, dispatcher, tracker)
        return self.accept(REGION_SLOT, checked.value)
