"""Render credentials.yml (the channels) from environment variables.

A channel is enabled only when its variables are set; set only some of them
and this stops with the names of the missing ones.

  Website chat (on unless WEBCHAT_ENABLED=false)
    WEBCHAT_ALLOWED_ORIGINS  comma-separated origins of other sites that embed
                             the widget, e.g. https://www.clinic.example
                             (default: only the page this server serves)
  Telegram (both required)
    TELEGRAM_ACCESS_TOKEN    the bot token from BotFather
    TELEGRAM_SECRET_TOKEN    1-256 of A-Z a-z 0-9 _ -; Telegram sends it back with every update
    TELEGRAM_WEBHOOK_URL     public https URL of /webhooks/telegram/webhook (for `make telegram-webhook`)
    TELEGRAM_API_BASE_URL    a self-hosted Bot API server (default https://api.telegram.org)
  Slack (both required)
    SLACK_BOT_TOKEN          xoxb-... Bot User OAuth token
    SLACK_SIGNING_SECRET     the app's signing secret
    SLACK_CHANNEL            optional: the one channel the bot answers in besides DMs and mentions
    SLACK_API_BASE_URL       default https://slack.com/api/
  With LOCK_STORE=redis (several Rasa servers), the Slack and Telegram
  channels remember handled events in that Redis (REDIS_HOST/PORT/DB/PASSWORD),
  so a retry reaching another server still gets no second answer.

  Insights page (always listed; it answers only when INSIGHTS_TOKEN is set,
  and then only with that token, never RASA_AUTH_TOKEN: bot/channels/insights_page.py)

  REST (always on)
    REST_AUTH_TOKEN          optional: then POST /webhooks/rest/webhook needs
                             'Authorization: Bearer <token>'. Set it whenever the
                             REST channel is reachable from outside.

The REST channel is always on. Usage: python -m bot.credentials > var/credentials.yml
"""

from __future__ import annotations

import re
import sys
from typing import Any, Dict, List, Mapping, Optional

import yaml

REST = "bot.channels.rest.RestInput"
SOCKETIO = "bot.channels.socketio.SocketIOInput"
WEBCHAT_PAGE = "bot.channels.webchat_page.WebChatPage"
TELEGRAM = "bot.channels.telegram.TelegramInput"
SLACK = "bot.channels.slack.SlackInput"
INSIGHTS_PAGE = "bot.channels.insights_page.InsightsPage"

TELEGRAM_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class CredentialsConfigError(ValueError):
    pass


def _enabled(env: Mapping[str, str], channel: str, required: List[str]) -> bool:
    present = [name for name in required if env.get(name, "").strip()]
    if not present:
        return False
    missing = [name for name in required if name not in present]
    if missing:
        raise CredentialsConfigError(f"{channel} needs {' and '.join(required)}; missing: {', '.join(missing)}")
    return True


def _dedupe_store(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    if env.get("LOCK_STORE", "memory").lower() != "redis":
        return None
    store: Dict[str, Any] = {
        "type": "redis",
        "host": env.get("REDIS_HOST", "127.0.0.1"),
        "port": int(env.get("REDIS_PORT", "6379")),
        "db": int(env.get("REDIS_DB", "1")),
    }
    if env.get("REDIS_PASSWORD"):
        store["password"] = env["REDIS_PASSWORD"]
    return store


def webchat_credentials(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    if env.get("WEBCHAT_ENABLED", "true").strip().lower() in ("0", "false", "no", "off"):
        return None
    config: Dict[str, Any] = {
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
    }
    origins = [
        origin.strip().rstrip("/") for origin in env.get("WEBCHAT_ALLOWED_ORIGINS", "").split(",") if origin.strip()
    ]
    for origin in origins:
        if not re.match(r"^https?://[^/\s]+$", origin):
            raise CredentialsConfigError(
                f"WEBCHAT_ALLOWED_ORIGINS: {origin!r} is not an origin like https://www.clinic.example"
            )
    if origins:
        config["cors_allowed_origins"] = origins
    return config


def telegram_credentials(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    if not _enabled(env, "Telegram", ["TELEGRAM_ACCESS_TOKEN", "TELEGRAM_SECRET_TOKEN"]):
        return None
    secret = env["TELEGRAM_SECRET_TOKEN"].strip()
    if not TELEGRAM_SECRET_PATTERN.match(secret):
        raise CredentialsConfigError("TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z a-z 0-9 _ -")
    config: Dict[str, Any] = {"access_token": env["TELEGRAM_ACCESS_TOKEN"].strip(), "secret_token": secret}
    return _with_options(config, env, {"webhook_url": "TELEGRAM_WEBHOOK_URL", "api_base_url": "TELEGRAM_API_BASE_URL"})


def slack_credentials(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    if not _enabled(env, "Slack", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]):
        return None
    config: Dict[str, Any] = {
        "slack_token": env["SLACK_BOT_TOKEN"].strip(),
        "slack_signing_secret": env["SLACK_SIGNING_SECRET"].strip(),
    }
    return _with_options(config, env, {"slack_channel": "SLACK_CHANNEL", "api_base_url": "SLACK_API_BASE_URL"})


def _with_options(config: Dict[str, Any], env: Mapping[str, str], options: Dict[str, str]) -> Dict[str, Any]:
    """Adds the optional settings that are set, and the shared duplicate store."""
    for key, name in options.items():
        if env.get(name, "").strip():
            config[key] = env[name].strip()
    dedupe = _dedupe_store(env)
    if dedupe:
        config["dedupe_store"] = dedupe
    return config


def rest_credentials(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    token = env.get("REST_AUTH_TOKEN", "").strip()
    return {"auth_token": token} if token else None


def render_credentials(env: Mapping[str, str]) -> Dict[str, Any]:
    credentials: Dict[str, Any] = {REST: rest_credentials(env)}
    webchat = webchat_credentials(env)
    if webchat is not None:
        credentials[SOCKETIO] = webchat
        credentials[WEBCHAT_PAGE] = None
    for name, config in ((TELEGRAM, telegram_credentials(env)), (SLACK, slack_credentials(env))):
        if config is not None:
            credentials[name] = config
    credentials[INSIGHTS_PAGE] = None  # 404 unless INSIGHTS_TOKEN is set
    return credentials


def enabled_channel_names(credentials: Mapping[str, Any]) -> List[str]:
    names = {REST: "REST", SOCKETIO: "web chat", TELEGRAM: "Telegram", SLACK: "Slack"}
    return [names[key] for key in credentials if key in names]


def main(env: Mapping[str, str]) -> int:
    try:
        credentials = render_credentials(env)
    except CredentialsConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write("# Rendered from environment variables by `python -m bot.credentials`. Do not edit.\n")
    sys.stdout.write(yaml.safe_dump(credentials, sort_keys=False))
    print(f"==> channels: {', '.join(enabled_channel_names(credentials))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    import os

    sys.exit(main(os.environ))
