"""End to end with the real servers and a real SQLite database: conversations
survive restarts, "delete my data" deletes for real, bad input never gets a
5xx, a down action server gets an apology, and message texts stay out of logs."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import time

import pytest

from tests.helpers.project import ROOT, TEST_OUTPUT
from tests.helpers.servers import action_server, free_port, get, post_raw, rasa_server, send_rest

pytestmark = pytest.mark.e2e


def sqlite_stores(path) -> dict:
    return {
        "tracker_store": {"type": "bot.tracker_store.PrivacyAwareSQLTrackerStore", "dialect": "sqlite", "db": str(path)}
    }


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def stored_events(db, sender) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


@pytest.fixture(scope="module")
def actions_url():
    with action_server() as url:
        yield url


def test_conversation_and_form_in_progress_survive_a_restart(tmp_path, actions_url):
    db = tmp_path / "conversations.db"
    sender = "restart-user"
    with rasa_server(actions_url, stores=sqlite_stores(db)) as server:
        send_rest(server, sender, "go through my history")
        assert "positive pregnancy test" in texts(send_rest(server, sender, "3"))
    assert stored_events(db, sender) > 0
    with rasa_server(actions_url, stores=sqlite_stores(db), extra_args=["--enable-api"]) as server:
        replies = send_rest(server, sender, "1")  # answers the question asked before the restart
        assert "confirmed on a scan" in texts(replies)
        status, tracker = get(server, f"/conversations/{sender}/tracker")
        assert status == 200
        assert tracker["slots"]["embryo_transfers"] == 3 and tracker["slots"]["positive_tests"] == 1
        assert tracker["active_loop"]["name"] == "history_form"


@pytest.fixture(scope="module")
def sqlite_server(actions_url, tmp_path_factory):
    """One Rasa server on a real SQLite database: (base URL, database path)."""
    db = tmp_path_factory.mktemp("privacy") / "conversations.db"
    with rasa_server(actions_url, stores=sqlite_stores(db)) as base_url:
        yield base_url, db


def test_delete_my_data_asks_first_and_only_an_explicit_yes_deletes(sqlite_server):
    server, db = sqlite_server
    send_rest(server, "private-user", "what is RIF")
    send_rest(server, "other-user", "what is RM")
    kept = stored_events(db, "private-user")
    assert kept > 0
    asked = send_rest(server, "private-user", "please delete my data")
    assert "Delete everything from this conversation? This cannot be undone." in texts(asked)
    assert [b["payload"] for b in asked[-1]["buttons"]] == ["/affirm", "/deny"]
    assert stored_events(db, "private-user") > kept  # asking deletes nothing
    # Anything but an explicit yes keeps the data and the conversation goes on.
    assert "Recurrent miscarriage" in texts(send_rest(server, "private-user", "what is RM"))
    assert stored_events(db, "private-user") > kept
    send_rest(server, "private-user", "delete my data")
    assert "haven't deleted anything" in texts(send_rest(server, "private-user", "/deny"))
    assert stored_events(db, "private-user") > kept
    send_rest(server, "private-user", "delete my data")
    assert "deleted this conversation" in texts(send_rest(server, "private-user", "yes"))
    assert stored_events(db, "private-user") == 0
    assert stored_events(db, "other-user") > 0  # nobody else's data is touched
    # Writing again starts afresh.
    replies = send_rest(server, "private-user", "what is RM")
    assert "not a doctor" in replies[0]["text"] and "Recurrent miscarriage" in texts(replies)


def test_delete_in_the_walk_through_pauses_it_and_no_offers_to_carry_on(sqlite_server):
    server, db = sqlite_server
    sender = "private-walker"
    send_rest(server, sender, "go through my history")
    send_rest(server, sender, "3")
    asked = send_rest(server, sender, "delete my data")
    assert "This cannot be undone" in texts(asked)
    kept = send_rest(server, sender, "no")
    assert "haven't deleted anything" in texts(kept) and "/resume_assessment" in json.dumps(kept)
    assert "positive pregnancy test" in texts(send_rest(server, sender, "/resume_assessment"))
    send_rest(server, sender, "delete my data")
    assert "deleted this conversation" in texts(send_rest(server, sender, "/affirm"))
    assert stored_events(db, sender) == 0


# Messages near "delete my data" that must never delete anything, sent after
# an answer, some after the deletion question itself.
NEAR_MISSES = [
    "where is this from",
    "where is this information from?",
    "forget it",
    "delete that question",
    "clear my head",
    "remove the embryo",
    "never mind",
    "scrap that",
    "ignore what I just said",
    "how do they remove the tissue after a miscarriage",
    "I deleted all the scan photos from my phone",
    "can they remove scar tissue from the womb",
    "cancel my appointment",
    "wipe the slate clean and try a new cycle",
    "i want to forget this whole year",
    "who can see what I write here?",
    "is my data stored anywhere",
    "can you keep this private",
    "erase the pain",
    "get rid of the cramps",
    "delete",
    "yes",
    "yes delete",
    "yes, where is this from?",
    "ok",
    "sure",
    "reset",
    "start over",
    "stop",
    "forget the last question",
    "remove my coil before ivf?",
    "clear",
    "delete my period tracker app?",
    "my clinic lost my records",
]
AFTER_THE_QUESTION = {
    "where is this from",
    "yes, where is this from?",
    "ok",
    "sure",
    "forget it",
    "never mind",
    "remove the embryo",
    "is my data stored anywhere",
    "stop",
}


@pytest.mark.parametrize("message", NEAR_MISSES)
def test_near_miss_messages_never_delete_a_row(sqlite_server, message):
    server, db = sqlite_server
    sender = f"near-miss-{NEAR_MISSES.index(message)}"
    send_rest(server, sender, "what is RIF")
    if message in AFTER_THE_QUESTION:
        send_rest(server, sender, "delete my data")
    before = stored_events(db, sender)
    replies = send_rest(server, sender, message)
    assert replies and "deleted this conversation" not in texts(replies)
    assert stored_events(db, sender) > before


def test_retention_command_deletes_old_conversations(tmp_path, actions_url):
    db = tmp_path / "conversations.db"
    with rasa_server(actions_url, stores=sqlite_stores(db)) as server:
        send_rest(server, "old-user", "what is RIF")
        send_rest(server, "new-user", "what is RIF")
    with sqlite3.connect(db) as connection:  # age one conversation by 100 days
        connection.execute("UPDATE events SET timestamp = timestamp - 100 * 86400 WHERE sender_id = 'old-user'")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TRACKER_STORE="sqlite", SQLITE_PATH=str(db))
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "bot.retention", "--days", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "deleted 1 conversation" in result.stdout
    assert stored_events(db, "old-user") == 0 and stored_events(db, "new-user") > 0


@pytest.fixture(scope="module")
def server(sqlite_server):
    return sqlite_server[0]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[]",
        b'"text"',
        b'{"sender": "a"}',
        b'{"sender": "a", "message": 12}',
        b'{"sender": {"x": 1}, "message": "hi"}',
        b'{"sender": "a", "message": null}',
        b'{"sender": "a", "message": "hi", "metadata": [1]}',
        b"\xff\xfe\xfd",
    ],
    ids=lambda body: repr(body[:20]),
)
def test_malformed_requests_get_a_4xx(server, body):
    status, reply = post_raw(server, body)
    assert 400 <= status < 500, (status, reply)
    assert "error" in reply


@pytest.mark.parametrize(
    "message",
    [
        "",
        "RIF " * 25_000,
        "\x00\x01\x02\x7f binary \ufffd\ufffd",
        "🙂" * 500,
        "ÆØÅ ñ ü ß ç 中文 العربية ✓✓✓ what is RIF?",
        "\u202e\u200b\u200d",
    ],
    ids=["empty", "100KB", "binary-looking", "500-emoji", "unicode-mix", "invisible-marks"],
)
def test_odd_messages_get_a_reply(server, message):
    status, replies = post_raw(server, json.dumps({"sender": f"odd-{hash(message)}", "message": message}).encode())
    assert status == 200 and replies and all(r.get("text") for r in replies)


def test_message_texts_are_not_written_to_the_logs(server):
    secret = "zebra-quokka-%d" % random.randint(10**6, 10**7)
    send_rest(server, "log-user", f"my name is {secret} and what is RIF")
    time.sleep(0.5)
    for log in TEST_OUTPUT.glob("*.log"):
        if log.name.startswith(("rasa-server", "action-server")):
            assert secret not in log.read_text(errors="replace"), log.name


def test_a_down_action_server_gets_an_apology_and_the_conversation_goes_on(tmp_path):
    db = tmp_path / "conversations.db"
    port = free_port()
    with rasa_server(f"http://127.0.0.1:{port}/webhook", stores=sqlite_stores(db)) as server:
        sender = "actions-down"
        replies = send_rest(server, sender, "I feel so alone")  # needs a custom action
        assert replies and "sorry" in texts(replies).lower()
        with action_server(port=port):
            replies = send_rest(server, sender, "I feel so alone")
            assert "I'm so sorry" in texts(replies)
            assert "How many embryo transfers" in texts(send_rest(server, sender, "go through my history"))


def test_fuzz_a_thousand_random_messages_all_get_answers(server):
    rng = random.Random(20261121)
    vocabulary = [
        "what",
        "is",
        "RIF",
        "RM",
        "IVF",
        "miscarriage",
        "3",
        "none",
        "not sure",
        "stop",
        "<b>",
        "😢",
        "?",
        "bleeding",
        "help",
        "ñ",
        "中",
        "\n",
        "transfer",
        "why",
        "my",
        "partner",
        "test",
        "",
        "DROP TABLE events;",
    ]
    alphabet = [chr(c) for c in range(32, 127)] + ["é", "ß", "中", "🙂", "\t"]
    for i in range(1000):
        if i % 3 == 0:
            message = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        else:
            message = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 12)))
        status, replies = post_raw(server, json.dumps({"sender": f"fuzz-{i % 37}", "message": message}).encode())
        assert status == 200, (i, message, replies)
        assert replies and any(r.get("text") or r.get("buttons") for r in replies), (i, message)
    assert get(server, "/webhooks/rest/")[0] == 200  # still up


def test_make_run_enables_the_http_api_only_with_the_token(tmp_path):
    def start(extra_env):
        env = {key: value for key, value in os.environ.items() if key != "RASA_AUTH_TOKEN"}
        env.update(
            RASA_PORT=str(free_port()), ACTIONS_PORT=str(free_port()), SQLITE_PATH=str(tmp_path / "run.db"), **extra_env
        )
        log = (TEST_OUTPUT / f"run-sh-{env['RASA_PORT']}.log").open("w")
        process = subprocess.Popen(
            [str(ROOT / "scripts/run.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{env['RASA_PORT']}"
        deadline = time.monotonic() + 180
        while get_status(base) != 200:
            assert process.poll() is None and time.monotonic() < deadline, "run.sh did not start"
            time.sleep(0.5)
        return process, base

    def get_status(base):
        try:
            return get(base, "/webhooks/rest/")[0]
        except OSError:
            return None

    def stop(process):
        process.terminate()
        process.wait(timeout=30)

    process, base = start({"RASA_AUTH_TOKEN": "s3cret-token"})
    try:
        assert get(base, "/conversations/x/tracker")[0] == 401
        assert get(base, "/conversations/x/tracker?token=wrong")[0] == 401
        assert get(base, "/conversations/x/tracker?token=s3cret-token")[0] == 200
        assert "Recurrent implantation failure" in texts(send_rest(base, "run-user", "what is RIF"))
    finally:
        stop(process)
    process, base = start({})
    try:
        assert get(base, "/conversations/x/tracker")[0] == 404  # no API without a token
        assert get(base, "/status")[0] == 404
    finally:
        stop(process)
