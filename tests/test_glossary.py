"""Forum jargon is expanded before featurisation, and only where it is meant."""

from __future__ import annotations

import copy

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.glossary import (
    GLOSSARY_FILE,
    ORIGINAL_TEXT,
    SEPARATOR,
    GlossaryExpander,
    GlossaryTextRestorer,
    compile_entry,
    expand,
    load_glossary,
)
from bot.nlu.input_guard import MAX_MESSAGE_CHARS, classify_input
from bot.nlu.safety_net import SafetyNet, detect_safety_intent
from tests.helpers.project import ROOT

GLOSSARY = load_glossary()
FORMS = [(entry.term, form, entry.expansion) for entry in GLOSSARY.entries for form in entry.forms]


def expansions_of(text: str) -> list:
    """The expansions appended to ``text`` (empty if none)."""
    expanded = expand(text, GLOSSARY)
    assert expanded.startswith(text)
    tail = expanded[len(text) :]
    return tail.split(SEPARATOR)[1:] if tail else []


def test_glossary_is_big_enough_and_terms_are_unique():
    terms = [entry.term.lower() for entry in GLOSSARY.entries]
    assert len(terms) >= 50
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize("term,form,expansion", FORMS, ids=[f"{t}:{f}" for t, f, _ in FORMS])
def test_every_term_variant_and_example_expands(term, form, expansion):
    for text in (form, f"had {form} today", f"({form})", f"{form}, then"):
        assert expansion in expansions_of(text), text


@pytest.mark.parametrize(
    "entry", [e for e in GLOSSARY.entries if e.case_sensitive and e.term.lower() != e.term], ids=lambda e: e.term
)
def test_case_sensitive_terms_ignore_the_lower_case_word(entry):
    assert expansions_of(f"and {entry.term.lower()} so") == []
    assert entry.expansion in expansions_of(f"and {entry.term} so")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2 BFNs after FET", ["negative pregnancy test", "frozen embryo transfer"]),
        ("FET, then nothing", ["frozen embryo transfer"]),
        ("my (FET) failed", ["frozen embryo transfer"]),
        ("BFN!!", ["negative pregnancy test"]),
        ("5dp5dt and feeling nothing", ["days past embryo transfer"]),
        ("10dp3dt, beta tomorrow", ["days past embryo transfer", "hcg blood test for pregnancy"]),
        ("testing at 9dpt", ["days past embryo transfer"]),
        ("had a 5dt on monday", ["embryo transfer day"]),
        ("AF showed up", ["period menstruation"]),
        ("MMC at 9 weeks then a D&C", ["missed miscarriage", "surgery removing pregnancy tissue"]),
        ("2 m/c and a CP", ["miscarriage", "chemical pregnancy early loss"]),
        ("my RE wants an ERA", ["fertility specialist doctor", "endometrial receptivity test"]),
        ("DH and I are TTC", ["husband", "trying for pregnancy"]),
        ("on clexane and pred", ["heparin blood thinner", "steroid medication"]),
        ("cyclogest and PIO", ["progesterone", "progesterone oil injections"]),
        (
            "3 euploid blasts left, 2 aneuploid",
            ["chromosomally normal embryo", "blastocyst embryo", "chromosomally abnormal embryo"],
        ),
        (
            "in the TWW after our natty FET",
            ["two week wait after transfer", "natural cycle without medication", "frozen embryo transfer"],
        ),
        (
            "sent to the EPU, sac but no fetal pole",
            ["early pregnancy unit", "pregnancy sac seen on scan", "early baby seen on scan"],
        ),
        ("we BD every other day", ["sex intercourse"]),
        ("FET FET fet and another FET", ["frozen embryo transfer"]),  # each expansion once
        ("ET and FET", ["embryo transfer", "frozen embryo transfer"]),
        ("FET and ET", ["frozen embryo transfer"]),  # "embryo transfer" is already said
        ("MC then m/c", ["miscarriage"]),  # two terms, one expansion
    ],
)
def test_hand_written_cases(text, expected):
    assert expansions_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "re-test next week",
        "RE: my results",
        "et al found",
        "Smith et al 2019",
        "de novo",
        "pas de deux",
        "af",
        "that was af",
        "my Hb was low",
        "on beta blockers",
        "beta-blocker",
        "400mg BD",
        "2 tabs BD",
        "pessaries BD",
        "a mc",
        "my cp",
        "dw about it",
        "era of hope",
        "what is recurrent miscarriage",
        "feeling sad today",
        "IVFing",
        "prefetch",
        "ketone",
        "bfnx",
        "fetus",
        "predict",
        "blasted",
        "/faq/rif_definition",
        "/faq/rm_tests",
        "",
        "frozen embryo transfer or FET?",  # the expansion is already there
    ],
)
def test_text_without_expandable_terms_is_unchanged(text):
    assert expand(text, GLOSSARY) == text


