"""The safety reply when the dialogue could not answer, without the dialogue.

If a turn produced no reply, or did not end by listening (it failed), the
channel layer still reads the user's words with the safety net and sends the
crisis, tier-2, urgent or same-day reply when one applies: safety must not
depend on the dialogue working. The replies are the domain's own (the
variation with no condition, which names the lines of every region).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot.nlu.safety_net import assess_safety

MAX_CHARS = 100_000  # as much as the safety net reads of a message in the pipeline

# The safety net's intent -> the response the rules give it (data/rules/safety.yml).
SAFETY_RESPONSES = {
    "crisis": "utter_crisis_support",
    "crisis_check": "utter_crisis_check",
    "urgent_symptoms": "utter_urgent_care",
    "early_pregnancy_concern": "utter_same_day_care",
}


def unconditional_text(variations: Sequence[Mapping[str, Any]]) -> Optional[str]:
    """The text of the first variation without a condition (else the first)."""
    plain = [v for v in variations if not v.get("condition") and v.get("text")]
    chosen = plain or [v for v in variations if v.get("text")]
    return " ".join(chosen[0]["text"].split()) if chosen else None


def safety_reply(text: Optional[str], responses: Mapping[str, Sequence[Mapping[str, Any]]]) -> Optional[str]:
    """The safety reply ``text`` needs, or None when none applies."""
    finding = assess_safety((text or "")[:MAX_CHARS])
    name = SAFETY_RESPONSES.get(finding.intent or "")
    return unconditional_text(responses.get(name) or ()) if name else None


def with_safety_reply(replies: List[Dict[str, Any]], recipient_id: str, reply: Optional[str]) -> List[Dict[str, Any]]:
    """``replies`` with the safety reply first, unless one of them already is it."""
    if not reply or any((r.get("text") or "").startswith(reply[:60]) for r in replies):
        return replies
    return [{"recipient_id": recipient_id, "text": reply}] + replies
