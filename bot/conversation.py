"""What channels add around the assistant's replies, independent of the
action server: the "not a doctor" line at the start of each session, an
apology instead of silence, Sources and "was this helpful?" buttons under an
FAQ answer, the clinic's contact under a reply that points to the clinic
(when clinic.yml gives one), and "You also asked about ..." buttons when one
message asked about several FAQ topics (the answer covers the best one)."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot import turn_notes
from bot.clinic import ClinicProfile, current_profile
from bot.safety_fallback import safety_reply, with_safety_reply
from bot.turn_notes import FOLLOW_UP_CONTEXT, TurnNote

logger = logging.getLogger(__name__)

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "data" / "catalogue.yml"


@lru_cache(maxsize=1)
def messages() -> Dict[str, str]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        return {key: " ".join(value.split()) for key, value in yaml.safe_load(handle).items()}


@lru_cache(maxsize=1)
def topic_titles() -> Dict[str, str]:
    with CATALOGUE_FILE.open(encoding="utf-8") as handle:
        return {key: topic["title"] for key, topic in yaml.safe_load(handle)["topics"].items()}


@lru_cache(maxsize=1)
def topic_questions() -> Dict[str, str]:
    with CATALOGUE_FILE.open(encoding="utf-8") as handle:
        return {key: topic["question"] for key, topic in yaml.safe_load(handle)["topics"].items()}


def replies_to_send(
    replies: List[Dict[str, Any]],
    recipient_id: str,
    first_turn: bool,
    also_asked: Sequence[str] = (),
    answered_topic: Optional[str] = None,
    profile: Optional[ClinicProfile] = None,
    told_history: bool = False,
) -> List[Dict[str, Any]]:
    """The replies to send: an apology if there are none, the disclaimer first
    in a new session, Sources and feedback buttons under an FAQ answer, the
    clinic's contact where a reply points to the clinic, the other topics
    asked about as buttons last."""
    replies = without_repeats(replies) or [{"recipient_id": recipient_id, "text": messages()["apology"]}]
    replies = with_clinic_contact(replies, current_profile() if profile is None else profile)
    if answered_topic in topic_titles():
        replies = with_sources_button(replies, answered_topic, offer_walk_through=told_history)
    if first_turn:
        replies.insert(0, {"recipient_id": recipient_id, "text": messages()["session_disclaimer"]})
    buttons = [{"title": topic_titles()[key], "payload": f"/faq/{key}"} for key in also_asked if key in topic_titles()]
    if buttons:
        replies.append({"recipient_id": recipient_id, "text": messages()["also_asked"], "buttons": buttons})
    return replies


def without_repeats(replies: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The replies with any repeated text left out: one turn never says the same thing twice."""
    seen = set()
    kept = []
    for reply in replies:
        key = (reply.get("text"), reply.get("image"), str(reply.get("custom")))
        if key in seen:
            continue
        seen.add(key)
        kept.append(reply)
    return kept


def domain_responses(app: Any) -> Dict[str, Any]:
    """The loaded model's responses (empty when no model is loaded)."""
    domain = getattr(getattr(getattr(app, "ctx", None), "agent", None), "domain", None)
    return dict(getattr(domain, "responses", None) or {})


def with_sources_button(
    replies: List[Dict[str, Any]], key: str, offer_walk_through: bool = False
) -> List[Dict[str, Any]]:
    """The FAQ answer (the last reply with text) gets a Sources button and
    "was this helpful?" buttons, each carrying the topic's key; after a told
    history, "Go through my history" first."""
    words = messages()
    entity = f'{{"faq_key":"{key}"}}'
    walk_through = [{"title": words["walk_through_button"], "payload": "/start_assessment"}]
    buttons = (walk_through if offer_walk_through else []) + [
        {"title": words["sources_button"], "payload": f"/ask_sources{entity}"},
        {"title": words["feedback_helpful_button"], "payload": f"/feedback_helpful{entity}"},
        {"title": words["feedback_not_helpful_button"], "payload": f"/feedback_not_helpful{entity}"},
    ]
    for index in range(len(replies) - 1, -1, -1):
        if replies[index].get("text"):
            reply = dict(replies[index])
            own = [
                b
                for b in reply.get("buttons") or []
                if b.get("payload") != "/start_assessment" or not offer_walk_through
            ]
            reply["buttons"] = own + buttons
            return replies[:index] + [reply] + replies[index + 1 :]
    return replies


_MENTIONS_CLINIC = re.compile(r"\bclinic", re.IGNORECASE)
_MENTIONS_UNIT = re.compile(r"\bearly pregnancy (unit|assessment|service)", re.IGNORECASE)


def clinic_contact_lines(profile: ClinicProfile, text: str, turn_text: str = "") -> List[str]:
    """The contact lines a reply pointing to the clinic or to the early
    pregnancy unit needs, leaving out any the turn already gives."""
    words = messages()
    turn_text = turn_text or text
    lines: List[str] = []
    given = [value for value in (profile.phone, profile.email, profile.website) if value and value in turn_text]
    if profile.has_contact and _MENTIONS_CLINIC.search(text) and not given:
        contacts = [
            words[f"clinic_contact_{key}"].format(**{key: getattr(profile, key)})
            for key in ("phone", "email", "website")
            if getattr(profile, key)
        ]
        name = profile.name or words["clinic_unnamed"]
        lines.append(words["clinic_contact"].format(name=name, contacts=", ".join(contacts)))
    unit = profile.early_pregnancy_unit
    if unit.phone and _MENTIONS_UNIT.search(text) and unit.phone not in turn_text:
        lines.append(words["unit_contact"].format(unit=unit.name or words["unit_unnamed"], phone=unit.phone))
    return lines


