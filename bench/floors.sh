#!/usr/bin/env bash
# Rencana beside the machine's floors, measured in the same run (issue 11, part 5), on the Kota
# Medan demo, release build, traffic to 127.0.0.1 only, with oha as the load tool; on SQLite, or
# with DATABASE=postgres on a throwaway PostgreSQL with fsync and synchronous commits on:
# - the HTTP floor: a bare axum handler (`rencana bench-floor`) answering a body of the same
#   size as the page measured, at the same concurrency;
# - the database floor: the same SQL as a listing and as a submission's writes, executed by
#   SQLite alone on a copy of the same database (bench/sql-floor.py) or by pgbench on the served
#   PostgreSQL database (bench/pg-floor.sh), and the disk's fsync rate.
# Prints each figure, then each as a ratio to its floor, with the load average. Never fails on a
# figure; fails only when the submissions acknowledged and those stored disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/on-database.sh "$@"
source scripts/ensure-oha.sh
source scripts/demo-server.sh
demo_server release
COUNTED="$(counted_database)"
EACH="${SECONDS_EACH:-10}"
FIGURES="$DATA/figures.jsonl"
CYCLE="$(demo_cycle)"
FLOOR_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
FLOOR_URL="http://127.0.0.1:$FLOOR_PORT"
trap 'kill "${SERVER:-}" "${FLOOR:-}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT

echo "Kota Medan demo (seeded in $SEED_SECONDS s), release build, $DATABASE (durable commits), $(nproc) cores, oha ${EACH} s per figure"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

run() { # label clients url [oha options…]
  local label="$1" clients="$2" url="$3"
  shift 3
  "$OHA" --no-tui --output-format json -w -z "${EACH}s" -c "$clients" "$@" "$url" >"$DATA/oha.json"
  python3 bench/figures.py oha "$FIGURES" "$label" "$DATA/oha.json"
}

# A page, then the bare handler answering a body of the page's size at the same concurrency.
page_and_floor() { # label clients path
  local label="$1" clients="$2" path="$3" bytes
  bytes="$(curl -sf "$URL$path" | wc -c)"
  run "$label" "$clients" "$URL$path"
  "$BIN" bench-floor --listen "127.0.0.1:$FLOOR_PORT" --bytes "$bytes" &
  FLOOR=$!
  for _ in $(seq 50); do curl -sf "$FLOOR_URL/" >/dev/null && break; sleep 0.1; done
  run "bare axum, $bytes bytes, $clients clients" "$clients" "$FLOOR_URL/"
  kill "$FLOOR"
  wait "$FLOOR" 2>/dev/null || true
}

echo "pages (oha, as many requests as the clients can send):"
page_and_floor "API list limit=50, 16 clients" 16 "/api/v1/proposals?cycle=$CYCLE&limit=50"
LIST_BYTES="$(curl -sf "$URL/api/v1/proposals?cycle=$CYCLE&limit=50" | wc -c)"
page_and_floor "forum page kecamatan, 16 clients" 16 "/forums/$CYCLE/musrenbang_kecamatan/12.71.01"
FORUM_BYTES="$(curl -sf "$URL/forums/$CYCLE/musrenbang_kecamatan/12.71.01" | wc -c)"
FIRST="$(curl -sf "$URL/api/v1/proposals?cycle=$CYCLE&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
page_and_floor "proposal page, 16 clients" 16 "/proposals/$FIRST"
PROPOSAL_BYTES="$(curl -sf "$URL/proposals/$FIRST" | wc -c)"

echo "submissions (POST /api/v1/proposals as the kecamatan operator, each durable: oha, keep-alive"
echo "connections, a closed loop, ${EACH} s per figure; every 201 must be a stored proposal, and the same"
echo "at 32 clients from bench/herd.py, Python threads and a new connection per request, as before):"
read -r TOKEN KAMUS < <(python3 -c 'import sys; sys.path.insert(0, "bench"); from client import operator; t, c, k = operator(sys.argv[1]); print(t, k)' "$URL")
BODY="$(python3 -c 'import json, sys; sys.path.insert(0, "bench"); from client import proposal; print(json.dumps(proposal(sys.argv[1], sys.argv[2], "Usulan beban", "Diajukan bersamaan", "Jl. Beban 1")))' "$CYCLE" "$KAMUS")"
stored() { python3 -c 'import sys; sys.path.insert(0, "bench"); from client import submitted; print(submitted(sys.argv[1]))' "$COUNTED"; }
for clients in 1 8 32; do
  before="$(stored)"
  run "submit, $clients clients" "$clients" "$URL/api/v1/proposals" -m POST -T application/json \
    -H "authorization: Bearer $TOKEN" -d "$BODY"
  acknowledged="$(python3 bench/figures.py status "$FIGURES" "submit, $clients clients" 201)"
  added=$(( $(stored) - before ))
  echo "    acknowledged $acknowledged, stored $added"
  if [ "$acknowledged" != "$added" ]; then
    echo "submissions acknowledged ($acknowledged) and stored ($added) disagree" >&2
    exit 1
  fi
