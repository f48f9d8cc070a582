"""A history with numbers plus "which one am I?" starts the walk-through."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.history_question import HistoryQuestionDetector, asks_which_pattern


@pytest.mark.parametrize(
    "text",
    [
        "I've had 3 failed transfers, is that RIF?",
        "two MMCs and one chemical, which one am I?",
        "6 transfers, 2 chemicals, 0 heartbeats. What am I?",
        "4 fets all bfn, does that count as rif",
        "lost 3 babies before 12 weeks, is this recurrent miscarriage",
        "2 BFNs then a BFP that ended in MMC at 9w. rif or rm??",
        "had two mcs naturally and one failed FET, where do I fit",
        "three chemicals in a row, would that be classed as recurrent miscarriage?",
    ],
)
def test_history_with_a_which_am_i_question(text):
    assert asks_which_pattern(text)


@pytest.mark.parametrize(
    "text",
    [
        "what is RIF",  # no history
        "is RIF the same as RM?",
        "3 failed FETs, is the ERA worth it?",  # a history, but another question
        "after 2 MMCs what tests should I ask for?",
        "we had 2 losses and does it mean our next baby will have the condition",  # not about the patterns
        "/start_assessment",
        "",
    ],
)
def test_other_messages_do_not_start_it(text):
    assert not asks_which_pattern(text)


def test_component_overrides_faq_and_fallback_but_not_safety_or_deletion():
    history = "5 transfers and no BFP ever, is this RIF?"
    replaced = [
        Message(data={"text": history, "intent": {"name": name, "confidence": 0.4}})
        for name in ("faq", "nlu_fallback", "inform")
    ]
    kept = [
        Message(data={"text": history, "intent": {"name": name, "confidence": 0.9}})
        for name in ("crisis", "delete_my_data", "urgent_symptoms")
    ]
    HistoryQuestionDetector().process(replaced + kept)
    assert {m.get("intent")["name"] for m in replaced} == {"start_assessment"}
    assert [m.get("intent")["name"] for m in kept] == ["crisis", "delete_my_data", "urgent_symptoms"]


# Asking for the walk-through, with or without numbers (walk_through_requests.yml).
from bot.nlu.history_question import asks_for_walk_through  # noqa: E402


@pytest.mark.parametrize(
    "text",
    [
        "which one applies to me, RIF or RM?",
        "can you help me understand my situation",
        "which am I",
        "so which one is it?",
        "am I RIF or RM",
        "do I have RIF or RM?",
        "could you look at my history please",
        "which pattern fits us",
        "what pattern do i fit",
        "does my history sound like recurrent miscarriage?",
        "go through my history with me",
        "can you walk me through my situation",
    ],
)
def test_requests_to_look_at_ones_own_history(text):
    assert asks_for_walk_through(text)


@pytest.mark.parametrize(
    "text",
    [
        "which is more common, RIF or RM?",
        "what is the difference between rif and rm",
        "help me understand what RIF is",
        "which tests apply to me",
        "what am I supposed to ask my clinic",
        "/start_assessment",
        "",
    ],
)
def test_general_questions_are_not_requests(text):
    assert not asks_for_walk_through(text)
