#!/usr/bin/env bash
# PostgreSQL stopped mid-load and started again (part of `make resilience`): a throwaway
# cluster (scripts/with-postgres.sh), the Medan demo seeded into it, the release build serving
# it on 127.0.0.1; bench/pg-stop.py submits and reads while the cluster is shut down
# immediately and started again. Fails when an acknowledged submission is lost, an answer is a
# 5xx other than 503 or hangs, or the server does not reconnect by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RENCANA_TEST_PG_STOP:-}" ]; then
  exec bash scripts/with-postgres.sh bash "$0" "$@"
fi
BIN="${RENCANA_BIN:-${CARGO_TARGET_DIR:-target}/release/rencana}"
[ -x "$BIN" ] || cargo build --release -p rencana
DATA="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT
export RENCANA_DATABASE_URL="$RENCANA_TEST_DATABASE_URL"
start=$(date +%s)
"$BIN" --data-dir "$DATA" demo >/dev/null 2>&1
echo "demo seeded into PostgreSQL in $(( $(date +%s) - start )) s"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$port"
"$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$port" >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
status=0
python3 bench/pg-stop.py "$URL" "$RENCANA_TEST_PG_STOP" "$RENCANA_TEST_PG_START" "${CLIENTS:-8}" || status=$?
# What the server logged as failed (a 500 says why here).
sed 's/\x1b\[[0-9;]*m//g' "$DATA/server.log" | grep "request failed" | sed 's/^[^ ]* //' | sort | uniq -c | sort -rn | head -5 >&2 || true
[ "$status" -eq 0 ] || exit "$status"
kill -0 "$SERVER" || { echo "the server died" >&2; tail -20 "$DATA/server.log" >&2; exit 1; }
