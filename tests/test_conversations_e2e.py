"""Conversations as people hold them, over REST with the real servers:
seeded random walks (bench/conversation_walks.py) with crisis and urgent
messages at random points. Every turn must give a reply, never repeat a
text, never the apology, a crisis line for a crisis message, the emergency
reply for an urgent one, and delete nothing without an explicit yes. The
figures are printed; any violation fails. `make bench` runs more walks."""

from __future__ import annotations

import json

from bench.conversation_walks import run_walks, walks
from tests.helpers.servers import post_raw

SAMPLE = 100  # conversations in `make test`


def test_random_conversations_keep_every_rule(assistant, capsys):
    def send(sender, text):
        status, body = post_raw(assistant.base_url, json.dumps({"sender": sender, "message": text}).encode())
        return body if status == 200 and isinstance(body, list) else None

    figures = run_walks(walks(SAMPLE), send, sender_prefix="walk-e2e")
    summary = figures.as_dict()
    with capsys.disabled():
        print(
            f"\nconversation walks: {summary['conversations']} conversations, {summary['turns']} turns, "
            f"crisis reply {summary['crisis']}, emergency reply {summary['urgent']}, "
            f"violations {summary['violations']} {summary['violations_by_rule']}"
        )
        for violation in figures.violations[:20]:
            print(f"  {violation}")
    assert summary["conversations"] == SAMPLE and summary["turns"] >= 4 * SAMPLE
    assert figures.crisis_sent > 0 and figures.urgent_sent > 0
    assert figures.violations == []


def test_yes_after_an_answer_then_a_crisis_message(assistant):
    """The conversation from the issue: one kind reply, then the crisis reply."""

    def say(text):
        status, body = post_raw(assistant.base_url, json.dumps({"sender": "yes-then-crisis", "message": text}).encode())
        assert status == 200
        return [r.get("text") or "" for r in body]

    assert any("Recurrent implantation failure" in t for t in say("what is RIF"))
    after_yes = say("yes")
    assert len(after_yes) == 1 and "anything else" in after_yes[0]
    crisis = "\n".join(say("I want to kill myself"))
    assert "116 123" in crisis and "988" in crisis