def test_button_payloads_and_missing_text_are_left_alone():
    messages = [Message(data={"text": "/faq/pgt"}), Message(data={"text": "/stop_assessment"}), Message(data={})]
    GlossaryExpander().process(messages)
    assert [m.get("text") for m in messages] == ["/faq/pgt", "/stop_assessment", None]
    assert all(m.get(ORIGINAL_TEXT) is None for m in messages)


def test_expansion_is_idempotent_in_effect():
    once = expand("2 BFNs after FET", GLOSSARY)
    assert expand(once, GLOSSARY) == once


def test_expansions_stop_at_the_input_limit():
    text = "x" * (MAX_MESSAGE_CHARS - 30) + " BFN after FET and MMC"
    expanded = expand(text, GLOSSARY, max_chars=MAX_MESSAGE_CHARS)
    assert len(expanded) <= MAX_MESSAGE_CHARS < len(expand(text, GLOSSARY))
    assert expanded.startswith(text)


@pytest.mark.parametrize("entry", GLOSSARY.entries, ids=lambda e: e.term)
def test_expansions_do_not_change_safety_or_input_guard_decisions(entry):
    assert detect_safety_intent(entry.expansion) is None
    contexts = [
        "{}",
        "so much {}",
        "heavy {}",
        "I can't {}",
        "bleeding, {}",
        "hola, necesito ayuda {}",
        "bonjour, {}",
        "hola tengo {}",
        "sharp {}",
    ]
    for form in entry.forms:
        for context in contexts:
            text = context.format(form)
            expanded = expand(text, GLOSSARY, max_chars=MAX_MESSAGE_CHARS)
            # The safety net reads the user's own words, never the additions.
            message = Message(data={"text": expanded, "glossary_original_text": text})
            SafetyNet().process([message])
            found = message.get("intent")["name"] if message.get("safety_net") else None
            assert found == detect_safety_intent(text), expanded
            assert classify_input(expanded) == classify_input(text), expanded


def test_explicit_yes_no_answers_are_not_expanded():
    """ExplicitAnswerClassifier matches whole messages, after the expander."""
    from bot.nlu.confirmation import PHRASES_FILE

    phrases = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    for phrase in phrases["affirm"] + phrases["deny"]:
        assert expand(phrase, GLOSSARY) == phrase
        assert expand(phrase.upper(), GLOSSARY) == phrase.upper()


def test_bad_entries_are_rejected():
    with pytest.raises(ValueError):
        compile_entry({"term": "FET"})  # no expansion
    with pytest.raises(ValueError):
        compile_entry({"term": "FET", "expansion": "x", "variant": ["fets"]})  # typo
    with pytest.raises(ValueError):
        compile_entry({"term": "5dt", "expansion": "x", "patterns": [r"\ddt"]})  # no examples


# Components, built the way Rasa builds them.


