"""The intent / FAQ-topic classifier on sentence embeddings: trains, stores
as plain arrays, and gives Rasa's output format."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding_classifier import (
    EmbeddingClassifier,
    LinearSoftmax,
    other_topics,
    question_sentences,
    sentence_embedding,
)

RNG = np.random.default_rng(0)
CENTRES = {name: RNG.normal(size=384) for name in ("greet", "faq/rif_definition", "faq/rm_tests", "inform")}


def _with_embedding(message: Message, label: str) -> Message:
    vector = CENTRES[label] + RNG.normal(scale=0.3, size=384)
    message.add_features(Features(vector[None, :] / np.linalg.norm(vector), "sentence", "text", "encoder"))
    return message


def _example(label: str) -> Message:
    intent, _, key = label.partition("/")
    data = {"text": label, "intent": intent}
    if key:
        data["intent_response_key"] = label
    return _with_embedding(Message(data=data), label)


def test_linear_softmax_matches_sklearn_and_survives_a_round_trip(tmp_path):
    from sklearn.linear_model import LogisticRegression

    features = RNG.normal(size=(60, 5))
    labels = [["a", "b", "c"][i % 3] for i in range(60)]
    ours = LinearSoftmax.fit(features, labels, 1.0)
    theirs = LogisticRegression(C=1.0, max_iter=3000).fit(features, labels)
    assert np.allclose(ours.probabilities(features), theirs.predict_proba(features), atol=1e-6)
    ours.save(tmp_path / "m.npz")
    loaded = LinearSoftmax.load(tmp_path / "m.npz")
    assert loaded.labels == ours.labels and np.allclose(loaded.probabilities(features), ours.probabilities(features))


def test_two_classes_give_sklearn_probabilities_too():
    from sklearn.linear_model import LogisticRegression

    features = RNG.normal(size=(40, 4))
    labels = ["x" if f[0] > 0 else "y" for f in features]
    ours = LinearSoftmax.fit(features, labels, 1.0)
    theirs = LogisticRegression(C=1.0, max_iter=3000).fit(features, labels)
    assert np.allclose(ours.probabilities(features), theirs.predict_proba(features), atol=1e-6)


@pytest.fixture
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("embedding_classifier")
    component = EmbeddingClassifier.create({}, storage, resource, None)
    examples = [_example(label) for label in CENTRES for _ in range(12)]
    component.train(TrainingData(examples))
    return EmbeddingClassifier.load({}, storage, resource, None)


def test_a_loaded_model_sets_intent_ranking_and_the_faq_answer(trained):
    faq = _with_embedding(Message(data={"text": "x"}), "faq/rm_tests")
    greeting = _with_embedding(Message(data={"text": "y"}), "greet")
    trained.process([faq, greeting])
    assert faq.get("intent")["name"] == "faq" and faq.get("intent")["confidence"] > 0.5
    selected = faq.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/rm_tests" and selected["utter_action"] == "utter_faq/rm_tests"
    assert greeting.get("intent")["name"] == "greet"
    ranking = greeting.get("intent_ranking")
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_a_message_without_an_embedding_gets_no_intent_as_diet_gives(trained):
    message = Message(data={"text": ""})
    trained.process([message])
    assert sentence_embedding(message) is None
    assert message.get("intent") == {"name": None, "confidence": 0.0} and message.get("intent_ranking") == []


def test_only_a_message_with_two_or_more_questions_has_other_topics():
    assert question_sentences("3 failed FETs. Is the ERA worth it? And should I test NK cells?") == [
        "Is the ERA worth it?",
        "And should I test NK cells?",
    ]
    assert question_sentences("3 failed FETs. Is the ERA worth it?") == []
    per_question = [
        ("faq/specialised_tests", 0.8),
        ("faq/immune_factors", 0.6),
        ("faq/pgt", 0.2),
        ("faq/immune_factors", 0.5),
    ]
    assert other_topics("faq/specialised_tests", per_question) == ["faq/immune_factors"]