done
out="$(python3 bench/herd.py "$URL" "$COUNTED" "${RATE_SUBMITS:-600}" 32)"
rate="$(echo "$out" | sed -n 's/.*(\([0-9]*\)\/s)$/\1/p')"
p50="$(echo "$out" | sed -n 's/^latency ms: p50 \([0-9]*\) .*/\1/p')"
p99="$(echo "$out" | sed -n 's/.*p99 \([0-9]*\) .*/\1/p')"
python3 bench/figures.py put "$FIGURES" "submit, 32 clients, Python herd" "{\"rate\": $rate, \"p50_ms\": $p50, \"p99_ms\": $p99}"
printf '  %-44s %9s/s  p50 %s ms  p99 %s ms  (%s)\n' "submit, 32 clients, Python herd" "$rate" "$p50" "$p99" "$(echo "$out" | grep '^stored')"

echo "floors of the database and the disk (the same SQL without Rencana around it):"
if [ "$DATABASE" = postgres ]; then
  FLOORS="$(bash bench/pg-floor.sh "$RENCANA_DATABASE_URL" "$CYCLE" "$EACH")"
else
  FLOORS="$(python3 bench/sql-floor.py "$DATA/rencana.db" "$CYCLE" "$EACH")"
fi
python3 - "$FIGURES" "$FLOORS" <<'PY'
import json, subprocess, sys
figures, floors = sys.argv[1], json.loads(sys.argv[2])
names = {"submit_1": "SQLite: submission writes, 1 per transaction",
         "submit_64": "SQLite: submission writes, 64 per transaction",
         "list_50": "SQLite: 50-row listing, 2 connections"}
if "submit_8" in floors:
    names = {"submit_1": "PostgreSQL: submission writes, 1 client",
             "submit_8": "PostgreSQL: submission writes, 8 clients",
             "submit_32": "PostgreSQL: submission writes, 32 clients",
             "list_50": "PostgreSQL: 50-row listing, 16 clients"}
for key, label in names.items():
    subprocess.run(["python3", "bench/figures.py", "put", figures, label, json.dumps({"rate": floors[key]})], check=True)
    print(f"  {label:<44} {floors[key]:>9}/s")
PY
FSYNC="$(python3 bench/fsync.py "$DATA" 3 | sed -n 's/disk floor: \([0-9]*\) .*/\1/p')"
python3 bench/figures.py put "$FIGURES" "disk: 4 KB append + fdatasync" "{\"rate\": $FSYNC}"
echo "  disk: 4 KB append + fdatasync                 $FSYNC/s"

echo
echo "Rencana beside its floors (load average now: $(cut -d' ' -f1-3 /proc/loadavg)):"
python3 bench/figures.py table "$FIGURES" "$(python3 - "$LIST_BYTES" "$FORUM_BYTES" "$PROPOSAL_BYTES" "$DATABASE" <<'PY'
import json, sys
lb, fb, pb, database = sys.argv[1:5]
pages = [
    ["API list limit=50 / bare axum, same size", "API list limit=50, 16 clients", f"bare axum, {lb} bytes, 16 clients"],
    ["forum page / bare axum, same size", "forum page kecamatan, 16 clients", f"bare axum, {fb} bytes, 16 clients"],
    ["proposal page / bare axum, same size", "proposal page, 16 clients", f"bare axum, {pb} bytes, 16 clients"],
    ["submit, 32 clients / the disk's fsync rate", "submit, 32 clients", "disk: 4 KB append + fdatasync"],
]
if database == "postgres":
    print(json.dumps(pages + [
        ["API list limit=50 / PostgreSQL's listing", "API list limit=50, 16 clients", "PostgreSQL: 50-row listing, 16 clients"],
        ["submit, 1 client / pgbench, 1 client", "submit, 1 clients", "PostgreSQL: submission writes, 1 client"],
        ["submit, 8 clients / pgbench, 8 clients", "submit, 8 clients", "PostgreSQL: submission writes, 8 clients"],
        ["submit, 32 clients / pgbench, 32 clients", "submit, 32 clients", "PostgreSQL: submission writes, 32 clients"],
    ]))
    sys.exit()
print(json.dumps(pages + [
    ["API list limit=50 / SQLite's 50-row listing", "API list limit=50, 16 clients", "SQLite: 50-row listing, 2 connections"],
    ["submit, 1 client / SQLite, 1 per transaction", "submit, 1 clients", "SQLite: submission writes, 1 per transaction"],
    ["submit, 8 clients / SQLite, 64 per transaction", "submit, 8 clients", "SQLite: submission writes, 64 per transaction"],
    ["submit, 32 clients / SQLite, 64 per transaction", "submit, 32 clients", "SQLite: submission writes, 64 per transaction"],
]))
PY
)"
