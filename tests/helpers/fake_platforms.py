"""Fake Telegram Bot API and Slack Web API servers on 127.0.0.1.

Each runs an aiohttp app in its own thread and records every API call, so
a test can drive Rasa's real connectors (in the real Rasa server) and read
what they sent. They answer as the real APIs do for the methods we use.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Dict, Iterator, List

from aiohttp import web

from tests.helpers.servers import free_port


@dataclass
class ApiCall:
    method: str
    token: str
    params: Dict[str, Any]


@dataclass
class FakeApi:
    base_url: str
    calls: List[ApiCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, call: ApiCall) -> None:
        with self.lock:
            self.calls.append(call)

    def calls_to(self, method: str) -> List[ApiCall]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out; calls so far: {self.calls}")


async def _params_of(request: web.Request) -> Dict[str, Any]:
    """JSON, url-encoded or multipart bodies, as the real APIs accept them."""
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.post()
    params: Dict[str, Any] = {}
    for key, value in form.items():
        value = value if isinstance(value, str) else value.file.read().decode("utf-8")
        try:
            params[key] = json.loads(value) if value[:1] in "[{" else value
        except ValueError:
            params[key] = value
    return params


def _telegram_app(api: FakeApi) -> web.Application:
    message_ids = iter(range(1, 1_000_000))

    async def method(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        name = request.match_info["method"]
        params = await _params_of(request)
        api.record(ApiCall(name, token, params))
        lowered = name.lower()
        if lowered == "getme":
            result: Any = {"id": 4242, "is_bot": True, "first_name": "Test", "username": "rif_rm_test_bot"}
        elif lowered == "sendmessage":
            markup = params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if len(button.get("callback_data", "").encode("utf-8")) > 64:
                        return web.json_response(
                            {"ok": False, "error_code": 400, "description": "Bad Request: BUTTON_DATA_INVALID"},
                            status=400,
                        )
            result = {
                "message_id": next(message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        elif lowered in ("answercallbackquery", "setwebhook", "deletewebhook"):
            result = True
        else:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.json_response({"ok": True, "result": result, "description": "ok"})

    app = web.Application()
    app.router.add_post(r"/bot{token}/{method}", method)
    return app


def _slack_app(api: FakeApi) -> web.Application:
    async def method(request: web.Request) -> web.Response:
        name = request.match_info["method"]
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        params = await _params_of(request)
        api.record(ApiCall(name, token, params))
        if name == "chat.postMessage":
            return web.json_response(
                {
                    "ok": True,
                    "channel": params.get("channel"),
                    "ts": f"{time.time():.6f}",
                    "message": {"text": params.get("text", "")},
                }
            )
        if name == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT"})
        return web.json_response({"ok": False, "error": "unknown_method"})

    app = web.Application()
    app.router.add_post("/api/{method}", method)
    return app


@contextmanager
def _serve(make_app: Callable[[FakeApi], web.Application], path: str) -> Iterator[FakeApi]:
    port = free_port()
    api = FakeApi(base_url=f"http://127.0.0.1:{port}{path}")
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(api))
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10), "fake API did not start"
    try:
        yield api
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def fake_telegram_api() -> ContextManager[FakeApi]:
    """Base URL like https://api.telegram.org (methods at /bot<token>/<method>)."""
    return _serve(_telegram_app, "")


def fake_slack_api() -> ContextManager[FakeApi]:
    """Base URL like https://slack.com/api/ (methods at /api/<method>)."""
    return _serve(_slack_app, "/api/")


def texts_sent(api: FakeApi, method: str) -> List[str]:
    return [str(call.params.get("text", "")) for call in api.calls_to(method)]
