"""Random walks through ordinary conversations, and what every turn must keep.

Real patients say "yes", "ok", "and for RM?", tap buttons, answer the walk-
through in words or digits, stop and start over, and may write a crisis
message at any point. A walk is 4-12 turns drawn (seeded) from a pool of
such moves, with a crisis or urgent message inserted at a random point in
half of them. Every turn is checked:

* a reply with text, and no reply text twice in one turn;
* never the "couldn't answer that just now" apology;
* a crisis message gets a crisis line, an urgent one the emergency reply;
* nothing is deleted without an explicit yes to the deletion question.

``tests/test_conversations_e2e.py`` runs a sample through the real servers in
``make test``; ``make bench`` runs more. Plain functions: the walk and the
checks take the replies, not a server.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import yaml

from bot.nlu.confirmation import explicit_answer
from bot.nlu.safety_net import assess_safety

ROOT = Path(__file__).resolve().parents[1]
MOVES_FILE = Path(__file__).with_name("conversation_moves.yml")

APOLOGY = "couldn't answer that just now"
CRISIS_LINES = ("116 123", "988")
EMERGENCY_WORDS = ("999", "911", "112", "emergency")
DELETE_QUESTION = "Delete everything from this conversation?"
DELETED = "I've deleted this conversation"


@dataclass(frozen=True)
class Move:
    text: str
    kind: str  # pool category; "crisis" and "urgent" are the inserted safety messages


@dataclass
class Figures:
    conversations: int = 0
    turns: int = 0
    crisis_sent: int = 0
    crisis_answered: int = 0
    urgent_sent: int = 0
    urgent_answered: int = 0
    violations: List[Dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        kinds: Dict[str, int] = {}
        for violation in self.violations:
            kinds[violation["rule"]] = kinds.get(violation["rule"], 0) + 1
        return {
            "conversations": self.conversations,
            "turns": self.turns,
            "crisis": f"{self.crisis_answered}/{self.crisis_sent}",
            "urgent": f"{self.urgent_answered}/{self.urgent_sent}",
            "violations": len(self.violations),
            "violations_by_rule": kinds,
        }


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pool() -> List[Move]:
    """The ordinary moves: the YAML's, the catalogue's questions, held-out
    paraphrases and the blind follow-ups' last turns (never a safety message)."""
    moves = [Move(text, kind) for kind, texts in _yaml(MOVES_FILE)["moves"].items() for text in texts]
    catalogue = _yaml(ROOT / "data" / "catalogue.yml")["topics"]
    moves += [Move(topic["question"], "question") for topic in catalogue.values()]
    moves += [Move(f"/faq/{key}", "button") for key in list(catalogue)[::4]]
    held_out = _yaml(ROOT / "tests" / "nlu" / "held_out.yml")["nlu"]
    paraphrases = [line[2:].strip() for block in held_out for line in block["examples"].splitlines() if line.strip()]
    moves += [Move(text, "question") for text in paraphrases[::5]]
    follow_ups = _yaml(ROOT / "tests" / "nlu" / "follow_ups.yml")["conversations"]
    moves += [Move(c["turns"][-1], "follow_up") for c in follow_ups[::3]]
    return [m for m in moves if assess_safety(m.text).intent is None]


def safety_messages() -> Dict[str, List[str]]:
    """Crisis and urgent messages the safety net catches on their own (the
    walk tests the dialogue around them, not the lexicon)."""
    cases = _yaml(ROOT / "tests" / "nlu" / "safety_regression.yml")["cases"]
    found: Dict[str, List[str]] = {"crisis": [], "urgent": []}
    for case in cases:
        expected = (case.get("expect") or {}).get("safety")
        intent = assess_safety(case["text"]).intent
        if expected == "crisis" and intent in ("crisis", "crisis_check"):
            found["crisis"].append(case["text"])
        elif expected == "urgent" and intent == "urgent_symptoms":
            found["urgent"].append(case["text"])
    return found


def walks(count: int, seed: int = 20) -> List[List[Move]]:
    """``count`` seeded conversations of 4-12 moves; half carry a safety message."""
    rng = random.Random(seed)
    moves, safety = pool(), safety_messages()
    conversations = []
    for index in range(count):
        turns = [rng.choice(moves) for _ in range(rng.randint(4, 12))]
        if index % 2 == 0:
            kind = "crisis" if index % 4 == 0 else "urgent"
            turns.insert(rng.randint(0, len(turns)), Move(rng.choice(safety[kind]), kind))
        conversations.append(turns)
    return conversations


def texts_of(replies: Sequence[Dict[str, Any]]) -> List[str]:
    return [r.get("text") or "" for r in replies if r.get("text")]


def check_turn(move: Move, replies: Sequence[Dict[str, Any]], previous: Sequence[Dict[str, Any]]) -> List[str]:
    """The rules this turn broke (empty when it kept them all)."""
    texts = texts_of(replies)
    joined = "\n".join(texts)
    broken = []
    if not texts:
        broken.append("no_reply")
    if len(texts) != len(set(texts)):
        broken.append("repeated_text")
    if APOLOGY in joined:
        broken.append("apology")
    if move.kind == "crisis" and not any(line in joined for line in CRISIS_LINES):
        broken.append("crisis_without_crisis_line")
    if move.kind == "urgent" and not any(word in joined for word in EMERGENCY_WORDS):
        broken.append("urgent_without_emergency_reply")
    if DELETED in joined:
        asked = any(DELETE_QUESTION in text for text in texts_of(previous))
        if not (asked and explicit_answer(move.text) == "affirm"):
            broken.append("deleted_without_explicit_yes")
    return broken


def run_walks(
    conversations: Sequence[Sequence[Move]],
    send: Callable[[str, str], Optional[List[Dict[str, Any]]]],
    sender_prefix: str = "walk",
) -> Figures:
    """Play each conversation through ``send(sender, text) -> replies`` (None
    for a failed request) and check every turn."""
    figures = Figures()
    for number, turns in enumerate(conversations):
        sender = f"{sender_prefix}-{number}"
        previous: List[Dict[str, Any]] = []
        figures.conversations += 1
        for position, move in enumerate(turns):
            replies = send(sender, move.text)
            figures.turns += 1
            broken = ["request_failed"] if replies is None else check_turn(move, replies, previous)
            if move.kind == "crisis":
                figures.crisis_sent += 1
                figures.crisis_answered += "crisis_without_crisis_line" not in broken and replies is not None
            if move.kind == "urgent":
                figures.urgent_sent += 1
                figures.urgent_answered += "urgent_without_emergency_reply" not in broken and replies is not None
            for rule in broken:
                figures.violations.append(
                    {"rule": rule, "conversation": number, "turn": position, "text": move.text[:80], "kind": move.kind}
                )
            previous = replies or []
    return figures
