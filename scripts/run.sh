#!/usr/bin/env bash
# Start the action server and the Rasa server together; Ctrl-C stops both.
#   scripts/run.sh          Rasa server on $RASA_PORT (5005): web chat at /chat/, REST, and
#                           Telegram/Slack when their variables are set (bot/credentials.py)
#   scripts/run.sh shell    chat in this terminal instead
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
MODEL=models/rif-rm-assistant.tar.gz
RASA=.venv/bin/rasa
PY=.venv/bin/python
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # our bot/ package

# A malformed clinic profile (clinic.yml) stops here, naming the key.
"$PY" -m bot.clinic --check

# Conversations persist in var/ (SQLite) unless TRACKER_STORE says otherwise.
mkdir -p var
ACTIONS_PORT="$ACTIONS_PORT" "$PY" -m bot.endpoints > var/endpoints.yml
# Channels from environment variables (tokens inside: readable by us only).
(umask 077 && "$PY" -m bot.credentials > var/credentials.yml)

# Rasa's HTTP API (trackers, models, ...) only with a token.
api_args=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  api_args=(--enable-api --auth-token "$RASA_AUTH_TOKEN")
fi

# Our models are small: one TensorFlow thread per request is faster than two
# threads synchronising (bench/results/report.md: parse p50 20 -> 16 ms).
export TF_INTRA_OP_PARALLELISM_THREADS=${TF_INTRA_OP_PARALLELISM_THREADS:-1}
export TF_INTER_OP_PARALLELISM_THREADS=${TF_INTER_OP_PARALLELISM_THREADS:-1}

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

"$RASA" run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)

if [ "${1:-}" = shell ]; then
  "$RASA" shell --model "$MODEL" --endpoints var/endpoints.yml
  exit 0
fi

# It is an admin API: say so loudly every time it is on.
if [ ${#api_args[@]} -gt 0 ]; then
  cat >&2 <<'WARNING'
==> WARNING: Rasa's admin HTTP API is ON, because RASA_AUTH_TOKEN is set.
==>   Whoever holds that token can replace the model and read and edit every conversation.
==>   It must not be reachable from outside: put the server behind a firewall, or a proxy
==>   that passes only /chat/, /socket.io/, /webhooks/ and /insights/. Unset RASA_AUTH_TOKEN
==>   unless you need the API.
==>   The insights page (/insights/) does not open with this token: it uses INSIGHTS_TOKEN,
==>   which must be a different one.
WARNING
  if [ -n "${INSIGHTS_TOKEN:-}" ] && [ "$INSIGHTS_TOKEN" = "$RASA_AUTH_TOKEN" ]; then
    echo "==> WARNING: INSIGHTS_TOKEN equals RASA_AUTH_TOKEN: /insights/ stays off until they differ." >&2
  fi
fi
echo "==> Rasa server on http://localhost:$RASA_PORT; Ctrl-C stops both servers"
echo "==> web chat: http://localhost:$RASA_PORT/chat/   REST: POST http://localhost:$RASA_PORT/webhooks/rest/webhook"
if [ -n "${INSIGHTS_TOKEN:-}" ]; then
  echo "==> insights: http://localhost:$RASA_PORT/insights/ (sign in with INSIGHTS_TOKEN)"
fi
"$RASA" run --model "$MODEL" --port "$RASA_PORT" \
  --credentials var/credentials.yml --endpoints var/endpoints.yml "${api_args[@]+"${api_args[@]}"}" &
pids+=($!)

# Stop everything as soon as either server exits.
set +e
wait -n
status=$?
exit "$status"
