"""Table tests of the walk-through's decisions (actions/history/walkthrough.py):
answers in patients' words, corrections, the facts behind the assessment,
"Here is what I understood" and the clinic questions."""

from __future__ import annotations

import pytest

from actions.history.answers import UNKNOWN
from actions.history.assessment import Flag, Pattern, assess
from actions.history.narrative import History, history_from_dict, history_to_dict, parse_history
from actions.history.walkthrough import (
    CHANGE,
    CONFIRMED_SLOT,
    HISTORY_SLOT,
    NOTE_CHANGE_PROMPT,
    NOTE_CORRECTED,
    NOTE_GO_ON_AS_TOLD,
    NOTE_TAKEN_AS_UNKNOWN,
    clinic_questions,
    correction,
    facts_for_assessment,
    is_a_pause,
    looks_like_question,
    take_answer,
    understood,
)

E = History()
SB = Flag.STILLBIRTH


@pytest.mark.parametrize(
    "slot,text,slots,expected",
    [
        ("embryo_transfers", "2 fresh and 1 frozen", {}, {"embryo_transfers": 3}),
        ("embryo_transfers", "three", {}, {"embryo_transfers": 3}),
        ("embryo_transfers", "none, all natural", {}, {"embryo_transfers": 0}),
        ("embryo_transfers", "3, all BFN", {}, {"embryo_transfers": 3, "positive_tests": 0}),
        ("embryo_transfers", "not sure", {}, {"embryo_transfers": UNKNOWN}),
        ("positive_tests", "one, but it was a chemical", {"embryo_transfers": 3}, {"positive_tests": 1}),
        ("positive_tests", "all of them", {"embryo_transfers": 3}, {"positive_tests": 3}),
        ("positive_tests", "both", {"embryo_transfers": 2}, {"positive_tests": 2}),
        ("confirmed_losses", "at 8 and 15 weeks", {}, {"confirmed_losses": 2, "losses_first_trimester": "some"}),
        ("confirmed_losses", "one, at 18 weeks", {}, {"confirmed_losses": 1, "losses_first_trimester": "no"}),
        ("confirmed_losses", "just chemicals, nothing on a scan", {}, {"confirmed_losses": 0}),
        ("losses_first_trimester", "first trimester", {"confirmed_losses": 2}, {"losses_first_trimester": "yes"}),
        (
            "losses_first_trimester",
            "both early, around 8 weeks",
            {"confirmed_losses": 2},
            {"losses_first_trimester": "yes"},
        ),
        ("losses_first_trimester", "early", {"confirmed_losses": 1}, {"losses_first_trimester": "yes"}),
        ("embryos_good_quality", "yes, all 5AA", {}, {"embryos_good_quality": "yes"}),
        ("chromosome_tests_both", "yes both of us", {}, {"chromosome_tests_both": "yes"}),
        ("chromosome_tests_both", "only me", {}, {"chromosome_tests_both": "some"}),
        ("user_region", "we're in Dublin", {}, {"user_region": "ie"}),
    ],
)
def test_answers_people_give_are_taken(slot, text, slots, expected):
    taken = take_answer(slot, text, slots, E, region_aliases={"ie": ["dublin", "ireland"]})
    assert taken.taken, taken
    for name, value in expected.items():
        assert taken.slots[name] == value, (name, taken.slots)
    if slot != "user_region" and taken.slots[slot] != UNKNOWN:
        assert HISTORY_SLOT in taken.slots


@pytest.mark.parametrize(
    "slot,text,slots,problem",
    [
        ("embryo_transfers", "banana", {}, "not_a_number"),
        ("embryo_transfers", "a few", {}, "ambiguous"),
        ("embryo_transfers", "3 rounds", {}, "rounds_not_transfers"),
        ("embryo_transfers", "-2", {}, "negative"),
        ("embryo_transfers", "45", {}, "too_large"),
        ("positive_tests", "5", {"embryo_transfers": 2}, "positives_exceed_transfers"),
        ("embryos_good_quality", "purple", {}, "not_yes_no"),
    ],
)
def test_unusable_answers_name_their_problem(slot, text, slots, problem):
    assert take_answer(slot, text, slots, E).problem == problem


def test_a_vague_answer_is_asked_back_once_then_taken_as_not_sure():
    first = take_answer("embryo_transfers", "3 rounds", {}, E)
    assert first.problem == "rounds_not_transfers" and first.vague
    second = take_answer("embryo_transfers", "a few", {}, E, asked_back=True)
    assert second.slots == {"embryo_transfers": UNKNOWN} and second.note == NOTE_TAKEN_AS_UNKNOWN


