"""The insights figures, as plain functions with no database and no spaCy.

One conversation's stored events (the dicts Rasa writes to the ``data``
column, in stored order) -> a :class:`ConversationSummary`; summaries ->
:class:`PeriodTotals`. Both are table-tested in tests/test_insights.py.

What counts (see also the report's own words in bot/insights/report.py):
- a conversation counts when it has a user message in the period, on the
  (UTC) day of its first one, under that message's channel;
- a turn is a user message and what the assistant did until the next one;
  only turns whose user message is in the period are counted;
- safety replies are counted, never listed: a message that got one is never
  kept as text, even if it also got the fallback.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.faq_topic import faq_key_of

SECONDS_PER_DAY = 24 * 60 * 60

FAQ_ANSWER_ACTIONS = frozenset({"utter_faq", "action_answer_in_walk_through"})
FALLBACK_ACTIONS = frozenset({"utter_fallback", "action_default_fallback"})
SAFETY_ACTIONS = ("utter_urgent_care", "utter_crisis_support", "utter_crisis_check", "utter_same_day_care")
WALK_THROUGH_FORM = "history_form"
WALK_THROUGH_DONE = "action_assess_history"
OUTCOME_SLOT = "assessment"
# actions/history/assessment.py Pattern values (the walk-through's outcomes).
OUTCOMES = ("rif_pattern", "rm_pattern", "both_patterns", "later_loss", "rif_and_later_loss", "neither_yet", "unclear")
# Re-activating a walk-through paused by a safety reply is not a new start.
RESUME_INTENT = "resume_assessment"
HELPFUL, NOT_HELPFUL = "feedback_helpful", "feedback_not_helpful"
FEEDBACK_TOPIC_ENTITY = "faq_key"
ASK_COMMENT = "utter_ask_feedback_comment"
# After "not helpful" the next message is the comment, unless it is one of
# these: a skip (the button, or a plain "no" in words: data/rules/feedback.yml),
# or words that get a safety reply (never listed).
NOT_A_COMMENT = frozenset(
    {"skip_question", "deny", "crisis", "crisis_check", "urgent_symptoms", "early_pregnancy_concern"}
)
UNKNOWN_CHANNEL = "unknown"
LISTED_PER_KIND = 200  # newest messages listed per kind; every one is counted


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), UNIX seconds (UTC).

    ``first_day``/``last_day`` are the calendar days shown; ``capped`` says the
    start was moved forward to the retention limit."""

    start: float
    end: float
    first_day: dt.date
    last_day: dt.date
    capped: bool = False

    def contains(self, timestamp: Optional[float]) -> bool:
        return timestamp is not None and self.start <= timestamp < self.end

    def days(self) -> List[dt.date]:
        return [self.first_day + dt.timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


def _midnight(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


def utc_day(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).date()


def period_of(since: dt.date, until: dt.date, now: float, retention_days: Optional[float] = None) -> Period:
    """Whole UTC days ``since``..``until`` (both included), capped so nothing
    older than ``retention_days`` before ``now`` is read."""
    if until < since:
        raise ValueError("the period ends before it starts")
    start, end = _midnight(since), _midnight(until + dt.timedelta(days=1))
    capped = False
    if retention_days is not None:
        limit = now - retention_days * SECONDS_PER_DAY
        if limit > start:
            start, since, capped = limit, utc_day(limit), True
    if start >= end:
        raise ValueError("the whole period is older than the retention limit")
    return Period(start=start, end=end, first_day=since, last_day=until, capped=capped)


def last_days(days: int, now: float, retention_days: Optional[float] = None) -> Period:
    """The last ``days`` UTC days, today included."""
    if days < 1:
        raise ValueError("days must be 1 or more")
    today = utc_day(now)
    return period_of(today - dt.timedelta(days=days - 1), today, now, retention_days)


@dataclass(frozen=True)
class ListedMessage:
    """A message shown to operators so content can be improved.

    kind "fallback": ``text`` is the message the assistant did not understand.
    kind "not_helpful": ``topic`` is the answer rated not helpful, ``question``
    what had been asked (None for a button), ``text`` the comment (None if
    none was given)."""

    kind: str
    timestamp: float
    text: Optional[str] = None
    topic: Optional[str] = None
    question: Optional[str] = None


@dataclass(kw_only=True)
class Counts:
    """What one conversation and a whole period both count."""

    user_messages: int = 0  # typed: button payloads ("/...") left out
    fallbacks: int = 0  # typed messages answered by the fallback
    topics: Counter = field(default_factory=Counter)
    walk_starts: int = 0
    walk_completions: int = 0
    outcomes: Counter = field(default_factory=Counter)
    safety: Counter = field(default_factory=Counter)
    helpful: Counter = field(default_factory=Counter)
    not_helpful: Counter = field(default_factory=Counter)
    feedback_without_topic: int = 0

    def add(self, other: "Counts") -> None:
        for name in Counts.__dataclass_fields__:
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, name))
            else:
                setattr(self, name, mine + getattr(other, name))


