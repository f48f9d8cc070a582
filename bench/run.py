"""`make bench`: run every benchmark against the real servers and write
bench/results/latest.json, bench/results/report.md and bench/results/latency.png.

  python -m bench.run                 everything (about 30 minutes on 2 cores)
  python -m bench.run --skip-training keep the training times of the last run (if any)
  python -m bench.run --quick         shorter load runs, for trying changes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from bench import components, insights_load, load, resources, understanding
from bench.conversation_walks import run_walks, walks
from bench.hostile_messages import hostile_messages
from bench.report import write_report
from bench.workload import ROOT
from tests.helpers.servers import action_server, post_raw, rasa_server

RESULTS = ROOT / "bench" / "results"
BUILD = ROOT / "build" / "bench"
MODEL = ROOT / "models" / "rif-rm-assistant.tar.gz"
RASA_BIN = ROOT / ".venv" / "bin" / "rasa"
# As scripts/run.sh serves: small models run faster on one TensorFlow thread
# (measured: parse p50 20 -> 16 ms, saturation 17.7 -> 19.5 messages/s).
SERVING_ENV = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}
PACED_USERS = (1, 10, 50)
CLOSED_LOOP_USERS = (1, 4, 16)
THINK_SECONDS = 2.0

TARGETS = {
    "faq_accuracy_points_above_tfidf": 8.0,
    "p95_ms_at_10_users": 250.0,
    "errors_at_50_users": 0,
    "saturation_messages_per_second": 30.0,
    "full_turn_over_parse_p50": 3.0,
    "conversation_walk_violations": 0,
    "hostile_messages_unanswered": 0,
    "peak_rss_mb_after_fuzz": 1200.0,
}
AT_MOST = {
    "errors_at_50_users",
    "conversation_walk_violations",
    "hostile_messages_unanswered",
    "peak_rss_mb_after_fuzz",
}
WALKS = 300
HOSTILE = 1000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def machine() -> Dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def load_benchmarks(paced_seconds: float, closed_seconds: float) -> Dict[str, Any]:
    """Both servers as `make run` starts them (SQLite conversations, TensorFlow
    on one thread per server: see scripts/run.sh), then the load runs."""
    saved_env = {name: os.environ.get(name) for name in SERVING_ENV}
    os.environ.update(SERVING_ENV)  # the servers inherit it; training afterwards must not
    try:
        return _load_benchmarks(paced_seconds, closed_seconds)
    finally:
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _load_benchmarks(paced_seconds: float, closed_seconds: float) -> Dict[str, Any]:
    processes: List[Any] = []
    results: Dict[str, Any] = {"paced": {}, "closed_loop": {}}
    with tempfile.TemporaryDirectory() as tmp:
        stores = {
            "tracker_store": {
                "type": "bot.tracker_store.PrivacyAwareSQLTrackerStore",
                "dialect": "sqlite",
                "db": str(Path(tmp) / "conversations.db"),
            }
        }
        with action_server(processes=processes) as actions_url:
            started = time.monotonic()
            with rasa_server(
                action_endpoint=actions_url, stores=stores, extra_args=["--enable-api"], processes=processes
            ) as base_url:
                results["start_to_first_answer_seconds"] = round(
                    asyncio.run(load.first_answer_seconds(base_url, started)), 2
                )
                log(f"first answer {results['start_to_first_answer_seconds']} s after start")
                results["memory_after_start_mb"] = {
                    "rasa_server": resources.peak_rss_mb(processes[1].pid),
                    "action_server": resources.peak_rss_mb(processes[0].pid),
                }
                floor = asyncio.run(load.parse_floor(base_url, 300))
                results["parse_floor"] = load.summary(floor)
                log(f"parse floor p50 {results['parse_floor']['p50_ms']:.1f} ms")
                for users in PACED_USERS:
                    samples = asyncio.run(load.run_users(base_url, users, paced_seconds, THINK_SECONDS))
                    results["paced"][str(users)] = load.summary(samples)
                    results["paced"][str(users)]["latencies_ms"] = samples.latencies_ms
                    log(f"{users} users, 2 s think time: {_short(results['paced'][str(users)])}")
                for users in CLOSED_LOOP_USERS:
                    samples = asyncio.run(load.run_users(base_url, users, closed_seconds, 0.0))
                    results["closed_loop"][str(users)] = load.summary(samples)
                    log(f"{users} users, closed loop: {_short(results['closed_loop'][str(users)])}")
                results["peak_memory_mb"] = {
                    "rasa_server": resources.peak_rss_mb(processes[1].pid),
                    "action_server": resources.peak_rss_mb(processes[0].pid),
                }
                results["robustness"] = robustness(base_url, processes)
    results["saturation_messages_per_second"] = max(
        run["messages_per_second"] or 0 for run in results["closed_loop"].values()
    )
    return results


def robustness(base_url: str, processes: List[Any]) -> Dict[str, Any]:
    """Conversation walks and hostile messages through REST (bench/conversation_walks.py,
    bench/hostile_messages.py), then each server's peak memory and whether it is alive."""

    def send(sender: str, text: str) -> Any:
        status, body = post_raw(base_url, json.dumps({"sender": sender, "message": text}).encode("utf-8"))
        return body if status == 200 and isinstance(body, list) else None

    figures = run_walks(walks(WALKS), send, sender_prefix="bench-walk").as_dict()
    log(f"conversation walks: {figures}")
    unanswered = 0
    started = time.monotonic()
    for number, text in enumerate(hostile_messages(HOSTILE)):
        replies = send(f"bench-fuzz-{number % 50}", text)
        unanswered += not replies or not any(r.get("text") for r in replies)
    result = {
        "walks": figures,
        "hostile_messages": HOSTILE,
        "hostile_unanswered": unanswered,
        "hostile_seconds": round(time.monotonic() - started, 1),
        "servers_alive": [p.poll() is None for p in processes],
        "peak_memory_mb": {
            "rasa_server": resources.peak_rss_mb(processes[1].pid),
            "action_server": resources.peak_rss_mb(processes[0].pid),
        },
    }
    log(f"hostile messages: {result}")
    return result


