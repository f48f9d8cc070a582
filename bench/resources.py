"""Resources: peak memory of the servers, model size, training times."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Dict

import yaml

from bench.workload import ROOT

FAQ_RESPONSES = ROOT / "data" / "responses" / "faq.yml"


def peak_rss_mb(pid: int) -> float:
    """The kernel's high-water mark of resident memory (VmHWM) for a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    kilobytes = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))
    return round(kilobytes / 1024, 1)


def _train(data_dir: Path, out_dir: Path, cache_dir: Path, name: str, rasa_bin: Path) -> float:
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(cache_dir), PYTHONPATH=str(ROOT))
    started = time.monotonic()
    subprocess.run(
        [
            str(rasa_bin),
            "train",
            "--data",
            str(data_dir),
            "--config",
            str(ROOT / "config.yml"),
            "--domain",
            str(ROOT / "domain.yml"),
            "--out",
            str(out_dir),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def change_one_faq_answer(data_dir: Path) -> str:
    """Reword the first FAQ answer in a copy of the data; returns its key."""
    path = data_dir / FAQ_RESPONSES.relative_to(ROOT / "data")
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    key = next(iter(content["responses"]))
    content["responses"][key][0]["text"] += " (Reworded for the benchmark.)"
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return key


def training_times(work_dir: Path, rasa_bin: Path) -> Dict[str, object]:
    """Full training with an empty cache, then again after one answer changed
    (Rasa reuses what the change does not touch from its cache)."""
    cache = work_dir / "cache"
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    from_scratch = _train(ROOT / "data", work_dir / "models", cache, "scratch", rasa_bin)
    changed_data = work_dir / "data"
    shutil.copytree(ROOT / "data", changed_data)
    changed_key = change_one_faq_answer(changed_data)
    after_change = _train(changed_data, work_dir / "models", cache, "one-answer-changed", rasa_bin)
    return {
        "from_scratch_seconds": round(from_scratch, 1),
        "after_one_faq_answer_changed_seconds": round(after_change, 1),
        "changed_answer": changed_key,
    }


def model_size_mb(model: Path) -> float:
    return round(model.stat().st_size / 1024 / 1024, 2)
