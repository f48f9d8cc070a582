"""Read the tracker store's ``events`` table in batches, one conversation at a time.

Works on any SQLAlchemy engine Rasa's SQLTrackerStore uses (SQLite,
PostgreSQL). Nothing is cached: every report reads the store as it is now,
so a deleted conversation, or one removed by retention, is simply not there.

Memory stays flat with the store's size: sender ids are paged through
(keyset on sender_id), each page's events are streamed in sender_id, id
order and handed over conversation by conversation; only the running
totals and the newest listed messages are kept.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterator, List, Optional, Tuple

import sqlalchemy as sa

from bot.insights.figures import (
    LISTED_PER_KIND,
    ConversationSummary,
    Period,
    PeriodTotals,
    period_totals,
    summarise,
    with_redacted_texts,
)

# The table Rasa's SQLTrackerStore writes (rasa/core/tracker_store.py, SQLEvent);
# declared here so reading it needs no Rasa import.
EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
SENDERS_PER_BATCH = 500
ROWS_PER_FETCH = 2000


def active_senders(engine: sa.engine.Engine, period: Period, batch: int = SENDERS_PER_BATCH) -> Iterator[List[str]]:
    """Sender ids with a user message in the period, ``batch`` at a time, in order."""
    after: Optional[str] = None
    while True:
        query = (
            sa.select(EVENTS.c.sender_id)
            .where(
                EVENTS.c.type_name == "user",
                EVENTS.c.timestamp >= period.start,
                EVENTS.c.timestamp < period.end,
            )
            .group_by(EVENTS.c.sender_id)
            .order_by(EVENTS.c.sender_id)
            .limit(batch)
        )
        if after is not None:
            query = query.where(EVENTS.c.sender_id > after)
        with engine.connect() as connection:
            senders = [row[0] for row in connection.execute(query)]
        if not senders:
            return
        yield senders
        after = senders[-1]


def conversations(
    engine: sa.engine.Engine, period: Period, batch: int = SENDERS_PER_BATCH
) -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
    """(sender id, its events as dicts in stored order) for each conversation
    active in the period. Events after the period are left out; earlier ones
    are read (they tell which answer a later "not helpful" is about) but only
    back to the retention limit, when the period was capped by it."""
    for senders in active_senders(engine, period, batch):
        query = (
            sa.select(EVENTS.c.sender_id, EVENTS.c.data)
            .where(EVENTS.c.sender_id.in_(senders), EVENTS.c.timestamp < period.end)
            .order_by(EVENTS.c.sender_id, EVENTS.c.id)
        )
        if period.capped:
            query = query.where(EVENTS.c.timestamp >= period.start)
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(query)
            rows = itertools.chain.from_iterable(result.partitions(ROWS_PER_FETCH))
            for sender_id, group in itertools.groupby(rows, key=lambda row: row[0]):
                yield sender_id, [json.loads(row[1]) for row in group]


def summaries(engine: sa.engine.Engine, period: Period) -> Iterator[Optional[ConversationSummary]]:
    for _, events in conversations(engine, period):
        yield summarise(events, period)


def build_totals(
    engine: sa.engine.Engine, period: Period, limit: int = LISTED_PER_KIND, redact: bool = True
) -> PeriodTotals:
    """The period's figures, with listed texts redacted (``redact=False``
    only for tests of the figures themselves)."""
    totals = period_totals(summaries(engine, period), period, limit)
    if not redact:
        return totals
    from bot.insights.redact import redactor

    return with_redacted_texts(totals, redactor())