@pytest.fixture()
def components(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    return (
        GlossaryExpander.create({}, storage, Resource("glossary_expander"), context),
        GlossaryTextRestorer.create({}, storage, Resource("glossary_restorer"), context),
    )


NLU_YAML = """
version: "3.1"
nlu:
  - intent: faq/pgt
    examples: |
      - is PGT-A worth it after 3 BFNs
      - what is embryo genetic testing
  - intent: express_distress
    examples: |
      - another MMC, I'm broken
responses:
  utter_faq/pgt:
    - text: PGT-A tests embryos for chromosome problems.
"""


def test_expander_expands_every_training_example_including_response_selector_ones(components):
    expander, restorer = components
    data = RasaYAMLReader().reads(NLU_YAML)
    result = expander.process_training_data(data)
    texts = {m.get("text") for m in result.training_examples}
    assert texts == {
        "is PGT-A worth it after 3 BFNs . embryo genetic testing . negative pregnancy test",
        "what is embryo genetic testing",
        "another MMC, I'm broken . missed miscarriage",
    }
    faq = result.response_examples
    assert {m.get("intent_response_key") for m in faq} == {"faq/pgt"}
    assert faq[0].get(ORIGINAL_TEXT) == "is PGT-A worth it after 3 BFNs"
    assert result.responses["utter_faq/pgt"][0]["text"] == "PGT-A tests embryos for chromosome problems."
    # Training data is not restored: the restorer only acts at inference.
    assert restorer.process_training_data(result) is result
    assert "missed miscarriage" in result.nlu_examples[-1].get("text")


def test_expander_and_restorer_at_inference(components):
    expander, restorer = components
    message = Message(data={"text": "2 BFNs after FET"})
    [message] = expander.process([message])
    assert message.get("text") == "2 BFNs after FET . negative pregnancy test . frozen embryo transfer"
    assert message.get(ORIGINAL_TEXT) == "2 BFNs after FET"
    # An extractor found FET in the user's words and again in the expansion.
    in_text = {"entity": "procedure", "value": "fet", "start": 13, "end": 16}
    in_expansion = {"entity": "procedure", "value": "fet", "start": 45, "end": 67}
    guard = {"entity": "input_issue", "value": "x", "start": 0, "end": 0}
    message.set("entities", [in_text, in_expansion, guard], add_to_output=True)
    [message] = restorer.process([message])
    assert message.get("text") == "2 BFNs after FET"
    assert message.get("entities") == [in_text, guard]
    assert message.as_dict(only_output_properties=True)["text"] == "2 BFNs after FET"

    plain = Message(data={"text": "hello there"})
    expander.process([plain])
    restorer.process([plain])
    assert plain.get("text") == "hello there" and plain.get(ORIGINAL_TEXT) is None


def test_training_cache_fingerprint_follows_the_glossary(tmp_path, monkeypatch):
    """Rasa fingerprints only the component class: an edited glossary must
    still invalidate cached, expanded training data."""
    import bot.nlu.glossary as glossary

    before = GlossaryExpander.fingerprint_addon({})
    assert GlossaryExpander.fingerprint_addon({}) == before
    edited = tmp_path / "glossary.yml"
    edited.write_text(GLOSSARY_FILE.read_text(encoding="utf-8") + "  - term: XYZ\n    expansion: x\n")
    monkeypatch.setattr(glossary, "GLOSSARY_FILE", edited)
    assert GlossaryExpander.fingerprint_addon({}) != before


def test_pipeline_with_the_components_builds_graphs(tmp_path):
    """config.yml: expander and question focus before SpacyNLP on training data, restorer last."""
    from rasa.engine.recipes.recipe import Recipe

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    at = names.index("bot.nlu.glossary.GlossaryExpander")
    assert names[at + 1] == "bot.nlu.question_focus.QuestionFocus" and names[at + 2] == "SpacyNLP"
    assert names[-1] == "bot.nlu.glossary.GlossaryTextRestorer"
    graphs = Recipe.recipe_for_name("default.v1").graph_config_for_recipe(copy.deepcopy(config), {})

    train = graphs.train_schema.nodes
    expander = f"run_bot.nlu.glossary.GlossaryExpander{at}"
    focus = f"run_bot.nlu.question_focus.QuestionFocus{at + 1}"
    assert train[expander].fn == "process_training_data" and train[focus].fn == "process_training_data"
    assert train[focus].needs["training_data"] == expander
    assert train[f"run_SpacyNLP{at + 2}"].needs["training_data"] == focus
    assert not any("GlossaryTextRestorer" in name for name in train)
    predict = graphs.predict_schema.nodes
    restorer = [name for name in predict if "GlossaryTextRestorer" in name]
    assert len(restorer) == 1 and predict[restorer[0]].fn == "process"
