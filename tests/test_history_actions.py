"""The walk-through's actions with real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.history.actions import (
    ActionAssessHistory,
    ActionResetHistory,
    ActionShareHistorySummary,
    ActionShareNextSteps,
    ValidateHistoryForm,
)

DOMAIN: Dict[str, Any] = {
    "forms": {
        "history_form": {
            "required_slots": [
                "embryo_transfers",
                "positive_tests",
                "confirmed_losses",
                "embryos_good_quality",
                "losses_first_trimester",
                "chromosome_tests_both",
                "user_region",
            ]
        }
    }
}


def make_tracker(slots: Dict[str, Any], text: str = "", requested_slot: str = None, events: List = None) -> Tracker:
    all_slots = {"requested_slot": requested_slot, "history_failed_attempts": 0, "assessment": None, **slots}
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []},
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
        ({"embryo_transfers": 1, "positive_tests": 0, "confirmed_losses": 1}, "neither_yet", "threshold"),
        ({"embryo_transfers": "unknown", "confirmed_losses": "unknown"}, "unclear", "unknown"),
    ],
)
def test_assessment_sets_the_slot_and_never_diagnoses(slots, pattern, phrase):
    messages, events = run(ActionAssessHistory(), make_tracker(slots))
    assert events == [SlotSet("assessment", pattern)]
    assert phrase in messages[0]["text"]
    assert "not a diagnosis" in messages[1]["text"] and "RCOG" in messages[1]["text"]


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
