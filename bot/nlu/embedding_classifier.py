"""Intent and FAQ topic from the sentence embedding, with two logistic regressions.

Patients' messages are long stories with jargon and typos. On the real-voice
set (tests/nlu/real_voice.yml) DIET and the ResponseSelector, trained on our
word and character counts, picked the right FAQ for 66% of the questions; a
logistic regression on the all-MiniLM-L6-v2 embedding (bot/nlu/sentence_encoder.py)
of the same training data picks it for ~87%, and also rejects out-of-scope
messages better. It trains in seconds, so it replaces both.

Output is what Rasa's own classifiers give: ``intent`` and ``intent_ranking``,
and for the retrieval intent ``faq`` a ``response_selector`` entry naming the
answer (``utter_faq/<key>``). The models are stored as plain arrays (no pickle).

A short follow-up that refers back ("and if they're high, how do they treat
it?") is also classified together with the question answered last, which the
channel passes in the metadata (bot/nlu/follow_up_context.py); the reading in
context is taken when it is an FAQ and clearly surer than the message alone.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.follow_up_context import context_of, is_elliptical, leads_back, names_own_term
from bot.nlu.glossary import ORIGINAL_TEXT, expand, load_glossary
from bot.nlu.guard import guarded
from bot.nlu.question_focus import is_question, sentences
from bot.nlu.sentence_encoder import DIMENSION, shared_encoder

logger = logging.getLogger(__name__)

RETRIEVAL_INTENT = "faq"
RANKING_LENGTH = 10
# Intents of the message alone that a reading in context may replace, and by
# how much surer the reading in context must be.
CONTEXT_REPLACES = {RETRIEVAL_INTENT, "out_of_scope", "nlu_fallback", "inform"}
CONTEXT_MARGIN = 0.1
# Below this, the message alone is unreadable whatever its intent (the safety
# net still reads every message after the classifiers).
CONTEXT_UNSURE = 0.6
ALSO_ASKED = "also_asked"
# A question sentence names another topic when the FAQ model gives it at least this.
ALSO_ASKED_CONFIDENCE = 0.25
MAX_ALSO_ASKED = 2
# Questions of one message classified on their own: a flood of "?" must not
# cost one encoder pass per question.
MAX_QUESTIONS = 6
_FILES = {"intent": "intent_model.npz", "faq": "faq_model.npz"}


class LinearSoftmax:
    """A trained multinomial logistic regression as arrays: probabilities are
    softmax(x @ weights.T + bias), exactly sklearn's predict_proba."""

    def __init__(self, labels: List[str], weights: np.ndarray, bias: np.ndarray) -> None:
        self.labels, self.weights, self.bias = labels, weights, bias

    @classmethod
    def fit(
        cls, features: np.ndarray, labels: List[str], regularisation: float, class_weight: Optional[str] = None
    ) -> "LinearSoftmax":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=regularisation, max_iter=3000, class_weight=class_weight).fit(features, labels)
        weights, bias = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes
            weights, bias = np.vstack([-weights, weights]) / 2, np.array([-bias[0], bias[0]]) / 2
        return cls([str(label) for label in model.classes_], weights, bias)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        scores = features @ self.weights.T + self.bias
        scores -= scores.max(axis=-1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=-1, keepdims=True)

    def ranking(self, features: np.ndarray, length: int = RANKING_LENGTH) -> List[Tuple[str, float]]:
        probabilities = self.probabilities(features[None, :])[0]
        order = np.argsort(-probabilities)[:length]
        return [(self.labels[i], float(probabilities[i])) for i in order]

    def save(self, path) -> None:
        np.savez(path, weights=self.weights, bias=self.bias, labels=np.array(json.dumps(self.labels)))

    @classmethod
    def load(cls, path) -> "LinearSoftmax":
        with np.load(path, allow_pickle=False) as data:
            return cls(json.loads(str(data["labels"])), data["weights"], data["bias"])


def sentence_embedding(message: Message) -> Optional[np.ndarray]:
    """The sentence encoder's [384] vector of the message text, if featurised."""
    for feature in message.features:
        if (
            feature.attribute == TEXT
            and feature.type == "sentence"
            and feature.is_dense()
            and feature.features.shape[-1] == DIMENSION
        ):
            return np.asarray(feature.features).reshape(-1)
    return None


def question_sentences(text: str) -> List[str]:
    """The question sentences of a message that asks two or more."""
    questions = [part for part in sentences(text) if is_question(part)]
    return questions if len(questions) >= 2 else []


def other_topics(main_key: str, per_question: List[Tuple[str, float]]) -> List[str]:
    """FAQ keys of the other questions (best first, no repeats, at most MAX_ALSO_ASKED)."""
    found: List[str] = []
    for key, confidence in sorted(per_question, key=lambda pair: -pair[1]):
        if confidence >= ALSO_ASKED_CONFIDENCE and key != main_key and key not in found:
            found.append(key)
    return found[:MAX_ALSO_ASKED]


