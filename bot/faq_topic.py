"""Which FAQ topic a parsed message asked about: the retrieval intent the
response selector chose ("faq/<key>" -> "<key>"). One function for the
channels, the actions and the insights report, so they always agree."""

from __future__ import annotations

from typing import Any, Mapping, Optional

FAQ_ANSWER_ACTION = "utter_faq"


def faq_key_of(parse_data: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The FAQ key of a message's parse data, or None if it has none."""
    selector = ((parse_data or {}).get("response_selector") or {}).get("faq") or {}
    key = (selector.get("response") or {}).get("intent_response_key") or ""
    return key.split("/", 1)[1] if key.startswith("faq/") else None
