#!/usr/bin/env bash
# The city surge of deadline day (issue 11, part 4) on the Kota Medan demo, release build, on
# SQLite, or with DATABASE=postgres on a throwaway PostgreSQL with fsync and synchronous commits
# on; traffic to 127.0.0.1 only: at a fixed arrival rate, whatever the answers' speed, for
# SURGE_SECONDS (600 by default), with oha correcting latencies for coordinated omission:
# - 33 submissions per second (POST /api/v1/proposals as the kecamatan operator, each a
#   different proposal: bench/paced.py, latency counted from each one's moment on the schedule);
# - 700 page views per second: 300 forum pages of a kelurahan, 200 proposal lists, 200 proposal
#   pages (read as the public: the page layer keeps its users in cookies, which oha does not).
# Prints each stream's rate, p50, p99 and answers, the server's memory idle, at most and after,
# and whether every acknowledged submission is stored. Never fails on a figure; fails when the
# acknowledged and the stored submissions disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/on-database.sh "$@"
source scripts/ensure-oha.sh
source scripts/demo-server.sh
demo_server release
COUNTED="$(counted_database)"
SURGE="${SURGE_SECONDS:-600}"
FIGURES="$DATA/figures.jsonl"
CYCLE="$(demo_cycle)"
FIRST="$(curl -sf "$URL/api/v1/proposals?cycle=$CYCLE&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
stored() { python3 -c 'import sys; sys.path.insert(0, "bench"); from client import submitted; print(submitted(sys.argv[1]))' "$COUNTED"; }
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$SERVER/status"; }

# Idle once the server has settled: its start's work done and its first memory trim made.
sleep 35
IDLE="$(rss)"
echo "Kota Medan demo, release build, $DATABASE (durable commits), $(nproc) cores (oha shares them), ${SURGE} s at a fixed arrival rate"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); server idle: $IDLE MB resident"
before="$(stored)"

stream() { # name rate workers url [oha options…]
  local name="$1" rate="$2" workers="$3" url="$4"
  shift 4
  "$OHA" --no-tui --output-format json -w --latency-correction -q "$rate" -z "${SURGE}s" -c "$workers" "$@" "$url" \
    >"$DATA/$name.json" &
  STREAMS+=("$!")
}
STREAMS=()
python3 bench/paced.py submit "$URL" 33 "$SURGE" >"$DATA/submit.json" &
STREAMS+=("$!")
stream forum 300 64 "$URL/forums/$CYCLE/musrenbang_kelurahan/12.71.01.1001"
stream list 200 64 "$URL/proposals?cycle=$CYCLE"
stream proposal 200 64 "$URL/proposals/$FIRST"
PEAK="$IDLE"
running() { for pid in "${STREAMS[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
while running; do
  now="$(rss)"
  [ "$now" -gt "$PEAK" ] && PEAK="$now"
  sleep 1
done
for pid in "${STREAMS[@]}"; do wait "$pid" || true; done

echo "streams (fixed arrival rate, latency corrected):"
python3 bench/figures.py put "$FIGURES" submit "$(cat "$DATA/submit.json")" --show
for name in forum list proposal; do
  python3 bench/figures.py oha "$FIGURES" "$name" "$DATA/$name.json"
done
acknowledged="$(python3 bench/figures.py status "$FIGURES" submit 201)"
added=$(($(stored) - before))
AFTER="$(rss)"
sleep 35
echo "server memory: idle $IDLE MB, at most $PEAK MB during the surge, $AFTER MB at its end, $(rss) MB 35 s later$([ "$DATABASE" = postgres ] && echo " (Rencana's process alone, not PostgreSQL's)")"
echo "submissions: acknowledged (201) $acknowledged, stored $added"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$added" != "$acknowledged" ]; then
  echo "MISMATCH: acknowledged and stored submissions disagree"
  exit 1
fi
