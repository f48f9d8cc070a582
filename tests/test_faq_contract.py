"""The FAQ catalogue is a contract: every key has data and an answer, no others."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.helpers.project import (
    all_responses,
    catalogue,
    catalogue_keys,
    faq_answers,
    held_out_examples,
    training_examples,
    words,
)

MIN_TRAINING_EXAMPLES = 15
MIN_WORDS, MAX_WORDS = 40, 120
MAX_TOPIC_BUTTONS = 3
FAQ_PAYLOAD = re.compile(r"^/faq/(?P<key>[a-z0-9_]+)$")
WALK_THROUGH_PAYLOAD = "/start_assessment"


MAX_REVIEW_AGE_DAYS = 365


@pytest.mark.parametrize("key", catalogue_keys())
def test_each_topic_has_its_facts_sources_and_a_review_within_a_year(key):
    topic = catalogue()[key]
    assert topic["question"].strip() and topic["facts"].strip()
    assert 0 < len(topic["title"]) <= 30  # a button title on every channel
    assert topic["sources"] and all(source.strip() for source in topic["sources"])
    reviewed = topic["reviewed"]
    reviewed = reviewed if isinstance(reviewed, datetime.date) else datetime.date.fromisoformat(str(reviewed))
    assert (datetime.date.today() - reviewed).days <= MAX_REVIEW_AGE_DAYS, f"{key} was last reviewed {reviewed}"


def _faq_keys(intents) -> set:
    return {name.split("/", 1)[1] for name in intents if name.startswith("faq/")}


def test_every_catalogue_key_has_training_data_and_no_other_faq_key_exists():
    catalogue = set(catalogue_keys())
    trained = _faq_keys(training_examples())
    assert catalogue - trained == set(), "catalogue keys without training data"
    assert trained - catalogue == set(), "faq/ keys that are not in the catalogue"


def test_every_catalogue_key_has_exactly_one_answer_and_no_other_answer_exists():
    catalogue = set(catalogue_keys())
    answered = set(faq_answers())
    assert catalogue - answered == set(), "catalogue keys without utter_faq/<key>"
    assert answered - catalogue == set(), "utter_faq/ answers outside the catalogue"


def test_held_out_set_uses_only_catalogue_keys():
    assert _faq_keys(held_out_examples()) <= set(catalogue_keys())


@pytest.mark.parametrize("key", catalogue_keys())
def test_each_topic_has_enough_distinct_training_examples(key):
    examples = training_examples()[f"faq/{key}"]
    assert len(set(e.lower() for e in examples)) >= MIN_TRAINING_EXAMPLES, examples


@pytest.mark.parametrize("key", catalogue_keys())
def test_each_answer_is_phone_sized(key):
    count = len(words(faq_answers()[key]["text"]))
    assert MIN_WORDS <= count <= MAX_WORDS, f"{key}: {count} words"


@pytest.mark.parametrize("key", catalogue_keys())
def test_each_answer_offers_related_topics_as_working_buttons(key):
    buttons = faq_answers()[key].get("buttons", [])
    topic_buttons = [b for b in buttons if b["payload"] != WALK_THROUGH_PAYLOAD]
    # Up to three related topics, plus at most the walk-through button.
    assert 1 <= len(topic_buttons) <= MAX_TOPIC_BUTTONS
    assert len(buttons) - len(topic_buttons) <= 1
    catalogue = set(catalogue_keys())
    for button in topic_buttons:
        match = FAQ_PAYLOAD.match(button["payload"])
        assert match, f"{key}: payload {button['payload']!r} is not /faq/<key>"
        assert match.group("key") in catalogue
        assert match.group("key") != key, f"{key}: a button points to the same topic"
        assert button["title"].strip()


def test_every_faq_button_anywhere_names_a_catalogue_key():
    catalogue = set(catalogue_keys())
    for name, variants in all_responses().items():
        for variant in variants:
            for button in variant.get("buttons", []):
                match = FAQ_PAYLOAD.match(button["payload"])
                if button["payload"].startswith("/faq"):
                    assert match and match.group("key") in catalogue, (name, button)


# Where guidelines differ or evidence is limited, the answer must say so.
CAVEATS = {
    "rif_definition": ["vary", "specialist"],
    "rm_definition": ["rcog", "three", "two"],
    "specialised_tests": ["does not recommend", "unproven"],
    "immune_factors": ["uncertain", "dont prove"],
    "blood_thinners": ["does not recommend", "specialist"],
    "immunomodulation": ["no good evidence", "hfea", "outside clinical trials", "specialist"],
    "pgt": ["no good evidence", "specialist"],
    "rif_treatment": ["without clear evidence"],
    "rif_tests": ["lack a clear scientific basis"],
}


@pytest.mark.parametrize("key,phrases", sorted(CAVEATS.items()))
def test_answers_flag_differing_guidelines_and_limited_evidence(key, phrases):
    text = " ".join(words(faq_answers()[key]["text"]))
    for phrase in phrases:
        assert phrase in text, f"{key} should mention {phrase!r}"


DOSE = re.compile(r"\b\d+(\.\d+)?\s?(mg|mcg|µg|iu|units?)\b", re.IGNORECASE)
DIRECTIVE = re.compile(r"\byou should (take|start|use)\b|\btake (aspirin|heparin|progesterone)\b", re.IGNORECASE)
DIAGNOSIS = re.compile(r"\byou (have|definitely have) (rif|rm|recurrent)\b", re.IGNORECASE)


@pytest.mark.parametrize("key", catalogue_keys())
def test_answers_never_give_a_dose_a_prescription_or_a_diagnosis(key):
    text = faq_answers()[key]["text"]
    assert not DOSE.search(text)
    assert not DIRECTIVE.search(text)
    assert not DIAGNOSIS.search(text)