def _short(summary: Dict[str, Any]) -> str:
    return (
        f"{summary['messages']} msgs, {summary['errors']} errors, p50 {summary['p50_ms']:.0f} ms, "
        f"p95 {summary['p95_ms']:.0f} ms, p99 {summary['p99_ms']:.0f} ms, {summary['messages_per_second']} msg/s"
    )


def verdicts(results: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    u = results["understanding"]
    paced = results["load"]["paced"]
    ratio = paced["1"]["p50_ms"] / results["load"]["parse_floor"]["p50_ms"]
    figures = {
        "faq_accuracy_points_above_tfidf": 100 * (u["ours"]["faq_accuracy"] - u["tfidf_logreg"]["faq_accuracy"]),
        "p95_ms_at_10_users": paced["10"]["p95_ms"],
        "errors_at_50_users": paced["50"]["errors"],
        "saturation_messages_per_second": results["load"]["saturation_messages_per_second"],
        "full_turn_over_parse_p50": ratio,
        "conversation_walk_violations": results["load"]["robustness"]["walks"]["violations"],
        "hostile_messages_unanswered": results["load"]["robustness"]["hostile_unanswered"],
        "peak_rss_mb_after_fuzz": max(results["load"]["robustness"]["peak_memory_mb"].values()),
    }
    higher_is_better = {"faq_accuracy_points_above_tfidf", "saturation_messages_per_second"}
    return {
        name: {
            "value": round(value, 2),
            "target": TARGETS[name],
            "met": value >= TARGETS[name]
            if name in higher_is_better
            else (value <= TARGETS[name] if name in AT_MOST else value < TARGETS[name]),
        }
        for name, value in figures.items()
    }


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-training", action="store_true", help="reuse the last run's training times")
    parser.add_argument("--quick", action="store_true", help="20 s paced runs and 10 s closed-loop runs")
    parser.add_argument(
        "--without-rasa-init",
        action="store_true",
        help="leave out rasa init's default pipeline (its DIET transformer takes ~25 min to train on our long messages)",
    )
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"error: no trained model at {MODEL}; `make bench` trains it first", file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = json.loads((RESULTS / "latest.json").read_text()) if (RESULTS / "latest.json").exists() else {}
    results: Dict[str, Any] = {"machine": machine(), "model_size_mb": resources.model_size_mb(MODEL)}

    init_model = None
    if not args.without_rasa_init:
        log("training rasa init's default NLU pipeline on our data, unless build/bench/ has it for this data")
        BUILD.mkdir(parents=True, exist_ok=True)
        init_model, init_seconds = understanding.train_rasa_init_nlu(BUILD, RASA_BIN)
    log("scoring the held-out and real-voice sets: ours, TF-IDF + logistic regression, rasa init (unless left out)")
    results["understanding"] = understanding.evaluate(MODEL, init_model)
    if init_model is not None:
        results["understanding"]["rasa_init"]["training_seconds"] = round(init_seconds, 1)
    for name in ("ours", "tfidf_logreg", "rasa_init"):
        if name not in results["understanding"]:
            continue
        scored = results["understanding"][name]
        log(
            f"{name}: FAQ accuracy {scored['faq_accuracy']:.1%}, macro-F1 {scored['faq_macro_f1']:.3f}, "
            f"out-of-scope rejected {scored['out_of_scope_rejection']:.0%}"
        )

    log("memory and time per message of the sentence encoder and the language check")
    results["components"] = components.component_costs()
    log(f"components: {results['components']}")

    paced, closed = (20.0, 10.0) if args.quick else (60.0, 20.0)
    results["load"] = load_benchmarks(paced, closed)
    results["load"]["think_seconds"] = THINK_SECONDS
    results["load"]["paced_seconds_per_level"] = paced
    results["load"]["closed_loop_seconds_per_level"] = closed

    if args.skip_training:
        results["training"] = (
            {**previous["training"], "reused_from": previous["machine"]["date"]}
            if previous.get("training", {}).get("from_scratch_seconds")
            else {"skipped": True}
        )
    else:
        log("training our model from scratch (empty cache), then after changing one FAQ answer")
        with tempfile.TemporaryDirectory() as tmp:
            results["training"] = resources.training_times(Path(tmp) / "training", RASA_BIN)
    log(f"training: {results['training']}")

    log("insights report over 10,000 seeded conversations (SQLite, bench/insights_load.py)")
    results["insights"] = insights_load.benchmark()
    log(
        f"insights: {results['insights']['report_seconds']} s, peak {results['insights']['peak_rss_mb']} MB "
        f"(report's own Python peak {results['insights']['report_python_peak_mb']} MB)"
    )

    results["targets"] = verdicts(results)
    write_report(results, RESULTS)
    with (RESULTS / "report.md").open("a", encoding="utf-8") as report:
        report.write(insights_load.markdown(results["insights"]))
    for name, verdict in results["targets"].items():
        log(f"{name}: {verdict['value']} (target {verdict['target']}) {'met' if verdict['met'] else 'NOT met'}")
    log(f"wrote {RESULTS / 'latest.json'}, {RESULTS / 'report.md'} and {RESULTS / 'latency.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
