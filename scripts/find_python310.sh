#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter, or explains and fails.
# A pyenv shim named python3.10 can exist on PATH and still fail to run, so
# each candidate is actually executed.
set -u
candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
# PYENV_VERSIONS_DIRS (space-separated) overrides where pyenv installs are looked for.
search_dirs=${PYENV_VERSIONS_DIRS:-"${PYENV_ROOT:-$HOME/.pyenv}/versions /root/.pyenv/versions"}
for dir in $search_dirs; do
  for p in "$dir"/3.10.*/bin/python; do
    [ -x "$p" ] && candidates+=("$p")
  done
done
for p in "${candidates[@]+"${candidates[@]}"}"; do
  if "$p" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
    echo "$p"
    exit 0
  fi
done
cat >&2 <<'MSG'
error: Python 3.10 was not found.
Rasa 3.6 needs Python 3.10 (it does not support 3.11 or newer).
Looked for a working 'python3.10' on PATH and for ~/.pyenv/versions/3.10.*/bin/python.
Install it (for example: pyenv install 3.10.13) or put python3.10 on PATH, then run make again.
MSG
exit 1
