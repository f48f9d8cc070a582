"""Table tests of the pattern assessment and the form's plain decisions."""

from __future__ import annotations

import pytest

from actions.content import region_aliases
from actions.history.answers import UNKNOWN
from actions.history.assessment import Pattern, assess_history, failed_transfers
from actions.history.form_logic import answers_for_assessment, check_answer, required_history_slots

U = None  # unknown


@pytest.mark.parametrize(
    "transfers,positives,losses,expected",
    [
        (3, 0, 0, Pattern.RIF),
        (2, 0, 1, Pattern.RIF),
        (4, 2, 0, Pattern.RIF),
        (0, 0, 2, Pattern.RM),
        (0, 0, 3, Pattern.RM),
        (2, 2, 2, Pattern.RM),
        (3, 1, 2, Pattern.BOTH),
        (5, 0, 4, Pattern.BOTH),
        (0, 0, 0, Pattern.NEITHER),
        (1, 0, 1, Pattern.NEITHER),
        (3, 2, 1, Pattern.NEITHER),
        (1, U, 0, Pattern.NEITHER),  # one transfer can never be two failures
        (U, U, 2, Pattern.UNCLEAR),
        (3, U, 0, Pattern.UNCLEAR),
        (0, 0, U, Pattern.UNCLEAR),
        (U, U, U, Pattern.UNCLEAR),
        (3, 0, U, Pattern.UNCLEAR),  # RIF-like, but losses could make it both
    ],
)
def test_assess_history(transfers, positives, losses, expected):
    assert assess_history(transfers, positives, losses) is expected


def test_pattern_values_are_the_contract():
    assert {p.value for p in Pattern} == {"rif_pattern", "rm_pattern", "both_patterns", "neither_yet", "unclear"}


@pytest.mark.parametrize("transfers,positives,failed", [(3, 1, 2), (0, U, 0), (U, 0, U), (2, U, U), (2, 5, 0)])
def test_failed_transfers(transfers, positives, failed):
    assert failed_transfers(transfers, positives) == failed


ALL = [
    "embryo_transfers",
    "positive_tests",
    "confirmed_losses",
    "embryos_good_quality",
    "losses_first_trimester",
    "chromosome_tests_both",
    "user_region",
]


@pytest.mark.parametrize(
    "slots,missing",
    [
        ({}, {"positive_tests", "embryos_good_quality", "losses_first_trimester"}),
        ({"embryo_transfers": 3}, {"losses_first_trimester"}),
        ({"embryo_transfers": 0, "confirmed_losses": 2}, {"positive_tests", "embryos_good_quality"}),
        (
            {"embryo_transfers": UNKNOWN, "confirmed_losses": UNKNOWN},
            {"positive_tests", "embryos_good_quality", "losses_first_trimester"},
        ),
        ({"embryo_transfers": 2, "confirmed_losses": 1}, set()),
    ],
)
def test_required_history_slots(slots, missing):
    assert set(ALL) - set(required_history_slots(ALL, slots)) == missing


@pytest.mark.parametrize(
    "slot,text,others,value,problem",
    [
        ("embryo_transfers", "three", {}, 3, None),
        ("embryo_transfers", "banana", {}, None, "not_a_number"),
        ("positive_tests", "4", {"embryo_transfers": 3}, None, "positives_exceed_transfers"),
        ("positive_tests", "3", {"embryo_transfers": 3}, 3, None),
        ("positive_tests", "not sure", {"embryo_transfers": 3}, UNKNOWN, None),
        ("confirmed_losses", "-2", {}, None, "negative"),
        ("confirmed_losses", UNKNOWN, {}, UNKNOWN, None),  # the skip button
        ("embryos_good_quality", "yes", {}, "yes", None),
        ("embryos_good_quality", "purple", {}, None, "not_yes_no"),
        ("chromosome_tests_both", "only one of us", {}, "some", None),
        ("user_region", "we're in Scotland", {}, "uk", None),
    ],
)
def test_check_answer(slot, text, others, value, problem):
    checked = check_answer(slot, text, others, region_aliases())
    assert (checked.value, checked.problem) == (value, problem)


def test_answers_for_assessment_treat_unknown_as_none_and_no_transfers_as_no_positives():
    assert answers_for_assessment({"embryo_transfers": 0, "positive_tests": None, "confirmed_losses": UNKNOWN}) == {
        "transfers": 0,
        "positive_tests": 0,
        "confirmed_losses": None,
    }
