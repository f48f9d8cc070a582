"""The Socket.IO channel behind the website chat widget, fixed and hardened.

Rasa 3.6's own channel calls python-socketio 5's ``enter_room`` without
awaiting it, so with ``session_persistence: true`` the browser never joins
its session's room and never receives ``bot_uttered``. This subclass:

- awaits ``enter_room``, so replies reach every tab of a session and a
  reloaded page continues the same conversation;
- accepts only session ids it could have issued (32 hex characters) and
  issues a new one otherwise, so no client can pick another's id;
- allows connections from the page's own origin and from the sites listed
  in ``cors_allowed_origins`` (a clinic's own site embedding the widget), no others;
- answers malformed events with a short message instead of an error, and
  starts each session with the same "not a doctor" line as every channel.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.conversation import handle_turn, messages, send_replies

logger = logging.getLogger(__name__)

SESSION_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def session_id_to_use(requested: Any) -> str:
    """The requested session id if it is one we issue, else a new one."""
    if isinstance(requested, str) and SESSION_ID_PATTERN.match(requested):
        return requested
    return uuid.uuid4().hex


def allowed_origins(value: Union[None, str, List[str]]) -> List[str]:
    """Other sites' origins allowed to connect, from credentials (list or comma-separated)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(item).strip().rstrip("/") for item in items if str(item).strip()]


class OriginPolicy:
    """python-engineio's origin check: the page's own origin (as the server
    sees it, behind a proxy too) and the configured sites; nothing else."""

    def __init__(self, extra_origins: List[str]) -> None:
        self.extra_origins = set(extra_origins)

    def __call__(self, origin: Optional[str], environ: Dict[str, Any]) -> bool:
        return origin in self.extra_origins or origin in _same_origins(environ)


def _same_origins(environ: Dict[str, Any]) -> List[str]:
    host = environ.get("HTTP_HOST")
    if not host:
        return []
    origins = [f"{environ.get('wsgi.url_scheme', 'http')}://{host}"]
    forwarded_proto = environ.get("HTTP_X_FORWARDED_PROTO")
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST")
    if forwarded_proto or forwarded_host:
        scheme = (forwarded_proto or environ.get("wsgi.url_scheme", "http")).split(",")[0].strip()
        origins.append(f"{scheme}://{(forwarded_host or host).split(',')[0].strip()}")
    return origins


class AppAwareSocketBlueprint(SocketBlueprint):
    """Remembers the Sanic app it is registered on (to read conversations)."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)


class SocketIOInput(RasaSocketIOInput):
    """Rasa's Socket.IO channel with the room fix and the checks above."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        channel.cors_allowed_origins = allowed_origins(credentials.get("cors_allowed_origins"))
        return channel

    cors_allowed_origins: List[str] = []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=OriginPolicy(self.cors_allowed_origins))
        socketio_webhook = AppAwareSocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # Rasa's get_output_channel reads it

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = session_id_to_use(requested)
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)  # the fix: awaited
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            output = SocketIOOutput(sio, self.bot_message_evt)
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                await output.send_text_message(sid, messages()["unreadable_message"])
                return
            if self.session_persistence:
                session_id = data.get("session_id")
                if not (isinstance(session_id, str) and SESSION_ID_PATTERN.match(session_id)):
                    await output.send_text_message(sid, messages()["no_session"])
                    return
                sender_id = session_id
            else:
                sender_id = sid
            replies = await handle_turn(
                socketio_webhook.ctx.app,
                on_new_message,
                UserMessage(
                    data.get("message", ""),
                    CollectingOutputChannel(),
                    sender_id,
                    input_channel=self.name(),
                    metadata=_metadata(data.get(self.metadata_key)),
                ),
            )
            await send_replies(output, sender_id, replies)

        return socketio_webhook


def _metadata(value: Any) -> Dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}
