"""The insights report: one self-contained HTML page with PNG charts.

Charts are drawn with matplotlib's object API (no pyplot, so it is safe in
the Rasa server's worker threads) and embedded as data: URIs, so the page
needs no other request; `make insights` also writes them as PNG files.
Every message text is HTML-escaped, and only texts already redacted are
accepted (figures.with_redacted_texts).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml
from matplotlib.figure import Figure

from bot.insights.figures import OUTCOMES, SAFETY_ACTIONS, ListedMessage, PeriodTotals, topic_rows

CATALOGUE = Path(__file__).resolve().parents[2] / "data" / "catalogue.yml"
CHART_NAMES = ("per_day", "channels", "topics", "walk_through", "helpfulness")
TOPICS_IN_CHART = 20

OUTCOME_WORDS = {
    "rif_pattern": "RIF pattern",
    "rm_pattern": "recurrent miscarriage pattern",
    "both_patterns": "both patterns",
    "later_loss": "a later loss",
    "rif_and_later_loss": "RIF pattern and a later loss",
    "neither_yet": "neither pattern",
    "unclear": "unclear",
}
SAFETY_WORDS = {
    "utter_urgent_care": "urgent care (emergency symptoms)",
    "utter_crisis_support": "crisis support lines",
    "utter_crisis_check": "crisis check question",
    "utter_same_day_care": "same-day care in pregnancy",
}
CHANNEL_WORDS = {"rest": "REST", "socketio": "web chat", "telegram": "Telegram", "slack": "Slack"}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:16px 0 8px}h3{font-size:1.05rem;margin:20px 0 4px}
.lead{color:#4a5160;margin:0 0 16px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:16px 0}
.tile{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:10px 12px}
.tile b{display:block;font-size:1.5rem}.tile span{color:#4a5160;font-size:.85rem}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:4px 16px 16px;margin:16px 0}
img{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.d{white-space:nowrap}
details{margin:8px 0}summary{cursor:pointer;color:#2b5797}
.note{color:#4a5160;font-size:.88rem}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
footer{color:#4a5160;font-size:.85rem;margin-top:28px}
"""


@lru_cache(maxsize=1)
def topic_titles() -> Dict[str, str]:
    """{FAQ key: title} from the FAQ catalogue (empty if it cannot be read)."""
    try:
        with CATALOGUE.open(encoding="utf-8") as handle:
            topics = yaml.safe_load(handle)["topics"]
        return {key: str(topic.get("title") or key) for key, topic in topics.items()}
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return {}


def topic_name(key: Optional[str]) -> str:
    if key is None:
        return "unknown topic"
    title = topic_titles().get(key)
    return f"{title} ({key})" if title else key


def _percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


# --- charts ------------------------------------------------------------------


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _empty(axes, message: str = "nothing in this period") -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#6b7280", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _barh(axes, labels: Sequence[str], values: Sequence[int], color: str) -> None:
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=color)
    axes.set_yticks(positions, labels)
    for position, value in zip(positions, values, strict=True):
        axes.text(value, position, f" {value}", va="center", fontsize=8)
    axes.set_xlim(0, max(values) * 1.15 if values and max(values) else 1)
    axes.xaxis.get_major_locator().set_params(integer=True)  # counts: no 0.5 ticks


def chart_per_day(totals: PeriodTotals) -> bytes:
    series = totals.per_day_series()
    figure = Figure(figsize=(10, 3.2))
    axes = figure.add_subplot()
    if totals.conversations:
        axes.bar([day for day, _ in series], [count for _, count in series], color="#3b6fb6", width=0.8)
        axes.set_ylabel("conversations")
        axes.yaxis.get_major_locator().set_params(integer=True)
        figure.autofmt_xdate()
    else:
        _empty(axes)
    axes.set_title("Conversations per day (UTC, by first message in the period)")
    return _png(figure)


def chart_channels(totals: PeriodTotals) -> bytes:
    items = totals.channels.most_common()
    figure = Figure(figsize=(5, 0.5 + 0.45 * max(len(items), 2)))
    axes = figure.add_subplot()
    if items:
        _barh(axes, [CHANNEL_WORDS.get(name, name) for name, _ in items], [n for _, n in items], "#3b6fb6")
    else:
        _empty(axes)
    axes.set_title("Conversations by channel")
    return _png(figure)


def chart_topics(totals: PeriodTotals) -> bytes:
    items = totals.topics.most_common(TOPICS_IN_CHART)
    figure = Figure(figsize=(8, 0.6 + 0.32 * max(len(items), 2)))
    axes = figure.add_subplot()
    if items:
        _barh(axes, [topic_titles().get(key, key) for key, _ in items], [n for _, n in items], "#2f8f6f")
    else:
        _empty(axes)
    more = len(totals.topics) - len(items)
    axes.set_title(f"Topics asked (FAQ answers given){f', top {TOPICS_IN_CHART}' if more > 0 else ''}")
    return _png(figure)


