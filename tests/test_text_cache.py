"""The per-text cache the encoder and the risk model share their work through."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.text_cache import TextCache


def test_each_distinct_text_is_computed_once_and_order_is_kept():
    calls = []

    def compute(texts):
        calls.append(list(texts))
        return [len(t) for t in texts]

    cache = TextCache(size=8)
    assert cache.get_many(["yes", "no", "yes"], compute) == [3, 2, 3]
    assert calls == [["yes", "no"]]
    assert cache.get_many(["no", "maybe"], compute) == [2, 5]
    assert calls[-1] == ["maybe"] and (cache.hits, cache.misses) == (2, 3)


def test_the_cache_is_bounded_and_drops_the_least_recently_used():
    cache = TextCache(size=2)
    cache.get_many(["a", "b"], lambda t: t)
    cache.get_many(["a"], lambda t: t)  # "a" is now the most recent
    cache.get_many(["c"], lambda t: t)
    assert len(cache) == 2
    calls = []
    cache.get_many(["a", "b"], lambda t: calls.append(t) or t)
    assert calls == [["b"]]  # "b" was dropped, "a" kept


def test_size_zero_keeps_nothing_and_a_negative_size_is_refused():
    cache = TextCache(size=0)
    assert cache.get_many(["x", "x"], lambda t: [1] * len(t)) == [1, 1] and len(cache) == 0
    with pytest.raises(ValueError):
        TextCache(size=-1)


def test_a_cached_vector_is_the_one_computed_and_cannot_be_changed_by_a_caller():
    from bot.nlu.sentence_encoder import shared_encoder

    encoder = shared_encoder()
    first = encoder.encode(["is a chemical pregnancy counted as a loss"])
    again = encoder.encode(["is a chemical pregnancy counted as a loss", "ok"])
    fresh = np.stack([e.sentence for e in encoder.embed(["is a chemical pregnancy counted as a loss"])])
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_allclose(first[0], fresh[0], atol=1e-6)
    first[0, 0] = 42.0  # np.stack copied: the cache is untouched
    assert encoder.encode(["is a chemical pregnancy counted as a loss"])[0, 0] != 42.0
