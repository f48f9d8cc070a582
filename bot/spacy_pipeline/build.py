"""Build the project's English spaCy pipeline into a folder Rasa's SpacyNLP loads.

No spaCy model can be downloaded here, and Rasa rejects ``blank:en``. So we
start from spaCy's blank English tokenizer and add:
- a lookup lemmatizer (tables from ``spacy-lookups-data``), so count vectors
  see "miscarriages" and "miscarriage" as one word;
- an entity ruler for the domain's terms and abbreviations (``terms.yml``).

Usage: python -m bot.spacy_pipeline.build OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List

import spacy
import yaml

TERMS_FILE = Path(__file__).with_name("terms.yml")
PIPELINE_NAME = "rif_rm_en"
PIPELINE_VERSION = "1.0.0"


def load_terms(path: Path = TERMS_FILE) -> Dict[str, Dict[str, List[str]]]:
    """Return {label: {normalised_id: [phrases]}} from the terms file."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["terms"]


def build_pipeline(terms: Dict[str, Dict[str, List[str]]]) -> "spacy.language.Language":
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = "Blank English + lookup lemmatizer + RIF/RM entity ruler"
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lookup tables; they are saved with the pipeline
    patterns = [
        {"label": label, "pattern": phrase, "id": term_id}
        for label, entries in terms.items()
        for term_id, phrases in entries.items()
        for phrase in phrases
    ]
    ruler.add_patterns(patterns)
    return nlp


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    output_dir = Path(argv[0])
    nlp = build_pipeline(load_terms())
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    print(f"spaCy pipeline '{PIPELINE_NAME}' written to {output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
