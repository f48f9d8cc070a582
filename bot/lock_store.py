"""A Redis lock store that is safe with several Rasa servers.

Rasa 3.6's RedisLockStore issues and releases tickets with a plain
read-modify-write, so two servers receiving messages of one conversation at
the same moment can both get the first ticket and process them at once:
events are lost or interleaved (RasaHQ/rasa#9213; the upstream fix #11256 was
reverted in #11428). Here every change to a conversation's lock is one Redis
transaction (WATCH/MULTI, retried on conflict).

endpoints.yml:
  lock_store:
    type: bot.lock_store.AtomicRedisLockStore
    url: 127.0.0.1
    port: 6379
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# A change returns the lock to store (None deletes it) and a result.
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change_atomically(self, conversation_id: Text, change: LockChange) -> T:
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> T:
            raw = pipe.get(key)  # immediate: the key is being watched
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]):
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._change_atomically(conversation_id, change)

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change_atomically(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change_atomically(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Release the ticket; delete the lock only if nobody else is waiting."""

        def change(lock: Optional[TicketLock]):
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change_atomically(conversation_id, change)
