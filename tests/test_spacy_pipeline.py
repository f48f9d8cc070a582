"""The project's own spaCy pipeline: lookup lemmas and domain-term entities."""

from __future__ import annotations

import pytest
import spacy

from bot.spacy_pipeline.build import build_pipeline, load_terms
from tests.helpers.project import ROOT


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(load_terms())


def test_built_pipeline_is_what_config_yml_loads():
    built = spacy.load(ROOT / "build" / "spacy" / "rif_rm_en")
    assert built.pipe_names == ["lemmatizer", "entity_ruler"]
    assert built.meta["name"] == "rif_rm_en"


def test_lemmatizer_merges_plural_and_verb_forms(nlp):
    doc = nlp("I had two miscarriages and my transfers failed")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["miscarriages"] == "miscarriage"
    assert lemmas["transfers"] == "transfer"
    assert lemmas["failed"] == "fail"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("is it RIF or RPL?", {("RIF", "condition", "rif"), ("RPL", "condition", "rm")}),
        (
            "recurrent implantation failure after ivf",
            {("recurrent implantation failure", "condition", "rif"), ("ivf", "procedure", "ivf")},
        ),
        ("should I test NK cells or do PGT-A", {("NK cells", "test", "nk_cells"), ("PGT-A", "test", "pgt")}),
        ("would Clexane help", {("Clexane", "treatment", "heparin")}),
        ("another BFN after my FET", {("BFN", "result", "bfn"), ("FET", "procedure", "fet")}),
    ],
)
def test_entity_ruler_tags_domain_terms_case_insensitively(nlp, text, expected):
    found = {(e.text, e.label_, e.ent_id_) for e in nlp(text).ents}
    assert found == expected


def test_ordinary_words_are_not_tagged(nlp):
    assert list(nlp("thank you, that was kind").ents) == []
