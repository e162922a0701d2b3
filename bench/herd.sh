#!/usr/bin/env bash
# The deadline herd on the Kota Medan demo, against a release build on 127.0.0.1 only: SUBMITS
# proposals from CONNECTIONS clients at once (bench/herd.py), then whether every acknowledged
# submission is stored and every stored one was acknowledged. Prints figures; fails only when
# answers and storage disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/demo-server.sh
demo_server release
python3 bench/herd.py "$URL" "$DATA/rencana.db" "${SUBMITS:-400}" "${CONNECTIONS:-200}"
python3 bench/herd.py "$URL" "$DATA/rencana.db" "${SUBMITS:-400}" 400