@dataclass
class ConversationSummary(Counts):
    day: dt.date
    channel: str
    listed: List[ListedMessage] = field(default_factory=list)


@dataclass
class _Turn:
    user: Optional[Mapping[str, Any]]
    actions: List[str] = field(default_factory=list)
    loop_starts: int = 0
    outcomes: List[str] = field(default_factory=list)


@dataclass
class _State:
    """What one turn needs from the earlier ones."""

    summary: Optional[ConversationSummary] = None
    last_topic: Optional[str] = None
    last_question: Optional[str] = None  # None: a button, or hidden (got a safety reply)
    awaiting_comment: Optional[int] = None  # index of the not-helpful item in summary.listed


def _turns(events: Iterable[Mapping[str, Any]]) -> Iterable[_Turn]:
    turn = _Turn(user=None)
    for event in events:
        kind = event.get("event")
        if kind == "user":
            yield turn
            turn = _Turn(user=event)
        elif kind == "action" and event.get("name") and event.get("name") != "action_listen":
            turn.actions.append(event["name"])
        elif kind == "active_loop" and event.get("name") == WALK_THROUGH_FORM:
            turn.loop_starts += 1
        elif kind == "slot" and event.get("name") == OUTCOME_SLOT and event.get("value"):
            turn.outcomes.append(str(event["value"]))
    yield turn


def _intent(user: Mapping[str, Any]) -> Optional[str]:
    return ((user.get("parse_data") or {}).get("intent") or {}).get("name")


