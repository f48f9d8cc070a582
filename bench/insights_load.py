"""Insights at volume: seed conversations into a tracker store, build the report.

Conversations are made of real Rasa events (rasa.shared.core.events) with
parse data shaped like our model's, and stored as rows exactly as Rasa's
SQLTrackerStore.save writes them. While it builds each conversation, a
:class:`Script` also tallies what the report must show for it, so tests can
check the report's figures against what was seeded.

    python -m bench.insights_load                      seed 10,000 conversations, time the report
    python -m bench.insights_load --conversations 2000

`make bench` runs :func:`benchmark` (bench/run.py) and adds its figures to
bench/results/latest.json and report.md.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
DAY = 24 * 60 * 60
CHANNELS = ("socketio", "rest", "telegram", "slack")
TOPICS = (
    "rif_definition",
    "rm_definition",
    "rif_causes",
    "rm_causes",
    "rif_tests",
    "rm_tests",
    "progesterone",
    "blood_thinners",
    "pgt",
    "emotional_impact",
    "next_steps",
    "chances_of_success",
)
QUESTIONS = {
    "rif_definition": "what is RIF",
    "rm_definition": "what counts as recurrent miscarriage",
    "rif_causes": "why do my embryos keep failing to implant",
    "rm_causes": "what causes repeated miscarriages",
    "rif_tests": "what tests are there after failed transfers",
    "rm_tests": "which tests should we ask for after losses",
    "progesterone": "does progesterone help",
    "blood_thinners": "should I take aspirin or heparin",
    "pgt": "is embryo testing worth it",
    "emotional_impact": "how do people cope with this",
    "next_steps": "what should I do next",
    "chances_of_success": "what are my chances next time",
}
# Fallback messages with personal details, to exercise redaction at volume.
FALLBACK_TEXTS = (
    "my name is Sarah Jones, can you ring me on 07700 900123",
    "blah blah my email is jo.bloggs@example.com",
    "Dr Patel said my AMH is 0.8, is that bad? - Emma",
    "asdf qwer zxcv",
    "what about the thing with the stuff",
    "my husband Tom thinks we should stop",
)
COMMENTS = (
    "I wanted to know about success rates after 40",
    "too general, I'm 38 with 3 losses",
    "it didn't say how long to wait",
)
SAFETY = {
    "utter_urgent_care": ("urgent_symptoms", "heavy bleeding and severe pain"),
    "utter_crisis_support": ("crisis", "I can't go on anymore"),
    "utter_crisis_check": ("crisis_check", "what's the point of anything"),
    "utter_same_day_care": ("early_pregnancy_concern", "spotting at 6 weeks is that ok"),
}
OUTCOMES = ("rif_pattern", "rm_pattern", "both_patterns", "neither_yet", "unclear")


def parse_data(
    text: str, intent: str, faq_key: Optional[str] = None, entities: Iterable[Dict[str, Any]] = ()
) -> Dict[str, Any]:
    """Parse data as our model returns it: every message carries the response
    selector's guess, even when the intent is not faq."""
    guess = faq_key or "next_steps"
    intent_data: Dict[str, Any] = {"name": intent, "confidence": 0.97}
    if intent == "faq" and faq_key:
        intent_data["full_retrieval_intent_name"] = f"faq/{faq_key}"
    return {
        "text": text,
        "intent": intent_data,
        "entities": list(entities),
        "intent_ranking": [intent_data, {"name": "out_of_scope", "confidence": 0.01}],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "responses": [],
                    "confidence": 0.74 if faq_key else 0.15,
                    "intent_response_key": f"faq/{guess}",
                    "utter_action": f"utter_faq/{guess}",
                },
                "ranking": [{"confidence": 0.74, "intent_response_key": f"faq/{guess}"}],
            },
        },
    }


