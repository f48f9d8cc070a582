"""Every turn ends by listening (bot/policies/turn_guard.py) and a broken
turn cannot break the next one (bot/rasa_patches.py)."""

from __future__ import annotations

import pytest
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import bot.nlu  # noqa: F401 - applies our Rasa patches, as loading the model does
from bot.policies.turn_guard import (
    FALLBACK_ENDS_TURN,
    REPEATED_ACTION,
    TOO_MANY_ACTIONS,
    actions_this_turn,
    reason_to_listen,
)

FORMS = ("history_form", "region_form")


@pytest.mark.parametrize(
    "actions, reason",
    [
        ([], None),
        (["utter_faq"], None),
        (["utter_fallback"], FALLBACK_ENDS_TURN),
        (["utter_faq", "utter_fallback"], FALLBACK_ENDS_TURN),
        (["utter_anything_else", "utter_anything_else"], REPEATED_ACTION),
        (["history_form", "action_answer_in_walk_through", "history_form"], None),  # a form runs again
        (["action_deactivate_loop", "utter_crisis_support", "utter_offer_resume"], None),
        (["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"], TOO_MANY_ACTIONS),
        (["a1", "a2", "a3", "a4", "a5", "a6", "a7"], None),
    ],
)
def test_when_a_turn_must_end(actions, reason):
    assert reason_to_listen(actions, "utter_fallback", FORMS, 8) == reason


def test_actions_are_counted_from_the_latest_user_message():
    events = [
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("yes"),
        *[ActionExecuted("utter_fallback") for _ in range(10)],  # a turn that never listened
        UserUttered("I want to kill myself"),
        ActionExecuted("utter_crisis_support"),
    ]
    assert actions_this_turn(events) == ["utter_crisis_support"]


def test_a_turn_that_tripped_the_breaker_does_not_trip_the_next(monkeypatch):
    """Rasa counted back to the last action_listen: a conversation whose turn
    once tripped the circuit breaker tripped it on every later message."""
    tracker = DialogueStateTracker.from_events(
        "someone",
        [
            ActionExecuted("action_listen"),
            UserUttered("yes"),
            *[ActionExecuted("utter_fallback") for _ in range(10)],
            UserUttered("I want to kill myself"),
        ],
    )
    processor = MessageProcessor.__new__(MessageProcessor)
    processor.max_number_of_predictions = 10
    assert processor.is_action_limit_reached(tracker, should_predict_another_action=True) is False
    full = DialogueStateTracker.from_events(
        "someone", [ActionExecuted("action_listen"), UserUttered("x"), *[ActionExecuted("a") for _ in range(10)]]
    )
    assert processor.is_action_limit_reached(full, should_predict_another_action=True) is True
    assert processor.is_action_limit_reached(full, should_predict_another_action=False) is False
