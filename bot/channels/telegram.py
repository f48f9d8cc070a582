"""The Telegram channel (``/webhooks/telegram/webhook``), fixed and hardened.

Rasa 3.6's own connector registers its webhook with ``asyncio.run`` while
the server starts: offline that aborts start-up, and online every later
update fails with "Event loop is closed". It also never checks Telegram's
secret token. This subclass:

- makes no network call while starting; the webhook is registered by a
  separate command (``make telegram-webhook``, bot/channels/telegram_webhook.py);
- answers 403 to an update without the right ``X-Telegram-Bot-Api-Secret-Token``;
- talks to ``api_base_url`` (a self-hosted Bot API server) when given;
- sends buttons as an inline keyboard and answers their callbacks;
- answers each update once, even when Telegram delivers it again;
- gives a clear answer to what it cannot read (stickers, photos, voice).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.recent_events import recent_events_from_config
from bot.conversation import handle_turn, messages, send_replies

logger = logging.getLogger(__name__)

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_MAX_BYTES = 64  # Telegram rejects a keyboard with longer callback data
SHORT_TITLE_CHARS = 12  # buttons with titles up to this length share a row
BUTTONS_PER_ROW = 3


def keyboard_rows(buttons: List[Dict[str, Any]]) -> List[List[Dict[str, str]]]:
    """Inline keyboard rows: short answers ("Yes", "2") side by side, up to
    three a row; longer titles (FAQ topics) one per row, readable on a phone."""
    rows: List[List[Dict[str, str]]] = []
    short_row: List[Dict[str, str]] = []
    for button in buttons:
        payload = str(button.get("payload") or button.get("title", ""))
        if len(payload.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
            # Telegram would refuse the whole message; tests keep every payload short.
            logger.error("Dropped a button whose payload exceeds %d bytes: %r", CALLBACK_DATA_MAX_BYTES, payload)
            continue
        item = {"text": str(button["title"]), "callback_data": payload}
        if len(item["text"]) <= SHORT_TITLE_CHARS:
            short_row.append(item)
            if len(short_row) == BUTTONS_PER_ROW:
                rows.append(short_row)
                short_row = []
        else:
            if short_row:
                rows.append(short_row)
                short_row = []
            rows.append([item])
    if short_row:
        rows.append(short_row)
    return rows


def text_of_update(update: Dict[str, Any]) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """(chat id, text, callback query id) of an update; text is None for a
    message without text (sticker, photo, voice) and chat id None for an
    update the assistant does not handle (channel posts, polls, ...)."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        chat = (callback.get("message") or {}).get("chat") or callback.get("from") or {}
        chat_id = chat.get("id")
        data = callback.get("data")
        return (
            str(chat_id) if chat_id is not None else None,
            data if isinstance(data, str) else None,
            str(callback.get("id", "")) or None,
        )
    message = update.get("message") or update.get("edited_message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None, None, None
    chat_id = message["chat"].get("id")
    text = message.get("text")
    if isinstance(text, str) and text.split("@")[0].strip() == "/start":
        text = "/greet"  # Telegram sends /start when someone opens the bot
    return (str(chat_id) if chat_id is not None else None, text if isinstance(text, str) else None, None)


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output, optionally on a self-hosted Bot API server."""

    def __init__(self, access_token: Optional[Text], api_base_url: Optional[Text] = None) -> None:
        server = TelegramAPIServer.from_base(api_base_url) if api_base_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(item["text"], callback_data=item["callback_data"]) for item in row]
                for row in keyboard_rows(buttons)
            ]
        )
        await self.send_message(recipient_id, text, reply_markup=markup)


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram channel with the fixes above; still named ``telegram``."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials or not credentials.get("access_token"):
            cls.raise_missing_credentials_exception()
        if not credentials.get("secret_token"):
            raise ValueError(
                "The Telegram channel needs a secret_token (TELEGRAM_SECRET_TOKEN): without it anyone "
                "could post updates to the webhook."
            )
        return cls(
            access_token=credentials["access_token"],
            secret_token=str(credentials["secret_token"]),
            webhook_url=credentials.get("webhook_url"),
            api_base_url=credentials.get("api_base_url"),
            dedupe_store=credentials.get("dedupe_store"),
        )

    def __init__(
        self,
        access_token: Text,
        secret_token: Text,
        webhook_url: Optional[Text] = None,
        api_base_url: Optional[Text] = None,
        dedupe_store: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_base_url = api_base_url
        self.handled_updates = recent_events_from_config(dedupe_store, key_prefix="rifrm:telegram:")
        self._output: Optional[TelegramOutput] = None

    def get_output_channel(self) -> TelegramOutput:
        """No network call here (Rasa's version registers the webhook)."""
        if self._output is None:
            self._output = TelegramOutput(self.access_token, self.api_base_url)
        return self._output

    def _secret_matches(self, request: Request) -> bool:
        given = request.headers.get(SECRET_TOKEN_HEADER, "")
        return hmac.compare_digest(given.encode("utf-8"), self.secret_token.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.listener("after_server_stop")
        async def close_session(*_: Any) -> None:
            if self._output is not None:
                await self._output.close()

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._secret_matches(request):
                logger.warning("Refused a Telegram update without the right secret token.")
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body or b"")
            except ValueError:
                return response.text("the body must be a JSON Telegram update", status=400)
            if not isinstance(update, dict):
                return response.text("the body must be a JSON Telegram update", status=400)
            if "update_id" in update and not await self.handled_updates.first_time(str(update["update_id"])):
                return response.text("already handled")

            chat_id, text, callback_id = text_of_update(update)
            if chat_id is None:
                return response.text("ignored")
            output = self.get_output_channel()
            if callback_id:
                await _answer_callback(output, callback_id)
            if text is None:
                await send_replies(output, chat_id, [{"text": messages()["text_only"]}])
                return response.text("success")

            replies = await handle_turn(
                request.app,
                on_new_message,
                UserMessage(
                    text,
                    CollectingOutputChannel(),
                    chat_id,
                    input_channel=self.name(),
                    metadata={"telegram_update_id": update.get("update_id")},
                ),
            )
            await send_replies(output, chat_id, replies)
            return response.text("success")

        return telegram_webhook


async def _answer_callback(output: TelegramOutput, callback_id: str) -> None:
    """Stops the button's loading spinner in the user's Telegram app."""
    try:
        await output.answer_callback_query(callback_id)
    except Exception:  # noqa: BLE001 - the answer itself matters more
        logger.exception("Could not answer a Telegram callback query.")