@dataclass
class Tally:
    """What the report must show for the seeded conversations (in the period)."""

    conversations: int = 0
    per_day: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    user_messages: int = 0
    fallbacks: int = 0
    topics: Counter = field(default_factory=Counter)
    walk_starts: int = 0
    walk_completions: int = 0
    outcomes: Counter = field(default_factory=Counter)
    safety: Counter = field(default_factory=Counter)
    helpful: Counter = field(default_factory=Counter)
    not_helpful: Counter = field(default_factory=Counter)
    fallback_texts: List[str] = field(default_factory=list)
    comments: List[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(value, Counter):
                mine.update(value)
            elif isinstance(value, list):
                mine.extend(value)
            else:
                setattr(self, name, mine + value)

    def figures(self) -> Dict[str, Any]:
        """The figures in the shape :func:`figures_of` reads from a report's totals."""
        return {name: _plain(getattr(self, name)) for name in FIGURE_NAMES}


FIGURE_NAMES = (
    "conversations",
    "per_day",
    "channels",
    "user_messages",
    "fallbacks",
    "topics",
    "walk_starts",
    "walk_completions",
    "outcomes",
    "safety",
    "helpful",
    "not_helpful",
)


def _plain(value: Any) -> Any:
    if isinstance(value, Counter):
        return {str(key): count for key, count in value.items() if count}
    return value


def figures_of(totals: Any) -> Dict[str, Any]:
    """The same figures read from a bot.insights.figures.PeriodTotals."""
    return {name: _plain(getattr(totals, name)) for name in FIGURE_NAMES}


class Script:
    """One conversation, turn by turn, as the assistant would have stored it."""

    def __init__(self, sender_id: str, start: float, channel: Optional[str], seconds_per_event: float = 1.0) -> None:
        from rasa.shared.core.events import ActionExecuted, SessionStarted

        self.sender_id = sender_id
        self.channel = channel
        self.clock = start
        self.step = seconds_per_event
        self.tally = Tally()
        self.last_topic: Optional[str] = None
        self.events: List[Any] = [
            ActionExecuted("action_session_start", timestamp=self._tick()),
            SessionStarted(timestamp=self._tick()),
            ActionExecuted("action_listen", timestamp=self._tick()),
        ]

    def _tick(self) -> float:
        self.clock += self.step
        return self.clock

    def _user(self, text: str, intent: str, faq_key: Optional[str] = None, entities: Iterable[Dict] = ()) -> None:
        from rasa.shared.core.events import UserUttered

        timestamp = self._tick()
        if self.tally.conversations == 0:
            self.tally.conversations = 1
            self.tally.per_day[time.strftime("%Y-%m-%d", time.gmtime(timestamp))] += 1
            self.tally.channels[self.channel or "unknown"] += 1
        if not text.startswith("/"):
            self.tally.user_messages += 1
        self.events.append(
            UserUttered._from_parse_data(
                text,
                parse_data(text, intent, faq_key, entities),
                timestamp=timestamp,
                input_channel=self.channel,
                message_id=uuid.uuid4().hex,
            )
        )

    def _actions(self, *names: str, reply: str = "…") -> None:
        from rasa.shared.core.events import BotUttered

        for name in names:
            self.events.append(_action(name, self._tick()))
            if name.startswith("utter_"):
                self.events.append(BotUttered(reply, {"utter_action": name}, timestamp=self._tick()))
        self.events.append(_action("action_listen", self._tick()))

    # --- turns ---------------------------------------------------------------

    def turn(
        self, text: str, intent: str, *actions: str, faq_key: Optional[str] = None, entities: Iterable[Dict] = ()
    ) -> "Script":
        """Any turn (for tests); only the message counts are tallied."""
        self._user(text, intent, faq_key, entities)
        self._actions(*actions)
        return self

    def at(self, timestamp: float) -> "Script":
        """Later turns start at ``timestamp`` (a conversation picked up days later)."""
        self.clock = timestamp - self.step
        return self

    def dicts(self) -> List[Dict[str, Any]]:
        """The events as the store's ``data`` column holds them."""
        return [event.as_dict() for event in self.events]

    def greet(self) -> "Script":
        self._user("/greet", "greet")
        self._actions("utter_greet")
        return self

    def faq(self, key: str, text: Optional[str] = None, button: bool = False) -> "Script":
        self._user(f"/faq/{key}" if button else (text or QUESTIONS.get(key, f"tell me about {key}")), "faq", key)
        self._actions("utter_faq", reply=f"An answer about {key}.")
        self.tally.topics[key] += 1
        self.last_topic = key
        return self

    def fallback(self, text: str) -> "Script":
        self._user(text, "nlu_fallback")
        self._actions("utter_fallback")
        self.tally.fallbacks += 1
        self.tally.fallback_texts.append(text)
        return self

    def feedback(self, helpful: bool, key: Optional[str] = None, typed: Optional[str] = None) -> "Script":
        """A "Was this helpful?" answer: the button (naming ``key``, default the
        latest answer) or ``typed`` words (which name none)."""
        intent = "feedback_helpful" if helpful else "feedback_not_helpful"
        key = key or self.last_topic
        if typed:
            self._user(typed, intent)
        else:
            self._user(f'/{intent}{{"faq_key":"{key}"}}', intent, entities=[_faq_key_entity(intent, key)])
        self._actions("utter_feedback_glad" if helpful else "utter_ask_feedback_comment")
        (self.tally.helpful if helpful else self.tally.not_helpful)[key] += 1
        return self

    def comment(self, text: str) -> "Script":
        self._user(text, "nlu_fallback")
        self._actions("utter_feedback_thanks")
        self.tally.comments.append(text)
        return self

    def skip(self) -> "Script":
        self._user("/skip_question", "skip_question")
        self._actions("utter_feedback_thanks")
        return self

    def safety(self, action: str, text: Optional[str] = None) -> "Script":
        intent, default_text = SAFETY[action]
        self._user(text or default_text, intent)
        self._actions(action)
        self.tally.safety[action] += 1
        return self

    def walk_through(self, outcome: Optional[str], answers: Iterable[str] = ("2", "1", "0", "yes")) -> "Script":
        """Start the walk-through, answer, and (with an outcome) complete it."""
        from rasa.shared.core.events import ActiveLoop, SlotSet

        self._user("go through my history", "start_assessment")
        self.events.append(_action("action_reset_history", self._tick()))
        self.events.append(_action("utter_assessment_intro", self._tick()))
        self.events.append(_action("history_form", self._tick()))
        self.events.append(ActiveLoop("history_form", timestamp=self._tick()))
        self.events.append(SlotSet("requested_slot", "embryo_transfers", timestamp=self._tick()))
        self.events.append(_action("action_listen", self._tick()))
        self.tally.walk_starts += 1
        for answer in answers:
            self._user(answer, "inform")
            self.events.append(_action("history_form", self._tick()))
            self.events.append(SlotSet("requested_slot", "next", timestamp=self._tick()))
            self.events.append(_action("action_listen", self._tick()))
        if outcome is None:
            return self
        self._user("yes that's right", "affirm")
        self.events.append(_action("history_form", self._tick()))
        self.events.append(ActiveLoop(None, timestamp=self._tick()))
        self.events.append(SlotSet("requested_slot", None, timestamp=self._tick()))
        self.events.append(_action("action_assess_history", self._tick()))
        self.events.append(SlotSet("assessment", outcome, timestamp=self._tick()))
        self.events.append(SlotSet("assessment_flags", [], timestamp=self._tick()))
        self.events.append(_action("action_listen", self._tick()))
        self.tally.walk_completions += 1
        self.tally.outcomes[outcome] += 1
        return self

    def pause_and_resume(self, action: str = "utter_urgent_care") -> "Script":
        """A safety reply pauses the walk-through; the user carries on."""
        from rasa.shared.core.events import ActiveLoop

        intent, text = SAFETY[action]
        self._user(text, intent)
        self.events.append(_action("action_deactivate_loop", self._tick()))
        self.events.append(ActiveLoop(None, timestamp=self._tick()))
        self._actions(action, "utter_offer_resume")
        self.tally.safety[action] += 1
        self._user("/resume_assessment", "resume_assessment")
        self.events.append(_action("history_form", self._tick()))
        self.events.append(ActiveLoop("history_form", timestamp=self._tick()))
        self.events.append(_action("action_listen", self._tick()))
        return self


def _action(name: str, timestamp: float) -> Any:
    from rasa.shared.core.events import ActionExecuted

    return ActionExecuted(name, policy="RulePolicy", confidence=1.0, timestamp=timestamp)


def _faq_key_entity(intent: str, key: Optional[str]) -> Dict[str, Any]:
    start = len(intent) + 1
    return {
        "entity": "faq_key",
        "value": key,
        "start": start,
        "end": start + len(json.dumps({"faq_key": key}, separators=(",", ":"))),
        "extractor": "RegexMessageHandler",
    }


def rows_of(sender_id: str, events: Iterable[Any]) -> List[Dict[str, Any]]:
    """Rows as rasa.core.tracker_store.SQLTrackerStore.save writes them."""
    rows = []
    for event in events:
        data = event.as_dict()
        rows.append(
            {
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            }
        )
    return rows


def random_conversation(rng: random.Random, sender_id: str, start: float) -> Script:
    """One conversation from a realistic mix (FAQ questions mostly; ratings,
    fallbacks, walk-throughs and safety replies less often)."""
    channel = rng.choice(CHANNELS + (None,)) if rng.random() < 0.05 else rng.choice(CHANNELS)
    script = Script(sender_id, start, channel)
    if channel == "socketio":
        script.greet()
    for _ in range(rng.randint(1, 3)):
        script.faq(rng.choice(TOPICS), button=rng.random() < 0.3)
    roll = rng.random()
    if roll < 0.15:
        script.feedback(True, typed="that helped, thanks" if rng.random() < 0.3 else None)
    elif roll < 0.25:
        script.feedback(False, typed="that didn't answer my question" if rng.random() < 0.3 else None)
        if rng.random() < 0.6:
            script.comment(rng.choice(COMMENTS))
        else:
            script.skip()
    if rng.random() < 0.2:
        script.fallback(rng.choice(FALLBACK_TEXTS))
    if rng.random() < 0.12:
        script.walk_through(rng.choice(OUTCOMES) if rng.random() < 0.7 else None)
    if rng.random() < 0.04:
        script.safety(rng.choice(sorted(SAFETY)))
    return script


def create_store(sqlite_path: Path) -> Any:
    """A PrivacyAwareSQLTrackerStore on a new SQLite file (Rasa creates the table and index)."""
    from rasa.shared.core.domain import Domain

    from bot.tracker_store import PrivacyAwareSQLTrackerStore

    return PrivacyAwareSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(sqlite_path))


