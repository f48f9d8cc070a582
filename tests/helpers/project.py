"""Project paths and loaders for the YAML data the tests check."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
MODEL_PATH = ROOT / "models" / "rif-rm-assistant.tar.gz"
TEST_OUTPUT = ROOT / "test-output"
VENV_BIN = ROOT / ".venv" / "bin"


def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


CATALOGUE = ROOT / "data" / "catalogue.yml"


def catalogue() -> dict:
    """The FAQ contract, owned by the project: {key: {question, facts, sources, reviewed}}."""
    return load_yaml(CATALOGUE)["topics"]


def catalogue_keys() -> List[str]:
    return sorted(catalogue())


def seed_texts() -> Dict[str, str]:
    """The seed articles, when ../shared/seeds (or $SHARED_DIR/seeds) is there; else {}."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted((SHARED / "seeds").glob("*.txt"))}


def examples_of(block: dict) -> List[str]:
    """The example lines of one `- intent:` block of Rasa YAML NLU data."""
    return [
        line.strip()[2:].strip() for line in block.get("examples", "").splitlines() if line.strip().startswith("- ")
    ]


def nlu_blocks(paths: List[Path]) -> Iterator[Tuple[Path, dict]]:
    for path in paths:
        for block in load_yaml(path).get("nlu", []) or []:
            if "intent" in block:
                yield path, block


def training_nlu_files() -> List[Path]:
    return sorted((ROOT / "data").rglob("*.yml"))


def training_examples() -> Dict[str, List[str]]:
    """{intent (full retrieval name for FAQs): [examples]} of the training data."""
    found: Dict[str, List[str]] = {}
    for _, block in nlu_blocks(training_nlu_files()):
        found.setdefault(block["intent"], []).extend(examples_of(block))
    return found


def held_out_examples() -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for _, block in nlu_blocks([ROOT / "tests" / "nlu" / "held_out.yml"]):
        found.setdefault(block["intent"], []).extend(examples_of(block))
    return found


def all_responses() -> Dict[str, list]:
    """Responses from domain.yml and from the data files (retrieval answers)."""
    responses: Dict[str, list] = dict(load_yaml(ROOT / "domain.yml").get("responses", {}))
    for path in training_nlu_files():
        responses.update(load_yaml(path).get("responses", {}) or {})
    return responses


def faq_answers() -> Dict[str, dict]:
    """{key: first response variant} of every utter_faq/<key>."""
    return {
        name.split("/", 1)[1]: variants[0]
        for name, variants in all_responses().items()
        if name.startswith("utter_faq/")
    }


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> List[str]:
    """Lower-case words, apostrophes dropped, so "don't" and "dont" compare equal."""
    return _WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))


def normalise(text: str) -> str:
    return " ".join(words(text))