def chart_walk_through(totals: PeriodTotals) -> bytes:
    figure = Figure(figsize=(10, 3))
    funnel, outcomes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    if totals.walk_starts or totals.walk_completions:
        _barh(funnel, ["started", "completed"], [totals.walk_starts, totals.walk_completions], "#7a5cb8")
    else:
        _empty(funnel)
    funnel.set_title("Started and completed")
    if sum(totals.outcomes.values()):
        _barh(outcomes, [OUTCOME_WORDS[o] for o in OUTCOMES], [totals.outcomes[o] for o in OUTCOMES], "#9a6fd0")
    else:
        _empty(outcomes)
    outcomes.set_title("Outcomes of completed walk-throughs")
    return _png(figure)


def chart_helpfulness(totals: PeriodTotals) -> bytes:
    rows = [row for row in topic_rows(totals) if row[2] or row[3]]
    figure = Figure(figsize=(8, 0.8 + 0.32 * max(len(rows), 2)))
    axes = figure.add_subplot()
    if rows:
        labels = [topic_titles().get(topic, topic) for topic, *_ in rows]
        positions = list(range(len(rows)))[::-1]
        yes = [row[2] for row in rows]
        no = [row[3] for row in rows]
        axes.barh(positions, yes, color="#2f8f6f", label="helpful")
        axes.barh(positions, no, left=yes, color="#c0504d", label="not helpful")
        axes.set_yticks(positions, labels)
        for position, row in zip(positions, rows, strict=True):
            axes.text(row[2] + row[3], position, f" {_percent(row[4])}", va="center", fontsize=8)
        axes.set_xlim(0, max(y + n for y, n in zip(yes, no, strict=True)) * 1.2)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        _empty(axes, "no ratings in this period")
    axes.set_title("Was this helpful? (ratings per topic, share helpful)")
    return _png(figure)


