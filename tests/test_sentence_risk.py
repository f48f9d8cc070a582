"""The sentence risk scorer's plain parts, and how the safety net uses its
score (bot/nlu/sentence_risk.py, bot/nlu/safety_net.py). Its accuracy is
measured through the trained model in tests/test_nlu_real_voice.py."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import (
    CRISIS_CHECK,
    EARLY_PREGNANCY_CONCERN,
    URGENT_SYMPTOMS,
    SafetyNet,
    demote_unconfirmed_guess,
    finding_by_meaning,
)
from bot.nlu.sentence_risk import MAX_SENTENCES, SENTENCE_RISK, scored_sentences


def test_scored_sentences_skip_fragments_and_cap_long_messages():
    assert scored_sentences("ok. thanks so much for that. yes") == ["thanks so much for that"]
    assert scored_sentences("") == []
    many = " ".join(f"sentence number {i} here." for i in range(100))
    assert len(scored_sentences(many)) == MAX_SENTENCES


def message(intent, confidence=0.8, risk=None, ranking=None, urgent=0.0, same_day=0.0):
    m = Message(data={"text": "x"})
    m.set("intent", {"name": intent, "confidence": confidence})
    m.set("intent_ranking", ranking or [{"name": intent, "confidence": confidence}])
    if risk is not None:
        m.set(
            SENTENCE_RISK,
            {
                "score": risk,
                "sentence_index": 0,
                "flagged": risk >= 0.99,
                "supports_crisis_guess": risk >= 0.5,
                "urgent": urgent,
                "same_day": same_day,
                "symptom_flagged": max(urgent, same_day) >= 0.99,
            },
        )
    return m


def test_meaning_alone_asks_the_tier_2_question_and_never_more():
    assert finding_by_meaning(message("faq", risk=0.999)).intent == CRISIS_CHECK
    assert finding_by_meaning(message("faq", risk=0.999)).tier == 2
    assert not finding_by_meaning(message("faq", risk=0.6))
    assert not finding_by_meaning(message("faq"))


@pytest.mark.parametrize(
    "intent,urgent,same_day,expected",
    [
        ("faq", 0.995, 0.1, URGENT_SYMPTOMS),  # an urgent symptom by meaning alone: the emergency reply
        ("faq", 0.1, 0.995, EARLY_PREGNANCY_CONCERN),
        ("urgent_symptoms", 0.995, 0.1, URGENT_SYMPTOMS),
        ("urgent_symptoms", 0.5, 0.995, EARLY_PREGNANCY_CONCERN),  # the same-day reading is the stronger
        ("faq", 0.5, 0.5, None),
        ("faq", 0.98, 0.2, None),  # under the symptom threshold
    ],
)
def test_symptoms_by_meaning_get_the_advice_their_stronger_head_says(intent, urgent, same_day, expected):
    finding = finding_by_meaning(message(intent, risk=0.01, urgent=urgent, same_day=same_day))
    assert finding.intent == expected
    assert finding.tier is None


@pytest.mark.parametrize(
    "intent,risk,expected",
    [
        ("crisis", 0.7, "crisis_check"),  # backed: asked, never the tier-1 reply on a guess
        ("crisis_check", 0.7, "crisis_check"),
        ("crisis_check", 0.2, "express_distress"),  # not backed: the next intent
        ("crisis", 0.2, "express_distress"),
        ("crisis_check", None, "crisis_check"),  # no scorer in the pipeline: as before
    ],
)
def test_the_classifiers_crisis_guess_needs_the_scorers_backing(intent, risk, expected):
    ranking = [{"name": intent, "confidence": 0.6}, {"name": "express_distress", "confidence": 0.3}]
    m = message(intent, 0.6, risk, ranking)
    demote_unconfirmed_guess(m)
    assert m.get("intent")["name"] == expected


def test_the_safety_net_reports_meaning_as_its_reason():
    m = message("faq", risk=0.999)
    m.set("text", "tonight feels like the right time to stop being a problem")
    SafetyNet().process([m])
    assert m.get("intent")["name"] == CRISIS_CHECK and m.get("safety_net")["reason"] in ("meaning", "not_around")
