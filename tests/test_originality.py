"""Answers are written in our own words: no run of 8 words taken from a seed."""

from __future__ import annotations

from typing import List, Set, Tuple

from tests.helpers.project import all_responses, seed_texts, words

RUN_LENGTH = 8


def ngrams(tokens: List[str], n: int = RUN_LENGTH) -> Set[Tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def test_ngrams_finds_a_shared_run():
    seed = ngrams(words("one two three four five six seven eight nine"))
    assert ngrams(words("zero one two three four five six seven eight")) & seed
    assert not ngrams(words("one two three four five six seven nine")) & seed


def test_no_answer_shares_eight_consecutive_words_with_a_seed_article():
    seed_runs = set()
    for text in seed_texts().values():
        seed_runs |= ngrams(words(text))
    copied = {}
    for name, variants in all_responses().items():
        for variant in variants:
            shared = ngrams(words(variant.get("text", ""))) & seed_runs
            if shared:
                copied[name] = sorted(" ".join(run) for run in shared)
    assert copied == {}
