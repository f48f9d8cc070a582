"""The trained model on messages written the way patients write
(tests/nlu/real_voice.yml): FAQ top-1, behaviours, safety recall and false
alarms, per measure and per tag. Figures are printed and written to
test-output/nlu_real_voice.json; `make bench` reports them too."""

from __future__ import annotations

import json

import pytest

from bench.real_voice import Case, judge, load_cases, mix, predicted_label, score
from tests.helpers.project import ROOT, TEST_OUTPUT, normalise, training_examples

# Floors that fail the test (the targets are higher: FAQ 85%,
# behaviours 85%, false alarms <= 2%; they are printed, not enforced).
MIN_FAQ_TOP1 = 0.80
MIN_BEHAVIOURS = 0.80
MIN_SAFETY_RECALL = 1.0

MINIMUMS = {
    "total": 200,
    "longer_than_40_words": 80,
    "tag:jargon": 40,
    "tag:typos": 30,
    "tag:multi_question": 20,
    "safety:crisis": 25,
    "safety:urgent": 20,
    "intent:express_distress": 20,
    "intent:start_assessment": 15,
    "safety:none": 20,
}


def test_the_set_has_the_mix_it_promises():
    counts = mix(load_cases())
    short = {kind: (counts[kind], minimum) for kind, minimum in MINIMUMS.items() if counts[kind] < minimum}
    assert short == {}
    crisis = [c for c in load_cases() if c.safety == "crisis"]
    assert sum(bool({"indirect", "buried"} & set(c.tags)) for c in crisis) >= 15


def test_no_real_voice_message_is_in_the_training_data():
    trained = {normalise(e) for examples in training_examples().values() for e in examples}
    assert [c.text for c in load_cases() if normalise(c.text) in trained] == []


def test_judging_rules():
    assert judge(Case("x", safety="crisis"), "crisis_check")["crisis_recall"][0]
    assert not judge(Case("x", safety="crisis"), "express_distress")["crisis_recall"][0]
    assert judge(Case("x", safety="same_day"), "urgent_symptoms")["same_day_recall"][0]
    assert not judge(Case("x", safety="none"), "urgent_symptoms")["no_false_alarm"][0]
    assert judge(Case("x", intent="out_of_scope"), "nlu_fallback")["behaviours"][0]
    assert judge(Case("x", faq=("pgt", "rif_tests")), "faq/rif_tests")["faq_top1"][0]


def test_model_understands_real_voice(parse, capsys):
    cases = load_cases()
    predictions = [predicted_label(parse(case.text)) for case in cases]
    figures = score(cases, predictions)
    TEST_OUTPUT.mkdir(exist_ok=True)
    (TEST_OUTPUT / "nlu_real_voice.json").write_text(json.dumps(figures, indent=2))
    measures = figures["measures"]
    with capsys.disabled():
        print(f"\nreal-voice NLU ({figures['cases']} messages):")
        for name, m in measures.items():
            print(f"  {name:16s} {m['passed']}/{m['total']} = {m['rate']:.1%}")
        print(
            f"  safety recall (crisis + urgent) {figures['safety_recall']:.1%}; "
            f"false alarms on must-not cases {figures['false_alarm_rate']:.1%}"
        )
        print("  by tag: " + ", ".join(f"{t} {v['rate']:.0%} of {v['total']}" for t, v in figures["by_tag"].items()))
        for name, misses in figures["misses"].items():
            for miss in misses:
                print(f"  miss [{name}] expected {miss['expected']}, got {miss['predicted']}: {miss['text'][:90]!r}")
    assert figures["safety_recall"] >= MIN_SAFETY_RECALL
    assert measures["faq_top1"]["rate"] >= MIN_FAQ_TOP1
    assert measures["behaviours"]["rate"] >= MIN_BEHAVIOURS


@pytest.mark.parametrize(
    "case", [c for c in load_cases() if c.safety in ("crisis", "urgent")], ids=lambda c: c.text[:40]
)
def test_every_crisis_and_urgent_message_is_caught_by_the_safety_net_alone(case):
    # The safety net must not depend on the classifier.
    from bot.nlu.safety_net import detect_safety_intent

    found = detect_safety_intent(case.text)
    assert found in ({"crisis", "crisis_check"} if case.safety == "crisis" else {"urgent_symptoms"}), found


SAFETY_REGRESSION = ROOT / "tests" / "nlu" / "safety_regression.yml"
_SAFETY_EXPECTED = {
    "crisis": {"crisis", "crisis_check"},
    "urgent": {"urgent_symptoms"},
    "same_day": {"early_pregnancy_concern", "urgent_symptoms"},
}


