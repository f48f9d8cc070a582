"""`rasa data validate` passes with no warnings."""

from __future__ import annotations

import re
import subprocess

from tests.helpers.project import ROOT, TEST_OUTPUT, VENV_BIN

# Rasa 3.6 merges a second domain holding every retrieval intent while it
# imports data, so a retrieval intent listed in domain.yml (as the docs ask)
# is always reported as "duplicated". Without the listing, stories using
# `faq` fail validation instead. This exact message is the only one allowed.
KNOWN_FALSE_POSITIVE = "The following duplicated intents have been found across multiple domain files: faq"
RASA_WARNING = re.compile(r"UserWarning: (?P<message>.*)")


def form_question_false_positives() -> set:
    """Rasa 3.6's validator also reports the forms' own questions (utter_ask_<slot>,
    which the form runs itself) as "not used in any story or rule"."""
    from tests.helpers.project import ROOT, load_yaml

    forms = load_yaml(ROOT / "domain.yml")["forms"]
    slots = {slot for form in forms.values() for slot in form["required_slots"]}
    return {f"The utterance 'utter_ask_{slot}' is not used in any story or rule." for slot in slots}


def test_rasa_data_validate_reports_no_warnings():
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    TEST_OUTPUT.mkdir(exist_ok=True)
    (TEST_OUTPUT / "rasa-data-validate.log").write_text(output)
    assert result.returncode == 0, output[-3000:]
    warnings = [
        m.group("message").strip()
        for m in RASA_WARNING.finditer(output)
        if "/rasa/" in output[max(0, m.start() - 300) : m.start()]
    ]
    allowed = {KNOWN_FALSE_POSITIVE} | form_question_false_positives()
    unexpected = [w for w in warnings if w not in allowed]
    assert unexpected == [], unexpected
    assert re.search(r"ERROR", output) is None, output[-3000:]
