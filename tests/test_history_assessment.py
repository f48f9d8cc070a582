"""Table tests of the pattern assessment and the form's plain decisions."""

from __future__ import annotations

import pytest

from actions.content import form_content, load_content, region_aliases
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
from bench.readability import fk_grade, sentences, words

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
RIF_U, RM_U, SB = Flag.RIF_SIDE_UNKNOWN, Flag.RM_SIDE_UNKNOWN, Flag.STILLBIRTH


@pytest.mark.parametrize(
    "facts,pattern,flags",
    [
        # A chemical after a transfer is a positive test: a loss (RM side), never also a failed transfer.
        (HistoryFacts(3, 3, 0, biochemical_after_transfer=3), Pattern.RM, {B}),
        (HistoryFacts(2, 2, 0, biochemical_after_transfer=2), Pattern.RM, {B}),  # was both_patterns
        (HistoryFacts(2, 0, 0), Pattern.RIF, set()),  # two BFNs
        (HistoryFacts(2, 1, 0, biochemical_after_transfer=1), Pattern.NEITHER, {B}),  # 1 BFN, 1 loss
        (HistoryFacts(3, 1, 0, biochemical_after_transfer=1), Pattern.RIF, {B}),  # 2 BFNs, 1 loss
        (HistoryFacts(3, 2, 1, biochemical_after_transfer=1), Pattern.RM, {B}),  # 1 BFN; 1 chemical + 1 MMC
        (HistoryFacts(4, 2, 0, biochemical_after_transfer=2), Pattern.BOTH, {B}),  # 2 BFNs, 2 chemicals
        (HistoryFacts(1, 1, 0, biochemical_after_transfer=1), Pattern.NEITHER, {B}),
        # Natural biochemical losses count on the RM side only.
        (HistoryFacts(0, 0, 1, biochemical_natural=1), Pattern.RM, {B}),
        (HistoryFacts(0, 0, 0, biochemical_natural=2), Pattern.RM, {B}),
        (HistoryFacts(0, 0, 0, biochemical_natural=1), Pattern.NEITHER, {B}),
        (HistoryFacts(U, U, U, biochemical_natural=2), Pattern.RM, {B, RIF_U}),
        (HistoryFacts(0, 0, 1, biochemical_unlinked=1), Pattern.RM, {B}),
        # One loss at 13-23 weeks is not RM, but its own pattern: specialist review (RCOG 2023).
        (HistoryFacts(0, 0, 1, second_trimester_losses=1), Pattern.LATER_LOSS, set()),
        (HistoryFacts(1, 0, 1, second_trimester_losses=1), Pattern.LATER_LOSS, set()),
        (HistoryFacts(U, U, 1, second_trimester_losses=1), Pattern.LATER_LOSS, {RIF_U}),
        (HistoryFacts(U, U, U, second_trimester_losses=1), Pattern.LATER_LOSS, {RIF_U, RM_U}),
        # ... and with the RIF side met, a pattern that names both.
        (HistoryFacts(3, 0, 1, second_trimester_losses=1), Pattern.RIF_AND_LATER_LOSS, set()),
        (HistoryFacts(2, 0, 1, second_trimester_losses=1), Pattern.RIF_AND_LATER_LOSS, set()),
        # Two or more losses, one of them later: RM (or both), with the flag.
        (HistoryFacts(0, 0, 2, second_trimester_losses=1), Pattern.RM, {S2}),  # one later + one early
        (HistoryFacts(0, 0, 1, biochemical_natural=1, second_trimester_losses=1), Pattern.RM, {B, S2}),
        (HistoryFacts(0, 0, 2, second_trimester_losses=2), Pattern.RM, {S2}),
        (HistoryFacts(3, 0, 2, second_trimester_losses=1), Pattern.BOTH, {S2}),
        (HistoryFacts(U, U, 2, second_trimester_losses=1), Pattern.RM, {S2, RIF_U}),
        (HistoryFacts(U, U, U, second_trimester_losses=2), Pattern.RM, {S2, RIF_U}),
        # A stillbirth (24 weeks or later) is never a miscarriage or a pregnancy loss in the count.
        (HistoryFacts(0, 0, 0, stillbirths=1), Pattern.NEITHER, {SB}),
        (HistoryFacts(0, 0, 1, stillbirths=1), Pattern.NEITHER, {SB}),  # one early loss and a stillbirth
        (HistoryFacts(0, 0, 0, stillbirths=2), Pattern.NEITHER, {SB}),
        (HistoryFacts(0, 0, 2, stillbirths=1), Pattern.RM, {SB}),  # two early losses and a stillbirth
        (HistoryFacts(0, 0, 1, second_trimester_losses=1, stillbirths=1), Pattern.LATER_LOSS, {SB}),
        (HistoryFacts(3, 0, 0, stillbirths=1), Pattern.RIF, {SB}),
        (HistoryFacts(0, 0, U, stillbirths=1), Pattern.UNCLEAR, {SB}),
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
        "stillbirth",
        "ectopic_or_molar",
        "lower_grade_embryos",
        "rif_side_unknown",
        "rm_side_unknown",
    }


@pytest.mark.parametrize(
    "facts,failed,losses",
    [
        (HistoryFacts(3, 3, 0, biochemical_after_transfer=3), 0, 3),  # a chemical is a positive test
        (HistoryFacts(3, 1, 1), 2, 1),
        (HistoryFacts(0, 0, 1, second_trimester_losses=1, stillbirths=2), 0, 1),  # stillbirths never counted
        (HistoryFacts(0, 0, U, second_trimester_losses=2), 0, 2),
        (HistoryFacts(0, 0, U, second_trimester_losses=1), 0, U),
        (HistoryFacts(3, U, U), U, U),
        (HistoryFacts(U, U, U, biochemical_natural=1), U, U),
        (HistoryFacts(0, U, 2, biochemical_natural=1), 0, 3),
    ],
)
def test_failed_transfers_and_pregnancy_losses(facts, failed, losses):
    assert (failed_transfers(facts), pregnancy_losses(facts)) == (failed, losses)


def test_pattern_values_are_the_contract():
    assert {p.value for p in Pattern} == {
        "rif_pattern",
        "rm_pattern",
        "both_patterns",
        "later_loss",
        "rif_and_later_loss",
        "neither_yet",
        "unclear",
    }


def test_every_pattern_and_flag_has_its_words():
    guidance = load_content("guidance")
    titles = form_content()["topic_titles"]
    for pattern in Pattern:
        said = guidance["patterns"][pattern.value]
        assert said["result"].strip() and said["look_at"].strip() and said["questions"], pattern
        assert said["related"] and set(said["related"]) <= set(titles), pattern
    assert set(guidance["flags"]) == {flag.value for flag in Flag}


@pytest.mark.parametrize("pattern", [Pattern.LATER_LOSS, Pattern.RIF_AND_LATER_LOSS])
def test_a_later_loss_is_named_without_the_recurrent_miscarriage_label(pattern):
    said = load_content("guidance")["patterns"][pattern.value]
    assert "not recurrent miscarriage" in said["result"] and "specialist" in said["result"]
    assert "placenta" in said["look_at"] and "cervix" in said["look_at"]
    assert any("referred" in question["text"] for question in said["questions"])


def test_the_stillbirth_line_names_support_in_each_region():
    line = load_content("guidance")["flags"]["stillbirth"]
    for name in ("Sands", "0808 164 3332", "Féileacáin", "Star Legacy Foundation", "MISS Foundation"):
        assert name in line
    assert "24 weeks" in line


def test_the_chemical_line_says_how_it_was_counted():
    line = " ".join(load_content("guidance")["flags"]["biochemical_losses"].split())
    assert "as pregnancy losses, not as failed transfers" in line
    assert "Some clinics count" in line and "specialist" in line


@pytest.mark.parametrize(
    "key",
    [
        ("flags", "biochemical_losses"),
        ("flags", "stillbirth"),
        ("patterns", "later_loss", "result"),
        ("patterns", "later_loss", "look_at"),
        ("patterns", "rif_and_later_loss", "result"),
        ("patterns", "rif_and_later_loss", "look_at"),
    ],
)
def test_the_new_words_are_plain_and_short(key):
    text = load_content("guidance")
    for part in key:
        text = text[part]
    prose = text.split("\n")[0]  # the stillbirth line's list of sites is not prose
    assert fk_grade(prose) <= 8.5, key
    assert len(words(text)) <= 80, key
    assert max(len(words(sentence)) for sentence in sentences(prose)) <= 26, key


@pytest.mark.parametrize(
    "transfers,positives,failed", [(3, 1, 2), (0, U, 0), (U, 0, U), (2, U, U), (2, 5, 0), (2, 2, 0), (2, 0, 2)]
)
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


def test_every_pattern_is_a_value_of_the_assessment_slot_and_an_insights_outcome():
    from bot.insights.figures import OUTCOMES
    from bot.insights.report import OUTCOME_WORDS
    from tests.helpers.project import ROOT, load_yaml

    values = load_yaml(ROOT / "domain.yml")["slots"]["assessment"]["values"]
    assert {p.value for p in Pattern} == set(values) == set(OUTCOMES) == set(OUTCOME_WORDS)
