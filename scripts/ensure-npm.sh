#!/usr/bin/env bash
# Install the npm packages (htmx, leaflet, idn-area-data embedded into the
# binary at build time; playwright-core for the browser tests) with `npm ci`
# when node_modules is missing or older than package-lock.json.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    cat >&2 <<MSG
error: node and npm are needed (front-end packages, region data, browser tests).
Install them, e.g. as root on Debian:
    apt-get update && apt-get install -y nodejs npm
MSG
    exit 1
fi

# npm ci writes node_modules/.package-lock.json; compare against that so an
# interrupted install (directory present, marker missing) is redone.
marker=node_modules/.package-lock.json
if [ -f "$marker" ] && [ ! package-lock.json -nt "$marker" ]; then
    exit 0
fi

echo "ensure-npm: installing npm packages (npm ci)" >&2
npm ci --no-audit --no-fund </dev/null
touch "$marker"
