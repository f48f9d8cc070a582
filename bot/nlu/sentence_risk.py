"""Possible suicide risk found by meaning, sentence by sentence.

The safety lexicon (safety_patterns.yml) lists warning signs word by word,
and blind test batches showed that people say them in more ways than any
list holds ("tonight feels like the night I finally stop being a problem
for everyone"). This component embeds every sentence of the user's own
words with the sentence encoder and scores it with a logistic regression
trained on the crisis and crisis_check examples (positives) against every
other training sentence (negatives, including grief, anger and figures of
speech). The highest-scoring sentence is written to the message as
``sentence_risk``; the SafetyNet, which runs next, turns a score at or over
``threshold`` into the tier-2 question (it asks; it never gives the tier-1
reply on meaning alone).

Training and inference both split with the safety net's sentence splitter,
so what is scored is what the lexicon checks.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding_classifier import LinearSoftmax
from bot.nlu.guard import guarded
from bot.nlu.safety_net import CRISIS, CRISIS_CHECK, detect_safety_intent, split_sentences, users_own_words
from bot.nlu.sentence_encoder import shared_encoder

logger = logging.getLogger(__name__)

SENTENCE_RISK = "sentence_risk"
RISK = "risk"
MIN_WORDS = 3
MAX_SENTENCES = 24  # a very long message: the first 24 sentences of 3+ words (the lexicon reads all)
LONG_EXAMPLE_WORDS = 30
_FILE = "sentence_risk.npz"


def scored_sentences(text: Optional[str]) -> List[str]:
    """The sentences worth scoring: three words or more, at most MAX_SENTENCES."""
    sentences = [s for s in split_sentences(text or "") if len(s.split()) >= MIN_WORDS]
    return sentences[:MAX_SENTENCES]


def training_sentences(text: str, risky: bool) -> List[str]:
    """A risky example's sentences that carry the risk (the lexicon's, or the
    whole of a short example); every sentence of any other example."""
    sentences = scored_sentences(text)
    if not risky:
        return sentences
    marked = [s for s in sentences if detect_safety_intent(s) in (CRISIS, CRISIS_CHECK)]
    if marked:
        return marked
    return [text] if len(text.split()) <= LONG_EXAMPLE_WORDS else []


def extra_sentences(path: Optional[str]) -> List[Tuple[str, bool]]:
    """(sentence, is possible risk) from the scorer's own file, if there is one."""
    if not path or not Path(path).exists():
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [(text, True) for text in data.get("possible_risk") or []] + [
        (text, False) for text in data.get("not_risk") or []
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceRiskScorer(GraphComponent):
    """Scores each sentence for possible suicide risk (see module docstring).
    ``extra_sentences``: a YAML file of more sentences for this scorer only,
    so that they do not make the intent classifier see risk everywhere."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # threshold: meaning alone asks the tier-2 question. support: enough to
        # back the intent classifier's own crisis guess (bot/nlu/safety_net.py).
        # Asking whenever distress and a score of 0.75 meet was tried: it asked
        # people crying at work whether they wanted to die, so it was dropped.
        # Chosen on tests/nlu/real_voice.yml and the training data; two blind
        # batches report how it generalises (README, bench/results).
        return {
            "threshold": 0.93,
            "support": 0.5,
            "regularisation": 1.0,
            "extra_sentences": "data/safety/risk_sentences.yml",
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LinearSoftmax] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage, self._resource, self._model = model_storage, resource, model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceRiskScorer":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        rows: List[str] = []
        labels: List[str] = []
        for example in training_data.intent_examples:
            text = re.sub(r"\s+", " ", example.get("glossary_original_text") or example.get(TEXT) or "").strip()
            risky = example.get(INTENT) in (CRISIS, CRISIS_CHECK)
            for sentence in training_sentences(text, risky):
                rows.append(sentence)
                labels.append(RISK if risky else "other")
        for sentence, risky in extra_sentences(self._config.get("extra_sentences")):
            rows.append(sentence)
            labels.append(RISK if risky else "other")
        if len(set(labels)) < 2:
            return self._resource  # no crisis examples: nothing to learn
        features = shared_encoder().encode(rows)
        self._model = LinearSoftmax.fit(
            features, labels, float(self._config["regularisation"]), class_weight="balanced"
        )
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory / _FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SentenceRiskScorer":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                if (directory / _FILE).exists():
                    model = LinearSoftmax.load(directory / _FILE)
        except ValueError:  # not trained
            logger.debug("No trained sentence risk scorer found.")
        return cls(config, model_storage, resource, model)

    def score(self, text: Optional[str]) -> Optional[Dict[str, Any]]:
        """The riskiest sentence's score and index, or None with nothing to score."""
        sentences = scored_sentences(text)
        if self._model is None or not sentences:
            return None
        probabilities = self._model.probabilities(shared_encoder().encode(sentences))
        risk = probabilities[:, self._model.labels.index(RISK)]
        index = int(np.argmax(risk))
        score = float(risk[index])
        return {
            "score": round(score, 4),
            "sentence_index": index,
            "flagged": score >= self._config["threshold"],
            "supports_crisis_guess": score >= self._config["support"],
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