def faq_selection(ranking: List[Tuple[str, float]]) -> Dict[str, Any]:
    """The ``response_selector`` entry for a ranking of ``faq/<key>`` labels."""
    key, confidence = ranking[0]
    return {
        "response": {
            "responses": [],  # the answer itself comes from the domain (utter_faq/<key>)
            "confidence": confidence,
            "intent_response_key": key,
            "utter_action": f"utter_{key}",
        },
        "ranking": [{"confidence": c, "intent_response_key": k} for k, c in ranking],
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmbeddingClassifier(GraphComponent):
    """Intent (all intents, FAQ topics counted as ``faq``) and FAQ topic from
    the sentence embedding (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Inverse regularisation of both regressions; 20 did best on the held-out
        # paraphrases (98% FAQ) without losing the real-voice set.
        return {"regularisation": 20.0}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: Optional[Dict[str, LinearSoftmax]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._models = models or {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmbeddingClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        intent_rows, intents, faq_rows, keys = [], [], [], []
        for example in training_data.intent_examples:
            vector = sentence_embedding(example)
            if vector is None:
                continue
            intent_rows.append(vector)
            intents.append(example.get(INTENT))
            if example.get(INTENT) == RETRIEVAL_INTENT and example.get(INTENT_RESPONSE_KEY):
                faq_rows.append(vector)
                keys.append(example.get(INTENT_RESPONSE_KEY))
        regularisation = float(self._config["regularisation"])
        self._models = {"intent": LinearSoftmax.fit(np.stack(intent_rows), intents, regularisation)}
        if len(set(keys)) >= 2:
            self._models["faq"] = LinearSoftmax.fit(np.stack(faq_rows), keys, regularisation)
        with self._model_storage.write_to(self._resource) as directory:
            for name, model in self._models.items():
                model.save(directory / _FILES[name])
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EmbeddingClassifier":
        models = {}
        try:
            with model_storage.read_from(resource) as directory:
                for name, filename in _FILES.items():
                    if (directory / filename).exists():
                        models[name] = LinearSoftmax.load(directory / filename)
        except ValueError:  # not trained (e.g. a model without NLU data)
            logger.debug("No trained embedding classifier found.")
        return cls(config, model_storage, resource, models)

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        if "intent" not in self._models:
            return messages
        for message in messages:
            vector = sentence_embedding(message)
            if vector is None:  # empty text: no intent, as DIET does (later components expect the key)
                message.set("intent", {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
                continue
            ranking = self._models["intent"].ranking(vector)
            in_context = self._reading_in_context(message, ranking, vector)
            if in_context is not None:
                ranking, vector = in_context
            intent_ranking = [{"name": name, "confidence": confidence} for name, confidence in ranking]
            message.set("intent", intent_ranking[0], add_to_output=True)
            message.set("intent_ranking", intent_ranking, add_to_output=True)
            if "faq" in self._models:
                selector = message.get("response_selector") or {}
                selector["all_retrieval_intents"] = [RETRIEVAL_INTENT]
                ranking_of_keys = self._models["faq"].ranking(vector)
                selector[RETRIEVAL_INTENT] = faq_selection(ranking_of_keys)
                message.set("response_selector", selector, add_to_output=True)
                self._note_other_questions(message, ranking_of_keys[0][0])
        return messages

    def _reading_in_context(
        self, message: Message, own: List[Tuple[str, float]], own_vector: np.ndarray
    ) -> Optional[Tuple[List[Tuple[str, float]], np.ndarray]]:
        """(intent ranking, vector) of the previous question with this
        follow-up, when that reading is an FAQ and its topic clearly surer
        than the message's own; else None."""
        if RETRIEVAL_INTENT not in self._models:
            return None
        context = context_of(message.get("metadata"))
        words = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
        if context is None or not context.question or not is_elliptical(words) or names_own_term(words):
            return None
        own_intent, own_confidence = own[0]
        if own_intent not in CONTEXT_REPLACES and own_confidence >= CONTEXT_UNSURE:
            return None
        joined = expand(f"{context.question} {message.get(TEXT)}", load_glossary())
        vector = shared_encoder().encode([joined])[0]
        ranking = self._models["intent"].ranking(vector)
        if ranking[0][0] != RETRIEVAL_INTENT:
            return None
        # "and after a D&C?": a message that leads back is read in context.
        if own_intent == RETRIEVAL_INTENT and own_confidence >= CONTEXT_UNSURE and not leads_back(words):
            own_topic = self._models["faq"].ranking(own_vector, length=1)[0][1]
            topic = self._models["faq"].ranking(vector, length=1)[0][1]
            if topic < own_topic + CONTEXT_MARGIN:
                return None
        return ranking, vector

    def _note_other_questions(self, message: Message, main_key: str) -> None:
        """For a message asking about several topics: the others, as ``also_asked``
        (the channel offers them as buttons after the answer, bot/conversation.py)."""
        questions = question_sentences(message.get(ORIGINAL_TEXT) or message.get(TEXT) or "")[:MAX_QUESTIONS]
        if not questions:
            return
        glossary = load_glossary()
        vectors = shared_encoder().encode([expand(question, glossary) for question in questions])
        per_question = [self._models["faq"].ranking(vector, length=1)[0] for vector in vectors]
        keys = [key.split("/", 1)[1] for key in other_topics(main_key, per_question)]
        if keys:
            message.set(ALSO_ASKED, keys, add_to_output=True)
