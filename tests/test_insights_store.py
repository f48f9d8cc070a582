"""Insights from real tracker stores: SQLite and the PostgreSQL of this machine
(a database of its own per test, dropped afterwards, so runs in parallel
with other tests cannot see each other). Conversations are saved through
bot.tracker_store.PrivacyAwareSQLTrackerStore, exactly as the server saves
them; the figures are checked against what was seeded, the listed messages
against their redacted forms, and deleted or expired conversations must be
gone from the report."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
import uuid
from typing import Dict, Iterator

import pytest
import sqlalchemy as sa

from bench.insights_load import Script, create_store, figures_of, seed
from bot.insights.cli import choose_period
from bot.insights.collect import active_senders, build_totals, conversations
from bot.insights.figures import last_days
from bot.insights.report import page
from tests.helpers.project import ROOT

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DAY = 24 * 60 * 60
NOW = time.time()

# What the seeded conversations hold, in words a person could type.
ANNA_FALLBACK = "my name is Anna Smith, email anna.smith@example.com, phone 07700 900456"
BEN_COMMENT = "Dr Okafor said my TSH was 4.5, what about thyroid? - Ben"
CARA_CRISIS = "I'm Cara Jones and I want to end it all"
DAN_FALLBACK = "ring me on +44 20 7946 0123 after 5pm"
ZOE_FALLBACK = "my name is Zoe Quinn, zoe.quinn@example.org"
ZOE_COMMENT = "Zoe here - nothing about cost"
OLIVIA_FALLBACK = "old question from Olivia about day 3 embryos"
PERSONAL = ["Anna", "Smith", "anna.smith", "07700", "Okafor", "Ben", "Cara", "end it all", "7946", "5pm", "Zoe"]


def seeded_scripts() -> Dict[str, Script]:
    anna = Script("anna", NOW - 2 * DAY, "socketio").greet().faq("rif_definition").feedback(True)
    anna.fallback(ANNA_FALLBACK)
    ben = Script("ben", NOW - 3 * DAY, "telegram").faq("rm_causes")
    ben.feedback(False, typed="that didn't answer my question").comment(BEN_COMMENT).walk_through("rm_pattern")
    cara = Script("cara", NOW - 1 * DAY, "rest")
    cara.turn(CARA_CRISIS, "crisis", "utter_fallback", "utter_crisis_support").faq("pgt")
    dan = Script("dan", NOW - 5 * DAY, "slack").walk_through(None).faq("pgt", button=True).fallback(DAN_FALLBACK)
    zoe = Script("deleted-user", NOW - 4 * DAY, "socketio").fallback(ZOE_FALLBACK).faq("rif_causes")
    zoe.feedback(False).comment(ZOE_COMMENT)
    olivia = Script("olivia", NOW - 40 * DAY, "rest").faq("rif_tests").fallback(OLIVIA_FALLBACK)
    return {s.sender_id: s for s in (anna, ben, cara, dan, zoe, olivia)}


# The last 30 days hold all but Olivia's conversation (40 days old).
EXPECTED_30_DAYS = {
    "conversations": 5,
    "per_day": {},  # filled in by expected_per_day()
    "channels": {"socketio": 2, "telegram": 1, "rest": 1, "slack": 1},
    # anna 2, ben 9 (question, "not helpful", comment, start, 4 answers, yes), cara 2, dan 6, zoe 3
    "user_messages": 22,
    "fallbacks": 4,  # anna, cara (who also got a safety reply), dan, zoe
    "topics": {"rif_definition": 1, "rm_causes": 1, "pgt": 2, "rif_causes": 1},
    "walk_starts": 2,
    "walk_completions": 1,
    "outcomes": {"rm_pattern": 1},
    "safety": {"utter_crisis_support": 1},
    "helpful": {"rif_definition": 1},
    "not_helpful": {"rm_causes": 1, "rif_causes": 1},
}
EXPECTED_FALLBACKS = [  # newest first: Anna 2 days ago, Zoe 4, Dan 5 (Cara's got a safety reply)
    "my name is [name], email [email], phone [phone]",
    "my name is [name], [email]",
    "ring me on [phone] after [number]",
]
EXPECTED_NOT_HELPFUL = [  # (topic, question, comment), newest first: Ben 3 days ago, Zoe 4
    (
        "rm_causes",
        "what causes repeated miscarriages",
        "Dr [name] said my TSH was [number], what about thyroid? - [name]",
    ),
    ("rif_causes", "why do my embryos keep failing to implant", "[name] here - nothing about cost"),
]
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def expected() -> Dict[str, object]:
    """EXPECTED_30_DAYS with the days of the five recent conversations' first messages."""
    per_day: Dict[str, int] = {}
    for script in seeded_scripts().values():
        if script.sender_id != "olivia":
            day = time.strftime("%Y-%m-%d", time.gmtime(script.events[3].timestamp))  # its first user message
            per_day[day] = per_day.get(day, 0) + 1
    return dict(EXPECTED_30_DAYS, per_day=per_day)


