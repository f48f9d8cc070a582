"""End to end: the real action server and Rasa server, two full walk-throughs over REST."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.helpers.servers import send_rest

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(assistant):
    return assistant.base_url


def tracker_slots(base_url: str, sender: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/conversations/{sender}/tracker", timeout=30) as response:
        return json.loads(response.read())["slots"]


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_rif_walk_through_with_a_re_ask_and_a_mid_form_question(server):
    sender = "e2e-history-rif"
    replies = send_rest(server, sender, "which one applies to me")
    assert "optional" in texts(replies) and "diagnosis" in texts(replies)
    assert "How many embryo transfers" in texts(replies)

    replies = send_rest(server, sender, "banana")
    assert "couldn't find a number" in texts(replies)
    assert "How many embryo transfers" in texts(replies)

    replies = send_rest(server, sender, "three")
    assert "positive pregnancy test" in texts(replies)

    replies = send_rest(server, sender, "what is RIF")  # answered, then the form goes on
    assert "Recurrent implantation failure (RIF) means" in texts(replies)
    assert "positive pregnancy test" in texts(replies)

    for answer in ["none", "none", "yes"]:
        send_rest(server, sender, answer)
    replies = send_rest(server, sender, "no")
    assert "Here is what I understood:\n- 3 embryo transfers\n- 0 positive tests after transfers" in texts(replies)
    send_rest(server, sender, "yes")
    replies = send_rest(server, sender, "UK")
    final = texts(replies)
    assert "recurrent implantation failure (RIF)" in final
    assert "not a diagnosis" in final
    assert "01924 200799" in final  # UK support line
    assert "Your summary to take to your clinic" in final and "Embryo transfers: 3" in final
    assert replies[-1]["buttons"][0]["payload"] == "/faq/rif_causes"
    assert tracker_slots(server, sender)["assessment"] == "rif_pattern"


def test_rm_walk_through_with_unknown_answers_and_stop_and_start_over(server):
    sender = "e2e-history-rm"
    send_rest(server, sender, "go through my history")
    send_rest(server, sender, "2")
    replies = send_rest(server, sender, "start over")
    assert "How many embryo transfers" in texts(replies)
    assert tracker_slots(server, sender)["embryo_transfers"] is None

    for answer in ["none", "twice", "yes", "not sure", "yes"]:
        send_rest(server, sender, answer)
    replies = send_rest(server, sender, "not sure")  # region unknown: UK and US lines
    final = texts(replies)
    assert "recurrent miscarriage (RM)" in final
    assert "antiphospholipid" in final
    assert "116 123" in final and "988" in final
    slots = tracker_slots(server, sender)
    assert slots["assessment"] == "rm_pattern"
    assert slots["confirmed_losses"] == 2 and slots["embryo_transfers"] == 0

    send_rest(server, sender, "go through my history")
    replies = send_rest(server, sender, "stop")
    assert "stopped" in texts(replies)
    assert tracker_slots(server, sender)["confirmed_losses"] is None


def test_a_history_told_in_the_first_message_is_not_asked_again(server):
    sender = "e2e-history-told"
    replies = send_rest(server, sender, "ive had 3 failed FETs with top grade blasts, is that RIF?")
    assert "I've noted embryo transfers: 3; positive tests after transfer: 0" in texts(replies)
    assert "How many embryo transfers" not in texts(replies)
    assert "confirmed on a scan" in texts(replies)  # the next unanswered question
    slots = tracker_slots(server, sender)
    assert (slots["embryo_transfers"], slots["positive_tests"]) == (3, 0)
