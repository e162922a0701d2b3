#!/usr/bin/env bash
# The deciding scenario (issue 11, part 4) on the Kota Medan demo, release build, traffic to
# 127.0.0.1 only; on SQLite, or with DATABASE=postgres on a throwaway PostgreSQL with fsync and
# synchronous commits on. The operator of kecamatan Medan Kota decides the proposals of its open
# musrenbang kecamatan at fixed arrival rates (DECIDE_RATES, a second each; DECIDE_SECONDS at
# each), each decision due at its moment on the schedule and timed from it (bench/paced.py
# decide): the first pass rejects each proposal with a reason, the next accepts it again.
# Prints each rate's figures; never fails on a figure, fails when the decisions acknowledged
# (200) and the decisions the journal holds disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/on-database.sh "$@"
source scripts/demo-server.sh
demo_server release
COUNTED="$(counted_database)"
FIGURES="$DATA/figures.jsonl"
EACH="${DECIDE_SECONDS:-20}"
decided() { python3 -c 'import sys; sys.path.insert(0, "bench"); from client import journal_count; print(journal_count(sys.argv[1], "proposal_decided"))' "$COUNTED"; }

echo "Kota Medan demo (seeded in $SEED_SECONDS s), release build, $DATABASE (durable commits), $(nproc) cores"
echo "decisions of the musrenbang kecamatan Medan Kota, ${EACH} s at each fixed arrival rate (latency corrected):"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for rate in ${DECIDE_RATES:-33 100 300 600}; do
  before="$(decided)"
  python3 bench/figures.py put "$FIGURES" "decide, $rate/s asked" "$(python3 bench/paced.py decide "$URL" "$rate" "$EACH")" --show
  acknowledged="$(python3 bench/figures.py status "$FIGURES" "decide, $rate/s asked" 200)"
  added=$(($(decided) - before))
  echo "  decisions at $rate/s: acknowledged (200) $acknowledged, in the journal $added"
  if [ "$added" != "$acknowledged" ]; then
    echo "MISMATCH: acknowledged decisions and the journal's disagree"
    status=1
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