def seed(engine: Any, conversations: int, now: float, days: int = 28, seed_value: int = 20261122) -> Tuple[Tally, int]:
    """Bulk-insert ``conversations`` random conversations spread over the
    ``days`` days before ``now``; returns (what the report must show, rows)."""
    from bot.insights.collect import EVENTS

    rng = random.Random(seed_value)
    tally = Tally()
    rows: List[Dict[str, Any]] = []
    stored = 0
    for number in range(conversations):
        start = now - rng.uniform(0.05, days - 0.05) * DAY
        script = random_conversation(rng, f"bench-{number:06d}-{rng.getrandbits(32):08x}", start)
        tally.add(script.tally)
        rows.extend(rows_of(script.sender_id, script.events))
        if len(rows) >= 5000:
            stored += _insert(engine, EVENTS, rows)
            rows = []
    stored += _insert(engine, EVENTS, rows)
    return tally, stored


def _insert(engine: Any, table: Any, rows: List[Dict[str, Any]]) -> int:
    if rows:
        with engine.begin() as connection:
            connection.execute(table.insert(), rows)
    return len(rows)


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not getrusage's ru_maxrss:
    Linux carries that over from the parent across fork and exec, so under
    `make bench` it reported the bench process's own 1.6 GB."""
    status = Path("/proc/self/status").read_text()
    return round(int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024, 1)


