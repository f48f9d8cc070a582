"""Render endpoints.yml from environment variables (used by `make run`).

  ACTION_ENDPOINT_URL   action server webhook (default http://localhost:$ACTIONS_PORT/webhook)
  TRACKER_STORE         sqlite (default) | postgresql | memory
  SQLITE_PATH           SQLite file (default var/conversations.db)
  POSTGRES_HOST/PORT/DB/USER/PASSWORD   PostgreSQL (default 127.0.0.1:5432, db rasa)
  LOCK_STORE            memory (default) | redis
  REDIS_HOST/PORT/DB/PASSWORD           Redis lock store (default 127.0.0.1:6379, db 1)

Usage: python -m bot.endpoints > var/endpoints.yml
"""

from __future__ import annotations

import sys
from typing import Any, Dict, Mapping

import yaml

TRACKER_STORE_CLASS = "bot.tracker_store.PrivacyAwareSQLTrackerStore"
# Rasa's own RedisLockStore races between servers (see bot/lock_store.py).
LOCK_STORE_CLASS = "bot.lock_store.AtomicRedisLockStore"


class EndpointsConfigError(ValueError):
    pass


def tracker_store_config(env: Mapping[str, str]) -> Dict[str, Any]:
    kind = env.get("TRACKER_STORE", "sqlite").lower()
    if kind == "sqlite":
        return {"type": TRACKER_STORE_CLASS, "dialect": "sqlite", "db": env.get("SQLITE_PATH", "var/conversations.db")}
    if kind == "postgresql":
        config = {
            "type": TRACKER_STORE_CLASS,
            "dialect": "postgresql",
            "url": env.get("POSTGRES_HOST", "127.0.0.1"),
            "port": int(env.get("POSTGRES_PORT", "5432")),
            "db": env.get("POSTGRES_DB", "rasa"),
        }
        for key, name in (("username", "POSTGRES_USER"), ("password", "POSTGRES_PASSWORD")):
            if env.get(name):
                config[key] = env[name]
        return config
    if kind == "memory":
        return {}
    raise EndpointsConfigError(f"TRACKER_STORE must be sqlite, postgresql or memory, not {kind!r}")


def lock_store_config(env: Mapping[str, str]) -> Dict[str, Any]:
    kind = env.get("LOCK_STORE", "memory").lower()
    if kind == "memory":
        return {}
    if kind == "redis":
        config = {
            "type": LOCK_STORE_CLASS,
            "url": env.get("REDIS_HOST", "127.0.0.1"),
            "port": int(env.get("REDIS_PORT", "6379")),
            "db": int(env.get("REDIS_DB", "1")),
            "key_prefix": env.get("REDIS_KEY_PREFIX", "rifrm"),
        }
        if env.get("REDIS_PASSWORD"):
            config["password"] = env["REDIS_PASSWORD"]
        return config
    raise EndpointsConfigError(f"LOCK_STORE must be memory or redis, not {kind!r}")


def render_endpoints(env: Mapping[str, str]) -> Dict[str, Any]:
    actions_port = env.get("ACTIONS_PORT", "5055")
    endpoints: Dict[str, Any] = {
        "action_endpoint": {"url": env.get("ACTION_ENDPOINT_URL", f"http://localhost:{actions_port}/webhook")}
    }
    tracker_store = tracker_store_config(env)
    if tracker_store:
        endpoints["tracker_store"] = tracker_store
    lock_store = lock_store_config(env)
    if lock_store:
        endpoints["lock_store"] = lock_store
    return endpoints


def main() -> int:
    import os

    try:
        print(yaml.safe_dump(render_endpoints(os.environ), sort_keys=False), end="")
    except EndpointsConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
