"""`make content-report`: one HTML page with every FAQ answer, its sources,
review date, word count and reading grade, for a clinician to sign off; and
a PNG and a PDF of that page, rendered by headless Chromium when it is there.

    python -m bench.content_report [--out content-report] [--no-render]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bench.readability import AnswerStats, summarise

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "data" / "catalogue.yml"
RESPONSES_DIR = ROOT / "data" / "responses"
SOURCE_NAMES = ROOT / "actions" / "content" / "sources.yml"
REVIEW_MONTHS = 12
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    question: str
    answers: Tuple[str, ...]
    sources: Tuple[str, ...]
    reviewed: dt.date
    stats: AnswerStats  # of the longest variant

    def overdue(self, today: dt.date) -> bool:
        return (today - self.reviewed).days > REVIEW_MONTHS * 366 // 12


def _load(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def entries() -> List[Entry]:
    topics = _load(CATALOGUE)["topics"]
    names = _load(SOURCE_NAMES).get("source_names", {})
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for path in sorted(RESPONSES_DIR.glob("*.yml")):
        responses.update(_load(path).get("responses") or {})
    result = []
    for key, topic in topics.items():
        texts = tuple(" ".join(v["text"].split()) for v in responses.get(f"utter_faq/{key}", []) if v.get("text"))
        reviewed = topic["reviewed"]
        reviewed = reviewed if isinstance(reviewed, dt.date) else dt.date.fromisoformat(str(reviewed))
        longest = max(texts, key=len, default="")
        result.append(
            Entry(
                key=key,
                title=topic["title"],
                question=topic["question"],
                answers=texts,
                sources=tuple(names.get(s, s) for s in topic.get("sources") or ()),
                reviewed=reviewed,
                stats=summarise(key, longest),
            )
        )
    return result


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d2530; }
h1 { font-size: 1.5rem; } .summary { background: #f3f6f9; padding: .8rem 1rem; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { border: 1px solid #c9d3dd; padding: .5rem; vertical-align: top; text-align: left; }
th { background: #e8eef4; } td.num { text-align: right; white-space: nowrap; }
.warn { color: #a40000; font-weight: 600; } .key { color: #56616d; font-size: .85em; }
.sign { margin-top: 2rem; border-top: 1px solid #c9d3dd; padding-top: 1rem; }
"""


def render_html(items: List[Entry], today: dt.date) -> str:
    grades = [e.stats.grade for e in items if e.answers]
    average = sum(grades) / max(1, len(grades))
    overdue = [e.key for e in items if e.overdue(today)]
    unsourced = [e.key for e in items if not e.sources]
    rows = []
    for e in items:
        answer = "<hr>".join(html.escape(a) for a in e.answers) or '<span class="warn">no answer</span>'
        sources = "".join(f"<li>{html.escape(s)}</li>" for s in e.sources) or '<li class="warn">none</li>'
        grade_class = ' class="num warn"' if e.stats.grade > 10 else ' class="num"'
        reviewed_class = ' class="warn"' if e.overdue(today) else ""
        rows.append(
            "<tr>"
            f'<td><b>{html.escape(e.title)}</b><div class="key">{e.key}</div>{html.escape(e.question)}</td>'
            f"<td>{answer}</td><td><ul>{sources}</ul></td>"
            f"<td{reviewed_class}>{e.reviewed.isoformat()}</td>"
            f'<td class="num">{e.stats.words}</td><td{grade_class}>{e.stats.grade:.1f}</td>'
            f'<td class="num">{e.stats.longest_sentence}</td>'
            "</tr>"
        )
    summary = (
        f"{len(items)} answers; average reading grade {average:.1f} (US grade, Flesch-Kincaid); "
        f"hardest {max(grades, default=0):.1f}; reviews older than {REVIEW_MONTHS} months: "
        f"{', '.join(overdue) or 'none'}; answers without sources: {', '.join(unsourced) or 'none'}."
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FAQ content report</title><style>{_STYLE}</style></head>
<body>
<h1>FAQ answers for clinical sign-off</h1>
<p>Generated {today.isoformat()} from data/catalogue.yml and data/responses/. Every answer, where it comes from,
when it was last checked, its length and reading grade.</p>
<p class="summary">{html.escape(summary)}</p>
<table>
<thead><tr><th>Topic</th><th>Answer</th><th>Sources</th><th>Reviewed</th><th>Words</th><th>Grade</th>
<th>Longest sentence (words)</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<div class="sign"><p>Reviewed by (name, role): ______________________ Date: ____________</p></div>
</body></html>
"""


def find_chromium() -> Optional[str]:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    return None


def render(html_path: Path, chromium: str) -> Tuple[Path, Path]:
    """PNG of the top of the page and PDF of the whole, by headless Chromium."""
    png, pdf = html_path.with_suffix(".png"), html_path.with_suffix(".pdf")
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    url = html_path.resolve().as_uri()
    subprocess.run(
        common + [f"--screenshot={png}", "--window-size=1400,2200", url], check=True, capture_output=True, timeout=120
    )
    subprocess.run(
        common + [f"--print-to-pdf={pdf}", "--no-pdf-header-footer", url], check=True, capture_output=True, timeout=120
    )
    return png, pdf


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "content-report")
    parser.add_argument("--no-render", action="store_true", help="HTML only, no PNG/PDF")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    page = args.out / "index.html"
    page.write_text(render_html(entries(), dt.date.today()), encoding="utf-8")
    print(f"wrote {page}")
    if args.no_render:
        return 0
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found: PNG and PDF not made (`make test` installs Debian's chromium)", file=sys.stderr)
        return 0
    for path in render(page, chromium):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
