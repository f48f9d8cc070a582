"""Two Rasa servers and one action server on the real PostgreSQL (database
`test`) and Redis of this machine: interleaved concurrent messages of one
conversation, sent to both servers, lose nothing, duplicate nothing, keep order."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.helpers.project import TEST_OUTPUT
from tests.helpers.servers import action_server, rasa_server, send_rest

pytestmark = [pytest.mark.e2e, pytest.mark.needs_postgres, pytest.mark.needs_redis]

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
ROUNDS = 8
QUESTIONS = [
    "what is RIF",
    "what is RM",
    "what causes RIF",
    "how is RM treated",
    "what is PGT",
    "should my partner be tested",
    "do aspirin or heparin help",
    "what can I do next",
]


def stores(key_prefix: str) -> dict:
    return {
        "tracker_store": {
            "type": "bot.tracker_store.PrivacyAwareSQLTrackerStore",
            "dialect": "postgresql",
            "url": "127.0.0.1",
            "port": 5432,
            "db": "test",
            "username": "postgres",
        },
        "lock_store": {
            "type": "bot.lock_store.AtomicRedisLockStore",
            "url": "127.0.0.1",
            "port": 6379,
            "db": 1,
            "key_prefix": key_prefix,
        },
    }


@pytest.fixture(scope="module")
def two_servers():
    prefix = f"test{uuid.uuid4().hex[:8]}"
    with action_server() as actions_url:
        with (
            rasa_server(actions_url, stores=stores(prefix)) as first,
            rasa_server(actions_url, stores=stores(prefix)) as second,
        ):
            yield first, second


def stored_events(sender: str) -> list:
    """The conversation's events in stored order; removes them afterwards."""
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
        events = [json.loads(row[0]) for row in rows]
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    engine.dispose()
    return events


def test_interleaved_concurrent_messages_of_one_conversation(two_servers):
    first, second = two_servers
    sender = f"scale-{uuid.uuid4().hex[:10]}"
    sent = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i in range(ROUNDS):
            a = f"{QUESTIONS[i % len(QUESTIONS)]} (a{i})"
            b = f"{QUESTIONS[(i + 3) % len(QUESTIONS)]} (b{i})"
            replies = list(pool.map(lambda args: send_rest(*args), [(first, sender, a), (second, sender, b)]))
            assert all(r and r[-1].get("text") for r in replies), replies
            sent += [a, b]

    events = stored_events(sender)
    (TEST_OUTPUT / "scale-out-events.json").write_text(json.dumps(events, indent=1))
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    # Nothing lost, nothing duplicated.
    assert sorted(user_texts) == sorted(sent)
    assert len(user_texts) == len(set(user_texts))
    # Each server's own messages keep their order.
    for tag in ("(a", "(b"):
        mine = [t for t in user_texts if tag in t]
        assert mine == [t for t in sent if tag in t]
    # Turns never interleave: every user message is followed by its answer and
    # action_listen before the next user message.
    turns, current = [], None
    for event in events:
        if event["event"] == "user":
            current = [event]
            turns.append(current)
        elif current is not None:
            current.append(event)
    for turn in turns:
        kinds = [(e["event"], e.get("name")) for e in turn]
        assert "bot" in [k for k, _ in kinds], kinds
        assert kinds[-1] == ("action", "action_listen"), kinds
        assert sum(1 for k in kinds if k == ("action", "action_listen")) == 1, kinds
