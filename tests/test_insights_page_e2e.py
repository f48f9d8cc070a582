"""End to end: the insights page served by the real Rasa server at /insights/.

One server as `make run` starts it with both tokens set: INSIGHTS_TOKEN for
this page, and RASA_AUTH_TOKEN (a different value) for Rasa's HTTP API,
which the page must never accept. An action server and an SQLite store
seeded with the conversations of tests/test_insights_store.py before the
start; then sign-in by form and by bearer header, live conversations over
REST, a "delete my data", and the page in headless Chromium. A second
server without INSIGHTS_TOKEN shows the page is off (404), a third with the
two tokens equal that it refuses to serve (503, with a warning in its log).
Last, `scripts/run.sh` (`make run`) warns when the admin API is on."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.parse
from typing import Dict, Optional, Tuple

import pytest

from bench.insights_load import create_store
from tests.helpers.browser import headless_chromium
from tests.helpers.project import ROOT, TEST_OUTPUT
from tests.helpers.servers import action_server, free_port, rasa_server, send_rest
from tests.test_insights_store import EXPECTED_FALLBACKS, PERSONAL, save, seeded_scripts, visible

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TOKEN = "insights-test-token-4f1c2a"
API_TOKEN = "rasa-api-test-token-9d3e7b"
CREDENTIALS = {"bot.channels.rest.RestInput": None, "bot.channels.insights_page.InsightsPage": None}
COOKIE = "insights_session"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, database path) of a Rasa server with both tokens, on a seeded SQLite store."""
    db = tmp_path_factory.mktemp("insights") / "conversations.db"
    store = create_store(db)
    for script in seeded_scripts().values():
        save(store, script)
    store.engine.dispose()
    stores = {
        "tracker_store": {"type": "bot.tracker_store.PrivacyAwareSQLTrackerStore", "dialect": "sqlite", "db": str(db)}
    }
    env = {"INSIGHTS_TOKEN": TOKEN, "RASA_AUTH_TOKEN": API_TOKEN, "RETENTION_DAYS": ""}
    with action_server() as actions_url:
        with rasa_server(
            actions_url,
            stores=stores,
            credentials=CREDENTIALS,
            extra_args=["--enable-api", "--auth-token", API_TOKEN],
            env=env,
        ) as base_url:
            yield base_url, db


Response = Tuple[int, http.client.HTTPMessage, str]


def call(base: str, path: str, method: str = "GET", headers=None, form: Optional[Dict[str, str]] = None) -> Response:
    """(status, headers, body) of one request, redirects not followed."""
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    body = None
    headers = dict(headers or {})
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, reply.headers, reply.read().decode("utf-8")
    finally:
        connection.close()


def set_cookie(headers: http.client.HTTPMessage) -> Dict[str, str]:
    """The attributes of our cookie in Set-Cookie (names lower-cased), value under "value"."""
    for line in headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        if name.strip() != COOKIE:
            continue
        value, *attributes = rest.split(";")
        parsed = {"value": value.strip().strip('"')}
        for attribute in attributes:
            key, _, setting = attribute.strip().partition("=")
            parsed[key.lower()] = setting
        return parsed
    raise AssertionError(f"no {COOKIE} cookie in {headers.get_all('Set-Cookie')}")


def sign_in(base: str, token: str = TOKEN, **period: str) -> Response:
    return call(base, "/insights/sign-in", "POST", form={"token": token, **period})


def signed_in_cookie(base: str) -> str:
    status, headers, _ = sign_in(base)
    assert status == 303, status
    return set_cookie(headers)["value"]


def with_cookie(session_id: str) -> Dict[str, str]:
    return {"Cookie": f"{COOKIE}={session_id}"}


def bearer(token: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_sign_in_form(status, headers, body, message: str = "") -> None:
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    assert '<form method="post" action="/insights/sign-in">' in body
    assert body.count("<input") == 1 + body.count('type="hidden"') and 'type="password"' in body
    assert message in body and "conversations</span>" not in body


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": f"Basic {TOKEN}"}, with_cookie("not-a-session")],
    ids=["nothing", "not-bearer", "unknown-cookie"],
)
def test_without_a_session_the_page_is_the_sign_in_form(server, headers):
    base, _ = server
    status, response_headers, body = call(base, "/insights/", headers=headers)
    assert_sign_in_form(status, response_headers, body)


