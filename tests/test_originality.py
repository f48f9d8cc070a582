"""Answers are written in our own words: no run of 8 words taken from a seed.

The seed articles live outside the repository (../shared/seeds, or
$SHARED_DIR/seeds). Without them the check cannot run: it is skipped with that
reason, which pytest prints (-ra); everything else passes without ../shared."""

from __future__ import annotations

from typing import List, Set, Tuple

import pytest

from tests.helpers.project import SHARED, all_responses, seed_texts, words

RUN_LENGTH = 8


def ngrams(tokens: List[str], n: int = RUN_LENGTH) -> Set[Tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def test_ngrams_finds_a_shared_run():
    seed = ngrams(words("one two three four five six seven eight nine"))
    assert ngrams(words("zero one two three four five six seven eight")) & seed
    assert not ngrams(words("one two three four five six seven nine")) & seed


def test_no_answer_shares_eight_consecutive_words_with_a_seed_article():
    seeds = seed_texts()
    if not seeds:
        pytest.skip(f"no seed articles at {SHARED / 'seeds'} (set SHARED_DIR): the originality check needs them")
    seed_runs = set()
    for text in seeds.values():
        seed_runs |= ngrams(words(text))
    copied = {}
    for name, variants in all_responses().items():
        for variant in variants:
            shared = ngrams(words(variant.get("text", ""))) & seed_runs
            if shared:
                copied[name] = sorted(" ".join(run) for run in shared)
    assert copied == {}
