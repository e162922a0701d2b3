#!/usr/bin/env bash
# One Kota Medan demo for the browser journeys and the security gates of `make test`, seeded by
# the debug build in the background while the Rust tests run: a debug seed takes minutes of one
# core, and the long tests (the store's demo test above all) leave the other core idle.
#
#   demo-seed.sh start BIN DIR   seeds into DIR/data with BIN, its output in DIR/log (a seed
#                                started before into DIR is stopped first)
#   demo-seed.sh wait DIR        waits for it; fails with its output when the seed failed
#
# The browser tests take DIR/data as RENCANA_E2E_DEMO, the gates as SEEDED_DATA; each serves a
# copy of it.
set -euo pipefail
case "${1:-}" in
start)
  bin="$2" dir="$3"
  if [ -f "$dir/pid" ]; then kill -- "-$(cat "$dir/pid")" 2>/dev/null || true; fi
  rm -rf "$dir"
  mkdir -p "$dir/data"
  # A session of its own, so that a later start stops the seed and nothing else.
  setsid bash -c '"$1" --data-dir "$2/data" demo >"$2/log" 2>&1; echo $? >"$2/status.part"; mv "$2/status.part" "$2/status"' \
    demo-seed "$bin" "$dir" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/pid"
  ;;
wait)
  dir="$2"
  until [ -f "$dir/status" ]; do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null && [ ! -f "$dir/status" ]; then
      echo "demo-seed: the seed in $dir stopped without an exit status" >&2
      cat "$dir/log" >&2
      exit 1
    fi
    sleep 1
  done
  status="$(cat "$dir/status")"
  if [ "$status" != 0 ]; then
    echo "demo-seed: \`rencana demo\` exited with $status:" >&2
    cat "$dir/log" >&2
    exit 1
  fi
  ;;
*)
  echo "usage: $0 start BIN DIR | wait DIR" >&2
  exit 2
  ;;
esac
