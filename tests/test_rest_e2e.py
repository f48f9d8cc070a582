"""End to end: the real Rasa server on a free port, three questions over REST."""

from __future__ import annotations

import json

import pytest

from tests.helpers.project import faq_answers
from tests.helpers.servers import REST_TEST_TOKEN, post_raw, send_rest

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(assistant):
    return assistant.base_url


def test_three_questions_get_their_answers_over_rest(server):
    answers = faq_answers()
    questions = [
        ("what is RIF", "rif_definition"),
        ("how is recurrent miscarriage treated?", "rm_treatment"),
        ("should my partner get tested as well", "partner_role"),
    ]
    for number, (question, key) in enumerate(questions):
        replies = send_rest(server, "e2e-user", question)
        if number == 0:  # a new conversation starts with the "not a doctor" line
            assert "not a doctor" in replies.pop(0)["text"]
        assert len(replies) == 1, replies
        assert replies[0]["recipient_id"] == "e2e-user"
        assert replies[0]["text"] == answers[key]["text"]
        entity = f'{{"faq_key":"{key}"}}'
        added = [f"/ask_sources{entity}", f"/feedback_helpful{entity}", f"/feedback_not_helpful{entity}"]
        assert [b["payload"] for b in replies[0]["buttons"]] == [b["payload"] for b in answers[key]["buttons"]] + added


def test_a_clicked_button_answers_its_topic_over_rest(server):
    replies = send_rest(server, "e2e-button", "/faq/rif_causes")
    assert replies[-1]["text"] == faq_answers()["rif_causes"]["text"]


def test_greeting_says_it_is_not_a_doctor_once(server):
    replies = send_rest(server, "e2e-greet", "hello")
    assert "not a doctor" in replies[0]["text"]  # the session's line
    assert sum(r["text"].count("not a doctor") for r in replies) == 1
    assert "Hello, and welcome" in replies[-1]["text"]


def test_a_body_without_sender_is_refused_and_files_nothing(server):
    status, reply = post_raw(server, json.dumps({"message": "my 3 transfers all failed"}).encode())
    assert status == 400 and "'sender' is required" in reply["error"]
    # nothing was filed under upstream's shared conversation "default"
    replies = send_rest(server, "default", "hello")
    assert "not a doctor" in replies[0]["text"]  # a brand-new conversation


def test_the_rest_webhook_requires_its_bearer_token(server):
    body = json.dumps({"sender": "auth-user", "message": "what is RIF"}).encode()
    for headers in (
        {"Authorization": ""},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {REST_TEST_TOKEN}"},
    ):
        status, reply = post_raw(server, body, headers=headers)
        assert status == 401, (headers, status, reply)
        assert "Bearer" in reply["error"]
    status, replies = post_raw(server, body, headers={"Authorization": f"Bearer {REST_TEST_TOKEN}"})
    assert status == 200 and replies[-1]["text"]


def test_a_message_with_two_questions_gets_one_answer_and_the_other_as_a_button(server):
    message = (
        "We've had 3 failed FETs with good blasts and our clinic is now suggesting extra tests. "
        "Is the ERA test worth paying for? And should my husband get his sperm DNA checked too?"
    )
    replies = send_rest(server, "e2e-two-questions", message)
    assert "You also asked about" in replies[-1]["text"]
    offered = [b["payload"] for b in replies[-1]["buttons"]]
    answered = [key for key, answer in faq_answers().items() if answer["text"] == replies[-2]["text"]]
    assert answered and offered and f"/faq/{answered[0]}" not in offered
    sperm = ("partner_role", "sperm_dna_male_health")
    assert any(f"/faq/{key}" in offered for key in sperm) or answered[0] in sperm