def measure(sqlite_path: Path, days: int) -> Dict[str, Any]:
    """Build the report (figures, redaction, charts, page) from the store, in
    this process: once for the time and the process's peak memory, once more
    under tracemalloc for the report's own peak of Python allocations."""
    import tracemalloc

    import sqlalchemy as sa

    from bot.insights.collect import build_totals
    from bot.insights.figures import last_days
    from bot.insights.redact import redactor
    from bot.insights.report import page

    redactor()  # loaded once per process, as the server does (spaCy pulls in TensorFlow)
    before = _rss_mb()
    engine = sa.create_engine(f"sqlite:///{sqlite_path}")
    period = last_days(days, time.time())
    started = time.perf_counter()
    totals = build_totals(engine, period)
    html = page(totals)
    seconds = time.perf_counter() - started
    peak_rss = _rss_mb()
    tracemalloc.start()
    page(build_totals(engine, period))
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    engine.dispose()
    return {
        "report_seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss,
        "rss_before_report_mb": before,
        "report_python_peak_mb": round(traced_peak / 2**20, 1),
        "page_kb": round(len(html.encode("utf-8")) / 1024, 1),
        "figures": figures_of(totals),
    }


def benchmark(conversations: int = 10_000, days: int = 28) -> Dict[str, Any]:
    """Seed a temporary SQLite store, then build the report in a fresh
    process (so its peak memory is the report's, not the seeding's)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "conversations.db"
        store = create_store(path)
        started = time.perf_counter()
        tally, rows = seed(store.engine, conversations, time.time(), days)
        seed_seconds = time.perf_counter() - started
        store.engine.dispose()
        result = subprocess.run(
            [sys.executable, "-m", "bench.insights_load", "--measure", str(path), "--days", str(days + 1)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(result.stdout.strip().splitlines()[-1])
    figures = measured.pop("figures")
    return {
        "conversations": conversations,
        "events": rows,
        "seed_seconds": round(seed_seconds, 1),
        **measured,
        "figures_match_seeded": figures == tally.figures(),
    }


def markdown(results: Dict[str, Any]) -> str:
    """The section bench/run.py appends to report.md."""
    return "\n".join(
        [
            "",
            "## Insights report at volume",
            "",
            f"{results['conversations']:,} seeded conversations ({results['events']:,} events, SQLite): the report "
            f"(figures, redaction, charts, page) took {results['report_seconds']} s; peak memory of that process "
            f"{results['peak_rss_mb']} MB ({results['rss_before_report_mb']} MB before reading the store, mostly "
            f"spaCy and the libraries it loads); the report's own peak of Python allocations "
            f"{results['report_python_peak_mb']} MB (tracemalloc). The store is read in batches of "
            "conversations, so this stays flat as the store grows. "
            f"Figures equal to the seeded ones: {'yes' if results['figures_match_seeded'] else '**no**'}.",
            "",
        ]
    )


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.days)))
        return 0
    print(json.dumps(benchmark(args.conversations, args.days), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
