"""The insights page for clinic operators at ``/insights/``, from the Rasa server.

Like the chat page (bot/channels/webchat_page.py), a channel that receives no
messages, only serves a page at its ``url_prefix()``. It is on only when
``INSIGHTS_TOKEN`` is set (404 otherwise), and opens with that token only:

    GET  /insights/                 no session: a sign-in form (one password field)
    POST /insights/sign-in          token=...: a session cookie, then 303 to /insights/
    POST /insights/sign-out         ends the session, clears the cookie
    GET  /insights/?days=7          with the cookie, or Authorization: Bearer <INSIGHTS_TOKEN>
    GET  /insights/?since=2026-01-01&until=2026-01-31

The page never accepts ``RASA_AUTH_TOKEN``, the token of Rasa's whole HTTP
API: when the two are set to the same value it stays off (503) and logs a
warning. A token in the address (``?token=...``) is refused with 400, even a
right one: it would end up in browser history and proxy logs.

A right token in the form starts a session: a random id kept in this
process's memory for ``SESSION_SECONDS`` (at most ``MAX_SESSIONS`` at once;
the oldest goes first) and sent back as an ``HttpOnly; Secure;
SameSite=Strict; Path=/insights`` cookie. A restart, or another replica,
signs everyone out. Wrong tokens (form or header) are answered after a short
delay, and after ``MAX_FAILURES`` of them within ``FAILURE_WINDOW_SECONDS``
this process checks no token at all (429) until the window has moved on.

The report (bot/insights) is built from this server's tracker store as it is
now, in a worker thread, and returned as one page with its charts inside
(data: URIs), so the policy below can forbid every other load.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import logging
import os
import secrets
import threading
import time
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict, Mapping, Optional, Text
from urllib.parse import parse_qsl, urlencode

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "INSIGHTS_TOKEN"
API_TOKEN_VARIABLE = "RASA_AUTH_TOKEN"  # never accepted here

COOKIE_NAME = "insights_session"
COOKIE_PATH = "/insights"
SESSION_SECONDS = 30 * 60
MAX_SESSIONS = 100
# Guessing is slow: every wrong token waits this long before its answer, and
# after MAX_FAILURES wrong ones in the window no token is checked at all.
FAILURE_DELAY_SECONDS = 0.5
MAX_FAILURES = 20
FAILURE_WINDOW_SECONDS = 60.0
MAX_TOKEN_LENGTH = 1024
# The report's own parameters, carried through the sign-in form.
PERIOD_PARAMETERS = ("days", "since", "until")

# Nothing but the page itself and its inline styles and images; forms only to
# this server (sign-in, sign-out); no caching, no indexing, no framing, no referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="insights"'}

OFF = "The insights page is off: set INSIGHTS_TOKEN to turn it on."
SAME_TOKENS = (
    "The insights page is off: INSIGHTS_TOKEN must differ from RASA_AUTH_TOKEN "
    "(the token of Rasa's whole HTTP API). Set INSIGHTS_TOKEN to a different value."
)
TOKEN_IN_ADDRESS = (
    "A token in the address is not accepted (it would stay in browser history and proxy logs). "
    "Open /insights/ and sign in with the form, or send Authorization: Bearer <INSIGHTS_TOKEN>."
)
TOO_MANY = "Too many wrong tokens: wait a minute, then try again."


class Sessions:
    """Signed-in sessions: random ids with an expiry, in this process's memory."""

    def __init__(
        self,
        lifetime: float = SESSION_SECONDS,
        limit: int = MAX_SESSIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lifetime = lifetime
        self.limit = limit
        self._clock = clock
        self._expiry: Dict[str, float] = {}

    def __len__(self) -> int:
        self._prune()
        return len(self._expiry)

    def _prune(self) -> None:
        now = self._clock()
        for session_id in [key for key, expiry in self._expiry.items() if expiry <= now]:
            del self._expiry[session_id]

    def start(self) -> str:
        self._prune()
        while len(self._expiry) >= self.limit:
            del self._expiry[min(self._expiry, key=self._expiry.__getitem__)]  # the oldest goes
        session_id = secrets.token_urlsafe(32)
        self._expiry[session_id] = self._clock() + self.lifetime
        return session_id

    def valid(self, session_id: Optional[str]) -> bool:
        if not session_id or len(session_id) > 100:
            return False
        expiry = self._expiry.get(session_id)
        if expiry is None:
            return False
        if expiry <= self._clock():
            del self._expiry[session_id]
            return False
        return True

    def end(self, session_id: Optional[str]) -> None:
        if session_id:
            self._expiry.pop(session_id, None)


class FailureCounter:
    """Wrong tokens in the last ``window`` seconds, for this whole process.

    ``locked()`` and ``failed()`` run without an ``await`` between them and the
    comparison, so parallel requests cannot slip past the limit."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = FAILURE_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: Deque[float] = deque()

    def locked(self) -> bool:
        cutoff = self._clock() - self.window
        while self._failures and self._failures[0] <= cutoff:
            self._failures.popleft()
        return len(self._failures) >= self.limit

    def failed(self) -> None:
        self._failures.append(self._clock())


SESSIONS = Sessions()
FAILURES = FailureCounter()
_warned_same_tokens = False


def insights_token(env: Mapping[str, str]) -> str:
    return env.get(TOKEN_VARIABLE, "").strip()


def same_as_api_token(env: Mapping[str, str]) -> bool:
    """True when INSIGHTS_TOKEN is set and equals RASA_AUTH_TOKEN."""
    token = insights_token(env)
    return bool(token) and token_matches(env.get(API_TOKEN_VARIABLE, "").strip(), token)


def token_in_query(query_string: str) -> bool:
    """True when the query string carries a ``token`` parameter, even an empty one."""
    return any(key.strip().lower() == "token" for key, _ in parse_qsl(query_string or "", keep_blank_values=True))


def token_matches(presented: Optional[str], expected: str) -> bool:
    """Constant-time comparison (bytes, so any characters are fine)."""
    if presented is None or not expected or len(presented) > MAX_TOKEN_LENGTH:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def bearer_token(request: Request) -> Optional[str]:
    """The token of ``Authorization: Bearer ...``, if the request has one."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def period_query(values: Mapping[str, Any]) -> str:
    """``?days=...`` etc. from the report's own parameters only (or "")."""
    kept = []
    for name in PERIOD_PARAMETERS:
        value = values.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value and len(str(value)) <= 40:
            kept.append((name, str(value)))
    return f"?{urlencode(kept)}" if kept else ""


def _warn_same_tokens() -> None:
    global _warned_same_tokens
    if not _warned_same_tokens:
        logger.warning(SAME_TOKENS)
        _warned_same_tokens = True


class InsightsPage(InputChannel):
    """The operators' insights page, under ``/insights/``."""

    @classmethod
    def name(cls) -> Text:
        return "insights_page"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def url_prefix(self) -> Text:
        return COOKIE_PATH  # absolute: not under /webhooks/

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if same_as_api_token(os.environ):
            _warn_same_tokens()
        page = Blueprint("insights_page", __name__)

        @page.route("", methods=["GET"])
        async def without_slash(request: Request) -> HTTPResponse:
            if token_in_query(request.query_string):
                return _text(TOKEN_IN_ADDRESS, 400)
            return response.redirect(f"/insights/{period_query(request.args)}", headers=SECURITY_HEADERS)

        @page.route("/", methods=["GET"], strict_slashes=True)
        async def index(request: Request) -> HTTPResponse:
            return await serve_insights(request)

        @page.route("/sign-in", methods=["GET"])
        async def sign_in_page(request: Request) -> HTTPResponse:
            if token_in_query(request.query_string):
                return _text(TOKEN_IN_ADDRESS, 400)
            return response.redirect("/insights/", headers=SECURITY_HEADERS, status=303)

        @page.route("/sign-in", methods=["POST"])
        async def sign_in(request: Request) -> HTTPResponse:
            return await sign_in_with_form(request)

        @page.route("/sign-out", methods=["POST"])
        async def sign_out(request: Request) -> HTTPResponse:
            return sign_out_of_session(request)

        return page


def _text(message: str, status: int, **extra: str) -> HTTPResponse:
    return response.text(message, status=status, headers={**SECURITY_HEADERS, **extra})


def _refused(request: Request) -> Optional[HTTPResponse]:
    """The answer when the page is off, misconfigured or given a token in the address."""
    if not insights_token(os.environ):
        return _text(OFF, 404)
    if same_as_api_token(os.environ):
        _warn_same_tokens()
        return _text(SAME_TOKENS, 503)
    if token_in_query(request.query_string):
        return _text(TOKEN_IN_ADDRESS, 400)
    return None


SIGN_IN_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;color:#1d2733;background:#f5f7fa;margin:0}"
    "main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}"
    "h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;font-weight:600;margin-bottom:.3rem}"
    "input{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #8a96a3;border-radius:4px}"
    "button{margin-top:1rem;font:inherit;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#1f5fa8;"
    "color:#fff;cursor:pointer}button:focus,input:focus{outline:3px solid #f2b632;outline-offset:1px}"
    ".message{padding:.6rem .8rem;border-radius:4px;background:#fdecea;color:#7a1c12}"
    ".note{color:#56616d;font-size:.9rem;margin-top:1.5rem}"
)


