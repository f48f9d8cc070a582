"""Delete conversations older than N days from the tracker store.

Usage: python -m bot.retention --days 30
The store is the one `make run` uses (see bot/endpoints.py for the variables).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from bot.endpoints import render_endpoints


def open_tracker_store(env=os.environ):
    from rasa.shared.core.domain import Domain

    from bot.tracker_store import PrivacyAwareSQLTrackerStore

    config = dict(render_endpoints(env).get("tracker_store") or {})
    if not config:
        raise SystemExit("error: the in-memory tracker store keeps nothing to delete")
    config.pop("type")
    host = config.pop("url", None)
    return PrivacyAwareSQLTrackerStore(domain=Domain.empty(), host=host, **config)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=float, required=True, help="keep conversations active in the last DAYS days")
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days must be 0 or more")
    deleted = open_tracker_store().delete_conversations_older_than(args.days)
    print(f"deleted {deleted} conversation(s) older than {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
