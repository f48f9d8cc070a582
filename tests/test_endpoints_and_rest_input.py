"""Plain-function tests: endpoints from the environment, REST body validation,
and the tracker store's deletion rules on a real SQLite database."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import turn_notes
from bot.channels.rest import RestMessage, is_authorised, parse_rest_body
from bot.conversation import messages, replies_to_send
from bot.endpoints import EndpointsConfigError, render_endpoints
from bot.tracker_store import DELETION_CONFIRMATION, PrivacyAwareSQLTrackerStore, asked_to_forget
from bot.turn_notes import TurnNote, is_first_turn_of_session


def test_default_endpoints_persist_in_sqlite_without_a_lock_server():
    endpoints = render_endpoints({})
    assert endpoints["tracker_store"] == {
        "type": "bot.tracker_store.PrivacyAwareSQLTrackerStore",
        "dialect": "sqlite",
        "db": "var/conversations.db",
    }
    assert "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["url"] == "http://localhost:5055/webhook"


def test_postgresql_and_redis_are_chosen_by_environment():
    env = {
        "TRACKER_STORE": "postgresql",
        "POSTGRES_HOST": "db",
        "POSTGRES_DB": "test",
        "POSTGRES_USER": "rasa",
        "LOCK_STORE": "redis",
        "REDIS_HOST": "cache",
        "REDIS_DB": "3",
        "ACTION_ENDPOINT_URL": "http://actions:5055/webhook",
    }
    endpoints = render_endpoints(env)
    assert endpoints["tracker_store"] == {
        "type": "bot.tracker_store.PrivacyAwareSQLTrackerStore",
        "dialect": "postgresql",
        "url": "db",
        "port": 5432,
        "db": "test",
        "username": "rasa",
    }
    assert endpoints["lock_store"] == {
        "type": "bot.lock_store.AtomicRedisLockStore",
        "url": "cache",
        "port": 6379,
        "db": 3,
        "key_prefix": "rifrm",
    }
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"


@pytest.mark.parametrize("env", [{"TRACKER_STORE": "mongo"}, {"LOCK_STORE": "zookeeper"}])
def test_unknown_store_is_refused(env):
    with pytest.raises(EndpointsConfigError):
        render_endpoints(env)


@pytest.mark.parametrize(
    "body,expected",
    [
        (b'{"sender": "a", "message": "hi"}', RestMessage("a", "hi", None)),
        (b'{"sender": 42, "message": ""}', RestMessage("42", "", None)),
        (b'{"sender": "a", "message": "hi", "metadata": {"x": 1}}', RestMessage("a", "hi", {"x": 1})),
        # without a sender, upstream would file it under the shared "default" conversation
        (b'{"message": "hi", "metadata": {"x": 1}}', "'sender' is required"),
        (b'{"message": "hi"}', "'sender' is required"),
        (b'{"sender": null, "message": "hi"}', "'sender'"),
        (b"", "JSON"),
        (b"{not json", "JSON"),
        (b"\xff\xfe\x00", "JSON"),
        (b"[1, 2]", "object"),
        (b'{"sender": "a"}', "'message'"),
        (b'{"sender": "a", "message": 5}', "'message'"),
        (b'{"sender": ["a"], "message": "hi"}', "'sender'"),
        (b'{"sender": true, "message": "hi"}', "'sender'"),
        (b'{"sender": "", "message": "hi"}', "'sender'"),
        (json.dumps({"sender": "x" * 256, "message": "hi"}).encode(), "'sender'"),
        (b'{"sender": "a", "message": "hi", "metadata": "x"}', "'metadata'"),
    ],
)
def test_parse_rest_body(body, expected):
    parsed = parse_rest_body(body)
    if isinstance(expected, RestMessage):
        assert parsed == expected
    else:
        assert isinstance(parsed, str) and expected in parsed


@pytest.mark.parametrize(
    "header,token,allowed",
    [
        (None, None, True),
        ("Bearer anything", None, True),
        ("", "", True),
        ("Bearer s3cret", "s3cret", True),
        ("bearer s3cret", "s3cret", True),
        ("Bearer  s3cret ", "s3cret", True),
        (None, "s3cret", False),
        ("", "s3cret", False),
        ("Bearer", "s3cret", False),
        ("Bearer wrong", "s3cret", False),
        ("Basic s3cret", "s3cret", False),
        ("s3cret", "s3cret", False),
        ("Bearer s3cret2", "s3cret", False),
    ],
)
def test_rest_bearer_token(header, token, allowed):
    assert is_authorised(header, token) is allowed


ASKED = [
    UserUttered("delete my data"),
    ActionExecuted("utter_ask_delete_confirmation"),
    BotUttered("Delete?"),
    ActionExecuted("action_listen"),
]


def _answered(text, question="utter_ask_delete_confirmation"):
    asked = [ASKED[0], ActionExecuted(question), *ASKED[2:]]
    return asked + [
        UserUttered(text),
        ActionExecuted(DELETION_CONFIRMATION),
        BotUttered("Done."),
        ActionExecuted("action_listen"),
    ]


@pytest.mark.parametrize("answer", ["yes", "Yes, delete it.", "/affirm", "yes please", "Y"])
def test_deletion_needs_the_question_then_an_explicit_yes(answer):
    assert asked_to_forget(_answered(answer))
    assert asked_to_forget(_answered(answer, question="utter_ask_delete_confirmation_paused"))


@pytest.mark.parametrize(
    "events",
    [
        # one guess of the classifier: the confirmation ran without the question
        [
            UserUttered("where is this information from?"),
            ActionExecuted(DELETION_CONFIRMATION),
            ActionExecuted("action_listen"),
        ],
        # the question was asked, but the answer was not an explicit yes
        _answered("yes but where is this from"),
        _answered("where is this from"),
        _answered("ok"),
        _answered("/deny"),
        # an explicit yes to a different question
        _answered("yes", question="utter_offer_resume"),
        # the deletion was confirmed in an earlier turn, not this one
        _answered("yes") + [UserUttered("hello again"), ActionExecuted("utter_greet")],
        [UserUttered("hi"), ActionExecuted("utter_greet")],
    ],
    ids=["no-question", "yes-but", "other-text", "ok", "deny", "other-question", "earlier-turn", "greeting"],
)
def test_nothing_else_counts_as_a_confirmed_deletion(events):
    assert not asked_to_forget(events)


def _store(tmp_path) -> PrivacyAwareSQLTrackerStore:
    return PrivacyAwareSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.db"))


def _count(store, sender) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


def test_store_saves_then_deletes_for_real_on_confirmation(tmp_path):
    store = _store(tmp_path)
    tracker = DialogueStateTracker.from_events("alice", [UserUttered("what is RIF"), ActionExecuted("utter_faq")])
    asyncio.run(store.save(tracker))
    assert _count(store, "alice") == 2
    tracker.update(UserUttered("delete my data"))
    tracker.update(ActionExecuted("utter_ask_delete_confirmation"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert _count(store, "alice") == 5  # asking deletes nothing
    tracker.update(UserUttered("yes"))
    tracker.update(ActionExecuted(DELETION_CONFIRMATION))
    asyncio.run(store.save(tracker))
    assert _count(store, "alice") == 0


def test_retention_deletes_only_old_conversations(tmp_path):
    store = _store(tmp_path)
    now = time.time()
    old = DialogueStateTracker.from_events("old", [UserUttered("hi", timestamp=now - 40 * 86400)])
    recent = DialogueStateTracker.from_events("recent", [UserUttered("hi", timestamp=now - 2 * 86400)])
    asyncio.run(store.save(old))
    asyncio.run(store.save(recent))
    assert store.delete_conversations_older_than(30, now=now) == 1
    assert _count(store, "old") == 0 and _count(store, "recent") == 1


def test_first_turn_of_a_session_is_recognised():
    started = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    assert is_first_turn_of_session(started + [UserUttered("hi")])
    assert not is_first_turn_of_session(started + [UserUttered("hi"), BotUttered("hello"), UserUttered("what is RIF")])
    assert is_first_turn_of_session([UserUttered("old"), *started, UserUttered("new session")])
    assert not is_first_turn_of_session([])


def test_the_store_notes_first_turns_for_the_channels_to_read_once(tmp_path):
    store = _store(tmp_path)
    started = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("noted", started + [UserUttered("hi")])
    asyncio.run(store.save(tracker))
    # (these turns stop at the user's message: not listened, as a failed turn would be)
    assert turn_notes.pop("noted") == TurnNote(first_turn=True, listened=False)
    assert turn_notes.pop("noted") is None  # read once; then the channel reads the store
    tracker.update(UserUttered("what is RIF"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert turn_notes.pop("noted") == TurnNote(first_turn=False, listened=True)


def test_disclaimer_first_in_a_new_session_and_apology_for_silence():
    reply = {"recipient_id": "u", "text": "answer"}
    assert replies_to_send([reply], "u", first_turn=False) == [reply]
    first = replies_to_send([reply], "u", first_turn=True)
    assert "not a doctor" in first[0]["text"] and first[1] == reply
    assert replies_to_send([], "u", first_turn=False) == [{"recipient_id": "u", "text": messages()["apology"]}]


def _faq_turn(also, answered=True):
    parse = {"intent": {"name": "faq"}, "also_asked": also}
    events = [UserUttered("is the ERA worth it? and what about NK cells?", parse_data=parse)]
    return events + ([ActionExecuted("utter_faq")] if answered else []) + [ActionExecuted("action_listen")]


def test_other_topics_are_noted_only_when_the_message_got_an_faq_answer():
    assert turn_notes.also_asked(_faq_turn(["immune_factors"])) == ("immune_factors",)
    assert turn_notes.also_asked(_faq_turn(["immune_factors"], answered=False)) == ()
    assert turn_notes.also_asked(_faq_turn([])) == ()
    # an earlier message's topics are not offered again
    assert turn_notes.also_asked(_faq_turn(["pgt"]) + [UserUttered("thanks"), ActionExecuted("utter_thank")]) == ()


def test_other_topics_come_last_as_buttons_with_their_titles():
    reply = {"recipient_id": "u", "text": "answer"}
    sent = replies_to_send([reply], "u", first_turn=False, also_asked=["immune_factors", "nope"])
    assert sent[0] == reply
    assert sent[1]["text"] == messages()["also_asked"]
    assert sent[1]["buttons"] == [{"title": "Immune factors", "payload": "/faq/immune_factors"}]
    assert replies_to_send([reply], "u", first_turn=False, also_asked=["nope"]) == [reply]
