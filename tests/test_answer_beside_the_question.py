"""What is answered before the tier-2 question (actions.support.logic)."""

from __future__ import annotations

import pytest

from actions.support.logic import answer_beside_the_question


def parse(tier, overrode="faq", symptom=None, reason="meaning"):
    """``symptom``: None, "same_day" or "urgent" (the head that scored over the threshold)."""
    scores = {"urgent": 0.995 if symptom == "urgent" else 0.01, "same_day": 0.995 if symptom == "same_day" else 0.01}
    return {
        "safety_net": {"tier": tier, "overrode": overrode, "reason": reason},
        "sentence_risk": {"symptom_flagged": symptom is not None, **scores},
    }


@pytest.mark.parametrize(
    "parse_data,key,expected",
    [
        (parse(2), "rif_tests", "utter_faq/rif_tests"),  # the question is answered, then asked
        (parse(2, symptom="same_day"), "rif_tests", "utter_same_day_care"),  # a symptom comes first
        (parse(2, symptom="urgent"), "rif_tests", "utter_urgent_care"),  # an urgent one: the emergency reply
        (parse(2, overrode="express_distress"), None, None),  # nothing else was asked
        (parse(2, overrode="express_distress"), "rif_tests", None),  # a distress message is not an FAQ
        (parse(1), "rif_tests", None),  # never beside the tier-1 reply
        (parse(None, reason="meaning:symptom"), "bleeding", "utter_faq/bleeding"),  # same-day advice follows
        (parse(None, reason="meaning:symptom", overrode="express_distress"), "bleeding", None),
        (parse(None, reason="spotting"), "bleeding", None),  # the lexicon's own finding: advice only
        (parse(None, reason="meaning:with_classifier"), "bleeding", None),  # never beside the emergency reply
        (parse(None, reason="meaning:urgent"), "bleeding", None),
        ({}, "rif_tests", None),
        (None, None, None),
    ],
)
def test_the_answer_before_the_question(parse_data, key, expected):
    assert answer_beside_the_question(parse_data, key) == expected
