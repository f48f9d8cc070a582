"""The NumPy all-MiniLM-L6-v2 encoder against reference embeddings made once with
sentence-transformers (tests/data/minilm_reference.json, see its "note"), the
weight check, and the Rasa featuriser on messages tokenised by Rasa."""

from __future__ import annotations

import json
import shutil
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import sentence_encoder
from bot.nlu.sentence_encoder import (
    WEIGHTS_SHA256,
    MiniLMEncoder,
    SentenceEncoderFeaturizer,
    WeightsVerificationError,
    model_files,
    shared_encoder,
    verify_weights,
)
from tests.helpers.project import ROOT

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text("utf-8"))
LONG_TEXT = " ".join(["implantation failure after frozen embryo transfer"] * 40)


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return shared_encoder()


def test_reference_was_made_from_the_published_weights():
    assert REFERENCE["model_safetensors_sha256"] == WEIGHTS_SHA256


@pytest.mark.parametrize("index", range(len(REFERENCE["sentences"])))
def test_sentence_embeddings_match_the_reference(encoder, index):
    expected = np.array(REFERENCE["vectors"][index], dtype=np.float32)
    actual = encoder.encode([REFERENCE["sentences"][index]])[0]
    assert actual.shape == (384,)
    assert float(actual @ expected / np.linalg.norm(expected)) > 0.9999
    assert float(np.abs(actual - expected).max()) < 1e-4


def test_reference_batch_matches_too(encoder):
    actual = encoder.encode(REFERENCE["sentences"])
    expected = np.array(REFERENCE["vectors"], dtype=np.float32)
    assert float(np.abs(actual - expected).max()) < 1e-4


def test_token_embeddings_match_the_reference(encoder):
    ref = REFERENCE["token_reference"]
    offsets, states = encoder.token_embeddings(ref["sentence"])
    assert offsets == [tuple(o) for o in ref["offsets"]]
    assert states.shape == (len(ref["wordpieces"]), 384)
    assert float(np.abs(states - np.array(ref["vectors"])).max()) < 1e-4


def test_similar_sentences_are_closer_than_unrelated_ones(encoder):
    a, b, c = encoder.encode(
        [
            "What is recurrent implantation failure?",
            "can you explain what RIF means, embryos not implanting",
            "What time does the clinic car park close?",
        ]
    )
    assert a @ b > a @ c + 0.1
    assert b @ c < a @ b


def test_batch_and_single_give_the_same_vectors(encoder):
    texts = ["hi", "2 BFNs after FET, is this RIF?", LONG_TEXT, "", "i had 3 miscarrages"]
    batch = encoder.encode(texts)
    single = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.abs(batch - single).max() < 1e-5
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)


def test_long_text_is_cut_at_128_wordpieces(encoder):
    offsets, states = encoder.token_embeddings(LONG_TEXT)
    assert len(offsets) == states.shape[0] == 126  # 128 with [CLS] and [SEP]
    assert np.isfinite(encoder.encode([LONG_TEXT])).all()


def test_empty_input(encoder):
    vector = encoder.encode([""])[0]
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-5
    offsets, states = encoder.token_embeddings("")
    assert offsets == [] and states.shape == (0, 384)
    assert encoder.encode([]).shape == (0, 384)


def test_installed_weights_pass_the_check():
    assert len(verify_weights()) == 90868376


