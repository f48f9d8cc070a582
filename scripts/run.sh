#!/usr/bin/env bash
# Start the action server and the Rasa server together; Ctrl-C stops both.
#   scripts/run.sh          Rasa server with the REST channel on $RASA_PORT (5005)
#   scripts/run.sh shell    chat in this terminal instead
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
MODEL=models/rif-rm-assistant.tar.gz
RASA=.venv/bin/rasa

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
  "$RASA" shell --model "$MODEL" --endpoints endpoints.yml
  exit 0
fi

echo "==> Rasa server on http://localhost:$RASA_PORT (REST: POST /webhooks/rest/webhook); Ctrl-C stops both servers"
"$RASA" run --model "$MODEL" --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml &
pids+=($!)

# Stop everything as soon as either server exits.
set +e
wait -n
status=$?
exit "$status"
