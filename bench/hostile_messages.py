"""Hostile messages for the REST fuzz (tests/test_fuzz_e2e.py, make bench):
huge and unicode numbers, punctuation floods, nesting, repetition, control
and invisible characters, broken button payloads, markup and links, very
long texts and random mixes of them. Seeded: the same list every run."""

from __future__ import annotations

import random
from typing import List

PIECES = [
    "I have had 99999999 failed transfers, is that RIF?",
    "999999999999 transfer",
    "9" * 400,
    "١٢٣٤٥ transfers and ٩٩٩ losses",
    "０１２３ FETs",
    "²³ miscarriages",
    "३ transfers",
    "3 transfers " * 60,
    "lost at 8 weeks, " * 40,
    "another chemical " * 50,
    "9," * 300,
    "1/" * 300,
    "(" * 800,
    ")" * 800,
    "[[[[" * 150,
    "!?" * 400,
    "." * 900,
    "-" * 700,
    "👍" * 300,
    "💔😭" * 150,
    "\u200b" * 300,
    "\u202eevil text",
    "\x00\x01\x02\x1b[31m",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "/faq/../../etc/passwd",
    '/inform{"change":',
    '/ask_sources{"faq_key":' + '"x"' * 50 + "}",
    "/restart",
    "weeks 99999",
    "x999999 transfers",
    "#99999 MMC",
    "999999th loss",
    "BFN BFP CP MMC FET RE beta 5dp5dt TTC AF DH " * 20,
    "what is RIF? " * 100,
    "a" * 3000,
    "word " * 2500,
    "I want to understand my 3 transfers and 2 losses and ",
    "is this implantation failure?",
    "ok",
    "",
    "   \n\t  ",
]


def hostile_messages(count: int = 1000, seed: int = 21) -> List[str]:
    """``count`` messages: every piece alone first, then seeded mixes of 1-4 pieces."""
    rng = random.Random(seed)
    messages = list(PIECES)
    while len(messages) < count:
        parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 4))]
        text = rng.choice([" ", "", "\n", ", "]).join(parts)
        if rng.random() < 0.3:
            start = rng.randint(0, max(0, len(text) - 1))
            text = text[start : start + rng.randint(1, 2500)]
        messages.append(text)
    return messages[:count]
