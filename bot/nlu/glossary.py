"""Forum jargon ("2 BFNs after FET", "MMC at 9w", "5dp5dt") normalised before
featurisation.

The classifier learnt plain words, so the plain expansion of every glossary
term (``glossary.yml``) found in a message is appended to it:
``"2 BFNs after FET"`` -> ``"2 BFNs after FET . negative pregnancy test .
frozen embryo transfer"``. The user's words stay untouched in front, so
entity offsets and everything the classifier knew still hold.

The separator is `` . ``: spaCy makes it a punctuation token, which count
vectors ignore, and as a sentence break it keeps the safety net's
within-a-sentence patterns (``[^.?!]``) from joining words of the message to
words of an expansion (or two expansions), e.g. "so much" + "blood".

``GlossaryExpander`` runs before SpacyNLP, on training data and at inference;
``GlossaryTextRestorer`` runs last and puts the user's text back, so the
tracker and custom actions see what was written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Pattern, Tuple

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.guard import guarded
from bot.nlu.input_guard import MAX_MESSAGE_CHARS
from bot.nlu.stateless import StatelessComponent

GLOSSARY_FILE = Path(__file__).with_name("glossary.yml")
SEPARATOR = " . "
ORIGINAL_TEXT = "glossary_original_text"

_KEYS = {
    "term",
    "variants",
    "patterns",
    "examples",
    "expansion",
    "case_sensitive",
    "not_preceded_by",
    "not_followed_by",
}


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    expansion: str
    pattern: Pattern[str]
    forms: Tuple[str, ...]  # term, variants and examples: texts the pattern must match
    case_sensitive: bool = False


@dataclass(frozen=True)
class Glossary:
    entries: Tuple[GlossaryEntry, ...]


def _literal(text: str) -> str:
    return re.escape(text).replace(r"\ ", r"\s+")  # "D and C" also as "D  and C"


def compile_entry(raw: Dict[str, Any]) -> GlossaryEntry:
    """One YAML entry as a whole-word regular expression."""
    unknown = set(raw) - _KEYS
    if unknown or not raw.get("term") or not raw.get("expansion"):
        raise ValueError(f"bad glossary entry {raw!r}: needs term and expansion; unknown keys {unknown}")
    patterns = list(raw.get("patterns") or [])
    if patterns and not raw.get("examples"):
        raise ValueError(f"glossary entry {raw['term']!r}: `patterns` need `examples`")
    literals = sorted({raw["term"], *(raw.get("variants") or [])}, key=len, reverse=True)
    alternatives = "|".join([_literal(x) for x in literals] + patterns)
    before = "".join(f"(?<!(?i:{re.escape(x)}))" for x in raw.get("not_preceded_by") or [])
    after = "".join(f"(?!(?i:{re.escape(x)}))" for x in raw.get("not_followed_by") or [])
    case_sensitive = bool(raw.get("case_sensitive", False))
    pattern = re.compile(rf"{before}(?<!\w)(?:{alternatives})(?!\w){after}", 0 if case_sensitive else re.IGNORECASE)
    forms = tuple(literals) + tuple(raw.get("examples") or [])
    return GlossaryEntry(raw["term"], raw["expansion"].strip(), pattern, forms, case_sensitive)


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """The glossary in ``path``, compiled once."""
    with Path(path).open(encoding="utf-8") as handle:
        return Glossary(tuple(compile_entry(raw) for raw in yaml.safe_load(handle)["terms"]))


def expand(text: str, glossary: Glossary, max_chars: Optional[int] = None) -> str:
    """``text`` followed by the expansions of the glossary terms in it, in the
    order the terms appear, each once, and none already said (by the text or
    an earlier expansion). Expansions that would make the result longer than
    ``max_chars`` are left off."""
    hits: List[Tuple[int, int, str]] = []
    for index, entry in enumerate(glossary.entries):
        match = entry.pattern.search(text)
        if match:
            hits.append((match.start(), index, entry.expansion))
    result = text
    for _, _, expansion in sorted(hits):
        if expansion.lower() in result.lower():
            continue
        if max_chars is not None and len(result) + len(SEPARATOR) + len(expansion) > max_chars:
            break
        result += SEPARATOR + expansion
    return result


def _glossary_fingerprint() -> str:
    """Changes when the glossary or this module changes, so Rasa's training
    cache does not reuse data expanded with an older glossary."""
    return hashlib.sha256(GLOSSARY_FILE.read_bytes() + Path(__file__).read_bytes()).hexdigest()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class GlossaryExpander(StatelessComponent):
    """Appends plain expansions of jargon to the text; before SpacyNLP.

    Registered as a featurizer because Rasa only runs ``process_training_data``
    of tokenizers and featurizers: training examples must be expanded exactly
    like messages at inference."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return _glossary_fingerprint()

    @staticmethod
    def _expand_message(message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or text.startswith("/"):
            return  # no text, or a button payload such as /faq/<key>
        expanded = expand(text, load_glossary(), max_chars=MAX_MESSAGE_CHARS)
        if expanded != text:
            message.set(ORIGINAL_TEXT, text)
            message.set(TEXT, expanded)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:  # includes faq/<key> examples
            self._expand_message(example)
        return training_data

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._expand_message(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class GlossaryTextRestorer(StatelessComponent):
    """Last in the pipeline, at inference only: puts back the user's text, and
    drops entities found in the appended expansions (their offsets would point
    past the restored text; the same terms in the user's words are kept)."""

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            original = message.get(ORIGINAL_TEXT)
            if original is None:
                continue
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if e.get("end", 0) <= len(original)]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
            message.set(TEXT, original)
        return messages