@pytest.mark.parametrize(
    "slot, intent, pause",
    [
        ("embryo_transfers", "acknowledge", True),  # "ok" to "How many transfers?"
        ("confirmed_losses", "acknowledge", True),
        ("user_region", "acknowledge", True),
        ("embryos_good_quality", "acknowledge", False),  # "ok" can mean yes here
        ("embryo_transfers", "inform", False),
        ("embryo_transfers", None, False),
    ],
)
def test_an_acknowledgement_to_a_count_question_is_a_pause_not_a_failed_answer(slot, intent, pause):
    assert is_a_pause(slot, intent) is pause


def test_a_known_count_is_not_made_vague_by_a_later_answer():
    taken = take_answer("losses_first_trimester", "first trimester", {"confirmed_losses": 2}, E)
    assert history_from_dict(taken.slots[HISTORY_SLOT]).confirmed_miscarriages == 2


FILLED = {"embryo_transfers": 3, "positive_tests": 0, "confirmed_losses": 2, "chromosome_tests_both": "no"}


@pytest.mark.parametrize(
    "value,changes,note",
    [
        (True, {CONFIRMED_SLOT: True}, None),
        ("true", {CONFIRMED_SLOT: True}, None),
        (UNKNOWN, {CONFIRMED_SLOT: True}, None),  # skipped: go on
        ("yes", {CONFIRMED_SLOT: True}, None),
        ("not sure", {CONFIRMED_SLOT: True}, NOTE_GO_ON_AS_TOLD),  # go on, and say so
        ("honestly i dont know", {CONFIRMED_SLOT: True}, NOTE_GO_ON_AS_TOLD),
        (CHANGE, {CONFIRMED_SLOT: None}, NOTE_CHANGE_PROMPT),
        ("no", {CONFIRMED_SLOT: None}, NOTE_CHANGE_PROMPT),
        ("actually it was 4 transfers", {"embryo_transfers": 4, CONFIRMED_SLOT: None}, NOTE_CORRECTED),
        ("sorry, 3 miscarriages not 2", {"confirmed_losses": 3, CONFIRMED_SLOT: None}, NOTE_CORRECTED),
        ("one of the losses was at 15 weeks", {"losses_first_trimester": "some", CONFIRMED_SLOT: None}, NOTE_CORRECTED),
    ],
)
def test_here_is_what_i_understood_takes_yes_change_or_a_correction(value, changes, note):
    history = history_from_dict({"transfers_total": 3, "positive_tests": 0, "confirmed_miscarriages": 2})
    taken = take_answer(CONFIRMED_SLOT, value, FILLED, history)
    assert taken.taken and taken.note == note
    for name, expected in changes.items():
        assert taken.slots[name] == expected, (name, taken.slots)


def test_a_correction_that_makes_positives_impossible_asks_again():
    changes = correction("oh wait, it was only 1 transfer", {**FILLED, "positive_tests": 2}, E)
    assert changes["embryo_transfers"] == 1 and changes["positive_tests"] is None


def test_text_that_changes_nothing_is_a_problem():
    assert take_answer(CONFIRMED_SLOT, "purple elephants", FILLED, E).problem == "not_a_change"
    assert correction("purple elephants", FILLED, E) == {}


@pytest.mark.parametrize(
    "text,question",
    [
        ("what counts as a transfer?", True),
        ("does a chemical count as a loss", True),
        ("is 2 enough for rif", True),
        ("one, but it was a chemical", False),
        ("2?", False),
        ("first trimester", False),
        ("2 fresh and 1 frozen", False),
    ],
)
def test_looks_like_question(text, question):
    assert looks_like_question(text) is question


