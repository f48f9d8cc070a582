"""`make insights`: the insights report for clinic operators, as files.

    python -m bot.insights                      the last 30 days
    python -m bot.insights --days 7
    python -m bot.insights --since 2026-01-01 --until 2026-01-31 --out insights/

Reads the tracker store `make run` uses (bot/endpoints.py: SQLite
var/conversations.db by default, PostgreSQL with TRACKER_STORE=postgresql and
the POSTGRES_* variables). With RETENTION_DAYS set, nothing older is read.
Writes OUT/index.html (self-contained) and one PNG per chart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Callable, List, Mapping, Optional

from bot.insights.figures import LISTED_PER_KIND, Period, last_days, period_of

DEFAULT_DAYS = 30
MAX_DAYS = 3660


class PeriodError(ValueError):
    pass


def retention_days(env: Mapping[str, str]) -> Optional[float]:
    value = env.get("RETENTION_DAYS", "").strip()
    if not value:
        return None
    try:
        days = float(value)
    except ValueError:
        raise PeriodError(f"RETENTION_DAYS must be a number of days, not {value!r}") from None
    if days <= 0:
        raise PeriodError("RETENTION_DAYS must be more than 0")
    return days


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PeriodError(f"{name} must be a date like 2026-01-31, not {value!r}") from None


def choose_period(
    days: Optional[str],
    since: Optional[str],
    until: Optional[str],
    now: float,
    env: Mapping[str, str],
) -> Period:
    """The period from --days or --since/--until (the CLI) or ?days= / ?since=&until= (the page)."""
    retention = retention_days(env)
    if since or until:
        if days:
            raise PeriodError("give either days or since/until, not both")
        today = dt.datetime.fromtimestamp(now, tz=dt.timezone.utc).date()
        last = _date(until, "until") if until else today
        first = _date(since, "since") if since else last - dt.timedelta(days=DEFAULT_DAYS - 1)
        if (last - first).days >= MAX_DAYS:
            raise PeriodError(f"the period can be at most {MAX_DAYS} days")
        return _checked(lambda: period_of(first, last, now, retention))
    try:
        count = int(days) if days else DEFAULT_DAYS
    except ValueError:
        raise PeriodError(f"days must be a whole number, not {days!r}") from None
    if not 1 <= count <= MAX_DAYS:
        raise PeriodError(f"days must be 1 to {MAX_DAYS}")
    return _checked(lambda: last_days(count, now, retention))


def _checked(make: Callable[[], Period]) -> Period:
    try:
        return make()
    except ValueError as error:  # ends before it starts, or wholly past retention
        raise PeriodError(str(error)) from None


def store_engine(env: Mapping[str, str]):
    """The SQLAlchemy engine of the store `make run` uses."""
    from bot.endpoints import render_endpoints
    from bot.retention import open_tracker_store

    config = render_endpoints(env).get("tracker_store") or {}
    if not config:
        raise SystemExit("error: TRACKER_STORE=memory keeps no conversations to report on")
    if config.get("dialect") == "sqlite" and not Path(config["db"]).exists():
        raise SystemExit(f"error: no conversation store at {config['db']} yet (`make run` creates it)")
    return open_tracker_store(env).engine


def _quiet_library_warnings() -> None:
    """Deprecation notices from the libraries' imports are not for operators."""
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning):
        warnings.filterwarnings("ignore", category=category)


def main(argv: Optional[List[str]] = None, env: Mapping[str, str] = os.environ) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.insights", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", help=f"the last DAYS days, today included (default {DEFAULT_DAYS})")
    parser.add_argument("--since", help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (UTC; default today)")
    parser.add_argument("--out", default="insights", help="output folder (default insights/)")
    parser.add_argument("--limit", type=int, default=LISTED_PER_KIND, help="messages listed per kind (newest)")
    args = parser.parse_args(argv)
    try:
        period = choose_period(args.days, args.since, args.until, time.time(), env)
    except PeriodError as error:
        parser.error(str(error))
    from bot.insights.collect import build_totals
    from bot.insights.report import write_report

    started = time.monotonic()
    _quiet_library_warnings()
    engine = store_engine(env)
    _quiet_library_warnings()  # again: importing Rasa put its own filters first
    from bot.insights.redact import redactor

    redactor()  # load spaCy now, quietly
    try:
        totals = build_totals(engine, period, limit=max(args.limit, 0))
    finally:
        engine.dispose()
    index = write_report(totals, Path(args.out))
    print(
        f"wrote {index} for {period.first_day} to {period.last_day}: {totals.conversations} conversation(s), "
        f"{totals.user_messages} typed message(s), {totals.fallbacks} fallback(s), "
        f"{sum(totals.safety.values())} safety reply(ies) ({time.monotonic() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
