#!/usr/bin/env bash
# Past capacity (issue 11): a crowd asking for the kelurahan forum page several times faster than
# the server renders it, on the Kota Medan demo, release build, SQLite, or with DATABASE=postgres
# on a throwaway PostgreSQL; traffic to 127.0.0.1 only. oha sends OVERLOAD_RATE pages a second
# (3,000 by default) from OVERLOAD_CLIENTS connections (2,000) for OVERLOAD_SECONDS (30), at a
# fixed arrival rate with latencies corrected for coordinated omission. Prints what was served
# (rate, p50, p99), what was told to come back (503 with Retry-After: how many, how fast), any
# other answer and oha's own errors (timeouts, refused connections), then the health check's time
# while the crowd is on. A benchmark: it prints figures and never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/on-database.sh "$@"
source scripts/ensure-oha.sh
source scripts/demo-server.sh
demo_server release
RATE="${OVERLOAD_RATE:-3000}"
CLIENTS="${OVERLOAD_CLIENTS:-2000}"
SECONDS_ON="${OVERLOAD_SECONDS:-30}"
CYCLE="$(demo_cycle)"
PAGE="$URL/forums/$CYCLE/musrenbang_kelurahan/12.71.01.1001"
echo "Kota Medan demo, release build, $DATABASE, $(nproc) cores (oha shares them)"
echo "the kelurahan forum page at $RATE a second from $CLIENTS connections for $SECONDS_ON s"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OHA" --no-tui --output-format json --stats-success-breakdown -w --latency-correction -q "$RATE" -z "${SECONDS_ON}s" -c "$CLIENTS" "$PAGE" \
  >"$DATA/overload.json" &
CROWD=$!
sleep "$((SECONDS_ON / 2))"
HEALTH="$(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' "$URL/api/v1/health")"
wait "$CROWD" || true
python3 - "$DATA/overload.json" "$SECONDS_ON" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
seconds = float(sys.argv[2])
codes = run["statusCodeDistribution"]
def describe(status, percentiles):
    n = sum(v for k, v in codes.items() if (k.startswith("2")) == (status == "2xx"))
    if not n or not percentiles or percentiles.get("p50") is None:
        return "none"
    return f"{n} ({n / seconds:.0f}/s), p50 {percentiles['p50'] * 1000:.1f} ms, p99 {percentiles['p99'] * 1000:.1f} ms"
print("served (2xx):", describe("2xx", run.get("latencyPercentilesSuccessful")))
print("not served:", describe("other", run.get("latencyPercentilesNotSuccessful")), "; answers:", json.dumps(codes))
print("no answer at all (oha's errors):", json.dumps(run.get("errorDistribution", {})))
PY
echo "health check while the crowd was on: $HEALTH"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