def sign_in_form(message: str = "", period: str = "") -> str:
    """The sign-in page: one password field, posted to /insights/sign-in."""
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value, quote=True)}">'
        for name, value in parse_qsl(period.lstrip("?"))
        if name in PERIOD_PARAMETERS
    )
    shown = f'<p class="message" role="alert">{html.escape(message)}</p>' if message else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>Assistant insights: sign in</title><style>{SIGN_IN_STYLE}</style></head>"
        "<body><main><h1>Assistant insights</h1>"
        f"{shown}"
        '<form method="post" action="/insights/sign-in">'
        '<label for="token">Insights token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>'
        f'{hidden}<button type="submit">Sign in</button></form>'
        f'<p class="note">You stay signed in for {SESSION_SECONDS // 60} minutes in this browser. '
        "Scripts can send <code>Authorization: Bearer &lt;INSIGHTS_TOKEN&gt;</code>.</p>"
        "</main></body></html>"
    )


def _form(message: str, status: int, period: str = "", clear_cookie: bool = False) -> HTTPResponse:
    page = response.html(sign_in_form(message, period), status=status, headers={**SECURITY_HEADERS, **CHALLENGE})
    if clear_cookie:
        _set_cookie(page, "", 0)
    return page


def _set_cookie(page: HTTPResponse, value: str, max_age: int) -> None:
    page.cookies[COOKIE_NAME] = value
    cookie = page.cookies[COOKIE_NAME]
    cookie["path"] = COOKIE_PATH
    cookie["max-age"] = max_age
    cookie["httponly"] = True
    cookie["secure"] = True
    cookie["samesite"] = "Strict"


