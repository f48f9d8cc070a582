"""End to end: the real Rasa server on a free port, three questions over REST."""
from __future__ import annotations

import pytest

from tests.helpers.project import faq_answers
from tests.helpers.servers import send_rest


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
        assert [b["payload"] for b in replies[0]["buttons"]] == [
            b["payload"] for b in answers[key]["buttons"]
        ]


def test_a_clicked_button_answers_its_topic_over_rest(server):
    replies = send_rest(server, "e2e-button", "/faq/rif_causes")
    assert replies[-1]["text"] == faq_answers()["rif_causes"]["text"]


def test_greeting_says_it_is_not_a_doctor(server):
    replies = send_rest(server, "e2e-greet", "hello")
    assert "not a doctor" in replies[-1]["text"]  # the greeting itself says so too
