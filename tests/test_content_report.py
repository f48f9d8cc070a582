"""`make content-report`: the HTML page for clinical sign-off, and its PNG and
PDF renderings by headless Chromium."""

from __future__ import annotations

import datetime as dt
import struct

import pytest

from bench import content_report
from tests.helpers.project import catalogue_keys


def test_the_page_lists_every_answer_with_sources_date_words_and_grade():
    items = content_report.entries()
    assert sorted(e.key for e in items) == sorted(catalogue_keys())
    page = content_report.render_html(items, dt.date(2026, 11, 22))
    for e in items:
        assert f'<div class="key">{e.key}</div>' in page
        assert e.answers and e.sources and e.stats.words >= 40
        assert f"<td>{e.reviewed.isoformat()}</td>" in page
    assert "reviews older than 12 months: none" in page
    assert "seed A" not in page  # sources in plain words


def test_a_review_older_than_twelve_months_is_flagged():
    item = content_report.entries()[0]
    late = item.reviewed + dt.timedelta(days=400)
    assert item.overdue(late) and not item.overdue(item.reviewed + dt.timedelta(days=300))
    page = content_report.render_html([item], late)
    assert f"reviews older than 12 months: {item.key}" in page and 'class="warn"' in page


@pytest.mark.browser
def test_make_content_report_renders_png_and_pdf_in_chromium(tmp_path):
    assert content_report.find_chromium(), "Debian's chromium is missing: `make test` installs it"
    assert content_report.main(["--out", str(tmp_path)]) == 0
    png, pdf = tmp_path / "index.png", tmp_path / "index.pdf"
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (1400, 2200)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
