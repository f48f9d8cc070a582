"""Possible suicide risk and urgent or same-day symptoms found by meaning,
sentence by sentence.

The safety lexicon (safety_patterns.yml) lists warning signs word by word,
and blind test batches showed that people say them in more ways than any
list holds. This component scores every sentence of the user's own words
with the sentence-risk model (bot/nlu/risk_model.py: the encoder's top
layers fine-tuned for the task on the corpus by taxonomy in
data/safety/risk_corpus/, shipped with the code, nothing to train here) and
writes the highest score of each head to the message as ``sentence_risk``.
The SafetyNet, which runs next, turns a risk score at or over ``threshold``
into the tier-2 question, and a symptom score over ``symptom_threshold`` into the
same-day advice; meaning alone never gives the tier-1 reply or the
emergency reply.

Sentences are split with the safety net's splitter, so what is scored is
what the lexicon checks.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.guard import guarded
from bot.nlu.risk_model import HEADS, SentenceRiskModel, shared_risk_model
from bot.nlu.safety_net import split_sentences, users_own_words

SENTENCE_RISK = "sentence_risk"
MIN_WORDS = 3
MAX_SENTENCES = 24  # a very long message: the first 24 sentences of 3+ words (the lexicon reads all)


def scored_sentences(text: Optional[str]) -> List[str]:
    """The sentences worth scoring: three words or more, at most MAX_SENTENCES."""
    sentences = [s for s in split_sentences(text or "") if len(s.split()) >= MIN_WORDS]
    return sentences[:MAX_SENTENCES]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SentenceRiskScorer(GraphComponent):
    """Scores each sentence for possible suicide risk and for symptoms (see
    module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # threshold: 0.998 was chosen first, on the regression sets and the
        # 2026-12-04 batch; the 2026-12-07 blind batch's first run at 0.998
        # (bench/results/safety_blind_2026_12_07.risk_model.md) then showed it
        # too cautious (the lexicon already catches every regression case, so
        # there meaning can only add false alarms), and it was lowered to 0.99
        # after that run. That batch is a regression set from then on; the
        # next blind batch measures 0.99.
        # threshold: meaning alone asks the tier-2 question. support: enough to
        # back the classifier's own crisis guess (bot/nlu/safety_net.py).
        # context_threshold: see score(). symptom_threshold: an urgent or
        # same-day score that gets the same-day advice.
        return {
            "threshold": 0.99,
            "support": 0.5,
            "context_threshold": 0.9,
            "symptom_threshold": 0.99,
        }

    def __init__(self, config: Dict[Text, Any], model: Optional[SentenceRiskModel] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model = model or shared_risk_model()  # verifies the weights

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceRiskScorer":
        return cls(config)

    def score(self, text: Optional[str]) -> Optional[Dict[str, Any]]:
        """The highest score of each head and the riskiest sentence's index,
        or None with nothing to score.

        A sentence's risk is read in context too (with the sentences either
        side, in the same forward pass): a fragment such as "asking so I know
        for next time" can score high alone and low in its message. A sentence
        counts at its own score when its context scores at least
        ``context_threshold``, else at the lower of the two."""
        sentences = scored_sentences(text)
        if not sentences:
            return None
        windows = [" ".join(sentences[max(0, i - 1) : i + 2]) for i in range(len(sentences))]
        scores = self._model.scores(sentences + (windows if len(sentences) > 1 else []))
        alone = scores[: len(sentences)]
        context = scores[len(sentences) :] if len(sentences) > 1 else alone
        risk, in_context = alone[:, HEADS.index("risk")], context[:, HEADS.index("risk")]
        risk = np.where(in_context >= self._config["context_threshold"], risk, np.minimum(risk, in_context))
        urgent, same_day = alone[:, HEADS.index("urgent")], alone[:, HEADS.index("same_day")]
        index = int(np.argmax(risk))
        score = float(risk[index])
        symptom = float(max(urgent.max(), same_day.max()))
        return {
            "score": round(score, 4),
            "sentence_index": index,
            "flagged": score >= self._config["threshold"],
            "supports_crisis_guess": score >= self._config["support"],
            "urgent": round(float(urgent.max()), 4),
            "same_day": round(float(same_day.max()), 4),
            "symptom_flagged": symptom >= self._config["symptom_threshold"],
        }

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            result = self.score(users_own_words(message))
            if result is not None:
                message.set(SENTENCE_RISK, result, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
