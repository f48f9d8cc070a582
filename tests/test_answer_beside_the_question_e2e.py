"""Over REST with the real servers: risk inside a question gets the answer
to the question and then the tier-2 question, in one turn, and "yes" to it
gets the crisis reply (issue 25, a policy that asks)."""

from __future__ import annotations

import json

from tests.helpers.servers import post_raw


def say(base_url: str, sender: str, text: str) -> list:
    status, body = post_raw(base_url, json.dumps({"sender": sender, "message": text}).encode("utf-8"))
    assert status == 200 and isinstance(body, list), (status, body)
    return body


def test_the_question_is_answered_and_the_risk_asked_about(assistant):
    sender = "answer-beside-1"
    replies = say(
        assistant.base_url,
        sender,
        "is the endometrial scratch worth it? ive been writing letters to my family for after im gone",
    )
    texts = [r.get("text") or "" for r in replies]
    answer = plain_answer(assistant.base_url)
    assert answer in texts[:-1], texts  # the answer to what was asked comes first
    assert "thoughts of ending your life" in texts[-1], texts  # then the direct, kind question
    assert any(b.get("payload") == "/affirm" for b in replies[-1].get("buttons") or []), replies[-1]
    follow = "\n".join(r.get("text") or "" for r in say(assistant.base_url, sender, "yes"))
    assert "116 123" in follow or "988" in follow, follow


def plain_answer(base_url: str) -> str:
    """The FAQ answer the question alone gets (after the first-turn notice)."""
    texts = [r.get("text") or "" for r in say(base_url, "answer-beside-plain", "is the endometrial scratch worth it?")]
    answers = [t for t in texts if "not a doctor" not in t]
    assert len(answers) == 1, texts
    return answers[0]


def test_a_plain_faq_question_gets_only_its_answer(assistant):
    answer = plain_answer(assistant.base_url)
    assert "evidence" in answer and "ending your life" not in answer, answer
