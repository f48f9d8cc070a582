"""End to end: the real Rasa server with our Slack connector, against a fake
Slack Web API on 127.0.0.1, with requests signed as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
from itertools import count

import pytest

from tests.helpers.project import faq_answers
from tests.helpers.servers import post_raw
from tests.helpers.shared_assistant import SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET

pytestmark = pytest.mark.e2e

BOT_TOKEN = SLACK_BOT_TOKEN
WEBHOOK = "/webhooks/slack/webhook"
event_ids = count(1)


@pytest.fixture
def slack(assistant):
    return assistant.base_url, assistant.slack


@pytest.fixture
def server(slack):
    base_url, api = slack
    api.clear()
    return base_url, api


def signed_headers(body: bytes, content_type: str, secret: str = SLACK_SIGNING_SECRET, timestamp: int = 0) -> dict:
    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest}",
    }


def dm_event(user: str, text: str, event_id: str = "") -> dict:
    return {
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(event_ids):06d}",
        "team_id": "T1",
        "authorizations": [{"user_id": "UBOT"}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        },
    }


def post_event(base_url: str, event: dict, content_type: str = "application/json", extra_headers=None, **signing):
    body = json.dumps(event).encode("utf-8")
    headers = {**signed_headers(body, content_type, **signing), **(extra_headers or {})}
    return post_raw(base_url, body, path=WEBHOOK, headers=headers)


def answered(api, count_: int):
    api.wait_for(lambda: len(api.calls_to("chat.postMessage")) >= count_)
    return api.calls_to("chat.postMessage")


def after_a_follow_up(base_url: str, api, user: str) -> list:
    """Send "what is RM" from ``user`` and wait for its answer. One user's
    messages are handled in order, so anything an earlier request of this
    user would have caused has been sent by then: no fixed sleeps."""
    assert post_event(base_url, dm_event(user, "what is RM"))[0] == 200
    rm_answer = faq_answers()["rm_definition"]["text"]
    api.wait_for(lambda: any(c.params.get("text") == rm_answer for c in api.calls_to("chat.postMessage")))
    return api.calls_to("chat.postMessage")


def test_a_direct_message_gets_the_disclaimer_then_its_answer_with_block_buttons(server):
    base_url, api = server
    assert post_event(base_url, dm_event("U501", "what is RIF"))[0] == 200
    first, second = answered(api, 2)
    assert first.token == BOT_TOKEN and first.params["channel"] == "DU501"
    assert "not a doctor" in first.params["text"]
    answer = faq_answers()["rif_definition"]
    assert second.params["text"] == answer["text"]
    section, actions = second.params["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": answer["text"]}}
    entity = '{"faq_key":"rif_definition"}'
    added = [f"/ask_sources{entity}", f"/feedback_helpful{entity}", f"/feedback_not_helpful{entity}"]
    assert [element["value"] for element in actions["elements"]] == [b["payload"] for b in answer["buttons"]] + added
    assert [element["text"]["text"] for element in actions["elements"]] == [b["title"] for b in answer["buttons"]] + [
        "Sources",
        "This helped",
        "Not helpful",
    ]


def test_json_with_a_charset_is_accepted(server):
    base_url, api = server
    status, _ = post_event(
        base_url, dm_event("U502", "what is recurrent miscarriage"), content_type="application/json; charset=utf-8"
    )
    assert status == 200
    assert answered(api, 2)[-1].params["text"] == faq_answers()["rm_definition"]["text"]


def test_a_button_click_answers_its_topic(server):
    base_url, api = server
    payload = {
        "type": "block_actions",
        "trigger_id": "trig-1",
        "user": {"id": "U503"},
        "channel": {"id": "DU503"},
        "message": {"ts": "1700000000.000100"},
        "actions": [
            {"type": "button", "action_id": "button_0", "value": "/faq/rif_causes", "action_ts": "1700000001.1"}
        ],
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode("utf-8")
    status, _ = post_raw(
        base_url, body, path=WEBHOOK, headers=signed_headers(body, "application/x-www-form-urlencoded")
    )
    assert status == 200
    replies = answered(api, 2)  # a new conversation: disclaimer, then the topic
    assert replies[-1].params["text"] == faq_answers()["rif_causes"]["text"]
    assert replies[-1].params["channel"] == "DU503"


@pytest.mark.parametrize("reason", ["http_error", "http_timeout", "too_many_requests", "unknown_error"])
def test_a_retry_of_a_handled_event_gets_no_second_reply(server, reason):
    base_url, api = server
    event = dm_event(f"U6{len(reason)}", "how common is recurrent miscarriage")
    assert post_event(base_url, event)[0] == 200
    replies = answered(api, 2)
    status, body = post_event(base_url, event, extra_headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason})
    assert (status, body) == (200, "already handled")
    calls = after_a_follow_up(base_url, api, f"U6{len(reason)}")
    assert len(calls) == len(replies) + 1  # the follow-up's answer, and no second reply to the retry


def test_a_first_delivery_that_arrives_as_a_retry_is_still_answered(server):
    # The original never reached this server (say it was down): the retry is the first we see.
    base_url, api = server
    event = dm_event("U507", "what is RIF")
    status, _ = post_event(
        base_url, event, extra_headers={"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}
    )
    assert status == 200
    assert answered(api, 2)[-1].params["text"] == faq_answers()["rif_definition"]["text"]


@pytest.mark.parametrize(
    "signing",
    [{"secret": "not-the-secret"}, {"timestamp": int(time.time()) - 3600}],
    ids=["wrong-secret", "replayed-old-timestamp"],
)
def test_a_request_without_a_valid_signature_is_refused(server, signing):
    base_url, api = server
    status, _ = post_event(base_url, dm_event(f"U508{len(signing)}{sorted(signing)[0][0]}", "what is RIF"), **signing)
    assert status == 400
    calls = after_a_follow_up(base_url, api, f"U508{len(signing)}{sorted(signing)[0][0]}")
    assert len(calls) == 2 and "not a doctor" in calls[0].params["text"]  # only the follow-up was answered


def test_url_verification_returns_the_challenge(server):
    base_url, _ = server
    status, body = post_event(base_url, {"type": "url_verification", "challenge": "abc123", "token": "x"})
    assert (status, body) == (200, {"challenge": "abc123"})


def test_the_bots_own_messages_are_not_answered(server):
    base_url, api = server
    event = dm_event("U509", "echo")
    event["event"]["bot_id"] = "BBOT"
    assert post_event(base_url, event)[0] == 200
    calls = after_a_follow_up(base_url, api, "U509")
    assert len(calls) == 2 and "not a doctor" in calls[0].params["text"]  # only the follow-up was answered


def test_yes_after_an_answer_then_a_crisis_message(server):
    """One kind reply to "yes", then the crisis reply: the conversation stays intact."""
    base_url, api = server
    assert post_event(base_url, dm_event("U520", "what is RIF"))[0] == 200
    answered(api, 2)
    assert post_event(base_url, dm_event("U520", "yes"))[0] == 200
    replies = answered(api, 3)
    assert "anything else" in replies[2].params["text"]
    assert post_event(base_url, dm_event("U520", "I want to kill myself"))[0] == 200
    api.wait_for(lambda: any("116 123" in (c.params.get("text") or "") for c in api.calls_to("chat.postMessage")))
    texts = [c.params.get("text") or "" for c in api.calls_to("chat.postMessage")]
    assert len(texts) == 4 and "988" in texts[3]