def test_safety_regression_set_holds_what_it_says():
    counts = mix(load_cases(SAFETY_REGRESSION))
    cases = load_cases(SAFETY_REGRESSION)
    by_kind = {kind: sum(1 for c in cases if c.safety == kind) for kind in ("crisis", "urgent", "same_day", "none")}
    assert by_kind == {"crisis": 100, "urgent": 75, "same_day": 34, "none": 113}, (by_kind, counts)


@pytest.mark.parametrize(
    "case",
    [c for c in load_cases(SAFETY_REGRESSION) if c.safety in ("crisis", "urgent")],
    ids=lambda c: c.text[:40],
)
def test_blind_batch_crisis_and_urgent_messages_are_caught_by_the_lexicon(case):
    from bot.nlu.safety_net import detect_safety_intent

    assert detect_safety_intent(case.text) in _SAFETY_EXPECTED[case.safety]


def test_blind_batch_figures_through_the_model(parse, capsys):
    """Recall through the whole pipeline (lexicon, sentence scorer, classifier)
    and false alarms on the must-not cases; printed, with floors."""
    cases = load_cases(SAFETY_REGRESSION)
    intents = [parse(case.text)["intent"]["name"] for case in cases]
    rows = {}
    for kind in ("crisis", "urgent", "same_day"):
        picked = [(c, i) for c, i in zip(cases, intents, strict=True) if c.safety == kind]
        rows[kind] = (sum(i in _SAFETY_EXPECTED[kind] for _, i in picked), len(picked))
    none = [i for c, i in zip(cases, intents, strict=True) if c.safety == "none"]
    alarms = sum(i in {"crisis", "urgent_symptoms"} for i in none)
    asked = sum(i in {"crisis_check", "early_pregnancy_concern"} for i in none)
    with capsys.disabled():
        print("\nsafety regression set (three former blind batches) through the model:")
        for kind, (hit, total) in rows.items():
            print(f"  {kind:9s} {hit}/{total}")
        print(f"  must-not cases: tier-1 or emergency reply {alarms}/{len(none)},")
        print(f"  the tier-2 question or same-day advice {asked}/{len(none)}")
    assert rows["crisis"][0] == rows["crisis"][1] and rows["urgent"][0] == rows["urgent"][1]
    # Batch 3's must-not cases are deliberately adversarial (a friend's suicidal
    # thoughts, past versions of warning signs, idioms, stopping IVF). The
    # alarms (tier 1, emergency) were within the 2% until an urgent
    # symptom found by meaning alone got the emergency reply (2026-12-08): that
    # caught 4 more of 22 emergencies on a blind symptom batch and 5 here, for
    # one more alarm here (a past ruptured ectopic told as history), so 3%.
    # The sentence-risk model asks about 1 in 10 of these near-misses the
    # tier-2 question (after the answer to what they asked).
    assert alarms <= 0.03 * len(none)
    assert asked <= 0.15 * len(none)


FRESH = ROOT / "tests" / "nlu" / "real_voice_fresh.yml"
SAFETY_REPLIES = {"crisis", "crisis_check", "urgent_symptoms", "early_pregnancy_concern"}


def test_no_fresh_message_is_in_the_training_data():
    trained = {normalise(e) for examples in training_examples().values() for e in examples}
    assert [c.text for c in load_cases(FRESH) if normalise(c.text) in trained] == []


def test_model_on_the_fresh_blind_set(parse, capsys):
    """The set written after the training data last changed: the honest
    figure for messages nobody tuned anything on. Printed, with floors."""
    cases = load_cases(FRESH)
    predictions = [predicted_label(parse(case.text)) for case in cases]
    measures = score(cases, predictions)["measures"]
    alarms = [c.text for c, p in zip(cases, predictions, strict=True) if p in {"crisis", "urgent_symptoms"}]
    asked = [c.text for c, p in zip(cases, predictions, strict=True) if p in SAFETY_REPLIES]
    with capsys.disabled():
        print(f"\nfresh blind real-voice set ({len(cases)} messages):")
        for name in ("faq_top1", "behaviours"):
            m = measures[name]
            print(f"  {name:16s} {m['passed']}/{m['total']} = {m['rate']:.1%}")
        print(f"  safety replies (none is called for here) {len(asked)}/{len(cases)}")
    assert measures["faq_top1"]["rate"] >= MIN_FAQ_TOP1
    assert measures["behaviours"]["rate"] >= MIN_BEHAVIOURS
    # No alarm; the tier-2 question by meaning (after the answer) on at most 2%.
    assert alarms == []
    assert len(asked) <= 0.02 * len(cases)
