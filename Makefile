# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, build spaCy pipeline, train if needed, install the chat
#               widget, start both servers (web chat at http://localhost:5005/chat/)
#   make test   the same set-up (plus Debian's chromium for the browser tests), then the whole suite
SHELL := /bin/bash

# Quiet TensorFlow, no telemetry, our package importable. Training is made
# reproducible by the random seeds in config.yml.
export PYTHONPATH := $(CURDIR)
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

PYTEST_ARGS ?=

.PHONY: help setup run shell train train-risk test test-fast lint formatter bench content-report insights telegram-webhook purge lock clean

help:
	@echo "make run     set up (venv, deps, spaCy pipeline, model) and start the action + Rasa servers"
	@echo "make test    set up, then lint and run the whole test suite"
	@echo "make test-fast   unit and table tests only: no trained model, servers or browser (< 2 min)"
	@echo "make lint    ruff: lint and format check;  make formatter: ruff format + fixes"
	@echo "make shell   set up, then chat in the terminal"
	@echo "make bench   benchmarks: accuracy vs baselines, latency, throughput, memory, training (~25 min)"
	@echo "make content-report   every FAQ answer with sources, review date and reading grade (HTML, PNG, PDF)"
	@echo "make insights   usage report for the clinic from the stored conversations: insights/index.html"
	@echo "                (INSIGHTS_ARGS=\"--days 7\" or \"--since 2026-01-01 --until 2026-01-31\"; default 30 days)"
	@echo "make train   train the model now, even if nothing changed"
	@echo "make train-risk   fine-tune the sentence-risk model offline (PyTorch in .venv-train; TRAIN_RISK_ARGS)"
	@echo "make telegram-webhook   register the Telegram webhook (TELEGRAM_* variables, see README)"
	@echo "make purge   delete conversations older than DAYS days (default RETENTION_DAYS or 90)"
	@echo "make lock    re-resolve requirements.in into requirements.lock"
	@echo "make clean   remove the venv, build outputs and trained models"

setup:
	@scripts/setup.sh all

run: setup
	@scripts/run.sh

shell: setup
	@scripts/run.sh shell

train:
	@scripts/setup.sh spacy
	@FORCE_TRAIN=1 scripts/setup.sh model

# The sentence-risk model, offline (issue 25): PyTorch in its own venv, never in .venv.
TRAIN_PYTHON ?= python3.11
train-risk:
	@scripts/setup.sh venv >/dev/null
	@test -x .venv-train/bin/python || $(TRAIN_PYTHON) -m venv .venv-train
	@.venv-train/bin/pip install -q -r requirements-train.lock
	@.venv-train/bin/python scripts/train_risk.py $(TRAIN_RISK_ARGS)

test:
	@scripts/setup.sh test
	@$(MAKE) --no-print-directory lint
	@.venv/bin/python -m pytest $(PYTEST_ARGS)

# No training, no servers, no browser: what a change to plain code needs first.
FAST_MARKERS := not e2e and not model and not browser
test-fast:
	@scripts/setup.sh spacy
	@.venv/bin/python -m pytest -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

LINT_PATHS := actions bot bench tests scripts
lint:
	@scripts/setup.sh venv >/dev/null
	@.venv/bin/ruff check $(LINT_PATHS) && .venv/bin/ruff format --check $(LINT_PATHS)

formatter:
	@scripts/setup.sh venv >/dev/null
	@.venv/bin/ruff check --fix $(LINT_PATHS) && .venv/bin/ruff format $(LINT_PATHS)

# Benchmarks against the real servers: bench/results/{latest.json,report.md,latency.png}.
# BENCH_ARGS="--quick" for shorter load runs, "--skip-training" to reuse the last training times.
BENCH_ARGS ?=
bench: setup
	@.venv/bin/python -m bench.run $(BENCH_ARGS)

# Register the Telegram webhook (with its secret token) once per deployment.
telegram-webhook:
	@scripts/setup.sh venv >/dev/null
	@.venv/bin/python -m bot.channels.telegram_webhook

RETENTION_DAYS ?= 90
DAYS ?= $(RETENTION_DAYS)

purge:
	@scripts/setup.sh venv >/dev/null
	@.venv/bin/python -m bot.retention --days $(DAYS)

# Re-resolve requirements.in with pip-compile (pip-tools) in a throw-away Python 3.10 venv.
# The model package (requirements-nodeps.lock) is pinned by hand: it must install --no-deps.
lock:
	@py=$$(scripts/find_python310.sh) && rm -rf build/lock-venv && "$$py" -m venv build/lock-venv \
	  && build/lock-venv/bin/pip install --quiet "pip==24.0" "pip-tools==7.4.1" \
	  && build/lock-venv/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url \
	       --output-file requirements.lock requirements.in \
	  && rm -rf build/lock-venv && echo "requirements.lock updated"

clean:
	rm -rf .venv .venv-train build web/node_modules models/*.tar.gz models/.fingerprint results test-output .pytest_cache
	@echo "(var/ with saved conversations is kept; delete it yourself if you mean to)"

content-report:
	@scripts/setup.sh venv
	@.venv/bin/python -m bench.content_report

# Usage figures and redacted messages to improve the content, from the store
# `make run` uses (bot/endpoints.py variables; RETENTION_DAYS caps the period).
INSIGHTS_ARGS ?=
insights:
	@scripts/setup.sh venv >/dev/null
	@.venv/bin/python -m bot.insights $(INSIGHTS_ARGS)
