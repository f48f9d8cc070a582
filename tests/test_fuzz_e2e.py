"""No message can take the service down: 1,000 hostile messages
(bench/hostile_messages.py) through the REST channel of the real servers.
Every one gets a 200 with a reply, both servers are alive afterwards, and
each server's peak memory is printed (`make bench` holds it to a target)."""

from __future__ import annotations

import json
import time

from bench.hostile_messages import hostile_messages
from bench.resources import peak_rss_mb
from tests.helpers.servers import get, post_raw

COUNT = 1000


def test_hostile_messages_are_all_answered_and_the_servers_stay_up(assistant, capsys):
    messages = hostile_messages(COUNT)
    assert len(messages) == COUNT
    unanswered, slowest = [], (0.0, "")
    started = time.monotonic()
    for number, text in enumerate(messages):
        before = time.monotonic()
        status, body = post_raw(
            assistant.base_url, json.dumps({"sender": f"fuzz-{number % 50}", "message": text}).encode("utf-8")
        )
        took = time.monotonic() - before
        slowest = max(slowest, (took, text[:40]))
        if status != 200 or not isinstance(body, list) or not any(r.get("text") for r in body):
            unanswered.append((number, status, text[:60]))
    elapsed = time.monotonic() - started
    alive = [process.poll() is None for process in assistant.processes]
    status, _ = get(assistant.base_url, "/")
    with capsys.disabled():
        peaks = ", ".join(
            f"{name} peak RSS {peak_rss_mb(p.pid):.0f} MB"
            for name, p in zip(("action server", "Rasa server"), assistant.processes, strict=True)
        )
        print(
            f"\nREST fuzz: {COUNT} hostile messages in {elapsed:.0f} s, unanswered {len(unanswered)}, "
            f"slowest {slowest[0] * 1000:.0f} ms ({slowest[1]!r}); {peaks}"
        )
    assert unanswered == []
    assert alive == [True, True] and status == 200
