#!/usr/bin/env bash
# The security gates `make test` runs against a throwaway Kota Medan demo served on 127.0.0.1
# (debug build), seeded once for both tools, which are installed with pip when missing:
#  1. sqlmap (PyPI) against the search and filter parameters of the proposal list (page and
#     API), the nomenclature search, a journal entry's page, the checkpoints and the inclusion
#     proof, as the demo's Bappeda
#     administrator: fails when any parameter is reported injectable or an address could not be
#     tested (an answer other than 200 to its plain form).
#  2. schemathesis (PyPI) against /api/v1/openapi.json as the same administrator, with
#     tests/api-fuzz/schemathesis.toml: fails on any 5xx, an undocumented status or a response
#     that breaks its schema. MAX_EXAMPLES (default 12) and SEED tune it: the seed is fixed by
#     default, so that a gate in CI fails on a change of the code, not on a new draw;
#     SEED=random explores. The logout and password operations are left out, since the fuzzer
#     would end its own session with them.
# ONLY=sqlmap or ONLY=schemathesis runs one of them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlmap >/dev/null 2>&1 || python3 -m pip install --quiet "sqlmap==1.10.10"
command -v schemathesis >/dev/null 2>&1 || python3 -m pip install --quiet "schemathesis==4.32.5"
source scripts/demo-server.sh
demo_server debug 2>/dev/null
OUT="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DATA" "$OUT"' EXIT
TOKEN="$(curl -sf -X POST "$URL/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"bappeda","password":"Rencana-Demo-2027"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
CYCLE="$(curl -sf "$URL/api/v1/cycles?pemda=12.71" | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')"

if [ "${ONLY:-sqlmap}" = sqlmap ]; then
  targets=(
    "/api/v1/proposals?cycle=$CYCLE&region=12.71.01&stage=musrenbang_kelurahan&status=accepted&origin=lingkungan&opd=1.03.01&q=jalan&limit=20"
    "/proposals?cycle=$CYCLE&kecamatan=12.71.01&kelurahan=12.71.01.1001&region=12.71&opd=1.03.01&origin=lingkungan&stage=musrenbang_kelurahan&status=accepted&q=jalan"
    "/api/v1/nomenclature?tahun=2027&q=jalan&parent=1.03"
    "/audit/entry?pemda=12.71&seq=10"
    "/api/v1/audit/checkpoints?pemda=12.71&before=5"
    "/api/v1/audit/proof/inclusion?pemda=12.71&seq=10&size=20"
  )
  for target in "${targets[@]}"; do
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL$target")"
    [ "$status" = 200 ] || { echo "sqlmap: $target answers $status, so it cannot be tested" >&2; exit 1; }
    sqlmap -u "$URL$target" --headers="Authorization: Bearer $TOKEN" --batch --level="${LEVEL:-2}" \
      --risk="${RISK:-1}" --threads=4 --output-dir="$OUT" --flush-session --disable-coloring \
      --timeout=10 --retries=1 >"$OUT/run.log" 2>&1 || true
    if grep -qiE "sqlmap identified the following injection|is vulnerable|might be injectable" "$OUT/run.log"; then
      grep -iE "injection|vulnerable|injectable|Parameter:|Payload:" "$OUT/run.log" >&2
      echo "sqlmap: an injectable parameter in $target" >&2
      exit 1
    fi
    if ! grep -q "all tested parameters do not appear to be injectable" "$OUT/run.log"; then
      tail -20 "$OUT/run.log" >&2
      echo "sqlmap: $target was not tested to the end" >&2
      exit 1
    fi
    echo "sqlmap: nothing injectable in ${target%%\?*} ($(grep -c "testing '" "$OUT/run.log") techniques tried)" >&2
  done
fi

if [ "${ONLY:-schemathesis}" = schemathesis ]; then
  seed="--seed ${SEED:-20261205}"
  [ "${SEED:-}" = random ] && seed=""
  PYTHONPATH=tests/api-fuzz SCHEMATHESIS_HOOKS=hooks \
    schemathesis --config-file tests/api-fuzz/schemathesis.toml run "$URL/api/v1/openapi.json" \
    -H "Authorization: Bearer $TOKEN" -n "${MAX_EXAMPLES:-12}" $seed \
    --exclude-path-regex '(/api/v1/session$|/password$)'
fi
