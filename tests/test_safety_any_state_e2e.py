"""A crisis or urgent message is answered correctly from any state of the
dialogue, over REST with the real servers: out of and inside the walk-
through, after a fallback, at the deletion question, at "Is that right?",
after the result, after the tier-2 question, after a short reply."""

from __future__ import annotations

import json
from itertools import count

import pytest

from tests.helpers.servers import post_raw

CRISIS = "I want to kill myself"
URGENT = "I'm 8 weeks pregnant and soaking a pad every hour with big clots"
WALK_TO_SUMMARY = ["go through my history", "3", "0", "0", "yes", "yes"]
STATES = {
    "first message": [],
    "after an answer and yes": ["what is RIF", "yes"],
    "after a fallback": ["qwerty zxcv plonk"],
    "at the deletion question": ["delete my data"],
    "in the walk-through": ["go through my history", "2"],
    "at is that right": WALK_TO_SUMMARY,
    "after a second no": [*WALK_TO_SUMMARY, "no", "no"],
    "after the result": [*WALK_TO_SUMMARY, "yes", "UK"],
    "after the tier-2 question": ["honestly what is even the point anymore"],
    "after tell me more": ["what is the endometrial scratch", "tell me more"],
}
senders = count()


def say(base_url: str, sender: str, text: str) -> str:
    status, body = post_raw(base_url, json.dumps({"sender": sender, "message": text}).encode("utf-8"))
    assert status == 200 and isinstance(body, list), (status, body)
    return "\n".join(r.get("text") or "" for r in body)


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("kind", ["crisis", "urgent"])
def test_a_safety_message_is_answered_from_any_state(assistant, state, kind):
    sender = f"any-state-{next(senders)}"
    for text in STATES[state]:
        say(assistant.base_url, sender, text)
    reply = say(assistant.base_url, sender, CRISIS if kind == "crisis" else URGENT)
    if kind == "crisis":
        assert "116 123" in reply or "988" in reply, reply  # the user's region's line once it is known
    else:
        assert "emergency" in reply.lower() or "999" in reply, reply
    assert "deleted this conversation" not in reply
    assert "couldn't answer" not in reply
