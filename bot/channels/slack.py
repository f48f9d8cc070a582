"""The Slack channel (``/webhooks/slack/webhook``), fixed and hardened.

Rasa 3.6's own connector answers a retry a second time unless its reason is
``http_timeout`` (so an ``http_error`` retry gets a duplicate reply), ignores
a request whose Content-Type is ``application/json; charset=utf-8``, and
always talks to slack.com. This subclass, still named ``slack``:

- verifies every request's signature and timestamp (as Rasa does);
- answers every event once: it remembers handled ``event_id``s (and button
  clicks) and gives retries of those no second reply, whatever the reason;
- reads the media type of Content-Type, so a charset is fine;
- talks to ``api_base_url`` when given;
- sends buttons as Block Kit blocks, and starts each session with the same
  "not a doctor" line as every channel.
"""

from __future__ import annotations

import asyncio
import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.recent_events import recent_events_from_config
from bot.conversation import handle_turn, send_replies

logger = logging.getLogger(__name__)

BUTTONS_PER_ACTIONS_BLOCK = 25  # Slack's limit for one actions block
BUTTON_TEXT_MAX_CHARS = 75
BUTTON_VALUE_MAX_CHARS = 2000


def media_type(content_type: Optional[str]) -> str:
    """``application/json; charset=utf-8`` -> ``application/json``."""
    return (content_type or "").split(";")[0].strip().lower()


def button_blocks(text: str, buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A section with the text, then the buttons in actions blocks."""
    blocks: List[Dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    elements = [
        {
            "type": "button",
            "action_id": f"button_{index}",
            "text": {"type": "plain_text", "text": str(button["title"])[:BUTTON_TEXT_MAX_CHARS], "emoji": True},
            "value": str(button.get("payload") or button["title"])[:BUTTON_VALUE_MAX_CHARS],
        }
        for index, button in enumerate(buttons)
    ]
    for start in range(0, len(elements), BUTTONS_PER_ACTIONS_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS_BLOCK]})
    return blocks


class SlackBot(RasaSlackBot):
    """Rasa's Slack output with a settable API base URL and block buttons."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_base_url: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=api_base_url.rstrip("/") + "/")

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._post_message(
            channel=self.slack_channel or recipient_id, as_user=True, text=text, blocks=button_blocks(text, buttons)
        )


class SlackInput(RasaSlackInput):
    """Rasa's Slack channel with the fixes above."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(
            slack_token=credentials.get("slack_token"),
            slack_channel=credentials.get("slack_channel"),
            proxy=credentials.get("proxy"),
            slack_retry_reason_header=credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            slack_retry_number_header=credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            use_threads=credentials.get("use_threads", False),
            slack_signing_secret=credentials.get("slack_signing_secret", ""),
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
        )
        channel.api_base_url = credentials.get("api_base_url")
        channel.handled_events = recent_events_from_config(credentials.get("dedupe_store"), key_prefix="rifrm:slack:")
        return channel

    api_base_url: Optional[Text] = None
    handled_events: Any = None

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> SlackBot:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base_url)

    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        """Rasa's metadata, reading the media type (charset allowed)."""
        kind = media_type(request.headers.get("content-type"))
        if kind == "application/json":
            event_body = _json_body(request) or {}
            event = event_body.get("event") or {}
            users = event_body.get("authed_users") or [
                auth.get("user_id") for auth in (event_body.get("authorizations") or [])[:1]
            ]
            return {
                "out_channel": event.get("channel"),
                "thread_id": event.get("thread_ts", event.get("ts")),
                "users": users,
            }
        if kind == "application/x-www-form-urlencoded":
            payload = _interactive_payload(request) or {}
            message = payload.get("message") or {}
            user_id = (payload.get("user") or {}).get("id")
            return {
                "out_channel": (payload.get("channel") or {}).get("id"),
                "thread_id": message.get("thread_ts", message.get("ts")),
                "users": [user_id] if user_id else [],
            }
        return {}

    async def _first_delivery(self, event_key: Optional[str], request: Request) -> bool:
        if not event_key:
            return True
        first = await self.handled_events.first_time(event_key)
        if not first:
            logger.info(
                "Slack delivered %s again (retry %s, reason %s): already answered.",
                event_key,
                request.headers.get(self.retry_num_header),
                request.headers.get(self.retry_reason_header),
            )
        return first

    def _answer_in_background(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: Optional[str],
        metadata: Dict[str, Any],
    ) -> None:
        """Slack wants a 2xx within 3 seconds: reply now, answer after."""
        output = self.get_output_channel(
            metadata.get("out_channel"), metadata.get("thread_id") if self.use_threads else None
        )
        app = request.app

        async def answer() -> None:
            replies = await handle_turn(
                app,
                on_new_message,
                UserMessage(
                    text,
                    CollectingOutputChannel(),
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                ),
            )
            await send_replies(output, output.slack_channel or sender_id, replies)

        task = asyncio.create_task(answer())
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)
        already_handled = {"headers": {"X-Slack-No-Retry": "1"}}

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text(
                    "Message is not properly signed with a valid X-Slack-Signature header",
                    status=HTTPStatus.BAD_REQUEST,
                )
            kind = media_type(request.headers.get("content-type"))

            if kind == "application/json":
                body = _json_body(request)
                if body is None:
                    return response.text("the body must be a JSON object", status=HTTPStatus.BAD_REQUEST)
                if body.get("type") == "url_verification" or "challenge" in body:
                    return response.json({"challenge": body.get("challenge")})
                if not isinstance(body.get("event"), dict) or not self._is_user_message(body):
                    return response.text("Bot message delivered.")
                metadata = self.get_metadata(request)
                if not self._is_supported_channel(body, metadata):
                    return response.text("channel not supported.")
                if not await self._first_delivery(body.get("event_id"), request):
                    return response.text("already handled", **already_handled)
                event = body["event"]
                sender_id = self._get_conversation_id(
                    event.get("user", ""), metadata.get("out_channel"), metadata.get("thread_id")
                )
                text = self._sanitize_user_message(event.get("text", ""), metadata["users"])
                self._answer_in_background(request, on_new_message, text, sender_id, metadata)
                return response.text("")

            if kind == "application/x-www-form-urlencoded":
                payload = _interactive_payload(request)
                if payload is None or not self._is_interactive_message(payload):
                    return response.text("The input message could not be processed.", status=HTTPStatus.BAD_REQUEST)
                action = payload["actions"][0]
                text = self._get_interactive_response(action)
                if text is None:
                    return response.text("User clicked link button")
                click_key = payload.get("trigger_id") or action.get("action_ts")
                if not await self._first_delivery(click_key and f"click:{click_key}", request):
                    return response.text("already handled", **already_handled)
                metadata = self.get_metadata(request)
                sender_id = self._get_conversation_id(
                    (payload.get("user") or {}).get("id"), metadata.get("out_channel"), metadata.get("thread_id")
                )
                self._answer_in_background(request, on_new_message, text, sender_id, metadata)
                return response.text("")

            return response.text("unsupported content type", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return slack_webhook


def _json_body(request: Request) -> Optional[Dict[str, Any]]:
    try:
        body = json.loads(request.body or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _interactive_payload(request: Request) -> Optional[Dict[str, Any]]:
    try:
        payload = json.loads(request.form.get("payload", ""))
    except (ValueError, TypeError):
        return None
    return payload if isinstance(payload, dict) else None
