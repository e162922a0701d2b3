#!/usr/bin/env bash
# Part 2 of issue 11: do the lists cost the same at 1,000,000 and 5,000,000 proposals as on the
# demo? The demo is grown to each size in LIST_SIZES (0 = as seeded; the demo's proposals copied
# into synthetic cycles of the same pemda, the `proposal` table only: bench/grow-proposals.py on
# SQLite, bench/grow-proposals-pg.sh on PostgreSQL), served by the release build on 127.0.0.1,
# and each list request is timed (bench/listing.py), then the API list of one cycle under 16
# clients with oha. Prints p50 at each size and its ratio to the demo's. SQLite by default (the
# demo seeded, or SEEDED_DATA), DATABASE=postgres on a throwaway PostgreSQL. Never fails on a
# figure.
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASE="${DATABASE:-sqlite}"
if [ "$DATABASE" = postgres ] && [ -z "${RENCANA_TEST_DATABASE_URL:-}" ]; then
  exec bash scripts/with-postgres.sh bash "$0" "$@"
fi
source scripts/ensure-oha.sh
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FIGURES="$WORK/figures.jsonl"
SIZES="${LIST_SIZES:-0 1000000}"

measure() { # URL DATABASE-to-count
  local url="$1" counted="$2" cycle proposals
  cycle="$(demo_cycle "$url")"
  if [ "$DATABASE" = postgres ]; then
    proposals="$(psql "$counted" -tAc 'SELECT count(*) FROM proposal')"
  else
    proposals="$(python3 -c "import sqlite3; print(sqlite3.connect('$counted').execute('SELECT count(*) FROM proposal').fetchone()[0])")"
  fi
  echo "== $proposals proposals, $DATABASE; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/listing.py "$url" "$cycle" "$FIGURES" "${N:-21}"
  "$OHA" --no-tui --output-format json -w -z "${SECONDS_EACH:-10}s" -c 16 "$url/api/v1/proposals?cycle=$cycle&limit=50" >"$WORK/oha.json"
  python3 - "$WORK/oha.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"  API list, one cycle, 16 clients (oha)  {s['summary']['requestsPerSec']:.0f}/s  p99 {s['latencyPercentiles']['p99'] * 1000:.1f} ms")
PY
}

if [ "$DATABASE" = postgres ]; then
  # One demo seeded into PostgreSQL and served; grown in place between the sizes.
  export RENCANA_DATABASE_URL="$RENCANA_TEST_DATABASE_URL"
  unset SEEDED_DATA
  (
    source scripts/demo-server.sh
    demo_server release
    for size in $SIZES; do
      if [ "$size" != 0 ]; then bash bench/grow-proposals-pg.sh "$RENCANA_DATABASE_URL" "$size" 2>/dev/null; fi
      measure "$URL" "$RENCANA_DATABASE_URL"
    done
  )
else
  if [ -z "${SEEDED_DATA:-}" ]; then
    BIN="${RENCANA_BIN:-target/release/rencana}"
    [ -x "$BIN" ] || cargo build --release -p rencana >&2
    mkdir "$WORK/demo"
    "$BIN" --data-dir "$WORK/demo" demo >/dev/null
    SEEDED_DATA="$WORK/demo"
  fi
  for size in $SIZES; do
    rm -rf "$WORK/grown"
    cp -r "$SEEDED_DATA" "$WORK/grown"
    if [ "$size" != 0 ]; then python3 bench/grow-proposals.py "$WORK/grown/rencana.db" "$size" 2>/dev/null; fi
    (
      SEEDED_DATA="$WORK/grown"
      source scripts/demo-server.sh
      demo_server release
      measure "$URL" "$DATA/rencana.db"
    )
  done
fi
python3 - "$FIGURES" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
if len(runs) > 1:
    print("p50 at each size beside the first:")
    for label, first in runs[0].items():
        later = "  ".join(f"{run.get(label, float('nan')):8.1f} ms ({run.get(label, 0) / first:4.2f}×)" for run in runs[1:])
        print(f"  {label:<36} {first:8.1f} ms  {later}")
PY
