"""The channels' decisions as plain functions: credentials from the
environment, duplicate detection, keyboards and blocks, session ids, origins."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis
import yaml

from bot.channels.recent_events import RecentEvents, RedisRecentEvents, recent_events_from_config
from bot.channels.slack import button_blocks, media_type
from bot.channels.socketio import OriginPolicy, allowed_origins, session_id_to_use
from bot.channels.telegram import CALLBACK_DATA_MAX_BYTES, keyboard_rows, text_of_update
from bot.credentials import CredentialsConfigError, render_credentials
from tests.helpers.project import ROOT, load_yaml

TELEGRAM = {"TELEGRAM_ACCESS_TOKEN": "123:abc", "TELEGRAM_SECRET_TOKEN": "s3cret_token-1"}
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "signing"}


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


# --- credentials -------------------------------------------------------------


def test_the_committed_credentials_are_what_an_empty_environment_renders():
    assert load_yaml(ROOT / "credentials.yml") == render_credentials({})


def test_without_channel_variables_only_rest_and_web_chat_are_on():
    assert list(render_credentials({})) == [
        "bot.channels.rest.RestInput",
        "bot.channels.socketio.SocketIOInput",
        "bot.channels.webchat_page.WebChatPage",
        "bot.channels.insights_page.InsightsPage",
    ]
    assert list(render_credentials({"WEBCHAT_ENABLED": "false"})) == [
        "bot.channels.rest.RestInput",
        "bot.channels.insights_page.InsightsPage",
    ]


def test_telegram_and_slack_are_enabled_by_their_variables():
    credentials = render_credentials(
        {**TELEGRAM, **SLACK, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081", "SLACK_CHANNEL": "C123"}
    )
    assert credentials["bot.channels.telegram.TelegramInput"] == {
        "access_token": "123:abc",
        "secret_token": "s3cret_token-1",
        "api_base_url": "http://127.0.0.1:8081",
    }
    assert credentials["bot.channels.slack.SlackInput"] == {
        "slack_token": "xoxb-1",
        "slack_signing_secret": "signing",
        "slack_channel": "C123",
    }


def test_rest_auth_token_comes_from_the_environment():
    assert render_credentials({})["bot.channels.rest.RestInput"] is None
    assert render_credentials({"REST_AUTH_TOKEN": " t0ken "})["bot.channels.rest.RestInput"] == {"auth_token": "t0ken"}


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"TELEGRAM_ACCESS_TOKEN": "123:abc"}, "TELEGRAM_SECRET_TOKEN"),
        ({"TELEGRAM_SECRET_TOKEN": "x"}, "TELEGRAM_ACCESS_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
    ],
    ids=["tg-secret", "tg-token", "slack-secret", "slack-token"],
)
def test_a_half_configured_channel_names_what_is_missing(env, missing):
    with pytest.raises(CredentialsConfigError, match=missing):
        render_credentials(env)


@pytest.mark.parametrize(
    "env",
    [
        {**TELEGRAM, "TELEGRAM_SECRET_TOKEN": "has spaces"},
        {"WEBCHAT_ALLOWED_ORIGINS": "www.clinic.example"},
        {"WEBCHAT_ALLOWED_ORIGINS": "https://clinic.example/page"},
    ],
    ids=["bad-secret", "origin-without-scheme", "origin-with-path"],
)
def test_bad_values_are_refused_with_a_reason(env):
    with pytest.raises(CredentialsConfigError):
        render_credentials(env)


def test_allowed_origins_and_shared_duplicate_store_come_from_the_environment():
    credentials = render_credentials(
        {
            **SLACK,
            "WEBCHAT_ALLOWED_ORIGINS": "https://www.clinic.example/, https://chat.clinic.example",
            "LOCK_STORE": "redis",
            "REDIS_HOST": "10.0.0.5",
        }
    )
    assert credentials["bot.channels.socketio.SocketIOInput"]["cors_allowed_origins"] == [
        "https://www.clinic.example",
        "https://chat.clinic.example",
    ]
    assert credentials["bot.channels.slack.SlackInput"]["dedupe_store"] == {
        "type": "redis",
        "host": "10.0.0.5",
        "port": 6379,
        "db": 1,
    }


# --- duplicate detection ------------------------------------------------------


def test_recent_events_in_memory_answer_first_time_once_and_forget_after_the_ttl():
    now = [1000.0]
    events = RecentEvents(ttl_seconds=60, clock=lambda: now[0])
    assert run(events.first_time("Ev1")) is True
    assert run(events.first_time("Ev1")) is False
    now[0] += 61
    assert run(events.first_time("Ev1")) is True


def test_recent_events_in_memory_stay_bounded():
    events = RecentEvents(max_entries=3)
    for key in "abcd":
        assert run(events.first_time(key))
    assert run(events.first_time("a")) is True  # the oldest was dropped
    assert run(events.first_time("d")) is False


@pytest.mark.needs_redis
def test_recent_events_in_redis_are_shared_between_servers():
    prefix = f"test:{uuid.uuid4().hex}:"
    config = {"type": "redis", "host": "127.0.0.1", "port": 6379, "db": 1}
    server_a = recent_events_from_config(config, key_prefix=prefix)
    server_b = recent_events_from_config(config, key_prefix=prefix)
    assert isinstance(server_a, RedisRecentEvents)

    async def both():
        return await server_a.first_time("Ev9"), await server_b.first_time("Ev9")

    assert run(both()) == (True, False)
    ttl = redis.Redis(host="127.0.0.1", port=6379, db=1).ttl(prefix + "Ev9")
    assert 0 < ttl <= 3600
    redis.Redis(host="127.0.0.1", port=6379, db=1).delete(prefix + "Ev9")


def test_an_unreachable_redis_does_not_silence_the_assistant():
    events = RedisRecentEvents(host="127.0.0.1", port=1, key_prefix="test:")
    assert run(events.first_time("Ev1")) is True


# --- Telegram -----------------------------------------------------------------


def test_short_answers_share_rows_and_topics_get_their_own():
    buttons = [{"title": t, "payload": t.lower()} for t in ("None", "1", "2", "3", "Not sure")]
    assert [[b["text"] for b in row] for row in keyboard_rows(buttons)] == [["None", "1", "2"], ["3", "Not sure"]]
    topics = [
        {"title": "Causes of RIF", "payload": "/faq/rif_causes"},
        {"title": "Yes", "payload": "yes"},
        {"title": "Which fits my history?", "payload": "/start_assessment"},
    ]
    assert [[b["text"] for b in row] for row in keyboard_rows(topics)] == [
        ["Causes of RIF"],
        ["Yes"],
        ["Which fits my history?"],
    ]


def test_a_payload_too_long_for_telegram_is_dropped_not_sent():
    rows = keyboard_rows([{"title": "ok", "payload": "ok"}, {"title": "long", "payload": "/x" * 40}])
    assert rows == [[{"text": "ok", "callback_data": "ok"}]]


def every_button(node):
    if isinstance(node, dict):
        if "payload" in node and "title" in node:
            yield node
        for value in node.values():
            yield from every_button(value)
    elif isinstance(node, list):
        for value in node:
            yield from every_button(value)


def test_every_button_payload_fits_telegram_callback_data():
    sources = [
        ROOT / "domain.yml",
        *sorted((ROOT / "data" / "responses").glob("*.yml")),
        *sorted((ROOT / "actions" / "content").glob("*.yml")),
    ]
    buttons = [button for path in sources for button in every_button(yaml.safe_load(path.read_text()))]
    assert len(buttons) > 100
    too_long = [b["payload"] for b in buttons if len(str(b["payload"]).encode("utf-8")) > CALLBACK_DATA_MAX_BYTES]
    assert too_long == []


@pytest.mark.parametrize(
    "update, expected",
    [
        ({"update_id": 1, "message": {"chat": {"id": 5}, "text": "hi"}}, ("5", "hi", None)),
        ({"update_id": 1, "message": {"chat": {"id": 5}, "text": "/start"}}, ("5", "/greet", None)),
        ({"update_id": 1, "message": {"chat": {"id": 5}, "text": "/start@rif_bot"}}, ("5", "/greet", None)),
        ({"update_id": 1, "edited_message": {"chat": {"id": 5}, "text": "fixed"}}, ("5", "fixed", None)),
        ({"update_id": 1, "message": {"chat": {"id": 5}, "photo": []}}, ("5", None, None)),
        (
            {"update_id": 1, "callback_query": {"id": "q", "data": "yes", "message": {"chat": {"id": 7}}}},
            ("7", "yes", "q"),
        ),
        ({"update_id": 1, "callback_query": {"id": "q", "data": "yes", "from": {"id": 8}}}, ("8", "yes", "q")),
        ({"update_id": 1, "channel_post": {"chat": {"id": 5}, "text": "x"}}, (None, None, None)),
        ({"update_id": 1, "message": "garbage"}, (None, None, None)),
    ],
    ids=["text", "start", "start-mention", "edited", "photo", "button", "button-inline", "channel-post", "garbage"],
)
def test_text_of_update(update, expected):
    assert text_of_update(update) == expected


# --- Slack --------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, expected",
    [
        ("application/json", "application/json"),
        ("application/json; charset=utf-8", "application/json"),
        ("Application/JSON;charset=UTF-8", "application/json"),
        (None, ""),
    ],
)
def test_media_type(header, expected):
    assert media_type(header) == expected


def test_buttons_become_a_section_and_actions_blocks_of_at_most_25():
    buttons = [{"title": f"Topic {n}", "payload": f"/faq/t{n}"} for n in range(30)]
    blocks = button_blocks("Pick one", buttons)
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Pick one"}}
    assert [len(block["elements"]) for block in blocks[1:]] == [25, 5]
    assert blocks[1]["elements"][0] == {
        "type": "button",
        "action_id": "button_0",
        "text": {"type": "plain_text", "text": "Topic 0", "emoji": True},
        "value": "/faq/t0",
    }


# --- Socket.IO ----------------------------------------------------------------


def test_only_session_ids_we_issue_are_kept():
    issued = uuid.uuid4().hex
    assert session_id_to_use(issued) == issued
    for requested in (None, "", "default", "../x", issued.upper(), 42, issued + "0"):
        new = session_id_to_use(requested)
        assert new != requested and len(new) == 32


def test_origin_policy_allows_the_own_page_and_the_configured_sites_only():
    policy = OriginPolicy(allowed_origins("https://www.clinic.example/, "))
    environ = {"HTTP_HOST": "bot.example.org", "wsgi.url_scheme": "https"}
    assert policy("https://bot.example.org", environ)
    assert policy("https://www.clinic.example", environ)
    assert not policy("https://evil.example", environ)
    assert not policy("http://bot.example.org", environ)
    behind_proxy = {
        "HTTP_HOST": "rasa:5005",
        "wsgi.url_scheme": "http",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "chat.clinic.org",
    }
    assert policy("https://chat.clinic.org", behind_proxy)


def test_the_slack_manifest_points_events_and_buttons_at_our_webhook():
    manifest = load_yaml(ROOT / "deploy" / "slack" / "manifest.yml")
    settings = manifest["settings"]
    for url in (settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]):
        assert url.startswith("https://") and url.endswith("/webhooks/slack/webhook")
    assert settings["interactivity"]["is_enabled"] is True
    assert {"chat:write", "im:history", "app_mentions:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"message.im", "app_mention"} <= set(settings["event_subscriptions"]["bot_events"])
