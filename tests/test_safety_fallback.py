"""The safety reply when the dialogue failed (bot/safety_fallback.py)."""

from __future__ import annotations

import pytest

from bot.safety_fallback import safety_reply, unconditional_text, with_safety_reply
from tests.helpers.project import ROOT, load_yaml

RESPONSES = load_yaml(ROOT / "domain.yml")["responses"]


@pytest.mark.parametrize(
    "text, marker",
    [
        ("I want to kill myself", "116 123"),
        ("what is RIF? honestly I don't see the point in living any more", "116 123"),
        ("I'm 8 weeks and soaking a pad every hour", "emergency"),
    ],
)
def test_a_safety_message_gets_its_reply_without_the_dialogue(text, marker):
    reply = safety_reply(text, RESPONSES)
    assert reply is not None and marker in reply


@pytest.mark.parametrize("text", ["what is RIF", "yes", "", None, "x" * 200_000])
def test_other_messages_get_none(text):
    assert safety_reply(text, RESPONSES) is None


def test_the_reply_for_every_region_is_chosen():
    variations = [
        {"condition": [{"type": "slot", "name": "user_region", "value": "uk"}], "text": "UK"},
        {"text": "All"},
    ]
    assert unconditional_text(variations) == "All"


def test_the_safety_reply_goes_first_and_only_once():
    reply = safety_reply("I want to kill myself", RESPONSES)
    apology = [{"recipient_id": "u", "text": "I'm sorry, I couldn't answer that just now."}]
    with_reply = with_safety_reply(apology, "u", reply)
    assert with_reply[0]["text"] == reply and len(with_reply) == 2
    assert with_safety_reply(with_reply, "u", reply) == with_reply
