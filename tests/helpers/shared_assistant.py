"""One action server and one Rasa server with every channel, shared by the
end-to-end modules (REST, walk-through, safety, web chat, Telegram, Slack):
starting a Rasa server loads the model, about 40 s here, so one start
instead of six keeps CI well inside its time budget. Each module uses its
own senders, chats and users, so they cannot see each other's conversations."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, List

from tests.helpers.fake_platforms import ApiCall, FakeApi, fake_slack_api, fake_telegram_api
from tests.helpers.servers import REST_TEST_TOKEN, action_server, rasa_server

TELEGRAM_TOKEN = "123456:TEST-token_for-fake-api"
TELEGRAM_SECRET = "test-secret_token-42"
SLACK_BOT_TOKEN = "xoxb-test-token"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CLINIC_ORIGIN = "https://www.clinic.example"


@dataclass
class SharedAssistant:
    base_url: str
    telegram: FakeApi
    slack: FakeApi
    telegram_calls_at_startup: List[ApiCall] = field(default_factory=list)
    slack_calls_at_startup: List[ApiCall] = field(default_factory=list)
    processes: List[Any] = field(default_factory=list)  # [action server, Rasa server] Popen objects


@contextmanager
def shared_assistant() -> Iterator[SharedAssistant]:
    with fake_telegram_api() as telegram, fake_slack_api() as slack:
        credentials = {
            # The REST webhook requires a bearer token here, as REST_AUTH_TOKEN
            # makes it in production; send_rest() always sends it.
            "bot.channels.rest.RestInput": {"auth_token": REST_TEST_TOKEN},
            "bot.channels.socketio.SocketIOInput": {
                "user_message_evt": "user_uttered",
                "bot_message_evt": "bot_uttered",
                "session_persistence": True,
                "cors_allowed_origins": [CLINIC_ORIGIN],
            },
            "bot.channels.webchat_page.WebChatPage": None,
            "bot.channels.telegram.TelegramInput": {
                "access_token": TELEGRAM_TOKEN,
                "secret_token": TELEGRAM_SECRET,
                "api_base_url": telegram.base_url,
            },
            "bot.channels.slack.SlackInput": {
                "slack_token": SLACK_BOT_TOKEN,
                "slack_signing_secret": SLACK_SIGNING_SECRET,
                "api_base_url": slack.base_url,
            },
        }
        processes: List[Any] = []
        with action_server(processes=processes) as actions_url:
            with rasa_server(
                action_endpoint=actions_url, credentials=credentials, extra_args=["--enable-api"], processes=processes
            ) as base_url:
                yield SharedAssistant(
                    base_url, telegram, slack, list(telegram.calls), list(slack.calls), processes=processes
                )
