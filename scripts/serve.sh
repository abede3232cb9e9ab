#!/usr/bin/env bash
# The IT department's one-machine installation: a Prefect server on 127.0.0.1,
# srok's deployments, a worker, and the web app (srok web). Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PORT="${PREFECT_PORT:-4200}"
export SROK_CHECKOUT="$PWD"
SROK_HOME="${SROK_HOME:-$PWD/var}"
export SROK_HOME="$(realpath -m "$SROK_HOME")"
WEB_PORT="${SROK_WEB_PORT:-8608}"
export SROK_WEB_URL="${SROK_WEB_URL:-http://127.0.0.1:${WEB_PORT}}"
export PREFECT_API_URL="http://127.0.0.1:${PORT}/api"
export DO_NOT_TRACK=1
export PREFECT_SERVER_ANALYTICS_ENABLED="${PREFECT_SERVER_ANALYTICS_ENABLED:-false}"
# Prefect's own database and settings live with srok's data, not in ~/.prefect.
export PREFECT_HOME="${PREFECT_HOME:-$SROK_HOME/prefect}"

"$VENV/bin/srok" init
mkdir -p "$SROK_HOME"
# Not `prefect server start --background`: that leaves the server writing its log
# into a pipe nobody reads, and it dies at its first line. Run it here, log to a file.
"$VENV/bin/prefect" server start --host 127.0.0.1 --port "$PORT" \
    > "$SROK_HOME/prefect-server.log" 2>&1 &
SERVER_PID=$!
cleanup() {
    for pid in ${WORKER_PID:-} ${WEB_PID:-} $SERVER_PID; do
        kill "$pid" 2>/dev/null || true
    done
    sleep 2
    for pid in ${WORKER_PID:-} ${WEB_PID:-} $SERVER_PID; do
        kill -9 "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 120); do
    if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('$PREFECT_API_URL/health', timeout=2)" 2>/dev/null; then
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SROK_HOME/prefect-server.log"; exit 1; }
    sleep 1
done
"$VENV/bin/prefect" work-pool create srok --type process --overwrite
"$VENV/bin/prefect" --no-prompt deploy --all
"$VENV/bin/srok" web --host 127.0.0.1 --port "$WEB_PORT" &
WEB_PID=$!
echo "Prefect UI: http://127.0.0.1:${PORT}  (data: $SROK_HOME)"
echo "srok: ${SROK_WEB_URL}  (вход: /login; публичный реестр: /registry)"
"$VENV/bin/prefect" worker start --pool srok --type process &
WORKER_PID=$!
wait "$WORKER_PID"
