#!/usr/bin/env bash
# The deadline herd on the Kota Medan demo, against a release build on 127.0.0.1 only: SUBMITS
# proposals from CONNECTIONS clients at once (bench/herd.py), then whether every acknowledged
# submission is stored and every stored one was acknowledged. Prints figures; fails only when
# answers and storage disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/demo-server.sh
demo_server release
echo "load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, SQLite synchronous=FULL with group commit"
python3 bench/fsync.py "$DATA"
# Submission rate by the number of clients at once (Python threads: the client, not only the
# server, limits the highest figures).
for clients in 1 8 32; do
  python3 bench/herd.py "$URL" "$DATA/rencana.db" "${RATE_SUBMITS:-600}" "$clients"
done
python3 bench/herd.py "$URL" "$DATA/rencana.db" "${SUBMITS:-400}" "${CONNECTIONS:-200}"
python3 bench/herd.py "$URL" "$DATA/rencana.db" "${SUBMITS:-400}" 400
