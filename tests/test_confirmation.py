"""Explicit yes / no: the only answers that may confirm a deletion."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.confirmation import ExplicitAnswerClassifier, explicit_answer


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes",
        "YES!",
        "y",
        "yes please",
        "Yes, delete it.",
        "yeah",
        "yep",
        "yup",
        "go ahead",
        "delete it",
        "yes delete everything",
        "confirm",
        "yes I'm sure",
        "yes im sure please",
        "/affirm",
        "  yes  ",
        "yes\u2019 please",
    ],
)
def test_explicit_yes(text):
    assert explicit_answer(text) == "affirm"


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No.",
        "n",
        "nope",
        "no thanks",
        "no thank you",
        "keep it",
        "don't delete it",
        "dont delete",
        "not now",
        "/deny",
        "no wait",
    ],
)
def test_explicit_no(text):
    assert explicit_answer(text) == "deny"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "yes but where is this from?",
        "where is this from",
        "yesterday",
        "yes I had 3 transfers",
        "no idea",
        "cancel",
        "stop",
        "delete",
        "yes delete my period app",
        "delete that question",
        "forget it",
        "yes no",
        "nope, what is RIF",
        "/affirmative",
        "/faq/rif_definition",
    ],
)
def test_anything_else_is_not_an_explicit_answer(text):
    assert explicit_answer(text) is None


@pytest.mark.parametrize(
    "text", ["ok", "Okay.", "sure", "cool!", "hmm", "i see", "got it", "ok thanks", "👍", "👍🏽", "🙏🙏", "❤️", "k"]
)
def test_acknowledgements_are_never_a_yes(text):
    """ "ok" or a thumbs-up after an answer gets one kind reply; it confirms nothing."""
    assert explicit_answer(text) == "acknowledge"


@pytest.mark.parametrize("text", ["ok what about RM", "😢", "💔", "ok " * 60, "👍" * 40])
def test_longer_or_sad_messages_are_not_acknowledgements(text):
    assert explicit_answer(text) is None


@pytest.mark.parametrize(
    "text", ["sometimes", "Kind of.", "maybe", "not sure", "i don't know", "not really", "/unsure"]
)
def test_half_answers_are_unsure_never_yes(text):
    # After the crisis question these are met as a yes; after the deletion question they keep the data.
    assert explicit_answer(text) == "unsure"


def _message(text, intent, ranking):
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.9})
    message.set("intent_ranking", [{"name": name, "confidence": c} for name, c in ranking])
    return message


def test_component_sets_explicit_answers_with_full_confidence():
    message = _message("Yes please", "inform", [("inform", 0.6), ("affirm", 0.3)])
    ExplicitAnswerClassifier().process([message])
    assert message.get("intent") == {"name": "affirm", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["affirm", "inform"]


def test_component_drops_a_guessed_yes_for_the_next_intent():
    message = _message("yes but where is this from", "affirm", [("affirm", 0.5), ("faq", 0.4), ("deny", 0.1)])
    ExplicitAnswerClassifier().process([message])
    assert message.get("intent")["name"] == "faq"
    assert [r["name"] for r in message.get("intent_ranking")] == ["faq"]


def test_component_leaves_other_intents_alone():
    message = _message("what is RIF", "faq", [("faq", 0.9), ("affirm", 0.05)])
    ExplicitAnswerClassifier().process([message])
    assert message.get("intent") == {"name": "faq", "confidence": 0.9}
