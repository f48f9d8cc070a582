"""rasa_sdk action for "can I talk to a person?": a thin adapter around
actions.clinic.logic and the clinic profile."""

from __future__ import annotations

import datetime as dt
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic.logic import contact_lines
from actions.content import load_content
from bot.clinic import current_profile


class ActionTalkToPerson(Action):
    """After the general line (utter_talk_to_person): the clinic's contact,
    open or closed now, and an offer of the summary to take along."""

    def name(self) -> Text:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        words = load_content("clinic")
        lines = contact_lines(current_profile(), dt.datetime.now(dt.timezone.utc), words)
        if lines:
            dispatcher.utter_message(text="\n".join(lines))
        if tracker.get_slot("assessment"):
            dispatcher.utter_message(text=words["summary_offer"], buttons=[words["summary_button"]])
        else:
            dispatcher.utter_message(text=words["walk_through_offer"], buttons=[words["walk_through_button"]])
        return []
