#!/usr/bin/env bash
# The whole Kota Medan demo on a small server: the release binary confined to one CPU
# (taskset -c 0) and 1 GB of memory (a memory cgroup, v1 or v2; needs root) seeds the demo,
# serves it, takes the deadline herd and the operators' pages; the clients run on the other
# CPU. Prints the seeding time, the server's resident memory idle and after the load (and its
# peak), the cgroup's peak (which counts the page cache of the files it touched) and how often
# the limit was hit, and the figures of the load; 127.0.0.1 only. A benchmark:
# it fails only when the server dies or answers a 5xx other than 503.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/demo-server.sh # for demo_cycle
LIMIT="${LIMIT:-1G}"
BIN="${RENCANA_BIN:-${CARGO_TARGET_DIR:-target}/release/rencana}"
[ -x "$BIN" ] || cargo build --release -p rencana
[ "$(id -u)" = 0 ] || { echo "small-machine.sh needs root for its memory cgroup" >&2; exit 2; }
DATA="$(mktemp -d)"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  CG="/sys/fs/cgroup/rencana-small-$$"
  mkdir "$CG"
  echo "$LIMIT" > "$CG/memory.max"
  peak() { cat "$CG/memory.peak" 2>/dev/null || cat "$CG/memory.current"; }
  hits() { awk '/^max /{print $2}' "$CG/memory.events"; }
else
  CG="/sys/fs/cgroup/memory/rencana-small-$$"
  mkdir "$CG"
  echo "$LIMIT" > "$CG/memory.limit_in_bytes"
  peak() { cat "$CG/memory.max_usage_in_bytes"; }
  hits() { cat "$CG/memory.failcnt"; }
fi
cleanup() {
  kill "${SERVER:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rmdir "$CG" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT
mb() { echo $(( $1 / 1048576 )); }
confined() { ( echo "$BASHPID" > "$CG/cgroup.procs"; exec taskset -c 0 "$@" ); }

echo "one CPU (taskset -c 0), memory limit $LIMIT, release build, SQLite synchronous=FULL"
start=$(date +%s.%N)
confined "$BIN" --data-dir "$DATA" demo >/dev/null 2>&1
echo "demo seeded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s; peak memory while seeding $(mb "$(peak)") MB"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$port"
# The subshell becomes the server (exec), so that $! is the server's own pid.
( echo "$BASHPID" > "$CG/cgroup.procs"; exec taskset -c 0 "$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 ) &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
rss() { awk '/^VmRSS/{print int($2/1024)}' "/proc/$SERVER/status"; }
rss_peak() { awk '/^VmHWM/{print int($2/1024)}' "/proc/$SERVER/status"; }
sleep 2
echo "server idle: $(rss) MB resident"

client() { taskset -c 1 "$@"; }
for clients in 1 8 32; do
  client python3 bench/herd.py "$URL" "$DATA/rencana.db" 300 "$clients"
done
client python3 bench/herd.py "$URL" "$DATA/rencana.db" 400 200
CYCLE="$(demo_cycle)"
for path in "/forums/$CYCLE/musrenbang_kecamatan/12.71.01" "/proposals?cycle=$CYCLE" \
  "/api/v1/proposals?cycle=$CYCLE&limit=100" "/statistics?cycle=$CYCLE"; do
  times="$(for _ in $(seq 11); do client curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$URL$path"; done)"
  if echo "$times" | awk '$1 >= 500 && $1 != 503 {bad=1} END {exit !bad}'; then
    echo "a 5xx on $path" >&2
    exit 1
  fi
  echo "$times" | awk '{print $2}' | sort -n | awk -v p="$path" 'NR==6{printf "%-60s median %.1f ms\n", p, $1*1000}'
done
kill -0 "$SERVER" 2>/dev/null || { echo "the server died" >&2; exit 1; }
echo "server after the load: $(rss) MB resident, at most $(rss_peak) MB; the cgroup's peak (page cache of the database included) $(mb "$(peak)") MB of $LIMIT, limit reached $(hits) times"
