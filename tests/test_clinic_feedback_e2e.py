"""A clinic's profile and "was this helpful?" over REST, with both servers
and an SQLite tracker store: the clinic's contact under answers that point to
the clinic and under the support list, no region question when the clinic
sets one, the chat page's title, and feedback stored as ordinary events."""

from __future__ import annotations

import json
import sqlite3

import pytest
import yaml

from tests.helpers.project import all_responses, faq_answers
from tests.helpers.servers import action_server, get, rasa_server, send_rest
from tests.test_clinic import GOOD

pytestmark = [pytest.mark.e2e, pytest.mark.model]
CONTACT = "To reach Example Fertility Clinic: call 020 7946 0000"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clinic")
    profile = tmp / "clinic.yml"
    profile.write_text(yaml.safe_dump(GOOD))
    db = tmp / "conversations.db"
    stores = {
        "tracker_store": {"type": "bot.tracker_store.PrivacyAwareSQLTrackerStore", "dialect": "sqlite", "db": str(db)}
    }
    env = {"CLINIC_PROFILE": str(profile)}
    with action_server(env=env) as actions, rasa_server(actions, stores=stores, env=env) as base:
        yield base, db


def texts(replies):
    return "\n".join(reply.get("text", "") for reply in replies)


def user_events(db, sender):
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_an_answer_that_points_to_the_clinic_says_how_to_reach_it(clinic):
    base, _ = clinic
    replies = send_rest(base, "e2e-clinic-faq", "what is recurrent implantation failure?")
    answer = replies[-1]
    assert answer["text"].startswith(faq_answers()["rif_definition"]["text"])
    assert answer["text"].endswith(CONTACT + ", e-mail nurses@example-clinic.org, see https://example-clinic.org.")
    assert [b["title"] for b in answer["buttons"]][-3:] == ["Sources", "This helped", "Not helpful"]


def test_the_support_list_uses_the_clinic_region_and_contact(clinic):
    base, _ = clinic
    text = texts(send_rest(base, "e2e-clinic-support", "where can i get some support, i'm struggling"))
    assert all_responses()["utter_ask_user_region"][0]["text"] not in text
    assert "In the UK:" in text and "In Ireland:" not in text
    assert CONTACT in text


def test_same_day_advice_gives_the_early_pregnancy_unit_number(clinic):
    base, _ = clinic
    text = texts(send_rest(base, "e2e-clinic-same-day", "im 7 weeks pregnant and have a little brown spotting today"))
    assert "early pregnancy unit" in text and "St Example's EPU: 020 7946 0999." in text


def test_a_talk_to_person_turn_gives_the_contact_once(clinic):
    base, _ = clinic
    text = texts(send_rest(base, "e2e-clinic-person", "can I speak to a nurse please"))
    assert text.count("020 7946 0000") == 1 and CONTACT not in text


def test_feedback_yes_no_and_a_comment_are_stored_as_events(clinic):
    base, db = clinic
    sender = "e2e-feedback"
    send_rest(base, sender, "what is recurrent implantation failure?")
    assert "glad it helped" in texts(send_rest(base, sender, '/feedback_helpful{"faq_key":"rif_definition"}'))
    asked = send_rest(base, sender, '/feedback_not_helpful{"faq_key":"rif_definition"}')
    assert "What were you hoping to find out?" in texts(asked)
    assert [b["payload"] for b in asked[-1]["buttons"]] == ["/skip_question"]
    assert "Thank you, that helps" in texts(send_rest(base, sender, "too vague, I wanted actual numbers"))
    # Typed, and skipped.
    send_rest(base, sender, "what tests are there for recurrent miscarriage")
    assert "What were you hoping to find out?" in texts(send_rest(base, sender, "that's not what i asked"))
    assert "Thank you, that helps" in texts(send_rest(base, sender, "/skip_question"))
    events = [(e["parse_data"]["intent"]["name"], e) for e in user_events(db, sender)]
    feedback = [(name, [x["value"] for x in e["parse_data"]["entities"]]) for name, e in events if "feedback" in name]
    assert feedback == [
        ("feedback_helpful", ["rif_definition"]),
        ("feedback_not_helpful", ["rif_definition"]),
        ("feedback_not_helpful", []),
    ]
    comment = [e["text"] for name, e in events][
        events.index(next(p for p in events if p[0] == "feedback_not_helpful")) + 1
    ]
    assert comment == "too vague, I wanted actual numbers"


def test_a_question_after_no_is_still_answered(clinic):
    base, _ = clinic
    sender = "e2e-feedback-question"
    send_rest(base, sender, "what is recurrent implantation failure?")
    send_rest(base, sender, '/feedback_not_helpful{"faq_key":"rif_definition"}')
    replies = send_rest(base, sender, "what tests are there for recurrent miscarriage")
    assert replies[-1]["text"].startswith(faq_answers()["rm_tests"]["text"])


def test_crisis_words_after_no_get_the_crisis_reply(clinic):
    base, _ = clinic
    sender = "e2e-feedback-crisis"
    send_rest(base, sender, "what is recurrent implantation failure?")
    send_rest(base, sender, '/feedback_not_helpful{"faq_key":"rif_definition"}')
    text = texts(send_rest(base, sender, "nothing helps, i want to end my life"))
    assert "116 123" in text and "Thank you, that helps" not in text


def test_the_chat_page_has_the_clinic_title(clinic):
    base, _ = clinic
    status, page = get(base, "/chat/")
    assert status == 200
    assert "<title>Example chat</title>" in page and 'data-title="Example chat"' in page