def charts(totals: PeriodTotals) -> Dict[str, bytes]:
    """{chart name: PNG bytes}."""
    return {
        "per_day": chart_per_day(totals),
        "channels": chart_channels(totals),
        "topics": chart_topics(totals),
        "walk_through": chart_walk_through(totals),
        "helpfulness": chart_helpfulness(totals),
    }


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --- page --------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(head: Sequence[Tuple[str, str]], rows: Iterable[Sequence[object]], empty: str) -> str:
    """head: (title, CSS class of the column: "" text, "n" number, "d" day,
    "msg" a message); every cell is HTML-escaped here."""
    rows = list(rows)
    if not rows:
        return f'<p class="note">{_e(empty)}</p>'
    classes = [f' class="{css}"' if css else "" for _, css in head]
    out = ["<table><thead><tr>"]
    out += [f'<th{css} scope="col">{_e(title)}</th>' for (title, _), css in zip(head, classes, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append(
            "<tr>" + "".join(f"<td{css}>{_e(cell)}</td>" for cell, css in zip(row, classes, strict=True)) + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{_e(summary)}</summary>{body}</details>"


def _img(src: str, alt: str) -> str:
    return f'<img src="{_e(src)}" alt="{_e(alt)}">'


def _day(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).strftime("%Y-%m-%d")


def _message_cell(text: Optional[str], absent: str) -> str:
    return text if text is not None else absent


def _listed_note(totals: PeriodTotals, kind: str) -> str:
    shown, total = len(totals.listed.get(kind, [])), totals.listed_counts[kind]
    return f"{total} in the period" + (f"; the newest {shown} are shown." if shown < total else ".")


def render_html(totals: PeriodTotals, images: Dict[str, str], generated: Optional[dt.datetime] = None) -> str:
    """The page; ``images`` maps each chart name to its src (a data: URI or a file name)."""
    if not totals.redacted:
        raise ValueError("message texts must be redacted before they are shown")
    period = totals.period
    generated = generated or dt.datetime.now(dt.timezone.utc)
    rated = sum(totals.helpful.values()) + sum(totals.not_helpful.values())
    tiles = [
        (totals.conversations, "conversations"),
        (totals.user_messages, "typed messages"),
        (_percent(totals.fallback_rate), "fallback rate"),
        (f"{totals.walk_completions} / {totals.walk_starts}", "walk-throughs completed / started"),
        (_percent(sum(totals.helpful.values()) / rated if rated else None), f"rated helpful ({rated} ratings)"),
        (sum(totals.safety.values()), "safety replies"),
    ]
    capped = (
        f" The start was moved to {period.first_day.isoformat()}: older conversations are past the retention limit."
        if period.capped
        else ""
    )
    parts: List[str] = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>Assistant insights {_e(period.first_day)} to {_e(period.last_day)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>Assistant insights: {_e(period.first_day)} to {_e(period.last_day)}</h1>",
        '<p class="lead">How patients used the RIF and recurrent miscarriage assistant, read live from the '
        f"conversation store. Days are UTC.{_e(capped)}</p>",
        '<div class="tiles">'
        + "".join(f"<div class=tile><b>{_e(value)}</b><span>{_e(label)}</span></div>" for value, label in tiles)
        + "</div>",
        '<section><h2 id="per-day">Conversations per day</h2>',
        _img(images["per_day"], "Bar chart of conversations per day"),
        _details(
            "Table of conversations per day",
            _table(
                [("day", "d"), ("conversations", "n")],
                [(day.isoformat(), n) for day, n in totals.per_day_series()],
                "",
            ),
        ),
        "</section>",
        '<section><h2 id="channels">Channels</h2>',
        _img(images["channels"], "Bar chart of conversations by channel"),
        _table(
            [("channel", ""), ("conversations", "n")],
            [(CHANNEL_WORDS.get(name, name), n) for name, n in totals.channels.most_common()],
            "No conversations in this period.",
        ),
        "</section>",
        '<section><h2 id="topics">Topics asked and helpfulness</h2>',
        '<p class="note">A topic is counted each time its FAQ answer was given. "Was this helpful?" ratings '
        "from the buttons name their answer; typed ones count for the latest answer in that conversation."
        + (
            f" {totals.feedback_without_topic} rating(s) came before any answer and are not in the table."
            if totals.feedback_without_topic
            else ""
        )
        + "</p>",
        _img(images["topics"], "Bar chart of topics asked"),
        _img(images["helpfulness"], "Bar chart of helpful and not helpful ratings per topic"),
        _table(
            [("topic", ""), ("asked", "n"), ("helpful", "n"), ("not helpful", "n"), ("share helpful", "n")],
            [(topic_name(t), asked, yes, no, _percent(share)) for t, asked, yes, no, share in topic_rows(totals)],
            "No FAQ answers in this period.",
        ),
        "</section>",
        '<section><h2 id="walk-through">History walk-through</h2>',
        _img(images["walk_through"], "Bar charts of walk-throughs started and completed, and their outcomes"),
        _table(
            [("", ""), ("count", "n")],
            [("started", totals.walk_starts), ("completed", totals.walk_completions)]
            + [(f"outcome: {OUTCOME_WORDS[o]}", totals.outcomes[o]) for o in OUTCOMES],
            "",
        ),
        '<p class="note">Carrying on after a pause is not counted as a new start.</p>',
        "</section>",
        '<section><h2 id="fallback">Not understood</h2>',
        f"<p>{totals.fallbacks} of {totals.user_messages} typed messages got the fallback "
        f"(&ldquo;I'm not sure I understood&rdquo;): {_e(_percent(totals.fallback_rate))}. Button taps are not counted.</p>",
        "</section>",
        '<section><h2 id="safety">Safety replies</h2>',
        '<p class="note">Counts only. What people wrote when they got a safety reply is never shown here.</p>',
        _table(
            [("reply", ""), ("times given", "n")],
            [(SAFETY_WORDS[kind], totals.safety[kind]) for kind in SAFETY_ACTIONS],
            "",
        ),
        "</section>",
        '<section><h2 id="messages">Messages to improve the content</h2>',
        '<p class="note">Names, e-mail addresses, phone numbers, other numbers and links are replaced by '
        "[name], [email], [phone], [number] and [link] before they are shown. The replacement is automatic: "
        "read with care and do not copy these messages outside the clinic.</p>",
        "<h3>Messages the assistant did not understand</h3>",
        f'<p class="note">{_e(_listed_note(totals, "fallback"))}</p>',
        _table(
            [("day", "d"), ("message", "msg")],
            [(_day(m.timestamp), m.text) for m in totals.listed.get("fallback", [])],
            "None in this period.",
        ),
        "<h3>Answers rated not helpful</h3>",
        f'<p class="note">{_e(_listed_note(totals, "not_helpful"))}</p>',
        _not_helpful_table(totals.listed.get("not_helpful", [])),
        "</section>",
        f"<footer>Generated {_e(generated.strftime('%Y-%m-%d %H:%M UTC'))} from the conversation store as it is now: "
        "conversations deleted at a patient's request or past the retention limit are not included.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _not_helpful_table(messages: List[ListedMessage]) -> str:
    rows = [
        (
            _day(m.timestamp),
            topic_name(m.topic),
            _message_cell(m.question, "(a button)"),
            _message_cell(m.text, "(no comment)"),
        )
        for m in messages
    ]
    return _table(
        [("day", "d"), ("answer", ""), ("what was asked", "msg"), ("what was missing", "msg")],
        rows,
        "None in this period.",
    )


def page(totals: PeriodTotals) -> str:
    """The self-contained page (charts as data: URIs), as the server serves it."""
    return render_html(totals, {name: data_uri(png) for name, png in charts(totals).items()})


def write_report(totals: PeriodTotals, out_dir: Path) -> Path:
    """index.html (self-contained) plus each chart as a PNG file; returns the page's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = charts(totals)
    for name, png in pngs.items():
        (out_dir / f"{name}.png").write_bytes(png)
    index = out_dir / "index.html"
    index.write_text(render_html(totals, {name: data_uri(png) for name, png in pngs.items()}), encoding="utf-8")
    return index
