"""rasa_sdk action for "where is this from?": a thin adapter around
actions.sources.logic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import load_content
from actions.sources.logic import describe_sources, last_answered_topic

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "data" / "catalogue.yml"


@lru_cache(maxsize=1)
def catalogue_topics() -> Dict[str, Any]:
    with CATALOGUE_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["topics"]


class ActionShowSources(Action):
    """The sources of the answer the user points at (the Sources button says
    which), or of the latest FAQ answer."""

    def name(self) -> Text:
        return "action_show_sources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        words = load_content("sources")
        key = next(tracker.get_latest_entity_values("faq_key"), None) or last_answered_topic(tracker.events)
        topic = catalogue_topics().get(key or "")
        if topic is None:
            dispatcher.utter_message(text=" ".join(words["no_topic"].split()))
            return []
        dispatcher.utter_message(text="\n".join(describe_sources(topic, words)))
        return []
