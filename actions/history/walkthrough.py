"""The walk-through's decisions on each message, as plain functions: take a
form answer (or a correction) into the slots and the structured history,
decide whether a message in the middle is an answer or a question, and
gather the facts for the assessment and for "Here is what I understood".

No Rasa types; table-tested in tests/test_history_walkthrough.py. The
actions (actions.py) only move slots in and events out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple

from actions.history.answers import AMBIGUOUS, NO, SOME, UNKNOWN, YES, parse_yes_no
from actions.history.assessment import HistoryFacts
from actions.history.form_logic import (
    COUNT_SLOTS,
    YES_NO_SLOTS,
    check_answer,
    known_count,
    prefilled_answers,
)
from actions.history.narrative import (
    ROUNDS_NOT_TRANSFERS,
    History,
    history_to_dict,
    merge_history,
    parse_answer,
    parse_history,
)

HISTORY_SLOT = "history"  # the structured history, as history_to_dict
CONFIRMED_SLOT = "history_confirmed"  # "Here is what I understood" answered
CHANGE = "change"  # the "Change something" button (intent deny)

# Notes: a message said before the question is asked again (keys of
# history_form.yml's `notes`).
NOTE_CORRECTED = "corrected"
NOTE_CHANGE_PROMPT = "change_prompt"
NOTE_TAKEN_AS_UNKNOWN = "taken_as_unknown"
NOTE_GO_ON_AS_TOLD = "go_on_as_told"
NOTE_CHANGE_CHOICES = "change_choices"  # buttons instead of a third "Is that right?"
NOTE_PAUSE = "pause"  # "ok" / "thanks" to a count question: asked again, not a failed answer
ACKNOWLEDGE_INTENT = "acknowledge"  # bot/nlu/confirmation.yml: set only for a whole acknowledgement
# "change the transfers" / "change losses", typed or the choices' buttons
# (/inform{"change":"transfers"}): the slots asked again.
_CHANGE_WHAT = re.compile(
    r"^\W*(?:inform\W+)?(?:change|fix|correct)\W+(?:the\s+|my\s+)?(transfers?|losses|loss|miscarriages?)\W*$"
)
_ASKED_AGAIN = {
    "transfer": ("embryo_transfers", "positive_tests"),
    "loss": ("confirmed_losses", "losses_first_trimester"),
}
NOT_A_CHANGE = "not_a_change"  # a problem key (history_form.yml `explanations`)


@dataclass(frozen=True)
class TakenAnswer:
    """What one message does to the walk-through: ``slots`` to set (the
    answered slot, others the answer also told, and the history), or a
    ``problem`` (key of an explanation) with ``details`` for its words."""

    slots: Dict[str, Any] = field(default_factory=dict)
    problem: Optional[str] = None
    details: Optional[Dict[str, Any]] = None
    note: Optional[str] = None
    vague: bool = False  # asked back once for a more exact answer

    @property
    def taken(self) -> bool:
        return self.problem is None


_QUESTION_START = re.compile(
    r"^(?:what|whats|how|why|when|where|who|which|is|are|does|do|did|can|could|should|would|will|if|"
    r"isn'?t|aren'?t|doesn'?t|tell me|explain)\b"
)


def looks_like_question(text: str) -> bool:
    """ "what counts as a transfer?" yes; "one, but it was a chemical" and "2?" no."""
    cleaned = " ".join((text or "").lower().split())
    long_enough = len(cleaned.split()) > 2
    return long_enough and (cleaned.endswith("?") or bool(_QUESTION_START.match(cleaned)))


def is_a_pause(slot: str, intent: Optional[str]) -> bool:
    """ "ok", "thanks" or a thumbs-up to a count or region question: the user
    is still with us, not answering, so it is no failed attempt. (To a yes/no
    question "ok" and "sure" are answers, so those are read as answers.)"""
    return intent == ACKNOWLEDGE_INTENT and slot in COUNT_SLOTS + ("user_region",)


def history_with_answers(history: History, slots: Dict[str, Any]) -> History:
    """The history with the form's answers written in (they win: the user
    confirmed each one)."""
    values: Dict[str, Any] = {}
    for slot, name in (
        ("embryo_transfers", "transfers_total"),
        ("positive_tests", "positive_tests"),
        ("confirmed_losses", "confirmed_miscarriages"),
    ):
        count = known_count(slots.get(slot))
        if count is not None:
            values[name] = count
    for slot in ("embryos_good_quality", "chromosome_tests_both"):
        if slots.get(slot) in (YES, NO, SOME):
            values[slot] = slots[slot]
    return replace(history, **values)


def _also_told(facts: History, slots: Dict[str, Any], answered: str) -> Dict[str, Any]:
    """Other questions an answer settles ("3, all negative" to the transfers
    question: no positive tests), only those not answered yet."""
    told = prefilled_answers(facts.to_slots())
    return {slot: value for slot, value in told.items() if slot != answered and slots.get(slot) is None}


def take_answer(
    slot: str,
    text: Any,
    slots: Dict[str, Any],
    history: History,
    asked_back: bool = False,
    region_aliases: Optional[Dict[str, List[str]]] = None,
    choices_offered: bool = False,
) -> TakenAnswer:
    """Read one message as the answer to ``slot``. ``asked_back``: the user
    was already asked to be more exact once, so a vague answer now counts as
    "not sure" rather than being asked back again (for the summary: asked
    what to change once, so a second "no" gets choices)."""
    if slot == CONFIRMED_SLOT:
        return _take_confirmation(text, slots, history, asked_back, choices_offered)
    if slot not in COUNT_SLOTS + YES_NO_SLOTS:
        checked = check_answer(slot, text, slots, region_aliases or {})
        return (
            TakenAnswer(problem=checked.problem, details=checked.details)
            if checked.problem
            else TakenAnswer(slots={slot: checked.value})
        )
    context = history_with_answers(history, slots)
    parsed = parse_answer(slot, None if text is None else str(text), context)
    if parsed.value == UNKNOWN:
        return TakenAnswer(slots={slot: UNKNOWN})
    if parsed.problem in (AMBIGUOUS, ROUNDS_NOT_TRANSFERS) and parsed.vague:
        if asked_back:
            return TakenAnswer(slots={slot: UNKNOWN}, note=NOTE_TAKEN_AS_UNKNOWN)
        return TakenAnswer(problem=parsed.problem, vague=True)
    if not parsed.is_valid:
        details = {"transfers": context.transfers_total} if context.transfers_total is not None else None
        return TakenAnswer(problem=parsed.problem or "not_a_number", details=details)
    # A form answer adds facts; it never makes a known count vague again.
    merged = merge_history(context, replace(parsed.facts, vague=()))
    values = {slot: parsed.value, **_also_told(merged, slots, slot), HISTORY_SLOT: history_to_dict(merged)}
    return TakenAnswer(slots=values)


def _take_confirmation(
    text: Any, slots: Dict[str, Any], history: History, asked_back: bool = False, choices_offered: bool = False
) -> TakenAnswer:
    if choices_offered:  # a third "no": go on with what was told, and say so
        no_again = TakenAnswer(slots={CONFIRMED_SLOT: True}, note=NOTE_GO_ON_AS_TOLD)
    else:
        no_again = TakenAnswer(
            slots={CONFIRMED_SLOT: None}, note=NOTE_CHANGE_CHOICES if asked_back else NOTE_CHANGE_PROMPT
        )
    if text is True or text == UNKNOWN or str(text).lower() == "true":  # the Yes button, or skipped
        return TakenAnswer(slots={CONFIRMED_SLOT: True})
    if text == CHANGE:
        return no_again
    raw = str(text or "")
    which = _CHANGE_WHAT.match(raw.lower())
    if which:  # a choice's button: ask those questions again
        kind = "transfer" if which.group(1).startswith("transfer") else "loss"
        return TakenAnswer(slots={**{s: None for s in _ASKED_AGAIN[kind]}, CONFIRMED_SLOT: None})
    changes = correction(raw, slots, history)
    if changes:
        return TakenAnswer(slots={**changes, CONFIRMED_SLOT: None}, note=NOTE_CORRECTED)
    answer = parse_yes_no(raw)
    if answer == YES:
        return TakenAnswer(slots={CONFIRMED_SLOT: True})
    if answer == NO:
        return no_again
    if answer == UNKNOWN:  # "not sure it's right": go on with what was told, say so
        return TakenAnswer(slots={CONFIRMED_SLOT: True}, note=NOTE_GO_ON_AS_TOLD)
    return TakenAnswer(problem=NOT_A_CHANGE)


def correction(text: str, slots: Dict[str, Any], history: History) -> Dict[str, Any]:
    """The slots a correction changes ("actually it was 4 transfers", "one
    of them was at 15 weeks"), with the updated history; empty when the text
    changes nothing. Answers that no longer fit (more positives than
    transfers) are cleared so the form asks them again."""
    before = history_with_answers(history, slots)
    if _SOME_OF_THEM.match(" ".join(text.lower().split())):
        return _timing_of_some(text, slots, before)
    after = parse_history(text, previous=before)
    if after == before:
        return {}
    changes: Dict[str, Any] = {}
    for slot, value in after.to_slots().items():
        if slots.get(slot) != value:
            changes[slot] = value
    transfers = known_count(changes.get("embryo_transfers", slots.get("embryo_transfers")))
    positives = known_count(changes.get("positive_tests", slots.get("positive_tests")))
    if transfers is not None and positives is not None and positives > transfers:
        changes["positive_tests"] = None
    if transfers and slots.get("positive_tests") is None and "positive_tests" not in changes:
        changes["positive_tests"] = None  # now asked: there were transfers after all
    return {**changes, HISTORY_SLOT: history_to_dict(after)}


_SOME_OF_THEM = re.compile(
    r"^(?:and |but |also )?(?:one|1|two|2|three|3) of (?:them|those|the losses|my losses|the miscarriages|the mmcs)\b"
)


def _timing_of_some(text: str, slots: Dict[str, Any], before: History) -> Dict[str, Any]:
    """ "one of the losses was at 15 weeks": when some of the losses happened,
    not how many there were."""
    weeks = parse_history(text).loss_weeks
    losses = known_count(slots.get("confirmed_losses"))
    if not weeks or not losses:
        return {}
    later = sum(1 for week in weeks if week >= 13)
    timing = NO if later >= losses else SOME if later else YES
    after = replace(
        before,
        loss_weeks=before.loss_weeks + tuple(weeks),
        second_trimester_losses=max(later, before.second_trimester_losses or 0),
    )
    changes: Dict[str, Any] = {HISTORY_SLOT: history_to_dict(after)}
    if slots.get("losses_first_trimester") != timing:
        changes["losses_first_trimester"] = timing
    return changes


def facts_for_assessment(slots: Dict[str, Any], history: History) -> HistoryFacts:
    """The assessment's input: the form's answers, and the detail the user's
    own words gave (chemical, second-trimester, ectopic and molar losses, and
    stillbirths). The confirmed count is taken as its question asks (losses
    that ended in miscarriage); stillbirths are only in ``stillbirths``."""
    transfers = known_count(slots.get("embryo_transfers"))
    positives = 0 if transfers == 0 else known_count(slots.get("positive_tests"))
    confirmed = known_count(slots.get("confirmed_losses"))
    after = history.biochemical_after_transfer or 0
    natural = history.biochemical_natural or 0
    unlinked = max((history.biochemical_losses or 0) - after - natural, 0)
    if transfers == 0:
        natural, unlinked = natural + unlinked + after, 0
        after = 0
    return HistoryFacts(
        transfers=transfers,
        positive_tests=positives,
        confirmed_losses=confirmed,
        biochemical_after_transfer=after,
        biochemical_natural=natural,
        biochemical_unlinked=unlinked,
        second_trimester_losses=_later_losses(confirmed, slots.get("losses_first_trimester"), history),
        stillbirths=history.stillbirths or 0,
        ectopic_or_molar=(history.ectopic or 0) + (history.molar or 0),
        embryos_good_quality=slots.get("embryos_good_quality"),
    )


def _later_losses(confirmed: Optional[int], timing: Any, history: History) -> int:
    """Confirmed losses at 13-23 weeks: from the weeks the user gave, else from
    the "before 13 weeks?" answer ("no": all of them, "some": at least one).
    With a stillbirth in the history that answer is not used: it is filled
    from the stillbirth itself (History.losses_first_trimester), and a
    stillbirth is never a later miscarriage."""
    if history.second_trimester_losses:
        return history.second_trimester_losses
    if not confirmed or timing not in (NO, SOME) or history.stillbirths:
        return 0
    return confirmed if timing == NO else 1


# What "Here is what I understood" lists: (item key, values for its words).
Understood = List[Tuple[str, Dict[str, Any]]]


def understood(slots: Dict[str, Any], history: History) -> Understood:
    items: Understood = []
    transfers = slots.get("embryo_transfers")
    if isinstance(known_count(transfers), int):
        items.append(("transfers", {"n": transfers}))
        if history.transfers_fresh is not None and history.transfers_frozen is not None:
            items.append(("transfers_split", {"fresh": history.transfers_fresh, "frozen": history.transfers_frozen}))
        if transfers and known_count(slots.get("positive_tests")) is not None:
            items.append(("positive_tests", {"n": slots["positive_tests"]}))
    if history.biochemical_losses:
        items.append(("biochemical", {"n": history.biochemical_losses}))
    if known_count(slots.get("confirmed_losses")) is not None:
        items.append(("confirmed_losses", {"n": slots["confirmed_losses"]}))
        if history.loss_weeks and len(history.loss_weeks) == slots["confirmed_losses"]:
            items.append(("loss_weeks", {"weeks": ", ".join(str(w) for w in history.loss_weeks)}))
        elif slots.get("losses_first_trimester") in (YES, NO, SOME):
            items.append((f"first_trimester_{slots['losses_first_trimester']}", {}))
    ectopic_or_molar = (history.ectopic or 0) + (history.molar or 0)
    if ectopic_or_molar:
        items.append(("ectopic_or_molar", {"n": ectopic_or_molar}))
    if history.live_births:
        items.append(("live_births", {"n": history.live_births}))
    for slot in ("embryos_good_quality", "chromosome_tests_both"):
        if slots.get(slot) in (YES, NO, SOME):
            items.append((f"{slot}_{slots[slot]}", {}))
    for slot in COUNT_SLOTS + YES_NO_SLOTS:
        if slots.get(slot) == UNKNOWN:
            items.append(("unknown", {"slot": slot}))
    return items


def clinic_questions(questions: List[Dict[str, Any]], slots: Dict[str, Any], flags: Tuple[str, ...]) -> List[str]:
    """The pattern's questions that apply: each may say `if` or `unless`
    (a slot's answers, or a flag)."""

    def holds(condition: Dict[str, Any]) -> bool:
        if "flag" in condition:
            return condition["flag"] in flags
        return all(slots.get(slot) in values for slot, values in condition.items())

    return [
        question["text"]
        for question in questions
        if ("if" not in question or holds(question["if"]))
        and ("unless" not in question or not holds(question["unless"]))
    ]
