"""Start the real Rasa server and action server as subprocesses for tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import yaml

from tests.helpers.project import MODEL_PATH, ROOT, TEST_OUTPUT, VENV_BIN

STARTUP_TIMEOUT_SECONDS = 180
# The shared test server's REST channel requires this bearer token; the
# helpers below always send it (servers without a token ignore it).
REST_TEST_TOKEN = "test-rest-token-0123456789"
REST_AUTH_HEADER = {"Authorization": f"Bearer {REST_TEST_TOKEN}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {STARTUP_TIMEOUT_SECONDS}s; log:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _process(
    name: str, args: List[str], ready_url: str, extra_env: Optional[Dict[str, str]] = None
) -> Iterator[subprocess.Popen]:
    TEST_OUTPUT.mkdir(exist_ok=True)
    log = TEST_OUTPUT / f"{name}.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", **(extra_env or {}))
    with log.open("w") as log_handle:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log_handle, stderr=subprocess.STDOUT)
        try:
            _wait_for(ready_url, process, log)
            yield process
        finally:
            _stop(process)


@contextmanager
def action_server(
    port: Optional[int] = None, processes: Optional[list] = None, env: Optional[Dict[str, str]] = None
) -> Iterator[str]:
    """Yields the webhook URL of a running rasa_sdk action server
    (its Popen is appended to ``processes`` if given, e.g. to read its memory;
    ``env`` adds environment variables, e.g. CLINIC_PROFILE)."""
    port = port or free_port()
    args = [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]
    with _process("action-server", args, f"http://127.0.0.1:{port}/health", env) as process:
        if processes is not None:
            processes.append(process)
        yield f"http://127.0.0.1:{port}/webhook"


@contextmanager
def rasa_server(
    action_endpoint: Optional[str] = None,
    extra_args: Optional[List[str]] = None,
    stores: Optional[Dict[str, Any]] = None,
    port: Optional[int] = None,
    credentials: Optional[Dict[str, Any]] = None,
    processes: Optional[list] = None,
    env: Optional[Dict[str, str]] = None,
) -> Iterator[str]:
    """Yields the base URL of a running Rasa server.
    ``stores`` adds endpoints such as tracker_store and lock_store (default: in memory);
    ``credentials`` replaces the repository's credentials.yml (REST and web chat);
    ``env`` adds environment variables (CLINIC_PROFILE, RASA_AUTH_TOKEN, ...)."""
    port = port or free_port()
    TEST_OUTPUT.mkdir(exist_ok=True)
    endpoints = TEST_OUTPUT / f"endpoints-{port}.yml"
    url = action_endpoint or "http://127.0.0.1:9/webhook"  # unused unless a custom action runs
    endpoints.write_text(yaml.safe_dump({"action_endpoint": {"url": url}, **(stores or {})}))
    credentials_file = ROOT / "credentials.yml"
    if credentials is not None:
        credentials_file = TEST_OUTPUT / f"credentials-{port}.yml"
        credentials_file.write_text(yaml.safe_dump(credentials))
    args = [
        str(VENV_BIN / "rasa"),
        "run",
        "--model",
        str(MODEL_PATH),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--credentials",
        str(credentials_file),
        "--endpoints",
        str(endpoints),
        *(extra_args or []),
    ]
    with _process(f"rasa-server-{port}", args, f"http://127.0.0.1:{port}/webhooks/rest/", env) as process:
        if processes is not None:
            processes.append(process)
        yield f"http://127.0.0.1:{port}"


def _fetch(request: urllib.request.Request):
    """(status, parsed JSON or text) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw.decode("utf-8"))
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def post_raw(base_url: str, body: bytes, path: str = "/webhooks/rest/webhook", headers=None):
    """POST bytes as JSON (with the test REST token unless ``headers`` names
    an Authorization); returns (status, parsed JSON or text)."""
    return _fetch(
        urllib.request.Request(
            f"{base_url}{path}",
            data=body,
            headers={"Content-Type": "application/json", **REST_AUTH_HEADER, **(headers or {})},
            method="POST",
        )
    )


def get(base_url: str, path: str, headers=None):
    """GET; returns (status, parsed JSON or text)."""
    return _fetch(urllib.request.Request(f"{base_url}{path}", headers=headers or {}))


def send_rest(base_url: str, sender: str, message: str) -> list:
    """POST one message to the REST channel and return the bot's replies."""
    status, replies = post_raw(base_url, json.dumps({"sender": sender, "message": message}).encode("utf-8"))
    assert status == 200, (status, replies)
    return replies
