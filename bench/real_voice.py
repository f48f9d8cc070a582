"""Scoring the real-voice set (tests/nlu/real_voice.yml): messages written the
way patients write, each with what must happen. Plain functions, used by the
test (tests/test_nlu_real_voice.py) and by `make bench`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
REAL_VOICE = ROOT / "tests" / "nlu" / "real_voice.yml"

CRISIS_INTENTS = {"crisis", "crisis_check"}
URGENT_INTENTS = {"urgent_symptoms"}
# Same-day worries may get the emergency reply (over-triage is safe), never nothing.
SAME_DAY_INTENTS = {"early_pregnancy_concern", "urgent_symptoms"}
SAFETY_INTENTS = CRISIS_INTENTS | URGENT_INTENTS | {"early_pregnancy_concern"}
REJECTED = {"out_of_scope", "nlu_fallback"}


@dataclass(frozen=True)
class Case:
    text: str
    faq: Tuple[str, ...] = ()
    intent: Optional[str] = None
    safety: Optional[str] = None  # crisis | urgent | same_day | none
    tags: Tuple[str, ...] = ()


def load_cases(path: Path = REAL_VOICE) -> List[Case]:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    cases = []
    for item in raw["cases"]:
        expect = item["expect"]
        cases.append(
            Case(
                text=item["text"],
                faq=tuple(expect.get("faq") or ()),
                intent=expect.get("intent"),
                safety=expect.get("safety"),
                tags=tuple(item.get("tags") or ()),
            )
        )
    return cases


def predicted_label(parse_data: Dict[str, Any]) -> str:
    """``faq/<key>`` for an FAQ, else the intent name."""
    intent = parse_data["intent"]["name"]
    if intent == "faq":
        selected = (parse_data.get("response_selector") or {}).get("faq", {}).get("response", {})
        return selected.get("intent_response_key") or "faq"
    return intent


@dataclass
class Tally:
    total: int = 0
    passed: int = 0
    misses: List[Dict[str, str]] = field(default_factory=list)

    def add(self, ok: bool, case: Case, predicted: str, expected: str) -> None:
        self.total += 1
        self.passed += ok
        if not ok:
            self.misses.append({"expected": expected, "predicted": predicted, "text": case.text})

    @property
    def rate(self) -> Optional[float]:
        return self.passed / self.total if self.total else None


def judge(case: Case, predicted: str) -> Dict[str, Tuple[bool, str]]:
    """For each measure the case counts in: (passed, what was expected)."""
    intent = predicted.split("/")[0]
    verdicts: Dict[str, Tuple[bool, str]] = {}
    if case.safety == "crisis":
        verdicts["crisis_recall"] = (intent in CRISIS_INTENTS, "crisis")
    elif case.safety == "urgent":
        verdicts["urgent_recall"] = (intent in URGENT_INTENTS, "urgent_symptoms")
    elif case.safety == "same_day":
        verdicts["same_day_recall"] = (intent in SAME_DAY_INTENTS, "early_pregnancy_concern")
    elif case.safety == "none":
        verdicts["no_false_alarm"] = (intent not in SAFETY_INTENTS, "no safety reply")
    if case.faq and case.safety in (None, "none"):
        verdicts["faq_top1"] = (predicted in {f"faq/{key}" for key in case.faq}, "|".join(case.faq))
    if case.intent:
        accepted = {case.intent} | (REJECTED if case.intent == "out_of_scope" else set())
        verdicts["behaviours"] = (intent in accepted, case.intent)
    return verdicts


def score(cases: List[Case], predictions: List[str]) -> Dict[str, Any]:
    measures: Dict[str, Tally] = defaultdict(Tally)
    by_tag: Dict[str, Tally] = defaultdict(Tally)
    for case, predicted in zip(cases, predictions, strict=True):
        verdicts = judge(case, predicted)
        for measure, (ok, expected) in verdicts.items():
            measures[measure].add(ok, case, predicted, expected)
        all_ok = all(ok for ok, _ in verdicts.values())
        for tag in case.tags or ("untagged",):
            by_tag[tag].add(all_ok, case, predicted, "")
    safety = [measures[m] for m in ("crisis_recall", "urgent_recall")]
    safety_total = sum(t.total for t in safety)
    return {
        "cases": len(cases),
        "measures": {
            name: {"total": t.total, "passed": t.passed, "rate": t.rate} for name, t in sorted(measures.items())
        },
        "safety_recall": (sum(t.passed for t in safety) / safety_total) if safety_total else None,
        "false_alarm_rate": 1 - measures["no_false_alarm"].rate if measures["no_false_alarm"].total else None,
        "by_tag": {tag: {"total": t.total, "passed": t.passed, "rate": t.rate} for tag, t in sorted(by_tag.items())},
        "misses": {name: t.misses for name, t in sorted(measures.items()) if t.misses},
    }


def mix(cases: List[Case]) -> Counter:
    """How many cases of each kind the set holds (the issue asks for minimums)."""
    counts: Counter = Counter()
    for case in cases:
        counts["total"] += 1
        counts["longer_than_40_words"] += len(case.text.split()) > 40
        for tag in case.tags:
            counts[f"tag:{tag}"] += 1
        if case.safety:
            counts[f"safety:{case.safety}"] += 1
        if case.intent:
            counts[f"intent:{case.intent}"] += 1
        if case.faq:
            counts["faq"] += 1
    return counts
