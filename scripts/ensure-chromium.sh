#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium (the browser
# tests drive it through playwright-core; Playwright's own browser download
# is never used). Installs it with apt-get when running as root, otherwise
# explains what to install and fails.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<MSG
error: $CHROMIUM not found; the browser tests need Debian's Chromium.
Install it as root with:
    apt-get update && apt-get install -y chromium
MSG
    exit 1
fi

echo "ensure-chromium: $CHROMIUM missing; installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update </dev/null
apt-get install -y chromium </dev/null

if [ ! -x "$CHROMIUM" ]; then
    echo "error: installed the chromium package but $CHROMIUM is still missing" >&2
    exit 1
fi
