"""Every FAQ answer reads easily: Flesch-Kincaid grade, sentence and answer length.

Targets (plain English for upset patients, read on a phone):
  * average grade over all answers <= 8.0, and no answer above grade 10.0;
  * no sentence longer than 30 words;
  * every answer 40-120 words.
The helpers in bench/readability.py document how sentences, words and
syllables are counted. Run with -s to see the table. No Rasa import: fast.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import List, Tuple

import pytest
import yaml

from bench.readability import AnswerStats, fk_grade, sentences, summarise, syllables, words

ROOT = Path(__file__).resolve().parents[1]
RESPONSE_FILES = sorted((ROOT / "data" / "responses").glob("*.yml"))

MAX_AVERAGE_GRADE = 8.0
MAX_GRADE = 10.0
MAX_SENTENCE_WORDS = 30
MIN_WORDS, MAX_WORDS = 40, 120


def faq_texts() -> List[Tuple[str, str]]:
    """(label, text) of every variant of every utter_faq/<key> in data/responses/*.yml."""
    found: List[Tuple[str, str]] = []
    for path in RESPONSE_FILES:
        with path.open(encoding="utf-8") as handle:
            responses = (yaml.safe_load(handle) or {}).get("responses", {}) or {}
        for name, variants in responses.items():
            if not name.startswith("utter_faq/"):
                continue
            key = name.split("/", 1)[1]
            for index, variant in enumerate(variants or []):
                text = (variant or {}).get("text", "")
                label = key if index == 0 else f"{key}#{index}"
                found.append((label, text))
    return found


@pytest.fixture(scope="module")
def stats() -> List[AnswerStats]:
    answers = faq_texts()
    assert answers, f"no utter_faq/ answers in {[str(p) for p in RESPONSE_FILES]}"
    return [summarise(label, text) for label, text in answers]


def _table(rows: List[AnswerStats]) -> str:
    lines = [f"{'answer':28} {'words':>5} {'sents':>5} {'longest':>7} {'grade':>6}"]
    for row in sorted(rows, key=lambda r: -r.grade):
        lines.append(f"{row.key:28} {row.words:5d} {row.sentences:5d} {row.longest_sentence:7d} {row.grade:6.1f}")
    average = statistics.mean(r.grade for r in rows)
    lines.append(
        f"{'ALL (' + str(len(rows)) + ')':28} {'':5} {'':5} "
        f"{max(r.longest_sentence for r in rows):7d} {average:6.2f} (average; max {max(r.grade for r in rows):.1f})"
    )
    return "\n".join(lines)


def test_print_readability_table(stats):
    print("\n" + _table(stats))


def test_average_grade_is_at_most_8(stats):
    average = statistics.mean(s.grade for s in stats)
    worst = ", ".join(f"{s.key} {s.grade:.1f}" for s in sorted(stats, key=lambda s: -s.grade)[:5])
    assert average <= MAX_AVERAGE_GRADE, f"average FK grade {average:.2f} > {MAX_AVERAGE_GRADE}; hardest: {worst}"


def test_no_answer_is_above_grade_10(stats):
    too_hard = {s.key: s.grade for s in stats if s.grade > MAX_GRADE}
    assert not too_hard, f"answers above FK grade {MAX_GRADE}: {too_hard}"


def test_no_sentence_is_longer_than_30_words():
    too_long = {}
    for label, text in faq_texts():
        for sentence in sentences(text):
            count = len(words(sentence))
            if count > MAX_SENTENCE_WORDS:
                too_long.setdefault(label, []).append(f"{count} words: {sentence[:60]}...")
    assert not too_long, f"sentences over {MAX_SENTENCE_WORDS} words: {too_long}"


def test_every_answer_is_40_to_120_words(stats):
    wrong = {s.key: s.words for s in stats if not MIN_WORDS <= s.words <= MAX_WORDS}
    assert not wrong, f"answers outside {MIN_WORDS}-{MAX_WORDS} words: {wrong}"


# --- the helpers themselves -------------------------------------------------


@pytest.mark.parametrize(
    "word,expected",
    [
        ("cat", 1),
        ("the", 1),
        ("make", 1),  # silent e
        ("table", 2),  # consonant + le
        ("people", 2),
        ("whole", 1),
        ("water", 2),
        ("banana", 3),
        ("tested", 2),  # -ed after t is spoken
        ("formed", 1),  # -ed silent
        ("makes", 1),  # -es silent
        ("changes", 2),  # -es after g is spoken
        ("yes", 1),  # initial y is a consonant
        ("pregnancy", 3),
        ("miscarriage", 3),
        ("ultrasound", 3),
        ("don't", 1),  # apostrophe dropped
        ("first-trimester", 4),  # parts added up
        ("RIF", 3),  # capitals: one per letter, at most three
        ("IVF", 3),
        ("HFEA", 3),
        ("RCOG", 3),
        ("PGT-A", 4),
        ("999", 3),  # digits: one per digit, at most three
        ("2023", 3),
        ("(RIF),", 3),  # punctuation ignored
        ("--", 0),
    ],
)
def test_syllables(word, expected):
    assert syllables(word) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Ask about tests, e.g. thyroid checks. Then wait.", ["Ask about tests, e.g. thyroid checks.", "Then wait."]),
        ("Some tests (e.g. NK cells) are unproven. Ask.", ["Some tests (e.g. NK cells) are unproven.", "Ask."]),
        ("The rate was 2.5 times higher. Next.", ["The rate was 2.5 times higher.", "Next."]),
        ("Dr. Smith agreed. So did I.", ["Dr. Smith agreed.", "So did I."]),
        ("It is red, i.e. unproven. Fine.", ["It is red, i.e. unproven.", "Fine."]),
        ('She said "stop." Then left.', ['She said "stop."', "Then left."]),
        ("No final stop", ["No final stop"]),
        ("", []),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


def test_words_ignores_punctuation_only_tokens():
    assert words("Yes - it is (UK) 999.") == ["Yes", "it", "is", "(UK)", "999."]


def test_fk_grade_known_values():
    # 1 sentence, 4 words, 4 syllables: 0.39*4 + 11.8*1 - 15.59 = -2.23
    assert fk_grade("The cat sat down.") == pytest.approx(-2.23, abs=0.01)
    assert fk_grade("") == 0.0
    # Longer words and sentences read as harder.
    assert fk_grade("Antiphospholipid antibodies are investigated preconceptionally.") > fk_grade("We test the blood.")


def test_summarise_counts_everything():
    stats = summarise("demo", "We test the blood. Then we talk, e.g. about results.")
    assert (stats.key, stats.words, stats.sentences, stats.longest_sentence) == ("demo", 10, 2, 6)
    assert stats.syllables == 13  # e.g. counts as two single letters
    assert stats.grade == pytest.approx(round(fk_grade("We test the blood. Then we talk, e.g. about results."), 2))
    assert stats.words_per_sentence == 5.0