def _entity(user: Mapping[str, Any], name: str) -> Optional[str]:
    for entity in (user.get("parse_data") or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def summarise(events: Iterable[Mapping[str, Any]], period: Period) -> Optional[ConversationSummary]:
    """One conversation's figures for the period; None if it has no user
    message in the period. ``events`` are Rasa event dicts in stored order."""
    state = _State()
    for turn in _turns(events):
        if turn.user is not None:
            _count_turn(turn, turn.user, state, period)
    return state.summary


def _count_turn(turn: _Turn, user: Mapping[str, Any], state: _State, period: Period) -> None:
    timestamp = user.get("timestamp")
    counted = period.contains(timestamp)
    if counted and state.summary is None:
        state.summary = ConversationSummary(
            day=utc_day(timestamp), channel=user.get("input_channel") or UNKNOWN_CHANNEL
        )
    summary = state.summary
    text = user.get("text") or ""
    button = text.startswith("/")
    intent = _intent(user)
    safety = [action for action in turn.actions if action in SAFETY_ACTIONS]
    showable = not safety and not button and bool(text.strip())

    # The reply to "what were you hoping to find out?" (asked last turn).
    is_comment = False
    if state.awaiting_comment is not None:
        index, state.awaiting_comment = state.awaiting_comment, None
        if showable and intent not in NOT_A_COMMENT and summary is not None:
            summary.listed[index] = replace(summary.listed[index], text=text)
            is_comment = True

    if counted and summary is not None:
        if not button:
            summary.user_messages += 1
            if FALLBACK_ACTIONS.intersection(turn.actions):
                summary.fallbacks += 1
                if showable and not is_comment:
                    summary.listed.append(ListedMessage("fallback", timestamp, text=text))
        summary.safety.update(safety)

    if FAQ_ANSWER_ACTIONS.intersection(turn.actions):
        key = faq_key_of(user.get("parse_data"))
        if key:
            if counted and summary is not None:
                summary.topics[key] += 1
            state.last_topic, state.last_question = key, (text if showable else None)

    if intent in (HELPFUL, NOT_HELPFUL):
        # A button names its answer; typed words mean the latest answer.
        topic = _entity(user, FEEDBACK_TOPIC_ENTITY) or state.last_topic
        if counted and summary is not None:
            if topic is None:
                summary.feedback_without_topic += 1
            elif intent == HELPFUL:
                summary.helpful[topic] += 1
            else:
                summary.not_helpful[topic] += 1
                question = state.last_question if topic == state.last_topic else None
                summary.listed.append(ListedMessage("not_helpful", timestamp, topic=topic, question=question))
                if ASK_COMMENT in turn.actions:
                    state.awaiting_comment = len(summary.listed) - 1

    if counted and summary is not None:
        if intent != RESUME_INTENT:
            summary.walk_starts += turn.loop_starts
        summary.walk_completions += turn.actions.count(WALK_THROUGH_DONE)
        summary.outcomes.update(turn.outcomes)


@dataclass
class PeriodTotals(Counts):
    period: Period
    conversations: int = 0
    per_day: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    listed_counts: Counter = field(default_factory=Counter)  # all of them, by kind
    listed: Dict[str, List[ListedMessage]] = field(default_factory=dict)  # newest first, at most the limit
    redacted: bool = False  # set by with_redacted_texts(); the report refuses raw text

    @property
    def fallback_rate(self) -> Optional[float]:
        return self.fallbacks / self.user_messages if self.user_messages else None

    def helpfulness(self, topic: str) -> Optional[float]:
        rated = self.helpful[topic] + self.not_helpful[topic]
        return self.helpful[topic] / rated if rated else None

    def per_day_series(self) -> List[Tuple[dt.date, int]]:
        return [(day, self.per_day[day]) for day in self.period.days()]


def period_totals(
    summaries: Iterable[Optional[ConversationSummary]], period: Period, limit: int = LISTED_PER_KIND
) -> PeriodTotals:
    """Adds up the summaries as they stream in; only the newest ``limit``
    messages of each kind are kept (all are counted), so memory stays flat."""
    totals = PeriodTotals(period=period)
    newest: Dict[str, List[Tuple[float, int, ListedMessage]]] = {}
    sequence = 0
    for summary in summaries:
        if summary is None:
            continue
        totals.conversations += 1
        totals.per_day[summary.day] += 1
        totals.channels[summary.channel] += 1
        totals.add(summary)
        for message in summary.listed:
            totals.listed_counts[message.kind] += 1
            heap = newest.setdefault(message.kind, [])
            sequence += 1
            item = (message.timestamp, sequence, message)
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif limit:
                heapq.heappushpop(heap, item)
    totals.listed = {kind: [m for _, _, m in sorted(heap, reverse=True)] for kind, heap in newest.items()}
    return totals


def with_redacted_texts(totals: PeriodTotals, redact: Callable[[str], str]) -> PeriodTotals:
    """The same totals with every listed text passed through ``redact``."""

    def clean(value: Optional[str]) -> Optional[str]:
        return None if value is None else redact(value)

    listed = {
        kind: [replace(m, text=clean(m.text), question=clean(m.question)) for m in messages]
        for kind, messages in totals.listed.items()
    }
    return replace(totals, listed=listed, redacted=True)


def topic_rows(totals: PeriodTotals) -> List[Tuple[str, int, int, int, Optional[float]]]:
    """(topic, asked, helpful, not helpful, share helpful) for every topic
    asked or rated, most asked first."""
    topics: Sequence[str] = sorted(
        set(totals.topics) | set(totals.helpful) | set(totals.not_helpful),
        key=lambda topic: (-totals.topics[topic], topic),
    )
    return [
        (topic, totals.topics[topic], totals.helpful[topic], totals.not_helpful[topic], totals.helpfulness(topic))
        for topic in topics
    ]
