"""The sentence-risk model as served (bot/nlu/risk_model.py): its weights are
the ones `make train-risk` wrote, the NumPy forward pass gives what PyTorch
gave, and a regression floor on sentences it never trained on."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from bot.nlu.risk_model import HEADS, REFERENCE, WEIGHTS, SentenceRiskModel, shared_risk_model, verified_weights
from bot.nlu.sentence_encoder import WeightsVerificationError
from bot.nlu.sentence_risk import SentenceRiskScorer, scored_sentences
from tests.helpers.project import ROOT

# 51 of 90 at the served thresholds (2026-12-07: 0.99, with context); these
# sentences taught the old scorer, and the lexicon catches the rest.
RISK_SENTENCES_FLOOR = 0.55


def test_numpy_gives_the_scores_pytorch_gave_when_the_weights_were_written():
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    expected = np.array([[row[h] for h in HEADS] for row in reference])
    scores = shared_risk_model().scores([row["text"] for row in reference])
    assert scores.shape == (len(reference), len(HEADS))
    assert np.abs(scores - expected).max() < 1e-3
    # The reference is not trivial: each head fires on one of its sentences.
    assert (expected.max(0) > 0.9).all() and (expected.min(0) < 0.01).all()


def test_other_weights_are_refused(tmp_path):
    changed = bytearray(WEIGHTS.read_bytes())
    changed[-1] ^= 1
    path = tmp_path / "risk_model.safetensors"
    path.write_bytes(bytes(changed))
    with pytest.raises(WeightsVerificationError, match="refuse to start"):
        verified_weights(path)
    with pytest.raises(WeightsVerificationError, match="refuse to start"):
        SentenceRiskModel(path=tmp_path / "missing.safetensors")


def test_indirect_risk_it_never_trained_on_is_flagged():
    sentences = yaml.safe_load((ROOT / "tests" / "nlu" / "risk_sentences.yml").read_text(encoding="utf-8"))
    scorer = SentenceRiskScorer({})
    flagged = [scorer.score(text)["flagged"] for text in sentences["possible_risk"]]
    rate = sum(flagged) / len(flagged)
    print(f"\nrisk model, tests/nlu/risk_sentences.yml (regression): {sum(flagged)}/{len(flagged)} flagged")
    assert rate >= RISK_SENTENCES_FLOOR


def test_the_score_names_the_riskiest_sentence_and_every_head():
    result = SentenceRiskScorer({}).score(
        "what does a hysteroscopy involve? honestly some nights i think everyone would be better off without me"
    )
    assert result["sentence_index"] == 1 and result["supports_crisis_guess"]
    assert set(result) >= {"urgent", "same_day", "symptom_flagged", "supports_crisis_guess"}
    assert SentenceRiskScorer({}).score("ok") is None  # nothing of three words to score
    assert scored_sentences("ok") == []
