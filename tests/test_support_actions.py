"""Support actions with real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.support.actions import ActionRespondToDistress, ActionShareSupportResources
from actions.support.logic import voices_self_blame


def tracker(text: str = "", slots=None) -> Tracker:
    return Tracker(
        "support-user",
        slots or {},
        {"text": text, "intent": {"name": "express_distress"}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return [m.get("text") for m in dispatcher.messages], dispatcher.messages, events


@pytest.mark.parametrize(
    "text,blame",
    [
        ("it's all my fault", True),
        ("I blame myself", True),
        ("I must have done something wrong", True),
        ("I feel like a failure", True),
        ("I feel so guilty", True),
        ("my body keeps failing me", True),
        ("I feel so alone", False),
        ("I'm heartbroken", False),
        ("", False),
    ],
)
def test_self_blame_is_recognised(text, blame):
    assert voices_self_blame(text) is blame


def test_distress_gets_empathy_first_and_not_your_fault_when_blame_is_voiced():
    texts, messages, events = run(ActionRespondToDistress(), tracker("it's my fault I lost the baby"))
    assert events == []
    assert texts[0].startswith("I'm so sorry")
    assert "This is not your fault" in texts[1]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/request_resources", "/faq/emotional_impact"]


def test_distress_without_blame_gets_no_blame_line():
    texts, _, _ = run(ActionRespondToDistress(), tracker("I feel so alone"))
    assert not any("not your fault" in t for t in texts)


@pytest.mark.parametrize(
    "region,present,absent",
    [("uk", "01924 200799", "nationalshare"), ("us", "nationalshare.org", "01924"), (None, "01924 200799", None)],
)
def test_support_resources_follow_the_region(region, present, absent):
    texts, _, _ = run(ActionShareSupportResources(), tracker(slots={"user_region": region}))
    assert present in texts[0]
    if absent:
        assert absent not in texts[0]
    if region is None:
        assert "988" in texts[0]
