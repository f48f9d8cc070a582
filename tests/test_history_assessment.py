"""Table tests of the pattern assessment and the form's plain decisions."""

from __future__ import annotations

import pytest

from actions.content import region_aliases
from actions.history.answers import UNKNOWN
from actions.history.assessment import (
    Flag,
    HistoryFacts,
    Pattern,
    assess,
    assess_history,
    failed_transfers,
    pregnancy_losses,
)
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
        (U, U, 2, Pattern.RM),  # one side met stands; the other is named as unknown
        (3, U, 0, Pattern.UNCLEAR),
        (0, 0, U, Pattern.UNCLEAR),
        (U, U, U, Pattern.UNCLEAR),
        (3, 0, U, Pattern.RIF),
        (U, U, 1, Pattern.UNCLEAR),  # no side met, one unknown
    ],
)
def test_assess_history(transfers, positives, losses, expected):
    assert assess_history(transfers, positives, losses) is expected


B, S2, EM, LOW = Flag.BIOCHEMICAL_LOSSES, Flag.SECOND_TRIMESTER_LOSS, Flag.ECTOPIC_OR_MOLAR, Flag.LOWER_GRADE_EMBRYOS
RIF_U, RM_U = Flag.RIF_SIDE_UNKNOWN, Flag.RM_SIDE_UNKNOWN


@pytest.mark.parametrize(
    "facts,pattern,flags",
    [
        # Biochemical losses after transfers: failed transfers (RIF) and losses (RM).
        (HistoryFacts(3, 3, 0, biochemical_after_transfer=3), Pattern.BOTH, {B}),
        (HistoryFacts(2, 1, 0, biochemical_after_transfer=1), Pattern.RIF, {B}),
        (HistoryFacts(2, 2, 0, biochemical_after_transfer=2), Pattern.BOTH, {B}),
        (HistoryFacts(3, 2, 1, biochemical_after_transfer=1), Pattern.BOTH, {B}),  # 1 chemical + 1 MMC = 2 losses
        (HistoryFacts(1, 1, 0, biochemical_after_transfer=1), Pattern.NEITHER, {B}),
        # Natural biochemical losses count on the RM side only.
        (HistoryFacts(0, 0, 1, biochemical_natural=1), Pattern.RM, {B}),
        (HistoryFacts(0, 0, 0, biochemical_natural=2), Pattern.RM, {B}),
        (HistoryFacts(0, 0, 0, biochemical_natural=1), Pattern.NEITHER, {B}),
        (HistoryFacts(U, U, U, biochemical_natural=2), Pattern.RM, {B, RIF_U}),
        (HistoryFacts(0, 0, 1, biochemical_unlinked=1), Pattern.RM, {B}),
        # One second-trimester loss is enough (RCOG 2023).
        (HistoryFacts(0, 0, 1, second_trimester_losses=1), Pattern.RM, {S2}),
        (HistoryFacts(3, 0, 1, second_trimester_losses=1), Pattern.BOTH, {S2}),
        (HistoryFacts(U, U, 1, second_trimester_losses=1), Pattern.RM, {S2, RIF_U}),
        # Ectopic and molar pregnancies are never counted as miscarriages.
        (HistoryFacts(0, 0, 1, ectopic_or_molar=1), Pattern.NEITHER, {EM}),
        (HistoryFacts(0, 0, 0, ectopic_or_molar=2), Pattern.NEITHER, {EM}),
        (HistoryFacts(0, 0, 2, ectopic_or_molar=1), Pattern.RM, {EM}),
        # One side met, the other unknown: that side, and "I can't say about ...".
        (HistoryFacts(U, U, 3), Pattern.RM, {RIF_U}),
        (HistoryFacts(4, U, 3), Pattern.RM, {RIF_U}),
        (HistoryFacts(4, 0, U), Pattern.RIF, {RM_U}),
        (HistoryFacts(4, 0, U, embryos_good_quality="no"), Pattern.RIF, {RM_U, LOW}),
        # Unclear only when no side is met and an answer is missing.
        (HistoryFacts(U, U, 0), Pattern.UNCLEAR, set()),
        (HistoryFacts(1, 0, U), Pattern.UNCLEAR, set()),
        (HistoryFacts(0, 0, 1), Pattern.NEITHER, set()),
        # Lower-grade embryos: only with failed transfers.
        (HistoryFacts(3, 0, 0, embryos_good_quality="no"), Pattern.RIF, {LOW}),
        (HistoryFacts(3, 0, 0, embryos_good_quality="some"), Pattern.RIF, {LOW}),
        (HistoryFacts(3, 0, 0, embryos_good_quality="yes"), Pattern.RIF, set()),
        (HistoryFacts(3, 0, 0, embryos_good_quality=UNKNOWN), Pattern.RIF, set()),
        (HistoryFacts(2, 2, 0, embryos_good_quality="no"), Pattern.NEITHER, set()),
        (HistoryFacts(1, 0, 0, embryos_good_quality="no"), Pattern.NEITHER, {LOW}),
    ],
)
def test_assess_counts_as_guidelines_do(facts, pattern, flags):
    assessment = assess(facts)
    assert (assessment.pattern, set(assessment.flags)) == (pattern, flags)


def test_flag_values_are_the_contract():
    assert {f.value for f in Flag} == {
        "biochemical_losses",
        "second_trimester_loss",
        "ectopic_or_molar",
        "lower_grade_embryos",
        "rif_side_unknown",
        "rm_side_unknown",
    }


@pytest.mark.parametrize(
    "facts,failed,losses",
    [
        (HistoryFacts(3, 3, 0, biochemical_after_transfer=3), 3, 3),
        (HistoryFacts(3, 1, 1), 2, 1),
        (HistoryFacts(3, U, U), U, U),
        (HistoryFacts(U, U, U, biochemical_natural=1), U, U),
        (HistoryFacts(0, U, 2, biochemical_natural=1), 0, 3),
    ],
)
def test_failed_transfers_and_pregnancy_losses(facts, failed, losses):
    assert (failed_transfers(facts), pregnancy_losses(facts)) == (failed, losses)


def test_pattern_values_are_the_contract():
    assert {p.value for p in Pattern} == {"rif_pattern", "rm_pattern", "both_patterns", "neither_yet", "unclear"}


@pytest.mark.parametrize("transfers,positives,failed", [(3, 1, 2), (0, U, 0), (U, 0, U), (2, U, U), (2, 5, 0)])
def test_failed_transfers(transfers, positives, failed):
    assert failed_transfers(HistoryFacts(transfers, positives)) == failed


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