@pytest.mark.parametrize(
    "story,slots,pattern,flags",
    [
        # A chemical after a transfer counts once: a pregnancy loss, not a failed transfer.
        ("3 transfers, all 3 were chemicals", {"confirmed_losses": 0}, Pattern.RM, {Flag.BIOCHEMICAL_LOSSES}),
        ("2 transfers, both chemical", {"confirmed_losses": 0}, Pattern.RM, {Flag.BIOCHEMICAL_LOSSES}),
        ("2 transfers, both BFN", {"confirmed_losses": 0}, Pattern.RIF, set()),
        # One later loss is its own pattern; with another loss it is RM.
        ("one loss at 18 weeks", {"embryo_transfers": 0}, Pattern.LATER_LOSS, set()),
        ("2 failed transfers and a loss at 18 weeks", {}, Pattern.RIF_AND_LATER_LOSS, set()),
        ("losses at 8 and 15 weeks", {"embryo_transfers": 0}, Pattern.RM, {Flag.SECOND_TRIMESTER_LOSS}),
        # A stillbirth is never counted as a miscarriage, nor as a later loss.
        ("I had a stillbirth at 26 weeks", {"embryo_transfers": 0, "confirmed_losses": 0}, Pattern.NEITHER, {SB}),
        ("I had a stillbirth at 26 weeks", {"embryo_transfers": 0, "confirmed_losses": 1}, Pattern.NEITHER, {SB}),
        ("I had 2 miscarriages and a stillbirth", {"embryo_transfers": 0}, Pattern.RM, {SB}),
        ("2 early miscarriages and a stillbirth at 30 weeks", {"embryo_transfers": 0}, Pattern.RM, {SB}),
        ("a miscarriage at 16 weeks and a stillbirth at 30 weeks", {"embryo_transfers": 0}, Pattern.LATER_LOSS, {SB}),
        ("stillborn son at 28 weeks after 2 failed transfers", {"confirmed_losses": 0}, Pattern.RIF, {SB}),
        ("2 MMCs and an ectopic", {"embryo_transfers": 0}, Pattern.RM, {Flag.ECTOPIC_OR_MOLAR}),
        (
            "two natural chemicals and a miscarriage at 9 weeks",
            {"embryo_transfers": 0},
            Pattern.RM,
            {Flag.BIOCHEMICAL_LOSSES},
        ),
        (
            "3 failed FETs",
            {"confirmed_losses": 0, "embryos_good_quality": "no"},
            Pattern.RIF,
            {Flag.LOWER_GRADE_EMBRYOS},
        ),
        (
            "fresh transfer in 2021 negative, FET in 2022 a chemical, FET in 2023 negative, then a natural "
            "pregnancy ended at 7 weeks with a sac but no heartbeat",
            {},
            Pattern.BOTH,
            {Flag.BIOCHEMICAL_LOSSES},
        ),
    ],
)
def test_a_told_history_is_counted_as_guidelines_do(story, slots, pattern, flags):
    history = parse_history(story)
    answers = {**history.to_slots(), **slots}
    assessment = assess(facts_for_assessment(answers, history))
    assert (assessment.pattern, set(assessment.flags)) == (pattern, flags)


def test_a_no_to_the_trimester_question_means_later_losses():
    facts = facts_for_assessment({"embryo_transfers": 0, "confirmed_losses": 1, "losses_first_trimester": "no"}, E)
    assert facts.second_trimester_losses == 1


def test_a_stillbirth_reaches_the_assessment_but_is_not_a_later_loss():
    # "no" to "before 13 weeks?" is filled from the stillbirth itself (History.losses_first_trimester).
    history = History(stillbirths=1)
    assert history.losses_first_trimester == "no"
    slots = {"embryo_transfers": 0, "confirmed_losses": 1, "losses_first_trimester": "no"}
    facts = facts_for_assessment(slots, history)
    assert (facts.stillbirths, facts.second_trimester_losses, facts.confirmed_losses) == (1, 0, 1)
    # Weeks the user gave still count: a loss at 16 weeks is a later loss, the stillbirth is not.
    history = parse_history("a miscarriage at 16 weeks and a stillbirth at 30 weeks")
    facts = facts_for_assessment({**history.to_slots(), "embryo_transfers": 0}, history)
    assert (facts.stillbirths, facts.second_trimester_losses, facts.confirmed_losses) == (1, 1, 1)


def test_understood_lists_what_is_known_and_what_is_not():
    history = parse_history("2 fresh and 1 frozen transfer, one chemical")
    slots = {"embryo_transfers": 3, "positive_tests": 1, "confirmed_losses": UNKNOWN, "embryos_good_quality": "yes"}
    keys = [key for key, _ in understood(slots, history)]
    assert keys == [
        "transfers",
        "transfers_split",
        "positive_tests",
        "biochemical",
        "embryos_good_quality_yes",
        "unknown",
    ]


def test_clinic_questions_fit_the_answers_and_flags():
    questions = [
        {"text": "Always"},
        {"text": "Should we both be tested?", "unless": {"chromosome_tests_both": ["yes"]}},
        {"text": "What did our results show?", "if": {"chromosome_tests_both": ["yes", "some"]}},
        {"text": "Later loss referral?", "if": {"flag": "second_trimester_loss"}},
    ]
    assert clinic_questions(questions, {"chromosome_tests_both": "yes"}, ()) == ["Always", "What did our results show?"]
    assert clinic_questions(questions, {"chromosome_tests_both": "no"}, ("second_trimester_loss",)) == [
        "Always",
        "Should we both be tested?",
        "Later loss referral?",
    ]


def test_history_round_trips_through_a_slot():
    history = parse_history("2 MMCs at 8 and 15 weeks, 1 chemical")
    assert history_from_dict(history_to_dict(history)) == history
    assert history_from_dict({"unknown_field": 1, "ectopic": 1}) == History(ectopic=1)
