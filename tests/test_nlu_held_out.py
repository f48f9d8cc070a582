"""The trained model on paraphrases it never saw: FAQ accuracy and out-of-scope rejection."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.conftest import faq_key_of
from tests.helpers.project import TEST_OUTPUT, catalogue_keys, held_out_examples, normalise, training_examples

MIN_FAQ_ACCURACY = 0.90
MIN_OUT_OF_SCOPE_REJECTION = 0.80
MIN_PARAPHRASES_PER_TOPIC = 4
REJECTED = {"out_of_scope", "nlu_fallback"}


def test_held_out_set_is_not_in_the_training_data():
    trained = {normalise(e) for examples in training_examples().values() for e in examples}
    leaked = [e for examples in held_out_examples().values() for e in examples if normalise(e) in trained]
    assert leaked == []


def test_held_out_set_covers_every_topic_and_out_of_scope():
    held_out = held_out_examples()
    for key in catalogue_keys():
        assert len(held_out.get(f"faq/{key}", [])) >= MIN_PARAPHRASES_PER_TOPIC, key
    assert len(held_out["out_of_scope"]) >= 15


def test_model_picks_the_right_faq_and_rejects_out_of_scope(parse, capsys):
    held_out = held_out_examples()
    faq_total = faq_correct = 0
    oos_total = oos_rejected = 0
    confusions = Counter()
    for label, examples in held_out.items():
        for text in examples:
            predicted = faq_key_of(parse(text))
            if label == "out_of_scope":
                oos_total += 1
                oos_rejected += predicted in REJECTED
                if predicted not in REJECTED:
                    confusions[("out_of_scope", predicted, text)] += 1
            else:
                faq_total += 1
                faq_correct += predicted == label
                if predicted != label:
                    confusions[(label, predicted, text)] += 1
    accuracy = faq_correct / faq_total
    rejection = oos_rejected / oos_total
    figures = {
        "faq_examples": faq_total,
        "faq_correct": faq_correct,
        "faq_accuracy": round(accuracy, 4),
        "out_of_scope_examples": oos_total,
        "out_of_scope_rejected": oos_rejected,
        "out_of_scope_rejection": round(rejection, 4),
        "errors": [{"expected": e, "predicted": p, "text": t} for (e, p, t) in sorted(confusions)],
    }
    TEST_OUTPUT.mkdir(exist_ok=True)
    (TEST_OUTPUT / "nlu_held_out.json").write_text(json.dumps(figures, indent=2))
    with capsys.disabled():
        print(
            f"\nheld-out NLU: FAQ accuracy {faq_correct}/{faq_total} = {accuracy:.1%} "
            f"(target {MIN_FAQ_ACCURACY:.0%}); out-of-scope rejected {oos_rejected}/{oos_total} = "
            f"{rejection:.1%} (target {MIN_OUT_OF_SCOPE_REJECTION:.0%})"
        )
        for error in figures["errors"]:
            print(f"  miss: {error['text']!r}: expected {error['expected']}, got {error['predicted']}")
    assert accuracy >= MIN_FAQ_ACCURACY
    assert rejection >= MIN_OUT_OF_SCOPE_REJECTION


@pytest.mark.parametrize(
    "text,intent",
    [
        ("hello", "greet"),
        ("thanks so much", "thank"),
        ("bye for now", "goodbye"),
        ("am I chatting with a robot?", "bot_challenge"),
    ],
)
def test_general_intents(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent
