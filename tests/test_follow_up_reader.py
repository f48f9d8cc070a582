"""Follow-ups read with the previous answer (bot/nlu/follow_up_context.py):
the table, the words it needs, and what the channel passes."""

from __future__ import annotations

import pytest

from bot.conversation import with_follow_up_context
from bot.nlu.follow_up_context import FollowUp, context_of, is_elliptical, read_follow_up


@pytest.mark.parametrize(
    "text, previous, expected",
    [
        ("and for RM?", "rif_tests", FollowUp("rm_tests")),
        ("what about RIF?", "rm_causes", FollowUp("rif_causes")),
        ("and rpl", "rif_treatment", FollowUp("rm_treatment")),
        ("is it painful?", "endometrial_tests_scratch", FollowUp("endometrial_tests_scratch", more=True)),
        ("how long does that take?", "rm_tests", FollowUp("rm_tests", more=True)),
        ("does the NHS do it?", "pgt", FollowUp("pgt", more=True)),
        ("tell me more", "genetic_factors", FollowUp("genetic_factors", more=True)),
        ("why?", "immune_factors", FollowUp("immune_factors", more=True)),
        ("what about my husband?", "rm_tests", FollowUp("partner_role")),
        ("and my partner? he won't talk about it", "emotional_impact", FollowUp("partner_grief")),
        ("how is it treated?", "immune_factors", FollowUp("immunomodulation")),
        ("how is it treated?", "rm_causes", FollowUp("rm_treatment")),
        ("what tests are there then", "rif_causes", FollowUp("rif_tests")),
        ("what is RIF?", "rm_tests", FollowUp("rif_definition")),
        ("and for RIF, is it the same?", "lifestyle", FollowUp("lifestyle", more=True)),  # covers both
    ],
)
def test_follow_ups_with_the_previous_topic(text, previous, expected):
    assert read_follow_up(text, previous, confidence=0.9) == expected


@pytest.mark.parametrize(
    "text, previous, terms",
    [
        ("is aspirin safe?", "rm_treatment", ["aspirin"]),  # a term of its own
        ("thanks", "rif_tests", []),
        ("and for RM?", None, []),  # nothing answered yet
        ("/faq/rm_tests", "rif_tests", []),
        (
            "I had three failed transfers and my clinic wants to try the scratch next, which I am not sure about",
            "rif_tests",
            [],
        ),
    ],
)
def test_messages_that_are_not_follow_ups(text, previous, terms):
    assert read_follow_up(text, previous, confidence=0.9, terms=terms) is None


def test_a_longer_message_is_read_in_context_only_when_the_classifier_is_unsure():
    text = "for people who keep miscarrying is it the same list of things to check"
    assert read_follow_up(text, "rif_tests", confidence=0.95) is None
    assert read_follow_up(text, "rif_tests", confidence=0.3) == FollowUp("rm_tests")
    # ...unless it opens by leading back.
    assert read_follow_up("ok and what about for people who keep miscarrying", "rif_tests", 0.95) == FollowUp(
        "rm_tests"
    )


@pytest.mark.parametrize(
    "text, previous, expected",
    [
        ("and how is that different from RM", "rif_definition", FollowUp("rif_vs_rm")),
        ("is it the same thing as RIF?", "rm_definition", FollowUp("rif_vs_rm")),
    ],
)
def test_a_comparison_after_a_definition(text, previous, expected):
    assert read_follow_up(text, previous, confidence=0.9) == expected


@pytest.mark.parametrize(
    "text, elliptical",
    [
        ("polyps too?", True),
        ("and if they're high?", True),
        ("what is PGT-A, who offers it on the NHS and how much does it cost at a private clinic", False),
        ("", False),
    ],
)
def test_what_needs_the_previous_question(text, elliptical):
    assert is_elliptical(text) is elliptical


def test_the_channel_context_round_trips_and_is_bounded():
    metadata = with_follow_up_context({"source": "widget"}, ("rif_tests", "what tests for RIF?" + "x" * 1000))
    context = context_of(metadata)
    assert metadata["source"] == "widget"
    assert context.topic == "rif_tests" and context.question.startswith("what tests for RIF?")
    assert len(context.question) <= 300
    assert with_follow_up_context(None, None) is None
    assert context_of({"follow_up": "not a dict"}) is None and context_of(None) is None