@pytest.mark.parametrize("token", ["wrong", TOKEN[:-1], API_TOKEN], ids=["wrong", "almost", "rasa-api-token"])
def test_a_wrong_bearer_token_is_refused(server, token):
    base, _ = server
    status, headers, body = call(base, "/insights/", headers=bearer(token))
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert "not the insights token" in body and "conversations</span>" not in body


@pytest.mark.parametrize("token", ["wrong", API_TOKEN], ids=["wrong", "rasa-api-token"])
def test_a_wrong_token_in_the_form_gets_the_form_again(server, token):
    base, _ = server
    status, headers, body = sign_in(base, token)
    assert_sign_in_form(status, headers, body, "That is not the insights token.")
    assert "Set-Cookie" not in headers


@pytest.mark.parametrize(
    "path, method, headers",
    [
        (f"/insights/?token={TOKEN}", "GET", {}),
        ("/insights/?token=", "GET", {}),
        (f"/insights/?days=7&TOKEN={TOKEN}", "GET", {}),
        (f"/insights/?token={TOKEN}", "GET", bearer(TOKEN)),
        (f"/insights?token={TOKEN}", "GET", {}),
        (f"/insights/sign-in?token={TOKEN}", "POST", {}),
    ],
    ids=["right-token", "empty", "upper-case", "with-a-right-bearer", "without-slash", "sign-in"],
)
def test_a_token_in_the_address_is_refused(server, path, method, headers):
    base, _ = server
    status, response_headers, body = call(base, path, method, headers=headers)
    assert status == 400 and response_headers["Cache-Control"] == "no-store"
    assert "sign in with the form" in body and "conversations</span>" not in body


def test_a_token_in_the_address_is_refused_even_with_a_session(server):
    base, _ = server
    status, _, body = call(base, f"/insights/?token={TOKEN}", headers=with_cookie(signed_in_cookie(base)))
    assert status == 400 and "sign in with the form" in body


def test_signing_in_with_the_form_sets_a_strict_short_lived_cookie(server):
    base, _ = server
    status, headers, _ = sign_in(base, days="60")
    assert status == 303 and headers["Location"] == "/insights/?days=60"
    cookie = set_cookie(headers)
    assert len(cookie["value"]) >= 40
    assert cookie["path"] == "/insights" and cookie["max-age"] == "1800"
    assert "httponly" in cookie and "secure" in cookie and cookie["samesite"].lower() == "strict"
    assert TOKEN not in str(headers)
    # The page then loads with the cookie (the period carried through), with a sign-out button.
    status, page_headers, body = call(base, "/insights/?days=60", headers=with_cookie(cookie["value"]))
    assert status == 200 and "<b>6</b><span>conversations</span>" in body
    assert '<form method="post" action="/insights/sign-out"' in body
    assert "form-action 'self'" in page_headers["Content-Security-Policy"]


def test_signing_out_ends_the_session(server):
    base, _ = server
    session_id = signed_in_cookie(base)
    assert call(base, "/insights/", headers=with_cookie(session_id))[0] == 200
    status, headers, _ = call(base, "/insights/sign-out", "POST", headers=with_cookie(session_id))
    assert status == 303 and headers["Location"] == "/insights/"
    cleared = set_cookie(headers)
    assert cleared["value"] == "" and cleared["max-age"] == "0" and cleared["path"] == "/insights"
    # The old cookie, sent again, no longer opens the page.
    status, headers, body = call(base, "/insights/", headers=with_cookie(session_id))
    assert_sign_in_form(status, headers, body, "Your session has ended")
    assert set_cookie(headers)["max-age"] == "0"


def test_a_made_up_session_id_is_refused(server):
    base, _ = server
    status, headers, body = call(base, "/insights/", headers=with_cookie(secrets.token_urlsafe(32)))
    assert_sign_in_form(status, headers, body, "Your session has ended")


