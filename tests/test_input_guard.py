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
        "x" * 2000,
    ],
)
def test_ordinary_input_passes(text):
    assert classify_input(text) is None
