"""The region a form need not ask: a place the user already named, else the
clinic's `default_region` (clinic.yml)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import region_aliases_in_sentences
from actions.history.answers import region_named_in
from bot.clinic import ClinicProfile, current_profile

REGION_SLOT = "user_region"


def region_without_asking(current: Any, named: Optional[str], profile: ClinicProfile) -> Optional[str]:
    """The region for a user who has not answered the question: the place
    they named ("we're in Dublin"), else the clinic's default_region. A
    given answer, "not sure" included, is never replaced."""
    if current is not None:
        return None
    return named or profile.default_region


class RegionWithoutAsking:
    """Mixin for a FormValidationAction whose form asks user_region: a place
    named in the latest message, or the clinic's default_region, fills it,
    so the question is not asked."""

    async def extract_user_region(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        named = region_named_in(tracker.latest_message.get("text"), region_aliases_in_sentences())
        region = region_without_asking(tracker.get_slot(REGION_SLOT), named, current_profile())
        return {REGION_SLOT: region} if region else {}