def test_with_the_bearer_token_the_page_shows_the_figures_redacted(server):
    base, _ = server
    status, headers, body = call(base, "/insights/", headers=bearer(TOKEN))
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "img-src data:" in policy and "style-src 'unsafe-inline'" in policy
    assert headers["Cache-Control"] == "no-store" and headers["X-Robots-Tag"].startswith("noindex")
    assert "Set-Cookie" not in headers and "sign-out" not in body  # a script gets no session
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


def test_the_rasa_api_takes_its_own_token_only(server):
    base, _ = server
    assert call(base, f"/conversations/x/tracker?token={API_TOKEN}")[0] == 200
    assert call(base, f"/conversations/x/tracker?token={TOKEN}")[0] == 401


@pytest.mark.parametrize(
    "query, status, shown",
    [
        ("?days=60", 200, "<b>6</b><span>conversations</span>"),
        ("?since=2020-01-01&until=2020-01-31", 200, "<b>0</b><span>conversations</span>"),
        ("?days=0", 400, "days must be 1 to"),
        ("?days=seven", 400, "whole number"),
        ("?since=2026-02-30", 400, "since must be a date"),
    ],
    ids=["60-days", "an-empty-month", "zero-days", "not-a-number", "not-a-date"],
)
def test_the_period_comes_from_the_query(server, query, status, shown):
    base, _ = server
    got, _, body = call(base, f"/insights/{query}", headers=bearer(TOKEN))
    assert got == status and shown in body


def test_live_conversations_show_and_a_deleted_one_is_gone(server):
    base, _ = server
    sender = "insights-live"
    send_rest(base, sender, "what is recurrent implantation failure?")
    asked = send_rest(base, sender, '/feedback_not_helpful{"faq_key":"rif_definition"}')
    assert "What were you hoping to find out?" in "\n".join(r.get("text", "") for r in asked)
    send_rest(base, sender, "too vague. My name is Hannah Lee, hannah@example.net")
    page = visible(call(base, "/insights/", headers=bearer(TOKEN))[2])
    assert "<b>6</b><span>conversations</span>" in page
    assert "too vague. My name is [name], [email]" in page and "Hannah" not in page
    assert 'What is RIF? (rif_definition)</td><td class="n">2</td>' in page  # Anna's and this one
    # "Delete my data" deletes the conversation; the page reads the store live.
    send_rest(base, sender, "please delete my data")
    replies = send_rest(base, sender, "yes")
    assert "deleted this conversation" in "\n".join(r.get("text", "") for r in replies)
    page = visible(call(base, "/insights/", headers=bearer(TOKEN))[2])
    assert "<b>5</b><span>conversations</span>" in page and "too vague" not in page


def test_the_page_in_chromium(server):
    """Signs in through the form over plain http://127.0.0.1: Chromium keeps
    Secure cookies from loopback addresses, as from https."""
    base, _ = server
    TEST_OUTPUT.mkdir(exist_ok=True)
    with headless_chromium() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        requested, console = [], []
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: console.append(message.text))

        form = page.goto(f"{base}/insights/")
        assert form.status == 401
        assert page.title() == "Assistant insights: sign in"
        page.screenshot(path=str(TEST_OUTPUT / "insights-sign-in.png"))

        page.get_by_label("Insights token").fill(API_TOKEN)  # Rasa's API token does not open it
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert "That is not the insights token" in page.inner_text("body")
        assert not context.cookies()

        page.get_by_label("Insights token").fill(TOKEN)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("h1")
        assert page.url == f"{base}/insights/"
        (cookie,) = context.cookies()
        assert cookie["name"] == COOKIE and cookie["path"] == "/insights"
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
        assert page.evaluate("document.cookie") == ""  # HttpOnly: not readable by scripts
        assert page.title().startswith("Assistant insights")
        assert page.locator("h1").inner_text().startswith("Assistant insights:")
        # Every chart is drawn (the policy allows data: images and nothing else).
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
        assert len(widths) == 5 and all(width > 300 for width in widths), widths
        text = page.inner_text("body")
        assert "Messages the assistant did not understand" in text and "my name is [name], [email]" in text
        assert all(word not in text for word in PERSONAL)
        page.screenshot(path=str(TEST_OUTPUT / "insights.png"), full_page=True)

        # A reload stays signed in; "Sign out" ends it.
        assert page.reload().status == 200
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out").click()
        assert page.title() == "Assistant insights: sign in"
        assert not context.cookies()
        assert page.reload().status == 401

        assert not [line for line in console if "Content Security Policy" in line], console
        assert all(url.startswith(base) or url.startswith("data:") for url in requested), requested
        context.close()


