#!/usr/bin/env bash
# Lighthouse on the pages a resident and an operator open, on the Kota Medan demo, against a
# release build on 127.0.0.1 only: Debian's headless Chromium, Lighthouse's default mobile
# emulation with simulated slow-4G throttling (so the figures are of a mid-range phone on a weak
# connection, not of loopback). Prints the performance and accessibility scores, LCP, bytes sent
# and Total Blocking Time of each page. A benchmark: it prints figures and never fails on them.
# The JSON reports go to LIGHTHOUSE_OUT when set, otherwise to a directory removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci writes node_modules/.package-lock.json; older than the lock means a version changed.
marker=bench/lighthouse/node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ bench/lighthouse/package-lock.json -nt "$marker" ]; then
  echo "lighthouse: installing the npm package (npm ci)" >&2
  npm ci --prefix bench/lighthouse --no-audit --no-fund </dev/null >&2
  touch "$marker"
fi
bash scripts/ensure-chromium.sh

source scripts/demo-server.sh
demo_server release
echo "demo seeded in $SEED_SECONDS s"
OUT="${LIGHTHOUSE_OUT:-$DATA/lighthouse}"
mkdir -p "$OUT"
CYCLE="$(demo_cycle)"
PROPOSAL="$(curl -sf "$URL/api/v1/proposals?cycle=$CYCLE&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"

# The operator's session, as curl keeps it: Chromium gets it as a Cookie header, since
# Lighthouse starts each run in a fresh profile. curl marks HttpOnly cookies with a #HttpOnly_ prefix.
JAR="$DATA/cookies"
CSRF="$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)"
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" --data-urlencode username=kec.medankota \
  --data-urlencode password=Rencana-Demo-2027 "$URL/login"
COOKIE="$(awk -F'\t' '(/^#HttpOnly_/ || !/^#/) && NF == 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$JAR")"
OPERATOR="$(python3 -c 'import json,sys; print(json.dumps({"Cookie": sys.argv[1]}))' "$COOKIE")"

LIGHTHOUSE=bench/lighthouse/node_modules/.bin/lighthouse
# Chromium's own calls home are switched off, and every host but 127.0.0.1 fails to resolve, so
# the proposal page's map asks no tile server: its figures leave the tiles out.
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
FLAGS+=' --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
export CHROME_PATH=/usr/bin/chromium
echo "Lighthouse $("$LIGHTHOUSE" --version), $("$CHROME_PATH" --version 2>/dev/null), mobile, simulated slow 4G, $BIN, $(nproc) cores"

run() {
  local name="$1" url="$2"; shift 2
  local status=0 start
  start=$(date +%s)
  "$LIGHTHOUSE" "$url" --quiet --no-enable-error-reporting --chrome-flags="$FLAGS" \
    --only-categories=performance,accessibility --output=json --output-path="$OUT/$name.json" \
    "$@" >"$OUT/$name.log" 2>&1 || status=$?
  python3 - "$name" "$OUT/$name.json" "$status" "$(($(date +%s) - start))" <<'PY'
import json, sys
name, path, status, seconds = sys.argv[1:]
try:
    lhr = json.load(open(path))
except (OSError, ValueError):
    print(f"{name:<12} no report: lighthouse exited {status}, see {name}.log")
    sys.exit()
if lhr.get("runtimeError"):
    print(f"{name:<12} no figures: {lhr['runtimeError']['message']}")
    sys.exit()
score = lambda c: "-" if lhr["categories"][c]["score"] is None else round(lhr["categories"][c]["score"] * 100)
value = lambda a: lhr["audits"][a].get("numericValue") or 0
print(f"{name:<12} performance {score('performance'):>3}  accessibility {score('accessibility'):>3}  "
      f"LCP {value('largest-contentful-paint') / 1000:5.2f} s  {value('total-byte-weight'):>8.0f} bytes  "
      f"TBT {value('total-blocking-time'):5.0f} ms  ({seconds} s)")
PY
}

run explorer "$URL/proposals?cycle=$CYCLE"
run proposal "$URL/proposals/$PROPOSAL"
run forum "$URL/forums/$CYCLE/musrenbang_kecamatan/12.71.01" --extra-headers="$OPERATOR"
run statistics "$URL/statistics?cycle=$CYCLE"
