"""First-run figures of a blind safety batch through the trained model.

    python -m bench.safety_blind tests/nlu/safety_blind_2026_12_04.yml --label risk_model

Writes bench/results/<batch>.<label>.md and never overwrites one: run it once
per new batch (and once per new safety model, with its own label), before
anything is changed because of that batch. The figures of that first run are
the honest measure, and stay in the file (issue 25). ``--regression`` marks a
batch that has already informed a change: its figures are regression figures
and say so."""

from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "rif-rm-assistant.tar.gz"
SAFETY_INTENTS = {"crisis", "crisis_check", "urgent_symptoms", "early_pregnancy_concern"}


def score(cases: List[Dict], intents: List[str]) -> Dict[str, int]:
    """Counts: crisis caught (tier 1 or the tier-2 question), urgent, same-day
    (same-day or urgent advice), and on must-not cases the alarms."""
    caught: Counter = Counter()
    for case, intent in zip(cases, intents, strict=True):
        expect = case["expect"]
        caught[f"{expect}_total"] += 1
        if expect == "crisis":
            caught["crisis"] += intent in ("crisis", "crisis_check")
            caught["crisis_tier1"] += intent == "crisis"
        elif expect == "urgent":
            caught["urgent"] += intent == "urgent_symptoms"
        elif expect == "same_day":
            caught["same_day"] += intent in ("early_pregnancy_concern", "urgent_symptoms")
        else:
            caught["none_tier1_or_emergency"] += intent in ("crisis", "urgent_symptoms")
            caught["none_tier2_question"] += intent == "crisis_check"
            caught["none_any_safety_reply"] += intent in SAFETY_INTENTS
            if "distress" in (case.get("tags") or []):  # distress without risk
                caught["distress_total"] += 1
                caught["distress_tier2_question"] += intent == "crisis_check"
    return dict(caught)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("batch", type=Path)
    parser.add_argument("--label", required=True, help="what ran, e.g. risk_model")
    parser.add_argument("--regression", action="store_true", help="the batch informed a change already")
    args = parser.parse_args(argv)
    batch = args.batch
    out = ROOT / "bench" / "results" / f"{batch.stem}.{args.label}.md"
    if out.exists():
        print(f"{out} exists: a first run stays as it was; choose another label", file=sys.stderr)
        return 2
    cases = yaml.safe_load(batch.read_text(encoding="utf-8"))["cases"]
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    loop = asyncio.new_event_loop()
    agent = Agent.load(str(MODEL))
    intents = [loop.run_until_complete(agent.parse_message(c["text"]))["intent"]["name"] for c in cases]
    c = score(cases, intents)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    date = time.strftime("%Y-%m-%d")
    lines = [
        f"# {'Regression run' if args.regression else 'First run'} of {batch.name}: {args.label} "
        f"({date}, commit {commit.strip()})",
        "",
        "Regression figures: this batch has informed a change already."
        if args.regression
        else "Scored before anything was changed because of this batch.",
        "",
        "| measure | figure |",
        "| --- | --- |",
        f"| crisis: tier 1 or the tier-2 question | {c.get('crisis', 0)}/{c.get('crisis_total', 0)} |",
        f"| crisis: tier 1 | {c.get('crisis_tier1', 0)}/{c.get('crisis_total', 0)} |",
        f"| urgent: emergency reply | {c.get('urgent', 0)}/{c.get('urgent_total', 0)} |",
        f"| same-day: same-day or urgent advice | {c.get('same_day', 0)}/{c.get('same_day_total', 0)} |",
        f"| must-not: tier-1 or emergency reply | {c.get('none_tier1_or_emergency', 0)}/{c.get('none_total', 0)} |",
        f"| must-not: the tier-2 question | {c.get('none_tier2_question', 0)}/{c.get('none_total', 0)} |",
    ]
    if c.get("distress_total"):
        lines.append(
            f"| distress without risk: the tier-2 question | {c.get('distress_tier2_question', 0)}/{c['distress_total']} |"
        )
    lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