@pytest.fixture(scope="module")
def server_without_token():
    with rasa_server(credentials=CREDENTIALS, env={"INSIGHTS_TOKEN": "", "RASA_AUTH_TOKEN": API_TOKEN}) as base_url:
        yield base_url


def test_without_insights_token_the_page_is_off(server_without_token):
    for headers in ({}, bearer(API_TOKEN), bearer(TOKEN)):
        status, _, text = call(server_without_token, "/insights/", headers=headers)
        assert status == 404 and "The insights page is off: set INSIGHTS_TOKEN" in text
    assert call(server_without_token, "/insights/sign-in", "POST", form={"token": API_TOKEN})[0] == 404


@pytest.fixture(scope="module")
def server_with_one_token_for_both():
    same = "one-token-for-both-5b8e"
    with rasa_server(credentials=CREDENTIALS, env={"INSIGHTS_TOKEN": same, "RASA_AUTH_TOKEN": same}) as base_url:
        yield base_url, same


def test_the_page_refuses_to_serve_when_the_two_tokens_are_equal(server_with_one_token_for_both):
    base, same = server_with_one_token_for_both
    for headers in ({}, bearer(same)):
        status, _, text = call(base, "/insights/", headers=headers)
        assert status == 503 and "INSIGHTS_TOKEN must differ from RASA_AUTH_TOKEN" in text
    status, headers, text = sign_in(base, same)
    assert status == 503 and "Set-Cookie" not in headers
    port = urllib.parse.urlsplit(base).port
    log = (TEST_OUTPUT / f"rasa-server-{port}.log").read_text()
    assert "WARNING" in log and "INSIGHTS_TOKEN must differ from RASA_AUTH_TOKEN" in log


def run_sh_banner(tmp_path, **tokens: str) -> str:
    """What `scripts/run.sh` prints before it starts the Rasa server (then it is stopped)."""
    env = {key: value for key, value in os.environ.items() if key not in ("RASA_AUTH_TOKEN", "INSIGHTS_TOKEN")}
    env.update(
        RASA_PORT=str(free_port()), ACTIONS_PORT=str(free_port()), SQLITE_PATH=str(tmp_path / "run.db"), **tokens
    )
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, stopped as one below
    )
    lines = []
    try:
        deadline = time.monotonic() + 120
        for line in process.stdout:
            lines.append(line)
            if line.startswith("==> web chat:") or time.monotonic() > deadline:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()
    banner = "".join(lines)
    assert "==> web chat:" in banner, banner
    return banner


def test_make_run_warns_when_the_admin_api_is_on(tmp_path):
    banner = run_sh_banner(tmp_path, RASA_AUTH_TOKEN=API_TOKEN, INSIGHTS_TOKEN=TOKEN)
    assert "WARNING: Rasa's admin HTTP API is ON" in banner
    assert "replace the model and read and edit every conversation" in banner
    assert "must not be reachable from outside" in banner
    assert "it uses INSIGHTS_TOKEN" in banner and "different one" in banner
    assert API_TOKEN not in banner and TOKEN not in banner
    assert "INSIGHTS_TOKEN equals RASA_AUTH_TOKEN" not in banner
    same = run_sh_banner(tmp_path, RASA_AUTH_TOKEN=API_TOKEN, INSIGHTS_TOKEN=API_TOKEN)
    assert "INSIGHTS_TOKEN equals RASA_AUTH_TOKEN" in same
    quiet = run_sh_banner(tmp_path, INSIGHTS_TOKEN=TOKEN)
    assert "WARNING" not in quiet and "admin HTTP API" not in quiet
