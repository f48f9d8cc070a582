"""End to end: the insights page served by the real Rasa server at /insights/.

One server with RASA_AUTH_TOKEN set (as `make run` starts it: HTTP API on,
with that token), an action server and an SQLite store seeded with the
conversations of tests/test_insights_store.py before the start; then live
conversations over REST, a "delete my data", and the page in headless
Chromium. A second server without the token shows the page is off (404)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from bench.insights_load import create_store
from tests.helpers.browser import headless_chromium
from tests.helpers.project import TEST_OUTPUT
from tests.helpers.servers import action_server, get, rasa_server, send_rest
from tests.test_insights_store import EXPECTED_FALLBACKS, PERSONAL, save, seeded_scripts, visible

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TOKEN = "insights-test-token-4f1c2a"
CREDENTIALS = {"bot.channels.rest.RestInput": None, "bot.channels.insights_page.InsightsPage": None}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, database path) of a Rasa server with the token, on a seeded SQLite store."""
    db = tmp_path_factory.mktemp("insights") / "conversations.db"
    store = create_store(db)
    for script in seeded_scripts().values():
        save(store, script)
    store.engine.dispose()
    stores = {
        "tracker_store": {"type": "bot.tracker_store.PrivacyAwareSQLTrackerStore", "dialect": "sqlite", "db": str(db)}
    }
    env = {"RASA_AUTH_TOKEN": TOKEN, "RETENTION_DAYS": ""}
    with action_server() as actions_url:
        with rasa_server(
            actions_url,
            stores=stores,
            credentials=CREDENTIALS,
            extra_args=["--enable-api", "--auth-token", TOKEN],
            env=env,
        ) as base_url:
            yield base_url, db


def fetch(url: str, headers=None):
    """(status, headers, body) without raising on 4xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


@pytest.mark.parametrize(
    "query, headers",
    [
        ("", {}),
        ("?token=wrong", {}),
        ("?token=", {}),
        ("", {"Authorization": "Bearer wrong"}),
        ("", {"Authorization": f"Basic {TOKEN}"}),
        ("?token=" + TOKEN[:-1], {}),
    ],
    ids=["none", "wrong-query", "empty-query", "wrong-bearer", "not-bearer", "almost"],
)
def test_without_the_right_token_the_page_is_refused(server, query, headers):
    base, _ = server
    status, response_headers, body = fetch(f"{base}/insights/{query}", headers)
    assert status == 401
    assert response_headers["WWW-Authenticate"].startswith("Bearer")
    assert response_headers["Cache-Control"] == "no-store"
    assert "needs the token" in body and "conversation" not in body


def test_with_the_token_the_page_shows_the_figures_redacted(server):
    base, _ = server
    status, headers, body = fetch(f"{base}/insights/?token={TOKEN}")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "img-src data:" in policy and "style-src 'unsafe-inline'" in policy
    assert headers["Cache-Control"] == "no-store" and headers["X-Robots-Tag"].startswith("noindex")
    assert body.count("data:image/png;base64,") == 5
    page = visible(body)
    tiles = dict(
        (label, value) for value, label in re.findall(r"<div class=tile><b>([^<]*)</b><span>([^<]*)</span>", page)
    )
    assert tiles["conversations"] == "5" and tiles["typed messages"] == "22" and tiles["safety replies"] == "1"
    assert tiles["fallback rate"] == "18%" and tiles["walk-throughs completed / started"] == "1 / 2"
    for message in EXPECTED_FALLBACKS:
        assert message in page
    assert "[name] here - nothing about cost" in page
    for word in PERSONAL:
        assert word not in page, word
    # The same with the token in the Authorization header instead.
    status, _, by_header = fetch(f"{base}/insights/", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and "<b>5</b><span>conversations</span>" in by_header


@pytest.mark.parametrize(
    "query, status, shown",
    [
        ("&days=60", 200, "<b>6</b><span>conversations</span>"),
        ("&since=2020-01-01&until=2020-01-31", 200, "<b>0</b><span>conversations</span>"),
        ("&days=0", 400, "days must be 1 to"),
        ("&days=seven", 400, "whole number"),
        ("&since=2026-02-30", 400, "since must be a date"),
    ],
    ids=["60-days", "an-empty-month", "zero-days", "not-a-number", "not-a-date"],
)
def test_the_period_comes_from_the_query(server, query, status, shown):
    base, _ = server
    got, _, body = fetch(f"{base}/insights/?token={TOKEN}{query}")
    assert got == status and shown in body


def test_live_conversations_show_and_a_deleted_one_is_gone(server):
    base, _ = server
    sender = "insights-live"
    send_rest(base, sender, "what is recurrent implantation failure?")
    asked = send_rest(base, sender, '/feedback_not_helpful{"faq_key":"rif_definition"}')
    assert "What were you hoping to find out?" in "\n".join(r.get("text", "") for r in asked)
    send_rest(base, sender, "too vague. My name is Hannah Lee, hannah@example.net")
    page = visible(fetch(f"{base}/insights/?token={TOKEN}")[2])
    assert "<b>6</b><span>conversations</span>" in page
    assert "too vague. My name is [name], [email]" in page and "Hannah" not in page
    assert 'What is RIF? (rif_definition)</td><td class="n">2</td>' in page  # Anna's and this one
    # "Delete my data" deletes the conversation; the page reads the store live.
    send_rest(base, sender, "please delete my data")
    replies = send_rest(base, sender, "yes")
    assert "deleted this conversation" in "\n".join(r.get("text", "") for r in replies)
    page = visible(fetch(f"{base}/insights/?token={TOKEN}")[2])
    assert "<b>5</b><span>conversations</span>" in page and "too vague" not in page


def test_the_page_in_chromium(server):
    base, _ = server
    TEST_OUTPUT.mkdir(exist_ok=True)
    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        requested, console = [], []
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: console.append(message.text))

        refused = page.goto(f"{base}/insights/")
        assert refused.status == 401
        assert "needs the token" in page.inner_text("body")
        page.screenshot(path=str(TEST_OUTPUT / "insights-401.png"))

        shown = page.goto(f"{base}/insights/?token={TOKEN}")
        assert shown.status == 200
        assert page.title().startswith("Assistant insights")
        assert page.locator("h1").inner_text().startswith("Assistant insights:")
        # Every chart is drawn (the policy allows data: images and nothing else).
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
        assert len(widths) == 5 and all(width > 300 for width in widths), widths
        text = page.inner_text("body")
        assert "Messages the assistant did not understand" in text and "my name is [name], [email]" in text
        assert all(word not in text for word in PERSONAL)
        page.screenshot(path=str(TEST_OUTPUT / "insights.png"), full_page=True)
        assert not [line for line in console if "Content Security Policy" in line], console
        assert all(url.startswith(base) or url.startswith("data:") for url in requested), requested


@pytest.fixture(scope="module")
def server_without_token():
    with rasa_server(credentials=CREDENTIALS, env={"RASA_AUTH_TOKEN": ""}) as base_url:
        yield base_url


def test_without_rasa_auth_token_the_page_is_off(server_without_token):
    status, text = get(server_without_token, f"/insights/?token={TOKEN}")
    assert status == 404 and "The insights page is off: set RASA_AUTH_TOKEN" in text
    assert get(server_without_token, "/insights/")[0] == 404
