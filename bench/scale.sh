#!/usr/bin/env bash
# What one request costs as the city grows: the demo (about 6,000 proposals) and a city seeded
# with `rencana bench-data` (SCALE_PROPOSALS, 100,000 by default), each served by a release
# build on 127.0.0.1 and timed by bench/scale.py. Prints figures; never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
for size in 6000 "${SCALE_PROPOSALS:-100000}"; do
  (
    export PROPOSALS="$size"
    source scripts/demo-server.sh
    demo_server release
    echo "== about $size proposals (seeded in $SEED_SECONDS s)"
    python3 bench/scale.py "$URL" "${N:-21}"
  )
done
