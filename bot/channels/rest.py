"""The REST channel (``/webhooks/rest/webhook``), hardened.

- A malformed body or wrong types get a 400 with a short reason, never a 500.
- ``sender`` is required: upstream files a body without one under the shared
  conversation "default", so every such client would see the others' answers.
- With ``auth_token`` set (``REST_AUTH_TOKEN``), the webhook requires
  ``Authorization: Bearer <token>``: sender ids chosen by an integration
  (patient numbers, say) can be guessed.
- If handling a message produced no reply at all (for example the action
  server is down), the user gets a short apology instead of silence.
- The first reply of each session starts with the "not a doctor" line.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.conversation import handle_turn

MAX_SENDER_ID_CHARS = 255  # the SQL tracker store's sender_id column


@dataclass(frozen=True)
class RestMessage:
    sender_id: str
    text: str
    metadata: Optional[Dict[str, Any]]


def parse_rest_body(body: bytes) -> Union[RestMessage, str]:
    """A valid message, or the reason (a string) why the body cannot be used."""
    try:
        data = json.loads(body.decode("utf-8") if body else "")
    except (UnicodeDecodeError, ValueError):
        return 'the body must be JSON: {"sender": "...", "message": "..."}'
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    if "sender" not in data:
        return "'sender' is required: a conversation id of your choosing, unique to each user"
    sender = data["sender"]
    if isinstance(sender, bool) or not isinstance(sender, (str, int)):
        return "'sender' must be a string"
    sender = str(sender)
    if not sender.strip() or len(sender) > MAX_SENDER_ID_CHARS:
        return f"'sender' must be 1 to {MAX_SENDER_ID_CHARS} characters"
    text = data.get("message")
    if not isinstance(text, str):
        return "'message' must be a string"
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be an object"
    return RestMessage(sender_id=sender, text=text, metadata=metadata)


def is_authorised(header: Optional[str], token: Optional[str]) -> bool:
    """True when no token is configured, or the header is ``Bearer <token>``."""
    if not token:
        return True
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class RestInput(RasaRestInput):
    """Rasa's REST channel with input validation, a required sender, an
    optional bearer token and an apology for silence."""

    def __init__(self, auth_token: Optional[str] = None) -> None:
        self.auth_token = auth_token or None

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        return cls(auth_token=(credentials or {}).get("auth_token"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not is_authorised(request.headers.get("Authorization"), self.auth_token):
                return response.json(
                    {"error": "this endpoint needs 'Authorization: Bearer <token>'"},
                    status=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            parsed = parse_rest_body(request.body)
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400)
            replies = await handle_turn(
                request.app,
                on_new_message,
                UserMessage(
                    parsed.text,
                    CollectingOutputChannel(),
                    parsed.sender_id,
                    input_channel=self.name(),
                    metadata=parsed.metadata,
                ),
            )
            return response.json(replies)

        return webhook