def _tampered_copy(tmp_path: Path) -> Path:
    """A well-formed copy of model.zip whose model.safetensors has one byte flipped."""
    tampered = tmp_path / "model.zip"
    with zipfile.ZipFile(model_files()) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = bytearray(source.read(item))
            if item.filename == "model.safetensors":
                data[len(data) // 2] ^= 0x01
            target.writestr(item.filename, bytes(data))
    return tampered


def test_tampered_weights_are_refused(tmp_path):
    tampered = _tampered_copy(tmp_path)
    with pytest.raises(WeightsVerificationError, match="refuse to start"):
        verify_weights(tampered)
    with pytest.raises(WeightsVerificationError, match="refuse to start"):
        MiniLMEncoder(tampered)


def test_corrupted_archive_is_refused(tmp_path):
    corrupted = tmp_path / "model.zip"
    shutil.copy(model_files(), corrupted)
    with corrupted.open("r+b") as f:
        f.seek(corrupted.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(WeightsVerificationError, match="refuse to start"):
        verify_weights(corrupted)


def test_missing_package_is_refused(monkeypatch):
    monkeypatch.setattr(sentence_encoder, "MODEL_PACKAGE", "no_such_minilm_package")
    with pytest.raises(WeightsVerificationError, match="not installed"):
        verify_weights()


# The Rasa component, created and fed as Rasa's own tests do.


def _featurizer(tmp_path: Path, **config) -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer.create(
        {**SentenceEncoderFeaturizer.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("sentence_encoder"),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex, node_name="sentence_encoder"),
    )


def _tokenised(texts: list[str]) -> list[Message]:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(messages)
    return messages


TEXTS = ["2 BFNs after FET, is this RIF?", "i had 3 miscarrages", "hello", LONG_TEXT]


def _check_features(message: Message, encoder: MiniLMEncoder) -> None:
    tokens = message.get(TOKENS_NAMES[TEXT])
    sequence, sentence = message.get_dense_features(TEXT, ["sentence_encoder"])
    assert sentence.features.shape == (1, 384)
    assert sequence.features.shape == (len(tokens), 384)
    np.testing.assert_allclose(sentence.features[0], encoder.encode([message.get(TEXT)])[0], atol=1e-5)


def test_process_adds_sentence_and_sequence_features(tmp_path, encoder):
    messages = _tokenised(TEXTS)
    _featurizer(tmp_path).process(messages)
    for message in messages:
        _check_features(message, encoder)

    # "miscarrages" is several wordpieces: its row is their mean.
    message = messages[1]
    tokens = message.get(TOKENS_NAMES[TEXT])
    index = [t.text for t in tokens].index("miscarrages")
    token = tokens[index]
    offsets, states = encoder.token_embeddings(message.get(TEXT))
    pieces = [i for i, (start, end) in enumerate(offsets) if start < token.end and end > token.start]
    assert len(pieces) > 1
    sequence, _ = message.get_dense_features(TEXT)
    np.testing.assert_allclose(sequence.features[index], states[pieces].mean(0), atol=1e-5)

    # Tokens beyond the 128 wordpieces get zeros; the shape still matches the tokens.
    long_sequence, _ = messages[3].get_dense_features(TEXT)
    assert not long_sequence.features[-1].any() and long_sequence.features[0].any()


def test_process_training_data_in_batches(tmp_path, encoder):
    messages = _tokenised(TEXTS + ["what is RIF", "", "thank you"])
    training_data = TrainingData(training_examples=messages)
    assert _featurizer(tmp_path, batch_size=2).process_training_data(training_data) is training_data
    for message in training_data.training_examples:
        if message.get(TEXT):
            _check_features(message, encoder)
        else:
            assert not message.features


def test_rasa_accepts_the_component_in_the_project_pipeline():
    """Rasa's graph validation (signatures, required components) of
    config.yml's pipeline with the featuriser; nothing is trained."""
    from rasa.engine import validation
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.utils.io import read_yaml_file

    config = read_yaml_file(ROOT / "config.yml")
    names = [c["name"] for c in config["pipeline"]]
    assert names.index("bot.nlu.sentence_encoder.SentenceEncoderFeaturizer") > names.index("SpacyTokenizer")
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {})
    validation.validate(graph)
    assert any("SentenceEncoderFeaturizer" in name for name in graph.predict_schema.nodes)


def test_the_float32_erf_matches_scipy_to_within_float32_noise():
    from scipy.special import erf as scipy_erf

    from bot.nlu.sentence_encoder import erf

    x = np.concatenate([np.linspace(-8, 8, 20001), [0.0, -0.0, 1e-8, -1e-8, 30.0, -30.0]]).astype(np.float32)
    ours = erf(x)
    assert ours.dtype == np.float32
    assert np.abs(ours.astype(np.float64) - scipy_erf(x.astype(np.float64))).max() < 5e-7
    assert (np.abs(ours) <= 1.0).all() and np.all(np.diff(ours[:20001]) >= -1e-7)  # bounded, non-decreasing
