"""The sentence-risk model (issue 25) served in NumPy: all-MiniLM-L6-v2's
lower layers, shared with the sentence encoder, then the two top layers as
scripts/train_risk.py fine-tuned them and a three-way head (possible suicide
risk, urgent symptom, same-day worry), each a sigmoid.

Only the tuned layers and the head ship, in ``risk_model/`` beside this file
(float16 safetensors, a few MB); their SHA-256 is checked when the model loads
and it refuses to start on any other bytes, as the encoder does. The same
directory holds ``reference.json``: scores PyTorch gave for a few sentences
when the weights were written, which tests/test_risk_model.py compares with
this forward pass (PyTorch is training only and never installed here).

No Rasa import: bot/nlu/sentence_risk.py adapts this to the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors

from bot.nlu.sentence_encoder import (
    MiniLMEncoder,
    WeightsVerificationError,
    checked_sha256,
    layer_weights,
    shared_encoder,
)
from bot.nlu.text_cache import TextCache

MODEL_DIR = Path(__file__).resolve().parent / "risk_model"
WEIGHTS = MODEL_DIR / "risk_model.safetensors"
REFERENCE = MODEL_DIR / "reference.json"
# Printed by `make train-risk` when it wrote the weights (seed 13, 5 epochs, top 2 layers).
WEIGHTS_SHA256 = "aac764a5c09200937441e835fb3546253f7d28dcbbd95f9fdd1c6c5e4dee7f57"
HEADS = ("risk", "urgent", "same_day")


def verified_weights(path: Path = WEIGHTS, sha256: str = WEIGHTS_SHA256) -> bytes:
    """The bytes of the tuned layers and head after checking their SHA-256."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise WeightsVerificationError(f"cannot read {path} ({error}); refuse to start") from error
    return checked_sha256(data, sha256, str(path))


class SentenceRiskModel:
    """Scores [n, 3] in 0..1 (``HEADS`` order) for each sentence."""

    CACHED_SENTENCES = 4096  # 12 bytes each

    def __init__(self, encoder: MiniLMEncoder | None = None, path: Path = WEIGHTS, sha256: str = WEIGHTS_SHA256):
        self._encoder = encoder or shared_encoder()
        weights = {
            name.replace("__", "."): value.astype(np.float32)
            for name, value in load_safetensors(verified_weights(path, sha256)).items()
        }
        tuned = sorted({int(name.split(".")[2]) for name in weights if name.startswith("encoder.layer.")})
        if not tuned or tuned != list(range(tuned[0], len(self._encoder.layers))):
            raise WeightsVerificationError(f"{path}: tuned layers {tuned} are not the encoder's top layers")
        self._first_tuned = tuned[0]
        self._tuned = [layer_weights(weights.pop, i) for i in tuned]
        self._head_w = np.ascontiguousarray(weights.pop("head.weight").T)  # [384, 3]
        self._head_b = weights.pop("head.bias")
        self._cache: TextCache[np.ndarray] = TextCache(self.CACHED_SENTENCES)

    def scores(self, sentences: Sequence[str]) -> np.ndarray:
        """[len(sentences), 3]; each distinct sentence is run once, and one
        seen lately in this process not at all."""
        if not sentences:
            return np.zeros((0, len(HEADS)), dtype=np.float32)
        return np.stack(self._cache.get_many(list(sentences), self._run))

    def _run(self, sentences: list[str]) -> list[np.ndarray]:
        result = np.zeros((len(sentences), len(HEADS)), dtype=np.float32)
        lower = self._encoder.layers[: self._first_tuned]
        for chunk, ids, mask in self._encoder.batches(sentences):
            x = self._encoder.run_layers(self._encoder.embed_ids(ids), mask, lower)
            x = self._encoder.run_layers(x, mask, self._tuned)
            # Mean over every wordpiece, [CLS] and [SEP] included, as in training.
            pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
            logits = pooled @ self._head_w + self._head_b
            result[chunk] = 1.0 / (1.0 + np.exp(-logits))
        result.setflags(write=False)
        return list(result)


@lru_cache(maxsize=1)
def shared_risk_model() -> SentenceRiskModel:
    return SentenceRiskModel()
