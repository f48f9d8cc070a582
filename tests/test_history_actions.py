"""The walk-through's actions with real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.history.actions import (
    ActionAnswerInWalkThrough,
    ActionAskHistoryConfirmed,
    ActionAssessHistory,
    ActionResetHistory,
    ActionShareHistorySummary,
    ActionShareNextSteps,
    ValidateHistoryForm,
)
from actions.history.narrative import history_from_dict
from tests.helpers.project import ROOT, load_yaml

DOMAIN: Dict[str, Any] = {"forms": load_yaml(ROOT / "domain.yml")["forms"]}


def make_tracker(
    slots: Dict[str, Any],
    text: str = "",
    requested_slot: str = None,
    events: List = None,
    intent: str = "inform",
    faq: str = None,
) -> Tracker:
    all_slots = {"requested_slot": requested_slot, "history_failed_attempts": 0, "assessment": None, **slots}
    selector = {"faq": {"response": {"intent_response_key": f"faq/{faq}"}}} if faq else {}
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [],
            "response_selector": selector,
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": "history_form"} if requested_slot else {},
        latest_action_name="action_listen",
    )


def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def form_turn(slot: str, text: str, filled: Dict[str, Any], attempts: int = 0):
    """One user answer to the form: the slot holds the raw text, as from_text maps it."""
    tracker = make_tracker(
        {**filled, slot: text, "history_failed_attempts": attempts},
        text=text,
        requested_slot=slot,
        events=[{"event": "slot", "name": slot, "value": text}],
    )
    return run(ValidateHistoryForm(), tracker)


def test_valid_number_word_is_stored_as_an_int_and_the_next_question_requested():
    messages, events = form_turn("embryo_transfers", "three", {})
    slots = slot_events(events)
    assert slots["embryo_transfers"] == 3
    assert slots["history_failed_attempts"] == 0
    assert slots["requested_slot"] == "positive_tests"
    assert messages == []


def test_bad_answer_is_explained_and_asked_again():
    messages, events = form_turn("embryo_transfers", "banana", {})
    slots = slot_events(events)
    assert slots["embryo_transfers"] is None
    assert slots["history_failed_attempts"] == 1
    assert slots["requested_slot"] == "embryo_transfers"
    assert len(messages) == 1 and "whole number" in messages[0]["text"]


def test_second_bad_answer_offers_to_skip_or_stop():
    messages, events = form_turn("embryo_transfers", "-2", {}, attempts=1)
    assert slot_events(events)["history_failed_attempts"] == 2
    assert "below zero" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[1]["buttons"]]
    assert payloads == ["/skip_question", "/stop_assessment"]


def test_more_positives_than_transfers_is_refused_with_the_transfer_count():
    messages, events = form_turn("positive_tests", "5", {"embryo_transfers": 2})
    assert slot_events(events)["positive_tests"] is None
    assert "2 transfers" in messages[0]["text"]


def test_no_transfers_skips_the_positive_test_question():
    _, events = form_turn("embryo_transfers", "none", {})
    slots = slot_events(events)
    assert slots["embryo_transfers"] == 0
    assert slots["requested_slot"] == "confirmed_losses"


def test_last_answer_completes_the_form():
    filled = {
        "embryo_transfers": 3,
        "positive_tests": 0,
        "confirmed_losses": 0,
        "embryos_good_quality": "yes",
        "chromosome_tests_both": "no",
        "history_confirmed": True,
    }
    _, events = form_turn("user_region", "UK", filled)
    slots = slot_events(events)
    assert slots["user_region"] == "uk"
    assert slots["requested_slot"] is None


def test_every_question_is_an_utter_ask_response_with_a_not_sure_button():
    # As in Rasa's demo bots: the form asks utter_ask_<slot>; no custom action needed.
    from tests.helpers.project import all_responses

    responses = all_responses()
    for slot in DOMAIN["forms"]["history_form"]["required_slots"]:
        if slot == "history_confirmed":
            continue  # action_ask_history_confirmed: the history as understood
        question = responses[f"utter_ask_{slot}"][0]
        assert "?" in question["text"], slot
        assert {"title": "Not sure", "payload": "not sure"} in question["buttons"], slot
    assert "positive pregnancy test" in responses["utter_ask_positive_tests"][0]["text"]


@pytest.mark.parametrize(
    "slots,pattern,phrase",
    [
        (
            {"embryo_transfers": 3, "positive_tests": 0, "confirmed_losses": 0},
            "rif_pattern",
            "recurrent implantation failure",
        ),
        ({"embryo_transfers": 0, "confirmed_losses": 3}, "rm_pattern", "recurrent miscarriage"),
        ({"embryo_transfers": 3, "positive_tests": 1, "confirmed_losses": 2}, "both_patterns", "both patterns"),
        ({"embryo_transfers": 1, "positive_tests": 0, "confirmed_losses": 1}, "neither_yet", "rule of thumb"),
        (
            {"embryo_transfers": 0, "confirmed_losses": 1, "losses_first_trimester": "no"},
            "later_loss",
            "One later loss is not recurrent miscarriage",
        ),
        (
            {"embryo_transfers": 2, "positive_tests": 0, "confirmed_losses": 1, "losses_first_trimester": "no"},
            "rif_and_later_loss",
            "recurrent implantation failure (RIF)",
        ),
        ({"embryo_transfers": "unknown", "confirmed_losses": "unknown"}, "unclear", "not known"),
    ],
)
def test_assessment_sets_the_slot_and_never_diagnoses(slots, pattern, phrase):
    messages, events = run(ActionAssessHistory(), make_tracker(slots))
    assert events == [SlotSet("assessment", pattern), SlotSet("assessment_flags", [])]
    assert phrase in messages[0]["text"]
    assert "not a diagnosis" in messages[1]["text"] and "RCOG" in messages[1]["text"]
    assert not any(" yet" in m["text"] for m in messages)


@pytest.mark.parametrize(
    "slots,history,pattern,flags,phrases",
    [
        (
            {"embryo_transfers": 3, "positive_tests": 3, "confirmed_losses": 0},
            {"biochemical_losses": 3, "biochemical_after_transfer": 3},
            "rm_pattern",
            ["biochemical_losses"],
            ["as pregnancy losses, not as failed transfers", "Some clinics count"],
        ),
        (
            {"embryo_transfers": 0, "confirmed_losses": 2, "losses_first_trimester": "some"},
            {"confirmed_miscarriages": 2, "loss_weeks": [8, 18]},
            "rm_pattern",
            ["second_trimester_loss"],
            ["Even one later loss", "RCOG 2023"],
        ),
        (
            {"embryo_transfers": 0, "confirmed_losses": 0, "losses_first_trimester": "no"},
            {"confirmed_miscarriages": 0, "stillbirths": 1},
            "neither_yet",
            ["stillbirth"],
            ["called a stillbirth", "Sands", "0808 164 3332", "Féileacáin", "Star Legacy Foundation"],
        ),
        (
            {"embryo_transfers": 0, "confirmed_losses": 3},
            {"ectopic": 1},
            "rm_pattern",
            ["ectopic_or_molar"],
            ["not counted as miscarriages", "tell your doctor"],
        ),
        (
            {"embryo_transfers": "unknown", "confirmed_losses": 3},
            {},
            "rm_pattern",
            ["rif_side_unknown"],
            ["I can't say about the transfer side"],
        ),
        (
            {"embryo_transfers": 4, "positive_tests": 0, "confirmed_losses": "unknown", "embryos_good_quality": "no"},
            {},
            "rif_pattern",
            ["lower_grade_embryos", "rm_side_unknown"],
            ["embryo quality first", "I can't say about the miscarriage side"],
        ),
    ],
)
def test_assessment_flags_each_get_their_line(slots, history, pattern, flags, phrases):
    messages, events = run(ActionAssessHistory(), make_tracker({**slots, "history": history}))
    assert events == [SlotSet("assessment", pattern), SlotSet("assessment_flags", flags)]
    text = "\n".join(m["text"] for m in messages)
    for phrase in phrases:
        assert phrase in text


def test_next_steps_give_pattern_guidance_and_both_uk_and_us_lines_when_region_unknown():
    tracker = make_tracker(
        {"embryo_transfers": 0, "confirmed_losses": 3, "assessment": "rm_pattern", "user_region": "unknown"}
    )
    messages, _ = run(ActionShareNextSteps(), tracker)
    texts = [m["text"] for m in messages]
    assert "antiphospholipid" in texts[0]
    assert "partner" in texts[1] and "None of this is your fault" in texts[1]
    assert "01924 200799" in texts[2] and "988" in texts[2]


def test_next_steps_give_only_the_users_region():
    tracker = make_tracker({"assessment": "rif_pattern", "user_region": "us"})
    messages, _ = run(ActionShareNextSteps(), tracker)
    assert "nationalshare.org" in messages[2]["text"] and "01924" not in messages[2]["text"]


def test_summary_lists_answers_and_questions_with_related_topic_buttons():
    slots = {
        "embryo_transfers": 3,
        "positive_tests": 0,
        "confirmed_losses": 0,
        "embryos_good_quality": "yes",
        "chromosome_tests_both": "unknown",
        "user_region": "uk",
        "assessment": "rif_pattern",
    }
    messages, _ = run(ActionShareHistorySummary(), make_tracker(slots))
    text = messages[0]["text"]
    assert "Embryo transfers: 3" in text
    assert "Positive tests after transfer: 0" in text
    assert "Both partners' chromosome tests: not sure" in text
    assert "Region: the UK" in text
    assert "Losses in the first trimester" not in text  # not asked
    assert "hysteroscopy" in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/faq/rif_causes", "/faq/rif_tests", "/faq/rif_treatment"]


def test_reset_clears_the_answers_but_remembers_the_region():
    _, events = run(ActionResetHistory(), make_tracker({"embryo_transfers": 3, "user_region": "uk"}))
    cleared = slot_events(events)
    assert cleared["embryo_transfers"] is None and cleared["assessment"] is None
    assert "user_region" not in cleared


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I've had 3 failed transfers, is that RIF?", {"embryo_transfers": 3, "positive_tests": 0}),
        ("two MMCs and one chemical, which one am I?", {"confirmed_losses": 2}),
        ("which one applies to me", {}),
        ("/start_assessment", {}),
    ],
)
def test_starting_message_prefills_what_it_already_tells(text, expected):
    messages, events = run(ActionResetHistory(), make_tracker({"user_region": "uk"}, text=text))
    slots = slot_events(events)
    for slot in ("embryo_transfers", "positive_tests", "confirmed_losses"):
        assert slots[slot] == expected.get(slot), slot
    assert "user_region" not in slots  # the region is about the user: never cleared
    if expected:
        assert "I've noted" in messages[0]["text"] and "start over" in messages[0]["text"]
    else:
        assert messages == []


def test_prefilled_answers_are_checked_as_if_typed():
    from actions.history.form_logic import prefilled_answers

    assert prefilled_answers({"embryo_transfers": 2, "positive_tests": 3}) == {"embryo_transfers": 2}
    assert prefilled_answers({"embryo_transfers": 40}) == {}
    assert prefilled_answers({"losses_first_trimester": "some", "confirmed_losses": 2}) == {
        "confirmed_losses": 2,
        "losses_first_trimester": "some",
    }


FULL = {
    "embryo_transfers": 3,
    "positive_tests": 1,
    "confirmed_losses": 0,
    "embryos_good_quality": "yes",
    "chromosome_tests_both": "no",
}


def test_here_is_what_i_understood_lists_the_history_with_yes_and_change_buttons():
    history = {"transfers_total": 3, "transfers_fresh": 2, "transfers_frozen": 1, "biochemical_losses": 1}
    messages, events = run(ActionAskHistoryConfirmed(), make_tracker({**FULL, "history": history}))
    text = messages[0]["text"]
    assert text.startswith("Here is what I understood:")
    assert "3 embryo transfers (2 fresh, 1 frozen)" in text
    assert "1 positive test after a transfer" in text and "1 positive test lost before a scan" in text
    assert "0 miscarriages seen on a scan" in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert events == []


def confirm_turn(value: Any, filled: Dict[str, Any], history: Dict[str, Any] = None):
    tracker = make_tracker(
        {**filled, "history_confirmed": value, "history": history or {}},
        text=str(value),
        requested_slot="history_confirmed",
        events=[{"event": "slot", "name": "history_confirmed", "value": value}],
    )
    return run(ValidateHistoryForm(), tracker)


def test_yes_confirms_and_the_form_goes_on_to_the_region():
    _, events = confirm_turn(True, FULL)
    slots = slot_events(events)
    assert slots["history_confirmed"] is True and slots["requested_slot"] == "user_region"


def test_change_something_asks_what_to_change_without_counting_a_failure():
    messages, events = confirm_turn("change", FULL)
    slots = slot_events(events)
    assert slots["history_confirmed"] is None and slots["requested_slot"] == "history_confirmed"
    assert "What should I change?" in messages[0]["text"]
    assert slots.get("history_failed_attempts", 0) == 0


def test_a_correction_updates_the_answers_and_the_history_then_asks_again():
    messages, events = confirm_turn("actually it was 4 transfers", FULL, {"transfers_total": 3})
    slots = slot_events(events)
    assert slots["embryo_transfers"] == 4 and history_from_dict(slots["history"]).transfers_total == 4
    assert slots["history_confirmed"] is None and slots["requested_slot"] == "history_confirmed"
    assert "I've changed that" in messages[0]["text"]


def test_a_correction_to_no_transfers_and_then_some_asks_the_new_questions():
    filled = {
        "embryo_transfers": 0,
        "confirmed_losses": 2,
        "losses_first_trimester": "yes",
        "chromosome_tests_both": "no",
    }
    _, events = confirm_turn("sorry, we did have 2 transfers", filled, {"transfers_total": 0})
    slots = slot_events(events)
    assert slots["embryo_transfers"] == 2
    assert "positive_tests" in slots and slots["positive_tests"] is None  # now relevant, so asked
    assert slots["history_confirmed"] is None  # shown again after the new question


def test_text_that_changes_nothing_is_explained():
    messages, events = confirm_turn("purple elephants", FULL)
    assert slot_events(events)["history_failed_attempts"] == 1
    assert "couldn't see what to change" in messages[0]["text"]


def in_form(text: str, slot: str, filled: Dict[str, Any], intent: str = "faq", faq: str = None, attempts: int = 0):
    tracker = make_tracker(
        {**filled, "history_failed_attempts": attempts}, text=text, requested_slot=slot, intent=intent, faq=faq
    )
    return run(ActionAnswerInWalkThrough(), tracker)


@pytest.mark.parametrize(
    "slot,text,filled,expected",
    [
        ("losses_first_trimester", "first trimester", {"confirmed_losses": 2}, {"losses_first_trimester": "yes"}),
        (
            "losses_first_trimester",
            "both were early, around 8 weeks",
            {"confirmed_losses": 2},
            {"losses_first_trimester": "yes"},
        ),
        ("embryo_transfers", "2 fresh and 1 frozen", {}, {"embryo_transfers": 3}),
        ("positive_tests", "one, but it was a chemical", {"embryo_transfers": 3}, {"positive_tests": 1}),
        ("confirmed_losses", "at 8 and 15 weeks", {}, {"confirmed_losses": 2, "losses_first_trimester": "some"}),
    ],
)
def test_an_answer_the_classifier_took_for_a_question_is_taken(slot, text, filled, expected):
    messages, events = in_form(text, slot, filled, faq="rif_definition")
    slots = slot_events(events)
    for name, value in expected.items():
        assert slots[name] == value
    assert messages == []  # no FAQ answer


def test_a_real_question_in_the_middle_is_answered_then_the_second_offers_to_skip():
    messages, events = in_form("what counts as a transfer?", "embryo_transfers", {}, faq="rif_definition")
    assert messages[0]["response"] == "utter_faq/rif_definition"
    assert slot_events(events) == {"history_failed_attempts": 1}
    messages, events = in_form("and what is RM?", "embryo_transfers", {}, faq="rm_definition", attempts=1)
    assert messages[0]["response"] == "utter_faq/rm_definition"
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/skip_question", "/stop_assessment"]


def test_summary_questions_fit_the_answers():
    both_tested = {
        "embryo_transfers": 0,
        "confirmed_losses": 3,
        "chromosome_tests_both": "yes",
        "assessment": "rm_pattern",
    }
    text = run(ActionShareHistorySummary(), make_tracker(both_tested))[0][0]["text"]
    assert "should we both have chromosome tests" not in text
    assert "What did our chromosome results show" in text
    untested = {**both_tested, "chromosome_tests_both": "no"}
    text = run(ActionShareHistorySummary(), make_tracker(untested))[0][0]["text"]
    assert "should we both have chromosome tests" in text
    later = {**untested, "assessment_flags": ["second_trimester_loss"]}
    text = run(ActionShareHistorySummary(), make_tracker(later))[0][0]["text"]
    assert "referred to a specialist clinic for my later loss" in text


def test_a_later_loss_summary_asks_for_referral_and_tests_of_the_baby_and_placenta():
    slots = {
        "embryo_transfers": 0,
        "confirmed_losses": 1,
        "losses_first_trimester": "no",
        "chromosome_tests_both": "no",
        "assessment": "later_loss",
    }
    messages, _ = run(ActionShareHistorySummary(), make_tracker(slots))
    text = messages[0]["text"]
    assert "referred to a specialist clinic for my later loss" in text
    assert "tests of my baby or the placenta" in text and "cervix" in text
    assert "stillbirth" not in text
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/faq/first_evaluation",
        "/faq/rm_tests",
        "/faq/next_steps",
    ]
    text = run(ActionShareHistorySummary(), make_tracker({**slots, "assessment_flags": ["stillbirth"]}))[0][0]["text"]
    assert "What did the tests after my stillbirth show" in text


def test_next_steps_after_a_later_loss_name_the_tests_of_the_baby_and_placenta():
    tracker = make_tracker({"assessment": "later_loss", "user_region": "uk"})
    messages, _ = run(ActionShareNextSteps(), tracker)
    assert "post-mortem" in messages[0]["text"] and "only done if you agree" in messages[0]["text"]
