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

from bot.channels.rest import RestMessage, parse_rest_body
from bot.conversation import is_first_turn_of_session, messages, with_session_start_and_apology
from bot.endpoints import EndpointsConfigError, render_endpoints
from bot.tracker_store import DELETION_CONFIRMATION, PrivacyAwareSQLTrackerStore, asked_to_forget


def test_default_endpoints_persist_in_sqlite_without_a_lock_server():
    endpoints = render_endpoints({})
    assert endpoints["tracker_store"] == {
        "type": "bot.tracker_store.PrivacyAwareSQLTrackerStore", "dialect": "sqlite", "db": "var/conversations.db"}
    assert "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["url"] == "http://localhost:5055/webhook"


def test_postgresql_and_redis_are_chosen_by_environment():
    env = {"TRACKER_STORE": "postgresql", "POSTGRES_HOST": "db", "POSTGRES_DB": "test", "POSTGRES_USER": "rasa",
           "LOCK_STORE": "redis", "REDIS_HOST": "cache", "REDIS_DB": "3", "ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}
    endpoints = render_endpoints(env)
    assert endpoints["tracker_store"] == {"type": "bot.tracker_store.PrivacyAwareSQLTrackerStore", "dialect": "postgresql",
                                          "url": "db", "port": 5432, "db": "test", "username": "rasa"}
    assert endpoints["lock_store"] == {"type": "bot.lock_store.AtomicRedisLockStore", "url": "cache", "port": 6379,
                                       "db": 3, "key_prefix": "rifrm"}
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
        (b'{"message": "hi", "metadata": {"x": 1}}', RestMessage("default", "hi", {"x": 1})),
        (b"", "JSON"), (b"{not json", "JSON"), (b"\xff\xfe\x00", "JSON"), (b"[1, 2]", "object"),
        (b'{"sender": "a"}', "'message'"), (b'{"sender": "a", "message": 5}', "'message'"),
        (b'{"sender": ["a"], "message": "hi"}', "'sender'"), (b'{"sender": true, "message": "hi"}', "'sender'"),
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


def test_deletion_is_asked_only_when_confirmed_after_the_last_user_message():
    said = [UserUttered("delete my data"), ActionExecuted(DELETION_CONFIRMATION), BotUttered("Done."), ActionExecuted("action_listen")]
    assert asked_to_forget(said)
    assert not asked_to_forget(said + [UserUttered("hello again")])
    assert not asked_to_forget([UserUttered("hi"), ActionExecuted("utter_greet")])


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


def test_disclaimer_first_in_a_new_session_and_apology_for_silence():
    reply = {"recipient_id": "u", "text": "answer"}
    assert with_session_start_and_apology([reply], "u", first_turn=False) == [reply]
    first = with_session_start_and_apology([reply], "u", first_turn=True)
    assert "not a doctor" in first[0]["text"] and first[1] == reply
    assert with_session_start_and_apology([], "u", first_turn=False) == [{"recipient_id": "u", "text": messages()["apology"]}]
