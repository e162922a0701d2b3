#!/usr/bin/env bash
# kill -9 of the server while operators submit, on the Kota Medan demo (release build,
# 127.0.0.1 only): every submission acknowledged before the kill must be stored after the
# restart, and every pemda's journal must verify. Fails if one is lost or the journal breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/demo-server.sh
demo_server release
ACKED="$DATA/acked.txt"
port="${URL##*:}"
for round in 1 2 3; do
  python3 bench/crash.py load "$URL" "$ACKED.$round" "${CLIENTS:-16}" &
  LOAD=$!
  sleep "${KILL_AFTER:-3}"
  kill -9 "$SERVER"
  wait "$SERVER" 2>/dev/null || true
  wait "$LOAD"
  "$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
  echo "round $round, killed after ${KILL_AFTER:-3} s of load and restarted:"
  python3 bench/crash.py check "$DATA/rencana.db" "$ACKED.$round"
done
"$BIN" --data-dir "$DATA" audit verify
