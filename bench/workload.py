"""What the benchmarks send: held-out FAQ questions, full history
walk-throughs and small talk, as real users mix them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "nlu" / "held_out.yml"
TRAINING_DATA = ROOT / "data" / "nlu"

WALK_THROUGHS: List[List[str]] = [
    ["which one applies to me", "three", "none", "none", "yes", "no", "UK"],
    ["go through my history", "none", "twice", "yes", "not sure", "not sure", "US"],
    ["can you look at my history", "2", "1", "1", "no", "yes", "Ireland"],
]
SMALL_TALK: List[List[str]] = [
    ["hello", "thanks, that helps", "bye"],
    ["hi there", "are you a bot?", "thank you"],
]
# Share of conversations of each kind: mostly questions, some walk-throughs.
SCENARIO_WEIGHTS = {"faq": 0.6, "walk_through": 0.25, "small_talk": 0.15}
FAQ_QUESTIONS_PER_CONVERSATION = 3


def labelled_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs; FAQ labels are ``faq/<key>``."""
    data = load_data(str(path))
    return [
        (message.get("text"), message.get("intent_response_key") or message.get("intent"))
        for message in data.intent_examples
    ]


def held_out_faq_questions() -> List[str]:
    return [text for text, label in labelled_examples(HELD_OUT) if label.startswith("faq/")]


@dataclass(frozen=True)
class Conversation:
    kind: str
    messages: Tuple[str, ...]


def conversations(seed: int) -> "ConversationSource":
    return ConversationSource(random.Random(seed), held_out_faq_questions())


class ConversationSource:
    """An endless, reproducible stream of conversations in the realistic mix."""

    def __init__(self, rng: random.Random, faq_questions: List[str]) -> None:
        self.rng = rng
        self.faq_questions = faq_questions

    def next(self) -> Conversation:
        kind = self.rng.choices(list(SCENARIO_WEIGHTS), weights=list(SCENARIO_WEIGHTS.values()))[0]
        if kind == "faq":
            return Conversation(kind, tuple(self.rng.sample(self.faq_questions, FAQ_QUESTIONS_PER_CONVERSATION)))
        if kind == "walk_through":
            return Conversation(kind, tuple(self.rng.choice(WALK_THROUGHS)))
        return Conversation(kind, tuple(self.rng.choice(SMALL_TALK)))


def message_mix(count: int, seed: int = 7) -> List[str]:
    """``count`` messages in the order simulated users would send them."""
    source = conversations(seed)
    messages: List[str] = []
    while len(messages) < count:
        messages.extend(source.next().messages)
    return messages[:count]


def label_counts(pairs: List[Tuple[str, str]]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for _, label in pairs:
        counts[label] = counts.get(label, 0) + 1
    return counts