async def _slow_down() -> None:
    await asyncio.sleep(FAILURE_DELAY_SECONDS)


async def sign_in_with_form(request: Request) -> HTTPResponse:
    refused = _refused(request)
    if refused is not None:
        return refused
    form = request.form
    period = period_query({name: form.get(name) for name in PERIOD_PARAMETERS})
    if FAILURES.locked():
        return _form(TOO_MANY, 429, period)
    if not token_matches(form.get("token"), insights_token(os.environ)):
        FAILURES.failed()
        await _slow_down()
        return _form("That is not the insights token. Try again.", 401, period)
    signed_in = response.redirect(f"/insights/{period}", headers=SECURITY_HEADERS, status=303)
    _set_cookie(signed_in, SESSIONS.start(), SESSION_SECONDS)
    return signed_in


def sign_out_of_session(request: Request) -> HTTPResponse:
    if token_in_query(request.query_string):
        return _text(TOKEN_IN_ADDRESS, 400)
    SESSIONS.end(request.cookies.get(COOKIE_NAME))
    signed_out = response.redirect("/insights/", headers=SECURITY_HEADERS, status=303)
    _set_cookie(signed_out, "", 0)
    return signed_out


def sql_engine_of(tracker_store: Any) -> Any:
    """The SQLAlchemy engine behind Rasa's tracker store wrappers, or None."""
    seen = 0
    while tracker_store is not None and seen < 10:
        engine = getattr(tracker_store, "engine", None)
        if engine is not None:
            return engine
        tracker_store = getattr(tracker_store, "_tracker_store", None)
        seen += 1
    return None


# One report at a time: reloading the page must not pile up reads of the
# whole store next to the conversations the server is answering.
_BUILDING = threading.Lock()


def build_page(engine: Any, period: Any) -> str:
    """The whole page (blocking: database, spaCy, matplotlib)."""
    from bot.insights.collect import build_totals
    from bot.insights.report import page

    with _BUILDING:
        return page(build_totals(engine, period))


SIGN_OUT_FORM = (
    '<form method="post" action="/insights/sign-out" style="float:right;margin:0">'
    '<button type="submit">Sign out</button></form>'
)


def with_sign_out(page: str) -> str:
    """The report with a sign-out button at the top of its <main>."""
    return page.replace("<main>", f"<main>{SIGN_OUT_FORM}", 1)


async def serve_insights(request: Request) -> HTTPResponse:
    refused = _refused(request)
    if refused is not None:
        return refused
    expected = insights_token(os.environ)
    period_args = period_query(request.args)
    bearer = bearer_token(request)
    if bearer is not None:
        if FAILURES.locked():
            return _text(TOO_MANY, 429)
        if not token_matches(bearer, expected):
            FAILURES.failed()
            await _slow_down()
            return _text(
                "That is not the insights token (Authorization: Bearer <INSIGHTS_TOKEN>).",
                401,
                **{"WWW-Authenticate": 'Bearer realm="insights", error="invalid_token"'},
            )
        signed_in = False
    else:
        session_id = request.cookies.get(COOKIE_NAME)
        if not SESSIONS.valid(session_id):
            if session_id:
                return _form("Your session has ended: sign in again.", 401, period_args, clear_cookie=True)
            return _form("", 401, period_args)
        signed_in = True
    from bot.insights.cli import PeriodError, choose_period

    try:
        period = choose_period(
            request.args.get("days"), request.args.get("since"), request.args.get("until"), time.time(), os.environ
        )
    except PeriodError as error:
        return _text(f"Bad period: {error}.", 400)
    agent = getattr(request.app.ctx, "agent", None)
    engine = sql_engine_of(getattr(agent, "tracker_store", None))
    if engine is None:
        return _text("The insights page needs the SQL tracker store (SQLite or PostgreSQL).", 503)
    html_page = await asyncio.get_running_loop().run_in_executor(None, build_page, engine, period)
    return response.html(with_sign_out(html_page) if signed_in else html_page, headers=SECURITY_HEADERS)
