"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict

import pytest

from tests.helpers.project import MODEL_PATH
from tests.helpers.shared_assistant import SharedAssistant, shared_assistant


def pytest_collection_modifyitems(items):
    """Mark tests by what they use, so `make test-fast` can leave them out."""
    for item in items:
        if "parse" in item.fixturenames:
            item.add_marker(pytest.mark.model)
        if "assistant" in item.fixturenames:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def parse() -> Callable[[str], Dict[str, Any]]:
    """Parse a message with the trained model (the real NLU pipeline, in process)."""
    assert MODEL_PATH.exists(), f"no trained model at {MODEL_PATH}: run `make test`, which trains it"
    from rasa.core.agent import Agent

    loop = asyncio.new_event_loop()
    agent = Agent.load(str(MODEL_PATH))

    def _parse(text: str) -> Dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    yield _parse
    loop.close()


def faq_key_of(parse_data: Dict[str, Any]) -> str:
    """The FAQ key chosen for a parsed message, or the plain intent name."""
    intent = parse_data["intent"]["name"]
    if intent != "faq":
        return intent
    response = parse_data["response_selector"]["faq"]["response"]
    return response["intent_response_key"]


@pytest.fixture(scope="session")
def assistant() -> SharedAssistant:
    """The Rasa server (every channel, HTTP API on) and action server shared by
    the end-to-end modules, with the fake Telegram and Slack APIs it talks to."""
    with shared_assistant() as running:
        yield running