def visible(html: str) -> str:
    """The page without its charts (base64 could spell anything)."""
    return DATA_URI.sub("data:", html)


def save(store, script: Script) -> None:
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    slots = [AnySlot(name, mappings=[{}]) for name in ("requested_slot", "assessment", "assessment_flags")]
    tracker = DialogueStateTracker.from_events(script.sender_id, script.events, slots=slots)
    asyncio.run(store.save(tracker))


def _sqlite_store(tmp_path) -> Iterator:
    store = create_store(tmp_path / "conversations.db")
    try:
        yield store
    finally:
        store.engine.dispose()


def _postgres_store() -> Iterator:
    from rasa.shared.core.domain import Domain

    from bot.tracker_store import PrivacyAwareSQLTrackerStore

    name = f"insights_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    store = PrivacyAwareSQLTrackerStore(
        domain=Domain.empty(), dialect="postgresql", host="127.0.0.1", port=5432, db=name, username="postgres"
    )
    store.database_name = name
    try:
        yield store
    finally:
        store.engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.needs_postgres)])
def store(request, tmp_path):
    """An empty store of each kind, with the six conversations saved into it."""
    stores = _sqlite_store(tmp_path) if request.param == "sqlite" else _postgres_store()
    store = next(stores)
    store.kind = request.param
    for script in seeded_scripts().values():
        save(store, script)
    yield store
    stores.close()


def report(store, days: int = 30, env=None):
    return build_totals(store.engine, choose_period(str(days), None, None, time.time(), env or {}))


def test_the_figures_are_those_of_the_seeded_conversations(store):
    totals = report(store)
    assert figures_of(totals) == expected()
    assert totals.fallback_rate == 4 / 22


def test_listed_messages_are_redacted_and_safety_messages_never_listed(store):
    totals = report(store)
    assert [m.text for m in totals.listed["fallback"]] == EXPECTED_FALLBACKS
    assert [(m.topic, m.question, m.text) for m in totals.listed["not_helpful"]] == EXPECTED_NOT_HELPFUL
    html = visible(page(totals))
    for message in EXPECTED_FALLBACKS:
        assert message in html
    assert "[name] here - nothing about cost" in html
    for word in PERSONAL:
        assert word not in html, word
    assert "want to end it" not in html and "crisis support lines" in html


def test_a_deleted_conversation_is_gone_from_the_report(store):
    assert store.delete_conversation("deleted-user") > 0
    totals = report(store)
    figures = figures_of(totals)
    assert figures["conversations"] == 4
    assert figures["topics"] == {"rif_definition": 1, "rm_causes": 1, "pgt": 2}
    assert figures["not_helpful"] == {"rm_causes": 1}
    assert (figures["user_messages"], figures["fallbacks"]) == (19, 3)
    assert figures["channels"] == {"socketio": 1, "telegram": 1, "rest": 1, "slack": 1}
    assert [m.text for m in totals.listed["fallback"]] == [EXPECTED_FALLBACKS[0], EXPECTED_FALLBACKS[2]]
    html = visible(page(totals))
    assert "[name] here - nothing about cost" not in html and "Quinn" not in html and "rif_causes" not in html


