"""Set-up finds a working Python 3.10, or fails with a clear message."""

from __future__ import annotations

import os
import subprocess

from tests.helpers.project import ROOT

SCRIPT = ROOT / "scripts" / "find_python310.sh"


def test_finds_a_python_310_that_runs():
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=True)
    interpreter = result.stdout.strip()
    version = subprocess.run(
        [interpreter, "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "(3, 10)"


def test_explains_and_fails_when_no_python_310_exists(tmp_path):
    env = dict(os.environ, PATH="/usr/bin:/bin", PYENV_VERSIONS_DIRS=str(tmp_path))
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
