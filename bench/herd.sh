#!/usr/bin/env bash
# The deadline herd on the Kota Medan demo, against a release build on 127.0.0.1 only: SUBMITS
# proposals from CONNECTIONS clients at once (bench/herd.py), then whether every acknowledged
# submission is stored and every stored one was acknowledged. Prints figures; fails only when
# answers and storage disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
BIN="${RENCANA_BIN:-$TARGET_DIR/release/rencana}"
if [ ! -x "$BIN" ]; then
  echo "building the release binary ($BIN)…" >&2
  cargo build --release -p rencana >&2
fi
DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
"$BIN" --data-dir "$DATA" demo >/dev/null
"$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.2; done
python3 bench/herd.py "http://127.0.0.1:$PORT" "$DATA/rencana.db" "${SUBMITS:-400}" "${CONNECTIONS:-200}"
python3 bench/herd.py "http://127.0.0.1:$PORT" "$DATA/rencana.db" "${SUBMITS:-400}" 400
