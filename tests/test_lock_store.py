"""The lock store on the real Redis: tickets issued concurrently by several
'servers' (separate store objects, as in separate processes) are unique.
(Rasa 3.6's own RedisLockStore can issue duplicates, RasaHQ/rasa#9213; a test
asserting that race was flaky by design and is gone.)"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.needs_redis

SERVERS = 4
TICKETS_PER_SERVER = 25


def issue_concurrently(store_class) -> list:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    conversation = "same-conversation"
    stores = [store_class(host="127.0.0.1", port=6379, db=1, key_prefix=prefix) for _ in range(SERVERS)]
    with ThreadPoolExecutor(max_workers=SERVERS) as pool:
        batches = pool.map(lambda store: [store.issue_ticket(conversation) for _ in range(TICKETS_PER_SERVER)], stores)
        tickets = [t for batch in batches for t in batch]
    stores[0].delete_lock(conversation)
    return tickets


def test_atomic_store_never_issues_the_same_ticket_twice():
    tickets = issue_concurrently(AtomicRedisLockStore)
    assert len(tickets) == len(set(tickets)) == SERVERS * TICKETS_PER_SERVER


def test_cleanup_keeps_the_lock_while_someone_waits():
    store = AtomicRedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=f"t{uuid.uuid4().hex[:8]}")
    first, second = store.issue_ticket("c"), store.issue_ticket("c")
    store.cleanup("c", first)
    assert store.get_lock("c") is not None and not store.get_lock("c").is_locked(second)
    store.cleanup("c", second)
    assert store.get_lock("c") is None
