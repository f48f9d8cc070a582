"""In-process NLU parse time of the trained model, and where it goes.

    python -m bench.parse_speed --label after_cache

Writes bench/results/parse_speed.<label>.json and prints a table. Three
measures on the realistic mix (bench/workload.py), one parse at a time in
one process: **first sight** (each distinct text the first time this
process parses it: the cost of a new question), **as sent** (the mix in
order, repeats included: what the caches give real traffic), and the growth
with message length (10, 50, 200, 400 words of a story). Time per component
comes from wrapping each graph node's ``process``. Run it in an old checkout
with the same model for the "before" figures (bench/results/speed.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "rif-rm-assistant.tar.gz"
STORY_SENTENCE = (
    "we had our third FET last month with a good 5 day blast and it was a BFN again, "
    "and i honestly dont know what to ask the clinic next. "
)


def _percentiles(values: List[float]) -> Dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "n": len(ordered),
    }


def _story(words: int) -> str:
    sentence = STORY_SENTENCE.split()
    text = [sentence[i % len(sentence)] for i in range(words - 6)]
    return " ".join(text) + " is this implantation failure or not?"


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--messages", type=int, default=400)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    from rasa.core.agent import Agent

    from bench.workload import message_mix

    agent = Agent.load(str(MODEL))
    loop = asyncio.new_event_loop()
    per_component: Dict[str, float] = defaultdict(float)
    _wrap(agent, per_component)

    def parse(text: str) -> float:
        start = time.perf_counter()
        loop.run_until_complete(agent.parse_message(text))
        return (time.perf_counter() - start) * 1000

    for warm_up in ("hello", "what is RIF and what is RM", "ok"):  # load lazy parts outside the figures
        parse(warm_up + " warm up")
    per_component.clear()
    mix = message_mix(args.messages)
    seen: set = set()
    first_sight, as_sent = [], []
    for text in mix:
        took = parse(text)
        as_sent.append(took)
        if text not in seen:
            first_sight.append(took)
            seen.add(text)
    components = {
        name: round(total / len(mix), 2) for name, total in sorted(per_component.items(), key=lambda x: -x[1])
    }
    by_length = {}
    for words in (10, 50, 200, 400):
        times = [parse(f"{_story(words)} ({words} words, try {i})") for i in range(5)]
        by_length[str(words)] = round(statistics.median(times), 2)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    result = {
        "label": args.label,
        "commit": commit.stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "messages": len(mix),
        "distinct_messages": len(seen),
        "first_sight_ms": _percentiles(first_sight),
        "as_sent_ms": _percentiles(as_sent),
        "ms_per_message_by_component": components,
        "ms_by_words": by_length,
    }
    out = ROOT / "bench" / "results" / f"parse_speed.{args.label}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


def _wrap(agent, per_component: Dict[str, float]) -> None:
    """Time each NLU component's process() (summed per component class)."""
    from rasa.engine.graph import GraphNode

    original = GraphNode.__call__

    def timed(self, *inputs):
        start = time.perf_counter()
        try:
            return original(self, *inputs)
        finally:
            if self._fn_name == "process":
                per_component[type(self._component).__name__] += (time.perf_counter() - start) * 1000

    GraphNode.__call__ = timed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
