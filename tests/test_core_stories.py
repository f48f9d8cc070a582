"""Test stories through the trained model: `rasa test core --fail-on-prediction-errors`."""

from __future__ import annotations

import subprocess

import pytest

from tests.helpers.project import MODEL_PATH, ROOT, TEST_OUTPUT, VENV_BIN

pytestmark = pytest.mark.model


def test_test_stories_pass_without_prediction_errors():
    out = TEST_OUTPUT / "core"
    result = subprocess.run(
        [
            str(VENV_BIN / "rasa"),
            "test",
            "core",
            "--model",
            str(MODEL_PATH),
            "--stories",
            str(ROOT / "tests" / "stories"),
            "--out",
            str(out),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    (TEST_OUTPUT / "rasa-test-core.log").write_text(output)
    assert result.returncode == 0, output[-4000:]
    failed = (out / "failed_test_stories.yml").read_text()
    assert "None of the test stories failed" in failed, failed
