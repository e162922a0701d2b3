#!/usr/bin/env bash
# Part 3 of issue 11: the national size. Seeds `rencana bench-data --national` (the demo city,
# then every other kabupaten/kota of the official list; NATIONAL_PROPOSALS in all, 1,000,000 by
# default; NATIONAL_PEMDA to stop after the first N) into a throwaway data directory on SQLite,
# or serves a copy of NATIONAL_DATA seeded before, with the release build on 127.0.0.1, and
# times the pages of the first, a middle and the last pemda (bench/national.py). Prints the
# seed's time and rate. Never fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${RENCANA_BIN:-target/release/rencana}"
[ -x "$BIN" ] || cargo build --release -p rencana >&2
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ -n "${NATIONAL_DATA:-}" ]; then
  cp -r "$NATIONAL_DATA"/. "$WORK"/
else
  echo "== seeding the national size: ${NATIONAL_PROPOSALS:-1000000} proposals; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BIN" --data-dir "$WORK" bench-data --national --proposals "${NATIONAL_PROPOSALS:-1000000}" \
    ${NATIONAL_PEMDA:+--pemda "$NATIONAL_PEMDA"}
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
"$BIN" --data-dir "$WORK" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$port"
for _ in $(seq 300); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/national.py "$URL" "$WORK/rencana.db" "${N:-11}"
