#!/usr/bin/env bash
# The data directory on a full disk (a 40 MB tmpfs; needs root to mount it), release build,
# 127.0.0.1 only: once the disk is full, writes are refused with 503 and Retry-After (never a
# 500, never an answer 201 for what was not kept), reads go on, and once space is freed writes
# succeed again with the database intact (integrity check, journal verified). Fails otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "full-disk: skipped (mounting a tmpfs needs root)"; exit 0; fi
target_dir="${CARGO_TARGET_DIR:-target}"
BIN="${RENCANA_BIN:-$target_dir/release/rencana}"
[ -x "$BIN" ] || cargo build --release -p rencana >&2
DISK="$(mktemp -d)"
mount -t tmpfs -o size=40m tmpfs "$DISK"
trap 'kill "${SERVER:-}" 2>/dev/null; wait 2>/dev/null || true; umount "$DISK"; rmdir "$DISK"' EXIT
"$BIN" --data-dir "$DISK" pemda add 12.71 >/dev/null
echo "Disk-Penuh-2027!" | "$BIN" --data-dir "$DISK" user add --pemda 12.71 --username admin.disk \
  --role bappeda_admin --password-stdin >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$port"
"$BIN" --data-dir "$DISK" serve --listen "127.0.0.1:$port" >"$DISK/../full-disk-server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
TOKEN="$(curl -sf "$URL/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"admin.disk","password":"Disk-Penuh-2027!"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
add_lingkungan() {  # one small write: a lingkungan under a kelurahan of Medan Kota
  curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/regions/12.71.01.1001/lingkungan" \
    -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"number\":\"$1\",\"name\":\"Lingkungan $1\"}"
}
echo "before: $(add_lingkungan 1)"
# Fill the disk, leaving nothing.
dd if=/dev/zero of="$DISK/filler" bs=1M status=none 2>/dev/null || true
declare -A answers=()
for n in $(seq 2 40); do code="$(add_lingkungan "$n")"; answers[$code]=$(( ${answers[$code]:-0} + 1 )); done
echo "on a full disk, 39 writes answered: $(for k in "${!answers[@]}"; do printf '%s×%s ' "$k" "${answers[$k]}"; done)"
read_code="$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/regions/12.71.01.1001")"
echo "a read meanwhile: $read_code"
rm -f "$DISK/filler"
after="$(add_lingkungan 99)"
echo "after freeing space: $after"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
integrity="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$DISK/rencana.db")"
echo "integrity_check: $integrity"
"$BIN" --data-dir "$DISK" audit verify
stored="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM region WHERE code LIKE '12.71.01.1001.%'\").fetchone()[0])" "$DISK/rencana.db")"
echo "lingkungan stored: $stored (answered 201: $(( ${answers[201]:-0} + 2 )))"
bad=0
for code in "${!answers[@]}"; do case "$code" in 201|503) ;; *) bad=1 ;; esac; done
[ "$bad" = 0 ] && [ "$after" = 201 ] && [ "$integrity" = ok ] && [ "$stored" = $(( ${answers[201]:-0} + 2 )) ] \
  || { echo "FULL DISK: not handled as it must be"; exit 1; }
