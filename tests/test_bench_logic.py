"""The benchmarks' plain functions (the benchmarks themselves run with `make bench`)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from bench.load import Samples, percentile, summary
from bench.resources import FAQ_RESPONSES, change_one_faq_answer
from bench.understanding import score, tfidf_baseline
from bench.workload import SCENARIO_WEIGHTS, TRAINING_DATA, conversations, labelled_examples, message_mix
from tests.helpers.project import ROOT


def test_percentiles_interpolate_between_ranks():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([], 95) is None


def test_summary_counts_errors_and_rate():
    samples = Samples(latencies_ms=[10.0, 20.0, 30.0], seconds=2.0)
    samples.error("http_500")
    result = summary(samples)
    assert (result["messages"], result["errors"], result["messages_per_second"]) == (3, 1, 1.5)
    assert result["error_kinds"] == {"http_500": 1}


def test_score_counts_faq_hits_rejections_and_confusions():
    truth = ["faq/a", "faq/a", "faq/b", "out_of_scope", "out_of_scope"]
    predicted = ["faq/a", "faq/b", "faq/b", "nlu_fallback", "faq/a"]
    result = score(truth, predicted)
    assert result["faq_accuracy"] == pytest.approx(2 / 3)
    assert result["out_of_scope_rejection"] == 0.5
    assert result["confusions"] == {"faq/a -> faq/b": 1}
    assert result["out_of_scope_accepted_as"] == {"faq/a": 1}
    assert 0 < result["faq_macro_f1"] < 1


def test_the_mix_is_reproducible_and_has_every_kind():
    assert message_mix(50) == message_mix(50)
    source = conversations(3)
    kinds = {source.next().kind for _ in range(200)}
    assert kinds == set(SCENARIO_WEIGHTS)


def test_the_baseline_learns_the_training_data():
    training = labelled_examples(TRAINING_DATA)
    predict = tfidf_baseline(training)
    sample = training[::25]
    correct = sum(
        label == guess for (_, label), guess in zip(sample, predict([text for text, _ in sample]), strict=True)
    )
    assert correct / len(sample) > 0.9


def test_changing_one_answer_changes_only_that_answer(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    key = change_one_faq_answer(tmp_path / "data")
    before = yaml.safe_load(FAQ_RESPONSES.read_text())["responses"]
    after = yaml.safe_load((tmp_path / "data" / "responses" / "faq.yml").read_text())["responses"]
    assert after[key][0]["text"] != before[key][0]["text"]
    assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
