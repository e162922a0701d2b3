#!/usr/bin/env bash
# Runs schemathesis (PyPI; installed with pip when missing) against the OpenAPI document of a
# throwaway Kota Medan demo served on 127.0.0.1, as the demo's Bappeda administrator, with
# tests/api-fuzz/schemathesis.toml. Exits with schemathesis's status. MAX_EXAMPLES (default 60)
# and SEED tune the run; the logout and password operations are left out, since the fuzzer
# would end its own session with them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v schemathesis >/dev/null 2>&1 || python3 -m pip install --quiet schemathesis
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
BIN="${RENCANA_BIN:-$TARGET_DIR/debug/rencana}"
[ -x "$BIN" ] || cargo build -p rencana
DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
"$BIN" --data-dir "$DATA" demo >/dev/null
"$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
TOKEN="$(curl -sf -X POST "$URL/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"bappeda","password":"Rencana-Demo-2027"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
schemathesis --config-file tests/api-fuzz/schemathesis.toml run "$URL/api/v1/openapi.json" \
  -H "Authorization: Bearer $TOKEN" -n "${MAX_EXAMPLES:-60}" ${SEED:+--seed "$SEED"} \
  --exclude-path-regex '(/api/v1/session$|/password$)'
