#!/usr/bin/env bash
# Sourced by the benchmarks: sets OHA to the load tool oha (crates.io, MIT), which corrects
# latencies for coordinated omission at a fixed arrival rate (--latency-correction). Uses one on
# the PATH, else installs a pinned version once under .bench-tools/ (a few minutes on 2 cores;
# its own target directory, so the project's build is untouched).
OHA_VERSION=1.16.0
if command -v oha >/dev/null 2>&1; then
  OHA="$(command -v oha)"
elif [ -x .bench-tools/bin/oha ] && .bench-tools/bin/oha --version | grep -q "$OHA_VERSION"; then
  OHA=.bench-tools/bin/oha
else
  echo "installing oha $OHA_VERSION into .bench-tools/ (once)…" >&2
  CARGO_TARGET_DIR=.bench-tools/target cargo install --locked --quiet oha --version "$OHA_VERSION" --root .bench-tools >&2
  rm -rf .bench-tools/target
  OHA=.bench-tools/bin/oha
fi
