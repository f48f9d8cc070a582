"""What channels add around the assistant's replies, independent of the
action server: the "not a doctor" line at the start of each session, and an
apology instead of silence."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot import session_start

logger = logging.getLogger(__name__)

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@lru_cache(maxsize=1)
def messages() -> Dict[str, str]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        return {key: " ".join(value.split()) for key, value in yaml.safe_load(handle).items()}


def with_session_start_and_apology(
    replies: List[Dict[str, Any]], recipient_id: str, first_turn: bool
) -> List[Dict[str, Any]]:
    """The replies to send: an apology if there are none, the disclaimer first in a new session."""
    replies = list(replies) or [{"recipient_id": recipient_id, "text": messages()["apology"]}]
    if first_turn:
        replies.insert(0, {"recipient_id": recipient_id, "text": messages()["session_disclaimer"]})
    return replies


async def first_turn_of_session(app: Any, sender_id: str) -> bool:
    """Whether the latest user message of ``sender_id`` opened a session:
    as noted by our tracker store while saving, else read from the Rasa
    server's tracker store (``app`` is the Sanic app)."""
    noted = session_start.pop(sender_id)
    if noted is not None:
        return noted
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 - the disclaimer must never break a reply
        logger.exception("Could not read the conversation to check for a new session.")
        return False
    return tracker is not None and session_start.is_first_turn_of_session(tracker.events)


async def handle_turn(
    app: Any,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
) -> List[Dict[str, Any]]:
    """Run one user message through the assistant, collecting its replies,
    and return what to send: the disclaimer first in a new session, an
    apology rather than silence. Push channels (Socket.IO, Telegram, Slack)
    then send these with their own output channel, so every channel words
    the start of a session the same way."""
    collector = CollectingOutputChannel()
    collected = UserMessage(
        message.text,
        collector,
        message.sender_id,
        input_channel=message.input_channel,
        metadata=message.metadata,
    )
    try:
        await on_new_message(collected)
    except Exception:  # noqa: BLE001 - the user still gets an answer
        logger.exception("Handling a message from %s failed.", message.input_channel)
    first_turn = await first_turn_of_session(app, message.sender_id)
    return with_session_start_and_apology(collector.messages, message.sender_id, first_turn)


async def send_replies(output: OutputChannel, recipient_id: str, replies: List[Dict[str, Any]]) -> None:
    """Send collected replies through a channel's own output channel."""
    for reply in replies:
        reply = {key: value for key, value in reply.items() if key != "recipient_id"}
        try:
            await output.send_response(recipient_id, reply)
        except Exception:  # noqa: BLE001 - one failed send must not drop the rest
            logger.exception("Sending a reply through %s failed.", output.name())
