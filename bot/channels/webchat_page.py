"""Serves the website chat page at ``/chat/`` from the Rasa server itself.
A clinic's ``chat_title`` (clinic.yml) replaces the page's title, heading
and the widget's header.

``rasa run`` serves no static files, but every channel's blueprint is
mounted at its ``url_prefix()``. This channel receives no messages: the
page's widget talks to the Socket.IO channel (bot/channels/socketio.py) on
the same origin. The widget is rasa-webchat from the npm registry, installed
into web/node_modules from web/package-lock.json by the set-up.

The widget renders bot messages as Markdown with link sanitising switched
off (``transformLinkUri:null`` in its bundle): the bundle is served with that
replaced by ``SAFE_LINK_URI``, so a Markdown link keeps its address only for
``https:``, ``http:``, ``mailto:`` and ``tel:``, also on a clinic's own site
that embeds /chat/webchat.js. If a new version of the bundle lacks that
exact text the channel refuses to start. web/public/chat.js applies the
same rule to every link in the widget on our page.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clinic import current_profile

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
WIDGET_BUNDLE = WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"

# Only these files are served: no directory listing, no path from the URL.
PAGE_FILES: Dict[str, Path] = {
    "": WEB_DIR / "public" / "index.html",
    "chat.js": WEB_DIR / "public" / "chat.js",
    "chat.css": WEB_DIR / "public" / "chat.css",
    "webchat.js": WIDGET_BUNDLE,
}
# rasa-webchat's styles @import its font from Google: dropped when served, so
# opening the chat tells no third party about the visitor (the CSP blocks it too).
REMOTE_CSS_IMPORT = re.compile(r"@import url\(https?://[^)]*\);?")
# rasa-webchat 1.0.1 hands react-markdown this, which turns its link
# sanitising off; served with a function that keeps only these schemes
# (another address becomes no address: the text stays, the link goes).
UNSANITISED_LINKS = "transformLinkUri:null"
SAFE_LINK_URI = (
    "transformLinkUri:function(u){try{var p=new URL(String(u),document.baseURI).protocol;"
    'return["https:","http:","mailto:","tel:"].indexOf(p)>=0?u:null}catch(e){return null}}'
)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

# The widget injects its styles inline; nothing loads from other sites (its
# web font included), so a visit tells no third party about the user.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class WebChatPage(InputChannel):
    """The chat page and its scripts, under ``/chat/``."""

    @classmethod
    def name(cls) -> Text:
        return "webchat_page"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def url_prefix(self) -> Text:
        return "/chat"  # absolute: not under /webhooks/

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if WIDGET_BUNDLE.exists():  # fail at start, not on a visitor's first page
            stat = WIDGET_BUNDLE.stat()
            _served_widget(WIDGET_BUNDLE, (stat.st_mtime_ns, stat.st_size))
        page = Blueprint("webchat_page", __name__)

        @page.route("", methods=["GET"])
        async def without_slash(_: Request) -> HTTPResponse:
            return response.redirect("/chat/")

        @page.route("/", methods=["GET"], strict_slashes=True)
        async def index(_: Request) -> HTTPResponse:
            return await _serve("")

        @page.route("/<name:str>", methods=["GET"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            return await _serve(name)

        return page


async def _serve(name: str) -> HTTPResponse:
    path = PAGE_FILES.get(name)
    if path is None:
        return response.text("Not found", status=404, headers=SECURITY_HEADERS)
    if not path.exists():
        return response.text(
            "The chat widget is not installed: run `make run`, which installs it from web/package-lock.json.",
            status=503,
            headers=SECURITY_HEADERS,
        )
    if name == "":
        stat = path.stat()
        return response.html(_page_with_title(path, (stat.st_mtime_ns, stat.st_size)), headers=SECURITY_HEADERS)
    if path == WIDGET_BUNDLE:
        stat = path.stat()
        return response.raw(
            _served_widget(path, (stat.st_mtime_ns, stat.st_size)),
            headers=SECURITY_HEADERS,
            content_type=CONTENT_TYPES[".js"],
        )
    return await response.file(path, headers=SECURITY_HEADERS, mime_type=CONTENT_TYPES[path.suffix])


class WidgetBundleError(RuntimeError):
    """The installed widget bundle is not the one whose links we know how to sanitise."""


def widget_as_served(bundle: str) -> str:
    """The widget bundle without remote @imports and with its links sanitised."""
    found = bundle.count(UNSANITISED_LINKS)
    if found != 1:
        raise WidgetBundleError(
            f"{WIDGET_BUNDLE} has {found} occurrences of {UNSANITISED_LINKS!r} instead of 1, so its "
            "Markdown links cannot be limited to https/http/mailto/tel: install the version pinned in "
            "web/package-lock.json, or update UNSANITISED_LINKS in bot/channels/webchat_page.py."
        )
    return REMOTE_CSS_IMPORT.sub("", bundle).replace(UNSANITISED_LINKS, SAFE_LINK_URI)


@lru_cache(maxsize=2)
def _served_widget(path: Path, version: Tuple[int, int]) -> bytes:
    """The widget bundle as served (read once per file version)."""
    return widget_as_served(path.read_text(encoding="utf-8")).encode("utf-8")


@lru_cache(maxsize=2)
def _page_with_title(path: Path, version: Tuple[int, int]) -> str:
    """The page, with the clinic's chat_title if it has one (read once per file version)."""
    page = path.read_text(encoding="utf-8")
    title = current_profile().chat_title
    if not title:
        return page
    safe = html.escape(title, quote=True)
    page = re.sub(r"<title>.*?</title>", f"<title>{safe}</title>", page, count=1, flags=re.S)
    page = re.sub(r"<h1>.*?</h1>", f"<h1>{safe}</h1>", page, count=1, flags=re.S)
    return page.replace('data-title=""', f'data-title="{safe}"', 1)
