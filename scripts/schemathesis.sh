#!/usr/bin/env bash
# Runs schemathesis (PyPI; installed with pip when missing) against the OpenAPI document of a
# throwaway Kota Medan demo served on 127.0.0.1, as the demo's Bappeda administrator, with
# tests/api-fuzz/schemathesis.toml. Exits with schemathesis's status. MAX_EXAMPLES (default 60)
# and SEED tune the run; the logout and password operations are left out, since the fuzzer
# would end its own session with them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v schemathesis >/dev/null 2>&1 || python3 -m pip install --quiet schemathesis
source scripts/demo-server.sh
demo_server debug
TOKEN="$(curl -sf -X POST "$URL/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"bappeda","password":"Rencana-Demo-2027"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
schemathesis --config-file tests/api-fuzz/schemathesis.toml run "$URL/api/v1/openapi.json" \
  -H "Authorization: Bearer $TOKEN" -n "${MAX_EXAMPLES:-60}" ${SEED:+--seed "$SEED"} \
  --exclude-path-regex '(/api/v1/session$|/password$)'
