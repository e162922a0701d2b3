# Sourced by the benchmarks and the API fuzzing: seeds the Kota Medan demo into a throwaway
# data directory and serves it on a free port of 127.0.0.1, stopping it and removing the data on
# exit. `demo_server PROFILE` (debug or release; RENCANA_BIN overrides) builds the binary when
# missing and sets BIN, DATA, URL and SEED_SECONDS. With PROPOSALS set, the city is seeded at
# that size with `rencana bench-data`; with SEEDED_DATA naming a data directory seeded before,
# a copy of it is served instead of seeding anew. `demo_cycle [URL]` answers the open cycle's id.
demo_server() {
  local profile="$1"
  local target_dir="${CARGO_TARGET_DIR:-target}"
  BIN="${RENCANA_BIN:-$target_dir/$profile/rencana}"
  if [ ! -x "$BIN" ]; then
    echo "building the $profile binary ($BIN)…" >&2
    if [ "$profile" = release ]; then cargo build --release -p rencana >&2; else cargo build -p rencana >&2; fi
  fi
  DATA="$(mktemp -d)"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  trap 'kill "${SERVER:-}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT
  local start
  start=$(date +%s.%N)
  if [ -n "${SEEDED_DATA:-}" ]; then
    cp -r "$SEEDED_DATA"/. "$DATA"/
  elif [ -n "${PROPOSALS:-}" ]; then
    "$BIN" --data-dir "$DATA" bench-data --proposals "$PROPOSALS" >&2
  else
    "$BIN" --data-dir "$DATA" demo >/dev/null
  fi
  SEED_SECONDS="$(python3 -c "print(round($(date +%s.%N) - $start, 1))")"
  "$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  SERVER=$!
  URL="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf "$URL/api/v1/health" >/dev/null && break; sleep 0.2; done
}

# The id of the demo's open cycle (Kota Medan's first listed) on the server at URL, or at $1.
demo_cycle() {
  curl -sf "${1:-$URL}/api/v1/cycles?pemda=12.71" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'
}
