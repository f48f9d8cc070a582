"""The clinic profile as the action server sees it (read once), and what it
changes in the forms: a clinic that sets `default_region` is not asked
"where do you live?" again by each visitor."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.clinic import ClinicProfile, load_profile

REGION_SLOT = "user_region"


@lru_cache(maxsize=1)
def clinic_profile() -> ClinicProfile:
    return load_profile()


def default_region(current: Any, profile: ClinicProfile) -> Optional[str]:
    """The clinic's region for a user who has not given one (a given answer,
    "not sure" included, is never replaced)."""
    return profile.default_region if current is None and profile.default_region else None


class ClinicRegionDefault:
    """Mixin for a FormValidationAction whose form asks user_region: the
    clinic's default_region fills it, so the question is not asked."""

    async def extract_user_region(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        region = default_region(tracker.get_slot(REGION_SLOT), clinic_profile())
        return {REGION_SLOT: region} if region else {}
