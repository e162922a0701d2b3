#!/usr/bin/env bash
# Part 3 of issue 11: the national size. Seeds `rencana bench-data --national` (the demo city,
# then every other kabupaten/kota of the official list; NATIONAL_PROPOSALS in all, 1,000,000 by
# default; NATIONAL_PEMDA to stop after the first N) into a throwaway data directory on SQLite,
# or DATABASE=postgres on a throwaway PostgreSQL, or serves a copy of NATIONAL_DATA (SQLite)
# seeded before, with the release build on 127.0.0.1, and times the pages of the first, a middle
# and the last pemda (bench/national.py). Prints the seed's time and rate. Never fails on a
# figure.
#
# Before serving, the journal's checkpoints are signed offline (`rencana audit checkpoint`): a
# server just started would otherwise spend its first round hashing every pemda's whole journal
# into the transparency log, beside the requests being timed.
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASE="${DATABASE:-sqlite}"
if [ "$DATABASE" = postgres ] && [ -n "${NATIONAL_DATA:-}" ]; then
  echo "NATIONAL_DATA is a SQLite data directory; it cannot be served with DATABASE=postgres" >&2
  exit 2
fi
if [ "$DATABASE" = postgres ] && [ -z "${RENCANA_TEST_DATABASE_URL:-}" ]; then
  PG_DURABLE=1 exec bash scripts/with-postgres.sh bash "$0" "$@"
fi
BIN="${RENCANA_BIN:-target/release/rencana}"
[ -x "$BIN" ] || cargo build --release -p rencana >&2
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
COUNTED="$WORK/rencana.db"
if [ "$DATABASE" = postgres ]; then
  export RENCANA_DATABASE_URL="$RENCANA_TEST_DATABASE_URL"
  COUNTED="$RENCANA_DATABASE_URL"
fi
if [ -n "${NATIONAL_DATA:-}" ]; then
  cp -r "$NATIONAL_DATA"/. "$WORK"/
else
  echo "== seeding the national size on $DATABASE: ${NATIONAL_PROPOSALS:-1000000} proposals; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BIN" --data-dir "$WORK" bench-data --national --proposals "${NATIONAL_PROPOSALS:-1000000}" \
    ${NATIONAL_PEMDA:+--pemda "$NATIONAL_PEMDA"}
fi
# `bench-data` ends with PostgreSQL's statistics refreshed (`Store::refresh_statistics`), as
# autovacuum would have by the time anyone reads a database this size.
started=$(date +%s.%N)
"$BIN" --data-dir "$WORK" audit checkpoint >"$WORK/checkpoint.log"
echo "== $(grep -c 'signed$' "$WORK/checkpoint.log") checkpoints signed offline in $(python3 -c "print(f'{$(date +%s.%N) - $started:.1f}')") s"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
"$BIN" --data-dir "$WORK" serve --listen "127.0.0.1:$port" >"$WORK/server.log" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$port"
for _ in $(seq 300); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/national.py "$URL" "$COUNTED" "${N:-11}"
if grep -q "checkpoint issued" "$WORK/server.log"; then
  echo "!! the server issued checkpoints while it was timed: $(grep -c 'checkpoint issued' "$WORK/server.log")"
fi
