"""End to end: the real Rasa server with our Telegram connector, against a
fake Telegram Bot API on 127.0.0.1 (no network here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import count

import pytest

from tests.helpers.fake_platforms import fake_telegram_api, texts_sent
from tests.helpers.project import ROOT, faq_answers
from tests.helpers.servers import post_raw
from tests.helpers.shared_assistant import TELEGRAM_SECRET, TELEGRAM_TOKEN

pytestmark = pytest.mark.e2e

TOKEN = TELEGRAM_TOKEN
SECRET = TELEGRAM_SECRET
WEBHOOK = "/webhooks/telegram/webhook"
update_ids = count(1000)


@pytest.fixture
def telegram(assistant):
    return assistant.base_url, assistant.telegram, assistant.telegram_calls_at_startup


@pytest.fixture
def server(telegram):
    base_url, api, _ = telegram
    api.clear()
    return base_url, api


def message_update(chat_id: int, text: str, update_id: int = 0) -> dict:
    return {
        "update_id": update_id or next(update_ids),
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
        },
    }


def post_update(base_url: str, update: dict, secret: str = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return post_raw(base_url, json.dumps(update).encode("utf-8"), path=WEBHOOK, headers=headers)


def test_starting_the_server_makes_no_call_to_telegram(telegram):
    _, _, calls_at_startup = telegram
    assert calls_at_startup == []


def test_a_message_gets_the_disclaimer_then_its_answer_with_an_inline_keyboard(server):
    base_url, api = server
    status, body = post_update(base_url, message_update(501, "what is RIF"))
    assert (status, body) == (200, "success")
    sends = api.calls_to("sendMessage")
    assert [call.params["chat_id"] for call in sends] == ["501", "501"]
    assert "not a doctor" in sends[0].params["text"]
    answer = faq_answers()["rif_definition"]
    assert sends[1].params["text"] == answer["text"]
    keyboard = sends[1].params["reply_markup"]["inline_keyboard"]
    entity = '{"faq_key":"rif_definition"}'
    added = [f"/ask_sources{entity}", f"/feedback_helpful{entity}", f"/feedback_not_helpful{entity}"]
    assert [button["callback_data"] for row in keyboard for button in row] == [
        b["payload"] for b in answer["buttons"]
    ] + added
    assert [button["text"] for row in keyboard for button in row] == [b["title"] for b in answer["buttons"]] + [
        "Sources",
        "This helped",
        "Not helpful",
    ]
    assert [button["text"] for button in keyboard[-1]] == ["Sources", "This helped", "Not helpful"]  # one row


def test_a_button_click_answers_its_topic_and_the_callback(server):
    base_url, api = server
    post_update(base_url, message_update(502, "hello"))
    api.clear()
    click = {
        "update_id": next(update_ids),
        "callback_query": {
            "id": "cbq-77",
            "chat_instance": "1",
            "data": "/faq/rif_causes",
            "from": {"id": 502, "is_bot": False, "first_name": "Sam"},
            "message": {"message_id": 9, "date": 1_700_000_000, "chat": {"id": 502, "type": "private"}, "text": "..."},
        },
    }
    status, _ = post_update(base_url, click)
    assert status == 200
    assert [call.params["callback_query_id"] for call in api.calls_to("answerCallbackQuery")] == ["cbq-77"]
    assert texts_sent(api, "sendMessage") == [faq_answers()["rif_causes"]["text"]]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"], ids=["missing", "empty", "wrong"])
def test_an_update_without_the_right_secret_token_is_refused(server, secret):
    base_url, api = server
    status, body = post_update(base_url, message_update(503, "what is RIF"), secret=secret)
    assert (status, body) == (403, "forbidden")
    assert api.calls == []


def test_the_same_update_delivered_twice_is_answered_once(server):
    base_url, api = server
    update = message_update(504, "what is recurrent miscarriage")
    assert post_update(base_url, update) == (200, "success")
    sent_once = texts_sent(api, "sendMessage")
    assert sent_once and sent_once[-1] == faq_answers()["rm_definition"]["text"]
    assert post_update(base_url, update) == (200, "already handled")
    assert texts_sent(api, "sendMessage") == sent_once


def test_start_command_greets(server):
    base_url, api = server
    post_update(base_url, message_update(505, "/start"))
    texts = texts_sent(api, "sendMessage")
    assert "not a doctor" in texts[0]
    assert len(texts) >= 2  # the greeting follows the disclaimer


def test_a_sticker_gets_a_clear_answer(server):
    base_url, api = server
    update = message_update(506, "")
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "x",
        "file_unique_id": "y",
        "width": 1,
        "height": 1,
        "is_animated": False,
    }
    assert post_update(base_url, update)[0] == 200
    assert texts_sent(api, "sendMessage") == [
        'I can only read typed messages, sorry. Please type your question, or type "help" to see what I can do.'
    ]


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"], ids=["not-json", "not-object"])
def test_a_malformed_update_gets_a_400(server, body):
    base_url, api = server
    status, _ = post_raw(base_url, body, path=WEBHOOK, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert status == 400
    assert api.calls == []


def run_webhook_command(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env.update(env_overrides, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "bot.channels.telegram_webhook"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_webhook_command_registers_the_url_with_the_secret_token():
    with fake_telegram_api() as api:
        result = run_webhook_command(
            {
                "TELEGRAM_ACCESS_TOKEN": TOKEN,
                "TELEGRAM_SECRET_TOKEN": SECRET,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
                "TELEGRAM_API_BASE_URL": api.base_url,
            }
        )
        assert result.returncode == 0, result.stderr
        [call] = api.calls_to("setWebhook")
    assert call.token == TOKEN
    assert call.params["url"] == "https://bot.example.org/webhooks/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert set(call.params["allowed_updates"]) == {"message", "edited_message", "callback_query"}


def test_the_webhook_command_names_what_is_missing():
    result = run_webhook_command({"TELEGRAM_ACCESS_TOKEN": TOKEN})
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_URL" in result.stderr and "TELEGRAM_SECRET_TOKEN" in result.stderr


def test_yes_after_an_answer_then_a_crisis_message(server):
    """One kind reply to "yes", then the crisis reply: the conversation stays intact."""
    base_url, api = server
    assert post_update(base_url, message_update(520, "what is RIF"))[0] == 200
    api.clear()
    assert post_update(base_url, message_update(520, "yes"))[0] == 200
    after_yes = [call.params["text"] for call in api.calls_to("sendMessage")]
    assert len(after_yes) == 1 and "anything else" in after_yes[0]
    api.clear()
    assert post_update(base_url, message_update(520, "I want to kill myself"))[0] == 200
    crisis = "\n".join(call.params["text"] for call in api.calls_to("sendMessage"))
    assert "116 123" in crisis and "988" in crisis