def with_clinic_contact(replies: List[Dict[str, Any]], profile: ClinicProfile) -> List[Dict[str, Any]]:
    """The last reply that points to the clinic (or unit) gets its contact
    appended, once per turn; with no profile, the replies are unchanged."""
    if profile.is_empty:
        return replies
    turn_text = "\n".join(reply.get("text") or "" for reply in replies)
    for index in range(len(replies) - 1, -1, -1):
        text = replies[index].get("text") or ""
        lines = clinic_contact_lines(profile, text, turn_text)
        if lines:
            reply = dict(replies[index])
            reply["text"] = "\n\n".join([text, *lines])
            return replies[:index] + [reply] + replies[index + 1 :]
    return replies


async def note_of_turn(app: Any, sender_id: str) -> TurnNote:
    """What the latest turn of ``sender_id`` means for the channel: as noted
    by our tracker store while saving, else read from the Rasa server's
    tracker store (``app`` is the Sanic app)."""
    noted = turn_notes.pop(sender_id)
    if noted is not None:
        return noted
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None:
        return TurnNote(first_turn=False)
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 - these additions must never break a reply
        logger.exception("Could not read the conversation to check the turn.")
        return TurnNote(first_turn=False)
    return turn_notes.note_of(tracker.events) if tracker is not None else TurnNote(first_turn=False)


# The topic each sender was last answered on and the question it answered,
# for follow-ups ("and for RM?"). On a miss (another replica answered, or a
# restart) it is read from the store.
MAX_REMEMBERED_SENDERS = 10_000
MAX_QUESTION_CHARS = 300
_last_answered: "OrderedDict[str, Optional[Tuple[str, str]]]" = OrderedDict()


def remember_answered(sender_id: str, answered: Optional[Tuple[str, str]]) -> None:
    _last_answered[sender_id] = answered
    _last_answered.move_to_end(sender_id)
    while len(_last_answered) > MAX_REMEMBERED_SENDERS:
        _last_answered.popitem(last=False)


async def previous_answered(app: Any, sender_id: str) -> Optional[Tuple[str, str]]:
    """(FAQ topic, question) last answered to ``sender_id`` in this session."""
    if sender_id in _last_answered:
        return _last_answered[sender_id]
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    answered = None
    if agent is not None and agent.tracker_store is not None:
        try:
            tracker = await agent.tracker_store.retrieve(sender_id)
            answered = turn_notes.last_answered(tracker.events) if tracker is not None else None
            if answered is not None and answered[1].startswith("/"):
                answered = (answered[0], topic_questions().get(answered[0], ""))
        except Exception:  # noqa: BLE001 - context is a help, never a reason to fail
            logger.exception("Could not read the conversation for its last topic.")
    remember_answered(sender_id, answered)
    return answered


def with_follow_up_context(
    metadata: Optional[Dict[str, Any]], answered: Optional[Tuple[str, str]]
) -> Optional[Dict[str, Any]]:
    """The channel's metadata plus the previous topic and question
    (bot/nlu/follow_up_context.py reads them)."""
    if answered is None:
        return metadata
    topic, question = answered
    context = {"topic": topic, "question": question[:MAX_QUESTION_CHARS]}
    return {**(metadata if isinstance(metadata, dict) else {}), FOLLOW_UP_CONTEXT: context}


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
    answered_before = await previous_answered(app, message.sender_id)
    collected = UserMessage(
        message.text,
        collector,
        message.sender_id,
        input_channel=message.input_channel,
        metadata=with_follow_up_context(message.metadata, answered_before),
    )
    try:
        await on_new_message(collected)
    except Exception:  # noqa: BLE001 - the user still gets an answer
        logger.exception("Handling a message from %s failed.", message.input_channel)
    note = await note_of_turn(app, message.sender_id)
    if note.first_turn:
        remember_answered(message.sender_id, None)
    if note.answered_topic and not (message.text or "").startswith("/"):
        remember_answered(message.sender_id, (note.answered_topic, message.text or ""))
    elif note.answered_topic:  # a button: the topic's own question stands for it
        remember_answered(message.sender_id, (note.answered_topic, topic_questions().get(note.answered_topic, "")))
    replies = collector.messages
    if not note.listened or not replies:
        # The dialogue failed part-way or said nothing: safety does not depend on it.
        logger.warning("A turn from %s ended without a finished reply.", message.input_channel)
        replies = with_safety_reply(
            without_repeats(replies), message.sender_id, safety_reply(message.text, domain_responses(app))
        )
    return replies_to_send(
        replies,
        message.sender_id,
        note.first_turn,
        note.also_asked,
        note.answered_topic,
        told_history=note.told_history,
    )


async def send_replies(output: OutputChannel, recipient_id: str, replies: List[Dict[str, Any]]) -> None:
    """Send collected replies through a channel's own output channel."""
    for reply in replies:
        reply = {key: value for key, value in reply.items() if key != "recipient_id"}
        try:
            await output.send_response(recipient_id, reply)
        except Exception:  # noqa: BLE001 - one failed send must not drop the rest
            logger.exception("Sending a reply through %s failed.", output.name())
