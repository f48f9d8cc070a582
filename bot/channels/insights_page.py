"""The insights page for clinic operators at ``/insights/``, from the Rasa server.

Like the chat page (bot/channels/webchat_page.py), a channel that receives no
messages, only serves a page at its ``url_prefix()``. It is on only when
``RASA_AUTH_TOKEN`` is set, and then needs that token, as Rasa's own HTTP
API does: ``?token=...`` or ``Authorization: Bearer ...``.

    GET /insights/?token=...                     the last 30 days
    GET /insights/?token=...&days=7
    GET /insights/?token=...&since=2026-01-01&until=2026-01-31

The report (bot/insights) is built from this server's tracker store as it is
now, in a worker thread, and returned as one page with its charts inside
(data: URIs), so the policy below can forbid every other load.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import threading
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"

# Nothing but the page itself and its inline styles and images; no caching,
# no indexing, no framing, no referrer (the URL may hold the token).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


class InsightsPage(InputChannel):
    """The operators' insights page, under ``/insights/``."""

    @classmethod
    def name(cls) -> Text:
        return "insights_page"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def url_prefix(self) -> Text:
        return "/insights"  # absolute: not under /webhooks/

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("insights_page", __name__)

        @page.route("", methods=["GET"])
        async def without_slash(request: Request) -> HTTPResponse:
            query = f"?{request.query_string}" if request.query_string else ""
            return response.redirect(f"/insights/{query}", headers=SECURITY_HEADERS)

        @page.route("/", methods=["GET"], strict_slashes=True)
        async def index(request: Request) -> HTTPResponse:
            return await serve_insights(request)

        return page


def _text(message: str, status: int, **extra: str) -> HTTPResponse:
    return response.text(message, status=status, headers={**SECURITY_HEADERS, **extra})


def presented_token(request: Request) -> Optional[str]:
    """The token from ``?token=`` or ``Authorization: Bearer``, if any."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[len("bearer ") :].strip()
    return request.args.get("token")


def token_matches(presented: Optional[str], expected: str) -> bool:
    """Constant-time comparison (bytes, so any characters are fine)."""
    if presented is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


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


async def serve_insights(request: Request) -> HTTPResponse:
    expected = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not expected:
        return _text("The insights page is off: set RASA_AUTH_TOKEN to turn it on.", 404)
    if not token_matches(presented_token(request), expected):
        return _text(
            "The insights page needs the token: add ?token=... or send Authorization: Bearer ...",
            401,
            **{"WWW-Authenticate": 'Bearer realm="insights"'},
        )
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
    html = await asyncio.get_running_loop().run_in_executor(None, build_page, engine, period)
    return response.html(html, headers=SECURITY_HEADERS)
