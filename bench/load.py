"""Latency and throughput over the REST channel, and the NLU parsing floor.

Simulated users each play conversations from the realistic mix
(bench/workload.py), one message at a time: send, wait for the reply,
think (2 s in the paced runs, none in the closed-loop runs), send again.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import aiohttp

from bench.workload import conversations, message_mix

REQUEST_TIMEOUT_SECONDS = 30


@dataclass
class Samples:
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: Dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def percentile(values: List[float], q: float) -> Optional[float]:
    """The q-th percentile (0-100), interpolated as numpy's default ("inclusive")."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    if q <= 0 or q >= 100:
        return float(min(values) if q <= 0 else max(values))
    # Cut points at 0.1% steps, so fractional percentiles such as 99.9 work too.
    cuts = statistics.quantiles(values, n=1000, method="inclusive")
    return cuts[round(q * 10) - 1]


def summary(samples: Samples) -> Dict[str, object]:
    values = samples.latencies_ms
    return {
        "messages": len(values),
        "errors": samples.errors,
        "error_kinds": samples.error_kinds,
        "seconds": round(samples.seconds, 2),
        "messages_per_second": round(len(values) / samples.seconds, 2) if samples.seconds else None,
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "mean_ms": statistics.fmean(values) if values else None,
    }


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str, samples: Samples) -> None:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response.status != 200:
                samples.error(f"http_{response.status}")
            elif not body:
                samples.error("no_reply")
            elif any("couldn't answer that just now" in (reply.get("text") or "") for reply in body):
                samples.error("apology")  # the server's reply when handling failed
            else:
                samples.latencies_ms.append(elapsed_ms)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        samples.error(type(error).__name__)


async def run_users(base_url: str, users: int, seconds: float, think_seconds: float, seed: int = 1) -> Samples:
    """``users`` concurrent users for ``seconds``; each waits ``think_seconds``
    between a reply and its next message."""
    url = f"{base_url}/webhooks/rest/webhook"
    samples = Samples()
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=0)

    async def user(number: int, session: aiohttp.ClientSession) -> None:
        source = conversations(seed * 1000 + number)
        # Spread the first messages over the first think time, as real arrivals are.
        await asyncio.sleep(think_seconds * number / max(users, 1))
        while time.monotonic() < deadline:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for text in source.next().messages:
                if time.monotonic() >= deadline:
                    return
                await _send(session, url, sender, text, samples)
                if think_seconds:
                    await asyncio.sleep(think_seconds)

    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(user(number, session) for number in range(users)))
    samples.seconds = time.monotonic() - started
    return samples


async def parse_floor(base_url: str, count: int) -> Samples:
    """NLU parsing alone (POST /model/parse, same HTTP path length) for the same mix, one at a time."""
    samples = Samples()
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)) as session:
        for text in message_mix(count):
            begin = time.perf_counter()
            async with session.post(f"{base_url}/model/parse", json={"text": text}) as response:
                await response.read()
                if response.status == 200:
                    samples.latencies_ms.append((time.perf_counter() - begin) * 1000)
                else:
                    samples.error(f"http_{response.status}")
    samples.seconds = time.monotonic() - started
    return samples


async def first_answer_seconds(base_url: str, since: float) -> float:
    """Seconds from ``since`` (monotonic) until a first message gets an answer."""
    async with aiohttp.ClientSession() as session:
        while True:
            samples = Samples()
            await _send(
                session,
                f"{base_url}/webhooks/rest/webhook",
                f"bench-start-{uuid.uuid4().hex[:8]}",
                "what is RIF",
                samples,
            )
            if samples.latencies_ms:
                return time.monotonic() - since
            await asyncio.sleep(0.05)
