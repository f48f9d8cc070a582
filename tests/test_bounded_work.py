"""No text of up to 2,000 characters makes the plain text functions work hard.

Issue 21, point 1: one message ("I have had 99999999 failed transfers, is that
RIF?") once made the server allocate gigabytes. Here hostile texts (long digit
runs, digits of other scripts, repeated history phrases, punctuation floods,
nesting, emoji, whitespace floods, jargon, words glued to numbers) go through
the history parser, every form answer, the glossary, question focus, the
safety net, the input guard and the sentence splitter of the risk scorer:
each call must return the expected type within 200 ms and allocate at most
50 MB at its peak (tracemalloc).

Property-based with Hypothesis, derandomized so CI sees the same examples
every run; plain table cases for the worst inputs known.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.history import answers
from actions.history.narrative import ANSWER_SLOTS, History, ParsedAnswer, parse_answer, parse_history
from bot.nlu import language
from bot.nlu.glossary import expand, load_glossary
from bot.nlu.input_guard import EMOJI_ONLY, EMPTY, MARKUP, MAX_MESSAGE_CHARS, NON_ENGLISH, TOO_LONG, classify_input
from bot.nlu.question_focus import focus
from bot.nlu.safety_net import SafetyFinding, assess_safety, default_detector
from bot.nlu.sentence_risk import scored_sentences

MAX_SECONDS = 0.2
MAX_BYTES = 50 * 1024 * 1024
MAX_CHARS = 2000

# --- the functions --------------------------------------------------------


def _is_str_extending(text: str, result: Any) -> bool:
    return isinstance(result, str) and result.startswith(text)


def _answer(slot: str) -> Callable[[str], ParsedAnswer]:
    return lambda text: parse_answer(slot, text)


# name -> (function of the text, check of its result)
FUNCTIONS: Dict[str, Tuple[Callable[[str], Any], Callable[[str, Any], bool]]] = {
    "parse_history": (parse_history, lambda text, r: isinstance(r, History)),
    **{f"parse_answer:{slot}": (_answer(slot), lambda text, r: isinstance(r, ParsedAnswer)) for slot in ANSWER_SLOTS},
    "glossary.expand": (
        lambda text: expand(text, load_glossary(), max_chars=MAX_MESSAGE_CHARS),
        _is_str_extending,
    ),
    "question_focus.focus": (focus, _is_str_extending),
    "assess_safety": (assess_safety, lambda text, r: isinstance(r, SafetyFinding)),
    "classify_input": (
        classify_input,
        lambda text, r: r in (None, EMPTY, TOO_LONG, MARKUP, EMOJI_ONLY, NON_ENGLISH),
    ),
    "scored_sentences": (
        scored_sentences,
        lambda text, r: isinstance(r, list) and all(isinstance(s, str) for s in r),
    ),
}

# Examples per function, for a run of under a minute on two cores: the
# history parser is the slowest per text, and parse_answer has six questions.
EXAMPLES = {
    name: 120 if name == "parse_history" else 40 if name.startswith("parse_answer:") else 250 for name in FUNCTIONS
}

# Worst time, peak and slowest text seen per function (printed at the end with `pytest -s`).
WORST: Dict[str, List[Any]] = {name: [0.0, 0, ""] for name in FUNCTIONS}


@pytest.fixture(scope="module", autouse=True)
def warmed_up():
    """Load spaCy, the lexicons, the language models and the glossary before
    measuring, so that no first load is counted; then freeze the heap, so a
    full garbage collection of the libraries' objects (about 0.2 s once
    TensorFlow is imported, whatever the text) is not counted either."""
    answers.warm_up()
    language.warm_up()
    default_detector()
    load_glossary()
    for fn, _ in FUNCTIONS.values():
        for text in ("I had 3 failed FETs and a chemical at 5 weeks, is that RIF?", "hola, necesito ayuda", "😢"):
            fn(text)
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
    print("\nbounded work, worst seen per function:")
    for name, (seconds, peak, text) in WORST.items():
        print(f"  {name:40s} {seconds * 1000:7.1f} ms  {peak / 1e6:6.2f} MB  slowest: {len(text)} chars {text[:40]!r}")


def measure(fn: Callable[[str], Any], text: str) -> Tuple[Any, float, int]:
    """(result, seconds, peak bytes allocated during the call). Timed without
    tracing, which makes allocation-heavy code two to four times slower; the
    peak comes from a second, traced call."""
    start = time.perf_counter()
    result = fn(text)
    seconds = time.perf_counter() - start
    if seconds >= MAX_SECONDS:  # best of two, against a moment's load from elsewhere on the machine
        start = time.perf_counter()
        fn(text)
        seconds = min(seconds, time.perf_counter() - start)
    tracemalloc.start()
    try:
        fn(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def check_bounded(name: str, text: str) -> None:
    fn, expected = FUNCTIONS[name]
    result, seconds, peak = measure(fn, text)
    worst = WORST[name]
    if seconds > worst[0]:
        worst[0], worst[2] = seconds, text
    worst[1] = max(worst[1], peak)
    shown = f"{name} on {len(text)} chars {text[:60]!r}..."
    assert expected(text, result), f"{shown} returned {result!r}"
    assert seconds < MAX_SECONDS, f"{shown} took {seconds * 1000:.0f} ms"
    assert peak < MAX_BYTES, f"{shown} allocated {peak / 1e6:.1f} MB"


# --- hostile texts --------------------------------------------------------

HISTORY_PHRASES = [
    "3 transfers ",
    "lost at 8 weeks, ",
    "99999999 failed transfers and ",
    "another chemical ",
    "2 MMCs, one at 8 weeks and one at 15, ",
    "BFN x2 then a BFP ",
    "my sister had 3 miscarriages ",
    "scared of another miscarriage ",
    "actually 4 not 3 ",
    "at 8, 10 and 12 weeks ",
    "all of them ",
    "one, ",
    "9, ",
    "the first at 9 weeks, ",
    "what if I have an ectopic? ",
    "I want to die ",
    "heavy bleeding and cramps ",
]
FLOODS = list("!.?()[]-…,'\"*#/+=_;:&<>")
UNICODE_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²³¹⁰⁴⁵०१२३४५६७८९০১২৩"
EMOJI = ["😢", "😭", "💔", "🙏🏽", "❤️", "👩‍👩‍👧", "🏳️‍🌈", "🤞", "\u200d", "\ufe0f", "\u0301"]
WHITESPACE = [" ", "\n", "\t", "\r\n", "\u00a0", "\u2003", "\u200b", "\u2028"]
JARGON = [
    "BFN",
    "bfn",
    "BfP",
    "MMC",
    "mmc",
    "FET",
    "fEt",
    "5dp5dt",
    "5DP5DT",
    "CP",
    "D&C",
    "ERPC",
    "PGT-A",
    "2ww",
    "AF",
]
WORD_BEFORE_NUMBER = ["weeks ", "wk", "x", "#", "at ", "beta ", "day ", "no. ", "number ", "£", "-", "+"]
NUMBER_BEFORE_WORD = ["th", "st", "x", "w", " weeks", "dp5dt", " times", "%", " years", "w3d", "+3", "aa"]

digit_runs = st.one_of(
    st.integers(1, MAX_CHARS).map(lambda n: "9" * n),
    st.text(alphabet="0123456789", min_size=20, max_size=MAX_CHARS),
    st.text(alphabet="0123456789,. ", min_size=1, max_size=400),
)
unicode_digits = st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=300)
numbers = st.one_of(st.integers(0, 10**30).map(str), unicode_digits, st.just("9" * 25))
pieces = st.one_of(
    st.text(max_size=200),  # any unicode
    digit_runs,
    unicode_digits,
    st.tuples(st.sampled_from(HISTORY_PHRASES), st.integers(1, 200)).map(lambda p: p[0] * p[1]),
    st.tuples(st.sampled_from(FLOODS), st.integers(1, MAX_CHARS)).map(lambda p: p[0] * p[1]),
    st.integers(1, 1000).map(lambda n: "(" * n + "3 transfers" + ")" * n),
    st.integers(1, 700).map(lambda n: "([{" * n),
    st.lists(st.sampled_from(EMOJI), max_size=600).map("".join),
    st.tuples(st.sampled_from(WHITESPACE), st.integers(1, MAX_CHARS)).map(lambda p: p[0] * p[1]),
    st.lists(st.sampled_from(JARGON), max_size=300).map(" ".join),
    st.tuples(st.sampled_from(WORD_BEFORE_NUMBER), numbers).map("".join),
    st.tuples(numbers, st.sampled_from(NUMBER_BEFORE_WORD)).map("".join),
)
hostile_texts = st.one_of(
    st.lists(pieces, min_size=1, max_size=8).map(lambda parts: "".join(parts)[:MAX_CHARS]),
    # one piece repeated to the full 2,000 characters
    pieces.filter(bool).map(lambda piece: (piece * (MAX_CHARS // len(piece) + 1))[:MAX_CHARS]),
)


def _settings(name: str) -> settings:
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


def _property_test(name: str):
    @_settings(name)
    @given(text=hostile_texts)
    def test(text: str) -> None:
        check_bounded(name, text)

    return test


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_any_hostile_text_is_bounded(name):
    _property_test(name)()


# --- the worst inputs known ------------------------------------------------

WORST_KNOWN = [
    "I have had 99999999 failed transfers, is that RIF?",
    "999999999999 transfer",
    "9" * 2000,
    "3 transfers " * 160,
    "(" * 2000,
    "!" * 2000,
    "٣ transfers",
    "²³ transfers",
    # found while writing these tests (each cost 0.3 to 0.8 s, or raised)
    "9," * 1000,  # the weeks list rule rescanned the run from every digit
    "((" * 999 + "x",  # spaCy's tokenizer, in the count parser
    "😢" * 1000,
    "lost 9," * 285,  # an implied transfer past MAX_UNITS: IndexError
    "mc 9," * 400,
]


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("text", WORST_KNOWN, ids=lambda t: repr(t[:24]) + f"[{len(t)}]")
def test_the_worst_inputs_known_are_bounded(name, text):
    check_bounded(name, text)
