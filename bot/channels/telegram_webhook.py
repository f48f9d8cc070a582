"""Register the Telegram webhook, with its secret token: run once per
deployment (``make telegram-webhook``), never while the server starts.

  TELEGRAM_ACCESS_TOKEN   the bot token from BotFather
  TELEGRAM_WEBHOOK_URL    https://<your host>/webhooks/telegram/webhook
  TELEGRAM_SECRET_TOKEN   the same secret the Rasa server checks
  TELEGRAM_API_BASE_URL   optional self-hosted Bot API server (default https://api.telegram.org)
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any, Dict, Mapping

DEFAULT_API_BASE_URL = "https://api.telegram.org"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


def set_webhook_request(env: Mapping[str, str]) -> urllib.request.Request:
    missing = [
        name
        for name in ("TELEGRAM_ACCESS_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_SECRET_TOKEN")
        if not env.get(name, "").strip()
    ]
    if missing:
        raise ValueError(f"set {', '.join(missing)} first (see README, Telegram)")
    base = env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
    body: Dict[str, Any] = {
        "url": env["TELEGRAM_WEBHOOK_URL"].strip(),
        "secret_token": env["TELEGRAM_SECRET_TOKEN"].strip(),
        "allowed_updates": ALLOWED_UPDATES,
    }
    return urllib.request.Request(
        f"{base.rstrip('/')}/bot{env['TELEGRAM_ACCESS_TOKEN'].strip()}/setWebhook",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )


def main(env: Mapping[str, str]) -> int:
    try:
        request = set_webhook_request(env)
        with urllib.request.urlopen(request, timeout=30) as reply:
            result = json.loads(reply.read().decode("utf-8"))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except urllib.error.HTTPError as error:
        print(f"error: Telegram answered {error.code}: {error.read().decode('utf-8', 'replace')}", file=sys.stderr)
        return 1
    except urllib.error.URLError as error:
        print(f"error: could not reach the Telegram API: {error.reason}", file=sys.stderr)
        return 1
    if not result.get("ok"):
        print(f"error: Telegram refused the webhook: {result.get('description', result)}", file=sys.stderr)
        return 1
    print(f"Webhook set to {env['TELEGRAM_WEBHOOK_URL'].strip()} ({result.get('description', 'ok')})")
    return 0


if __name__ == "__main__":
    sys.exit(main(os.environ))
