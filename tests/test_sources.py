"""Where an answer comes from: the plain functions, the action with a real
rasa_sdk Tracker, and the Sources button over REST with the real servers."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import load_content
from actions.sources.actions import ActionShowSources, catalogue_topics
from actions.sources.logic import describe_sources, last_answered_topic, plain_date
from tests.helpers.servers import send_rest


def user(key=None, text="q"):
    selector = {"faq": {"response": {"intent_response_key": f"faq/{key}"}}} if key else {}
    return {"event": "user", "text": text, "parse_data": {"response_selector": selector}}


def action(name):
    return {"event": "action", "name": name}


@pytest.mark.parametrize(
    "events,expected",
    [
        ([], None),
        ([user("pgt"), action("utter_faq")], "pgt"),
        ([user("pgt"), action("utter_faq"), user(), action("utter_greet")], "pgt"),  # the latest FAQ answer
        ([user("pgt"), action("utter_faq"), user("thyroid"), action("utter_faq")], "thyroid"),
        ([user("pgt"), action("utter_fallback")], None),  # classified, but not answered
        ([user("pgt"), action("utter_faq"), user("thyroid"), action("action_respond_to_distress")], "pgt"),
    ],
)
def test_last_answered_topic(events, expected):
    assert last_answered_topic(events) == expected


def test_plain_date():
    assert plain_date("2026-11-22") == "22 November 2026"
    assert plain_date(dt.date(2027, 1, 3)) == "3 January 2027"


def test_every_topic_has_sources_in_plain_words_and_a_review_date():
    words = load_content("sources")
    for key, topic in catalogue_topics().items():
        lines = describe_sources(topic, words)
        assert topic["title"] in lines[0], key
        assert len(lines) >= 3, key  # heading, at least one source, the date
        assert "seed A" not in "\n".join(lines) and "seed B" not in "\n".join(lines), key
        assert plain_date(topic["reviewed"]) in lines[-1], key


def run_action(entities=(), events=()):
    tracker = Tracker(
        sender_id="s",
        slots={},
        latest_message={"text": "where is this from?", "intent": {"name": "ask_sources"}, "entities": list(entities)},
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionShowSources().run(dispatcher, tracker, {}))
    return dispatcher.messages[0]["text"]


def test_the_button_names_the_topic():
    text = run_action(entities=[{"entity": "faq_key", "value": "uterine_surgery"}])
    assert 'about "Womb surgery"' in text and "Rikken" in text


def test_a_question_without_button_takes_the_latest_answer():
    text = run_action(events=[user("pgt"), action("utter_faq")])
    assert "Testing embryos (PGT)" in text and "HFEA" in text


def test_no_answer_yet_says_how_it_works():
    assert "once I've answered a question" in run_action()


@pytest.mark.e2e
def test_sources_button_and_question_over_rest(assistant):
    base = assistant.base_url
    replies = send_rest(base, "e2e-sources", "what is recurrent implantation failure?")
    answer = [r for r in replies if "buttons" in r and any(b["title"] == "Sources" for b in r["buttons"])]
    assert answer, replies
    payload = next(b["payload"] for b in answer[0]["buttons"] if b["title"] == "Sources")
    assert payload == '/ask_sources{"faq_key":"rif_definition"}'
    replies = send_rest(base, "e2e-sources", payload)
    text = "\n".join(r.get("text", "") for r in replies)
    assert 'about "What is RIF?"' in text and "ESHRE" in text and "last checked on" in text
    send_rest(base, "e2e-sources", "is PGT-A worth it for us?")
    replies = send_rest(base, "e2e-sources", "where is this from?")
    assert "Testing embryos (PGT)" in "\n".join(r.get("text", "") for r in replies)