def test_older_conversations_show_for_a_longer_period_unless_past_retention(store):
    sixty = report(store, days=60)
    assert sixty.conversations == 6 and sixty.topics["rif_tests"] == 1
    assert "old question from [name] about day [number] embryos" in [m.text for m in sixty.listed["fallback"]]
    # RETENTION_DAYS caps the period: nothing older is read, even before a purge.
    capped = report(store, days=60, env={"RETENTION_DAYS": "35"})
    assert capped.period.capped and figures_of(capped) == expected()
    # and once purged it is gone whatever the period.
    assert store.delete_conversations_older_than(35) == 1
    assert figures_of(report(store, days=60)) == expected()


def test_senders_are_read_in_batches_in_order(store):
    period = last_days(30, time.time())
    batches = list(active_senders(store.engine, period, batch=2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert sorted(sum(batches, [])) == ["anna", "ben", "cara", "dan", "deleted-user"]
    read = list(conversations(store.engine, period, batch=2))
    assert [sender for sender, _ in read] == sum(batches, [])
    assert [len(events) for _, events in read] == [len(seeded_scripts()[s].events) for s, _ in read]


def test_the_page_finds_the_engine_behind_rasas_wrappers(store):
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore

    from bot.channels.insights_page import sql_engine_of

    assert sql_engine_of(FailSafeTrackerStore(AwaitableTrackerStore(store))) is store.engine
    assert sql_engine_of(None) is None


def test_make_insights_reads_the_store_make_run_uses(store, tmp_path):
    """`make insights` with the same variables `make run` reads (bot/endpoints.py)."""
    env = {k: v for k, v in os.environ.items() if k not in ("RETENTION_DAYS", "TRACKER_STORE", "SQLITE_PATH")}
    if store.kind == "sqlite":
        env.update(TRACKER_STORE="sqlite", SQLITE_PATH=str(store.engine.url.database))
    else:
        env.update(TRACKER_STORE="postgresql", POSTGRES_DB=store.database_name, POSTGRES_USER="postgres")
    out = tmp_path / "insights"
    result = subprocess.run(
        ["make", "--no-print-directory", "insights", f"INSIGHTS_ARGS=--days 30 --out {out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "5 conversation(s), 22 typed message(s), 4 fallback(s), 1 safety reply(ies)" in result.stdout
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 5  # self-contained
    html = visible(html)
    assert "my name is [name], email [email], phone [phone]" in html
    assert all(word not in html for word in PERSONAL)
    for chart in ("per_day", "channels", "topics", "walk_through", "helpfulness"):
        assert (out / f"{chart}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ten_thousand_conversations(tmp_path):
    """The volume `make bench` measures: every figure still equals the seeded
    one. Times are printed, not asserted."""
    store = create_store(tmp_path / "volume.db")
    started = time.perf_counter()
    tally, rows = seed(store.engine, 10_000, time.time())
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    totals = build_totals(store.engine, last_days(29, time.time()))
    html = page(totals)
    built = time.perf_counter() - started
    store.engine.dispose()
    print(f"\n10,000 conversations, {rows} events: seeded in {seeded:.1f} s, report in {built:.1f} s")
    assert figures_of(totals) == tally.figures()
    assert totals.conversations == 10_000 and sum(totals.per_day.values()) == 10_000
    assert totals.listed_counts["fallback"] == tally.fallbacks and len(totals.listed["fallback"]) == 200
    html = visible(html)
    assert "Sarah" not in html and "jo.bloggs" not in html and "07700" not in html
