"""FAQ buttons (/faq/<key>) resolve exactly to their topic."""

from __future__ import annotations

import pytest

from bot.nlu.faq_button_payload import faq_keys_from_responses, parse_faq_payload
from tests.conftest import faq_key_of
from tests.helpers.project import all_responses, catalogue_keys

KNOWN = frozenset({"rif_definition", "rm_tests"})


@pytest.mark.parametrize(
    "text,expected",
    [
        ("/faq/rif_definition", "rif_definition"),
        ("  /faq/rm_tests ", "rm_tests"),
        ("/faq/unknown_topic", None),
        ("/faq/", None),
        ("/faq/RIF_definition", None),
        ('/faq/rif_definition{"x": 1}', None),
        ("what is /faq/rif_definition", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_faq_payload(text, expected):
    assert parse_faq_payload(text, KNOWN) == expected


def test_faq_keys_from_responses_keeps_only_faq_answers():
    names = ["utter_greet", "utter_faq/rm_tests", "utter_faq/pgt", "utter_faqx"]
    assert faq_keys_from_responses(names) == ["pgt", "rm_tests"]


def _all_faq_payloads() -> list:
    payloads = set()
    for variants in all_responses().values():
        for variant in variants:
            payloads |= {b["payload"] for b in variant.get("buttons", []) if b["payload"].startswith("/faq/")}
    return sorted(payloads)


def test_every_catalogue_topic_is_reachable_by_a_button():
    reachable = {payload.split("/")[2] for payload in _all_faq_payloads()}
    missing = set(catalogue_keys()) - reachable
    # Every topic is offered from at least one other answer.
    assert missing == set()


@pytest.mark.parametrize("payload", _all_faq_payloads())
def test_trained_model_answers_each_button_with_its_topic(parse, payload):
    result = parse(payload)
    assert (result["intent"]["name"], result["intent"]["confidence"]) == ("faq", 1.0)
    assert faq_key_of(result) == payload[1:]  # "/faq/x" -> "faq/x"


def test_unknown_faq_payload_is_not_answered_as_a_topic(parse):
    # An unknown button is never guessed into some topic: it gets the fallback.
    result = parse("/faq/not_a_topic")
    assert result["intent"] == {"name": "nlu_fallback", "confidence": 1.0}
