"""Remember which platform events were already handled, so a retry gets no
second answer. Slack retries an event it thinks failed (timeout, HTTP error,
...) with the same ``event_id``; Telegram re-sends an update with the same
``update_id`` until it gets a 2xx.

In memory for one server; in Redis (one ``SET NX EX`` per event, atomic) when
several servers share the traffic, so a retry that reaches another server is
still recognised.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 3600  # Slack retries within minutes; Telegram for up to a day but far less with a 2xx
DEFAULT_MAX_ENTRIES = 100_000


class RecentEvents:
    """In-process memory of handled event ids, bounded in time and size."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    async def first_time(self, event_key: str) -> bool:
        """True the first time ``event_key`` is seen (within the TTL), False after."""
        now = self._clock()
        while self._seen and (next(iter(self._seen.values())) <= now - self._ttl or len(self._seen) >= self._max):
            self._seen.popitem(last=False)
        if event_key in self._seen:
            return False
        self._seen[event_key] = now
        return True


class RedisRecentEvents:
    """Handled event ids in Redis, shared by every server."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 6379,
        db: int = 1,
        password: Optional[str] = None,
        key_prefix: str = "rifrm:handled:",
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ) -> None:
        import redis.asyncio

        self._redis = redis.asyncio.Redis(host=host, port=port, db=db, password=password)
        self._prefix = key_prefix
        self._ttl = ttl_seconds

    async def first_time(self, event_key: str) -> bool:
        try:
            return bool(await self._redis.set(self._prefix + event_key, 1, nx=True, ex=self._ttl))
        except Exception:  # noqa: BLE001 - better a rare duplicate than no answer
            logger.exception("Redis is unreachable; handling event %s without the duplicate check.", event_key)
            return True


def recent_events_from_config(config: Optional[Dict[str, Any]], key_prefix: str) -> Any:
    """``{"type": "redis", host, port, db, password}`` or None for in memory."""
    if not config or config.get("type", "memory") == "memory":
        return RecentEvents()
    if config["type"] == "redis":
        return RedisRecentEvents(
            host=config.get("host", "127.0.0.1"),
            port=int(config.get("port", 6379)),
            db=int(config.get("db", 1)),
            password=config.get("password"),
            key_prefix=key_prefix,
        )
    raise ValueError(f"dedupe_store type must be memory or redis, not {config['type']!r}")
