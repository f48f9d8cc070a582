"""Whole walk-throughs over REST with the real Rasa and action servers, in
patients' own words: a history told in the first message, natural answers
("2 fresh and 1 frozen", "one, but it was a chemical", "at 8 and 15 weeks"),
questions and corrections in the middle. Each conversation must reach the
right pattern and flags, and none may loop: a driver answers whatever is
asked and fails after MAX_TURNS."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import pytest

from tests.helpers.servers import send_rest

pytestmark = pytest.mark.e2e

MAX_TURNS = 14

# How to recognise each question in the replies (words of its utter_ask_<slot>).
QUESTIONS = {
    "embryo_transfers": "How many embryo transfers",
    "positive_tests": "positive pregnancy test",
    "confirmed_losses": "confirmed on a scan",
    "embryos_good_quality": "graded as good quality",
    "losses_first_trimester": "first trimester",
    "chromosome_tests_both": "chromosome tests (a karyotype)",
    "history_confirmed": "Here is what I understood",
    "user_region": "Which country or region",
}


@dataclass
class Walk:
    name: str
    opening: str
    answers: Dict[str, List[str]]  # slot -> what the user says, in turn
    pattern: str
    flags: Tuple[str, ...] = ()
    slots: Dict[str, object] = field(default_factory=dict)
    said: Tuple[str, ...] = ()  # words some reply must contain


def tracker(base_url: str, sender: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/conversations/{sender}/tracker", timeout=30) as response:
        return json.loads(response.read())


def asked(replies: List[dict]) -> Optional[str]:
    """The question the latest replies end with, if any."""
    for reply in reversed(replies):
        text = reply.get("text") or ""
        for slot, words in QUESTIONS.items():
            if words in text:
                return slot
    return None


def walk(base_url: str, sender: str, case: Walk) -> Tuple[dict, str]:
    replies = send_rest(base_url, sender, case.opening)
    transcript = [case.opening] + [r.get("text", "") for r in replies]
    answers = {slot: list(values) for slot, values in case.answers.items()}
    for _ in range(MAX_TURNS):
        if any("Your summary to take to your clinic" in (r.get("text") or "") for r in replies):
            return tracker(base_url, sender), "\n".join(transcript)
        slot = asked(replies)
        assert slot, f"{case.name}: no question and no summary:\n" + "\n".join(transcript)
        queue = answers.get(slot) or []
        answer = queue.pop(0) if queue else ("yes" if slot == "history_confirmed" else "UK")
        replies = send_rest(base_url, sender, answer)
        transcript += [f">> {answer}"] + [r.get("text", "") for r in replies]
    pytest.fail(f"{case.name}: no result after {MAX_TURNS} turns (a loop?):\n" + "\n".join(transcript))


WALKS = [
    Walk(
        "the central question",
        "I've had 3 failed transfers, is that RIF?",
        {
            "confirmed_losses": ["none"],
            "embryos_good_quality": ["yes, all 5AA or 4AB"],
            "chromosome_tests_both": ["no"],
        },
        "rif_pattern",
        slots={"embryo_transfers": 3, "positive_tests": 0},
        said=("I've noted",),
    ),
    Walk(
        "ok and thanks to a count question are pauses, not failed answers",
        "can you go through my history with me",
        {
            "embryo_transfers": ["ok", "3 FETs"],
            "positive_tests": ["thanks", "none of them"],
            "confirmed_losses": ["none"],
            "embryos_good_quality": ["yes"],
            "chromosome_tests_both": ["no"],
        },
        "rif_pattern",
        slots={"embryo_transfers": 3, "positive_tests": 0},
        said=("No rush",),
    ),
    Walk(
        "two MMCs and a chemical, natural",
        "two MMCs and one chemical, which one am I?",
        {
            "embryo_transfers": ["none, all natural"],
            "losses_first_trimester": ["both were early, around 8 weeks"],
            "chromosome_tests_both": ["not sure"],
        },
        "rm_pattern",
        ("biochemical_losses",),
        slots={"confirmed_losses": 2},
        said=("as pregnancy losses, not as failed transfers",),
    ),
    Walk(
        "a timeline in one message",
        "fresh transfer in 2021 negative, FET in 2022 a chemical, FET in 2023 negative, then a natural pregnancy "
        "ended at 7 weeks with a sac but no heartbeat - where do I fit?",
        {"embryos_good_quality": ["yes"], "chromosome_tests_both": ["no"]},
        "both_patterns",
        ("biochemical_losses",),
        slots={"embryo_transfers": 3, "positive_tests": 1, "confirmed_losses": 1},
    ),
    Walk(
        "three chemicals after three transfers",
        "we've had 3 transfers and all 3 were chemicals. which pattern is that?",
        {"confirmed_losses": ["none got to a scan"], "embryos_good_quality": ["yes"], "chromosome_tests_both": ["no"]},
        "rm_pattern",  # a chemical after a transfer is a positive test: counted once, as a loss
        ("biochemical_losses",),
    ),
    Walk(
        "one loss at 18 weeks",
        "which one applies to me",
        {"embryo_transfers": ["none"], "confirmed_losses": ["one, at 18 weeks"], "chromosome_tests_both": ["no"]},
        "later_loss",  # one later loss is not recurrent miscarriage
        said=("One later loss is not recurrent miscarriage", "tests of my baby or the placenta"),
    ),
    Walk(
        "two failed transfers and a later loss",
        "which one applies to me",
        {
            "embryo_transfers": ["2"],
            "positive_tests": ["none"],
            "confirmed_losses": ["one, at 18 weeks"],
            "embryos_good_quality": ["yes"],
            "chromosome_tests_both": ["no"],
        },
        "rif_and_later_loss",
        said=("recurrent implantation failure (RIF)", "One later loss is not recurrent miscarriage"),
    ),
    Walk(
        "a stillbirth is not counted as a miscarriage",
        "which one applies to me",
        {
            "embryo_transfers": ["none"],
            "confirmed_losses": ["none, but we had a stillbirth at 28 weeks"],
            "chromosome_tests_both": ["no"],
        },
        "neither_yet",
        ("stillbirth",),
        slots={"confirmed_losses": 0},
        said=("called a stillbirth", "0808 164 3332"),
    ),
    Walk(
        "natural answers to every question",
        "which one applies to me",
        {
            "embryo_transfers": ["2 fresh and 1 frozen"],
            "positive_tests": ["one, but it was a chemical"],
            "confirmed_losses": ["none"],
            "embryos_good_quality": ["not really, mostly average grades"],
            "chromosome_tests_both": ["nope"],
        },
        "rif_pattern",
        ("biochemical_losses", "lower_grade_embryos"),
        slots={"embryo_transfers": 3, "positive_tests": 1},
        said=("3 embryo transfers (2 fresh, 1 frozen)", "embryo quality first"),
    ),
    Walk(
        "losses given as weeks",
        "can you go through my history with me",
        {
            "embryo_transfers": ["never had IVF"],
            "confirmed_losses": ["at 8 and 15 weeks"],
            "chromosome_tests_both": ["no"],
        },
        "rm_pattern",
        ("second_trimester_loss",),
        slots={"confirmed_losses": 2, "losses_first_trimester": "some"},
    ),
    Walk(
        "an ectopic is not counted",
        "I've had 2 miscarriages and an ectopic, where do I fit?",
        {"embryo_transfers": ["0"], "losses_first_trimester": ["yes"], "chromosome_tests_both": ["no"]},
        "rm_pattern",
        ("ectopic_or_molar",),
        slots={"confirmed_losses": 2},
        said=("not counted as miscarriages",),
    ),
    Walk(
        "one side known, the other not",
        "which one applies to me",
        {
            "embryo_transfers": ["honestly not sure, my notes are at home"],
            "confirmed_losses": ["3"],
            "losses_first_trimester": ["first trimester"],
            "chromosome_tests_both": ["yes both of us"],
        },
        "rm_pattern",
        ("rif_side_unknown",),
        said=("I can't say about the transfer side", "What did our chromosome results show"),
    ),
    Walk(
        "a correction at the end",
        "3 failed FETs, is that RIF?",
        {
            "confirmed_losses": ["none"],
            "embryos_good_quality": ["yes"],
            "chromosome_tests_both": ["no"],
            "history_confirmed": ["actually it was 4 transfers", "yes that's right"],
        },
        "rif_pattern",
        slots={"embryo_transfers": 4},
        said=("I've changed that", "4 embryo transfers"),
    ),
    Walk(
        "change something, then say what",
        "which one applies to me",
        {
            "embryo_transfers": ["none"],
            "confirmed_losses": ["2"],
            "losses_first_trimester": ["yes"],
            "chromosome_tests_both": ["no"],
            "history_confirmed": ["/deny", "one of the losses was at 15 weeks", "yes"],
        },
        "rm_pattern",
        ("second_trimester_loss",),
        slots={"losses_first_trimester": "some"},
        said=("What should I change?",),
    ),
    Walk(
        "a question in the middle, and rounds asked back",
        "which one applies to me",
        {
            "embryo_transfers": ["what counts as a transfer?", "3 rounds", "4 transfers"],
            "positive_tests": ["none"],
            "confirmed_losses": ["none"],
            "embryos_good_quality": ["yes"],
            "chromosome_tests_both": ["no"],
        },
        "rif_pattern",
        slots={"embryo_transfers": 4},
        said=("A round of IVF can have more than one transfer",),
    ),
]


@pytest.mark.parametrize("case", WALKS, ids=lambda c: c.name)
def test_walk_through_in_patients_words_reaches_the_right_result(assistant, case):
    sender = "e2e-walk-" + case.name.replace(" ", "-")
    state, transcript = walk(assistant.base_url, sender, case)
    slots = state["slots"]
    assert slots["assessment"] == case.pattern, transcript
    assert sorted(slots["assessment_flags"] or []) == sorted(case.flags), transcript
    for slot, value in case.slots.items():
        assert slots[slot] == value, (slot, transcript)
    for words in case.said:
        assert words in transcript, (words, transcript)
    assert " yet" not in transcript.split("Your summary")[0].split(">> ")[-1]  # no "yet" in the result


def test_there_are_at_least_ten_conversations():
    assert len(WALKS) >= 10


# ---- Hidden histories: a simulated user answers from a history only it
# knows, in varied words; every conversation must finish, with the pattern
# the assessment gives for that history.

NUMBER_WORDS = ["none", "one", "two", "three", "four", "five", "six"]


def say_count(n: int, rng, kind: str) -> str:
    if n == 0:
        return rng.choice(["none", "0", "never", "none at all"])
    if kind == "transfers" and n >= 2 and rng.random() < 0.4:
        fresh = rng.randint(1, n - 1)
        return f"{fresh} fresh and {n - fresh} frozen"
    if n == 2 and rng.random() < 0.3:
        return "twice"
    return rng.choice([str(n), NUMBER_WORDS[n], f"{NUMBER_WORDS[n]} i think"])


def hidden_walk(seed: int):
    import random

    rng = random.Random(seed)
    transfers = rng.choice([0, 0, 1, 2, 3, 4, 5])
    positives = rng.randint(0, transfers) if transfers else 0
    losses = rng.choice([0, 1, 2, 3, 4])
    unknown = rng.random() < 0.2  # now and then the user does not know one answer
    answers = {
        "embryo_transfers": [say_count(transfers, rng, "transfers")],
        "positive_tests": [
            "all of them"
            if positives == transfers and transfers > 1 and rng.random() < 0.5
            else say_count(positives, rng, "p")
        ],
        "confirmed_losses": ["not sure" if unknown else say_count(losses, rng, "losses")],
        "embryos_good_quality": [rng.choice(["yes", "yep, all top grade", "no", "not sure"])],
        "losses_first_trimester": [rng.choice(["yes", "all early", "first trimester"])],
        "chromosome_tests_both": [rng.choice(["no", "yes both of us", "not sure", "nope"])],
    }
    from actions.history.assessment import HistoryFacts, assess

    facts = HistoryFacts(transfers, positives, None if unknown else losses)
    return Walk(f"hidden history {seed}", "which one applies to me", answers, assess(facts).pattern.value)


@pytest.mark.parametrize("seed", range(12))
def test_hidden_histories_always_finish_with_the_right_pattern(assistant, seed):
    case = hidden_walk(seed)
    state, transcript = walk(assistant.base_url, f"e2e-hidden-{seed}", case)
    assert state["slots"]["assessment"] == case.pattern, transcript
