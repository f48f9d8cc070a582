"""The form's decisions as plain functions: which questions to ask and
whether an answer can be used. No Rasa types, so they are table-tested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from actions.history.answers import UNKNOWN, parse_count, parse_region, parse_yes_no

COUNT_SLOTS = ("embryo_transfers", "positive_tests", "confirmed_losses")
YES_NO_SLOTS = ("embryos_good_quality", "losses_first_trimester", "chromosome_tests_both")
REGION_SLOT = "user_region"
HISTORY_SLOTS = COUNT_SLOTS + YES_NO_SLOTS + (REGION_SLOT,)


@dataclass(frozen=True)
class Checked:
    """An answer checked for a slot: ``value`` to store, or ``problem`` to explain."""

    value: Any = None
    problem: Optional[str] = None
    details: Optional[Dict[str, Any]] = None


def known_count(value: Any) -> Optional[int]:
    """A slot's count as an int, or None if unknown or not answered."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def required_history_slots(domain_slots: List[str], slots: Dict[str, Any]) -> List[str]:
    """Ask about positive tests and embryo quality only after transfers, and
    about the timing of losses only if there were losses."""
    transfers = known_count(slots.get("embryo_transfers"))
    losses = known_count(slots.get("confirmed_losses"))
    skipped = set()
    if not transfers:  # 0, unknown or not yet answered
        skipped |= {"positive_tests", "embryos_good_quality"}
    if not losses:
        skipped.add("losses_first_trimester")
    return [slot for slot in domain_slots if slot not in skipped]


def check_answer(slot: str, text: Any, slots: Dict[str, Any], region_aliases: Dict[str, List[str]]) -> Checked:
    """Check one answer for ``slot`` given the other answers so far."""
    raw = str(text) if text is not None else ""
    if raw == UNKNOWN:  # set by the "skip this question" button
        return Checked(value=UNKNOWN)
    if slot in COUNT_SLOTS:
        answer = parse_count(raw)
        if not answer.is_valid:
            return Checked(problem=answer.problem)
        transfers = known_count(slots.get("embryo_transfers"))
        if slot == "positive_tests" and answer.value is not None and transfers is not None and answer.value > transfers:
            return Checked(problem="positives_exceed_transfers", details={"transfers": transfers})
        return Checked(value=answer.slot_value)
    if slot in YES_NO_SLOTS:
        parsed = parse_yes_no(raw, allow_some=slot != "embryos_good_quality")
        return Checked(value=parsed) if parsed else Checked(problem="not_yes_no")
    if slot == REGION_SLOT:
        region = parse_region(raw, region_aliases)
        return Checked(value=region) if region else Checked(problem="not_a_region")
    raise ValueError(f"not a history slot: {slot}")


def answers_for_assessment(slots: Dict[str, Any]) -> Dict[str, Optional[int]]:
    """The three counts, None where unknown; positive tests are 0 without transfers."""
    transfers = known_count(slots.get("embryo_transfers"))
    positives = known_count(slots.get("positive_tests"))
    if transfers == 0:
        positives = 0
    return {
        "transfers": transfers,
        "positive_tests": positives,
        "confirmed_losses": known_count(slots.get("confirmed_losses")),
    }


def prefilled_answers(told: Dict[str, Any]) -> Dict[str, Any]:
    """The form answers a history told in the user's own words already gives
    (``told``: slot -> value, from narrative.History.to_slots), each checked
    as if typed, in the form's order; any that would not pass is left for
    the form to ask."""
    accepted: Dict[str, Any] = {}
    for slot in COUNT_SLOTS + YES_NO_SLOTS:
        if slot in told:
            checked = check_answer(slot, told[slot], accepted, {})
            if checked.problem is None:
                accepted[slot] = checked.value
    return accepted
