"""Hard input is recognised so it gets a clear reply: plain-function table tests."""

from __future__ import annotations

import pytest

from bot.nlu.input_guard import EMOJI_ONLY, EMPTY, MARKUP, NON_ENGLISH, TOO_LONG, classify_input


@pytest.mark.parametrize(
    "text,issue",
    [
        ("", EMPTY),
        ("   \n\t ", EMPTY),
        (None, EMPTY),
        ("x" * 2001, TOO_LONG),
        ("what is RIF " * 200, TOO_LONG),
        ("<script>alert(1)</script>", MARKUP),
        ("what is <b>RIF</b>", MARKUP),
        ('<img src=x onerror="alert(1)">', MARKUP),
        ("javascript:alert(1)", MARKUP),
        ("😢", EMOJI_ONLY),
        ("😭😭 😭", EMOJI_ONLY),
        ("💔!", EMOJI_ONLY),
        ("🙏🏽", EMOJI_ONLY),
        ("❤️", EMOJI_ONLY),
        ("hola, necesito ayuda", NON_ENGLISH),
        ("bonjour, j'ai fait une fausse couche", NON_ENGLISH),
        ("hallo, ich brauche hilfe", NON_ENGLISH),
        ("здравствуйте, мне нужна помощь", NON_ENGLISH),
        ("你好", NON_ENGLISH),
        ("مرحبا", NON_ENGLISH),
        ("¿qué es la falla de implantación recurrente?", NON_ENGLISH),
        ("j'ai fait trois fausses couches, est-ce normal ?", NON_ENGLISH),
        ("tive dois abortos espontâneos, o que devo fazer", NON_ENGLISH),
        ("ho avuto due aborti, cosa posso fare", NON_ENGLISH),
        ("miałam trzy poronienia co mam robić", NON_ENGLISH),
        ("ik heb drie miskramen gehad, wat nu", NON_ENGLISH),
        ("üç kez düşük yaptım ne yapmalıyım", NON_ENGLISH),
        ("am avut trei avorturi spontane ce pot face", NON_ENGLISH),
        ("у меня было три выкидыша", NON_ENGLISH),
        ("我流产了三次怎么办", NON_ENGLISH),
    ],
)
def test_unusable_input_is_recognised(text, issue):
    assert classify_input(text) == issue


@pytest.mark.parametrize(
    "text",
    [
        "what is RIF",
        "I had 3 transfers 😢",
        "Is it RIF or RM?",
        "no",
        "3",
        "UK",
        "not sure",
        "I feel sad",
        "my name is José and I had a miscarriage",
        "what does 5 < 6 mean for my hCG",
        # English with brand names, Latin and forum words is never refused.
        "pred for fet, yay or nay",
        "utrogestan or cyclogest?",
        "is clexane worth it",
        "hcg 1200 at 14dp5dt",
        "que sera sera i guess",
        "hola",
        "merci beaucoup",
        "Progesterone in oil vs Crinone vs Utrogestan",
        "my RE said c'est la vie lol",
        "these progesterone jabs are murder on my bum lol",
        "x" * 2000,
    ],
)
def test_ordinary_input_passes(text):
    assert classify_input(text) is None


def test_no_real_voice_or_safety_message_is_taken_for_another_language():
    from bench.real_voice import load_cases
    from tests.helpers.project import ROOT

    texts = [c.text for c in load_cases()] + [c.text for c in load_cases(ROOT / "tests/nlu/safety_regression.yml")]
    assert [t for t in texts if classify_input(t) is not None] == []


def test_no_english_training_or_held_out_example_is_taken_for_another_language():
    from tests.helpers.project import ROOT, examples_of, nlu_blocks, training_nlu_files

    files = training_nlu_files() + [ROOT / "tests" / "nlu" / "held_out.yml"]
    texts = [
        example
        for _, block in nlu_blocks(files)
        if block.get("intent") not in ("out_of_scope", "unusable_input")
        for example in examples_of(block)
    ]
    assert len(texts) > 1900
    assert [t for t in texts if classify_input(t) is not None] == []


# Long runs without spaces are split before spaCy's tokenizer sees them.
from bot.nlu.input_guard import with_long_runs_split  # noqa: E402


def test_long_runs_are_split_at_their_punctuation():
    assert with_long_runs_split("is this normal?") == "is this normal?"
    split = with_long_runs_split("(" * 100)
    assert split.split() == ["("] * 100
    assert with_long_runs_split("a" * 60) == "a" * 60  # no punctuation: one word, linear for spaCy
    assert "https" in with_long_runs_split("see https://example.org/" + "x" * 50)
