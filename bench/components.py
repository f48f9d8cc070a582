"""What the understanding components added for patients' own words cost:
resident memory and time per message of the sentence encoder
(all-MiniLM-L6-v2, bot/nlu/sentence_encoder.py) and of the language check
(lingua + spaCy stop words, bot/nlu/language.py), each measured in a fresh
process on the real-voice messages. What the encoder buys is in the
understanding tables: ours against the same logistic regression on word and
character n-grams (the TF-IDF baseline)."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

from bench.real_voice import load_cases
from bench.workload import ROOT


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def _per_message_ms(handle: Callable[[str], Any], texts: List[str]) -> Dict[str, float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        handle(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "messages": len(times),
    }


def measure(component: str) -> Dict[str, Any]:
    """In this process: memory added by loading ``component``, then its time per message."""
    # What every Rasa server process has loaded anyway is not the component's cost.
    import rasa.nlu.featurizers.dense_featurizer.dense_featurizer  # noqa: F401
    import spacy  # noqa: F401

    import bot.nlu.glossary  # noqa: F401

    texts = [case.text for case in load_cases()]
    before = _rss_mb()
    if component == "sentence_encoder":
        from bot.nlu.sentence_encoder import MiniLMEncoder

        encoder = MiniLMEncoder()
        loaded = _rss_mb()
        timing = _per_message_ms(lambda text: encoder.encode([text]), texts)
    elif component == "language_check":
        from bot.nlu import language

        language.warm_up()
        loaded = _rss_mb()
        timing = _per_message_ms(language.other_language, texts)
    else:
        raise ValueError(component)
    return {"memory_added_mb": round(loaded - before, 1), **timing}


def component_costs() -> Dict[str, Any]:
    """Each component measured in its own fresh Python process."""
    results = {}
    for component in ("sentence_encoder", "language_check"):
        output = subprocess.run(
            [sys.executable, "-m", "bench.components", component],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[component] = json.loads(output.strip().splitlines()[-1])
    return results


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
