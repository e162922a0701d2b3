#!/usr/bin/env bash
# Times the pages an operator uses on the day of a forum, on the Kota Medan demo (about 6,000
# proposals), against a release build on 127.0.0.1 only. Prints the median and worst of N
# requests (curl's time to the last byte on loopback, which is server time plus a little) and
# the size sent, compressed and not. A benchmark: it prints figures and never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-21}"
source scripts/demo-server.sh
demo_server release
echo "demo seeded in $SEED_SECONDS s"
CYCLE="$(demo_cycle)"

AS=()
measure() {
  local name="$1" path="$2"
  local times
  times="$(for _ in $(seq "$N"); do curl -s "${AS[@]}" -o /dev/null -w '%{time_total}\n' "$URL$path"; done | sort -n)"
  local median worst plain gzip
  median="$(echo "$times" | awk -v n="$N" 'NR==int((n+1)/2){printf "%.1f", $1*1000}')"
  worst="$(echo "$times" | tail -1 | awk '{printf "%.1f", $1*1000}')"
  plain="$(curl -s "${AS[@]}" "$URL$path" | wc -c)"
  gzip="$(curl -s "${AS[@]}" -H 'Accept-Encoding: gzip' "$URL$path" | wc -c)"
  printf '%-46s median %6s ms  worst %6s ms  %7s bytes (%s gzip)\n' "$name" "$median" "$worst" "$plain" "$gzip"
}

echo "Kota Medan demo, $N requests each, release build, SQLite, $(nproc) cores"
measure "forum page, musrenbang kecamatan Medan Kota" "/forums/$CYCLE/musrenbang_kecamatan/12.71.01"
measure "forum page, musrenbang kelurahan Pasar Baru" "/forums/$CYCLE/musrenbang_kelurahan/12.71.01.1001"
measure "proposal list page (first 50)" "/proposals?cycle=$CYCLE"
measure "proposal list page, one kecamatan" "/proposals?cycle=$CYCLE&region=12.71.01"
measure "API proposal list (100)" "/api/v1/proposals?cycle=$CYCLE&limit=100"
measure "API proposal list, 500, stage filter" "/api/v1/proposals?cycle=$CYCLE&stage=musrenbang_kecamatan&limit=500"
FIRST="$(curl -sf "$URL/api/v1/proposals?cycle=$CYCLE&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
measure "proposal page" "/proposals/$FIRST"
measure "public chain check (whole journal)" "/api/v1/audit/verify?pemda=12.71"
measure "explorer: words searched (q=jalan)" "/proposals?cycle=$CYCLE&q=jalan"
measure "explorer: kecamatan and status chosen" "/proposals?cycle=$CYCLE&kecamatan=12.71.01&status=accepted"
measure "API count, words searched" "/api/v1/proposals/count?cycle=$CYCLE&q=jalan"
measure "open data page" "/data"
measure "open data: the cycle's proposals as CSV" "/api/v1/open-data/proposals?cycle=$CYCLE&format=csv"
MEMBER="$(curl -s "$URL/dprd" | sed -n 's/.*href="\/anggota\/\([^"]*\)".*/\1/p' | head -1)"
measure "DPRD member's public page" "/anggota/$MEMBER"
measure "statistics page (whole cycle, 6 charts)" "/statistics?cycle=$CYCLE"
measure "API statistics" "/api/v1/statistics?cycle=$CYCLE"
measure "API map points, whole cycle" "/api/v1/proposals/points?cycle=$CYCLE"
measure "red-flag list, first 1,000 checked" "/red-flags?cycle=$CYCLE"
measure "API docs (Swagger UI page)" "/api/docs/"

# A reader who holds the page already: answered 304 before the page is built.
measure_304() {
  local name="$1" path="$2" tag times median
  tag="$(curl -s -D - -o /dev/null "$URL$path" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')"
  times="$(for _ in $(seq "$N"); do curl -s -o /dev/null -H "If-None-Match: $tag" -w '%{http_code} %{time_total}\n' "$URL$path"; done)"
  median="$(echo "$times" | awk '{print $2}' | sort -n | awk -v n="$N" 'NR==int((n+1)/2){printf "%.1f", $1*1000}')"
  printf '%-46s median %6s ms  answers: %s\n' "$name" "$median" "$(echo "$times" | awk '{print $1}' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
}
measure_304 "explorer, held by the reader (304)" "/proposals?cycle=$CYCLE"
measure_304 "proposal page, held by the reader (304)" "/proposals/$FIRST"

# The same forum as its operator sees it: with a decision form for each proposal.
JAR="$DATA/cookies"
CSRF="$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)"
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" --data-urlencode username=kec.medankota \
  --data-urlencode password=Rencana-Demo-2027 "$URL/login"
AS=(-b "$JAR")
measure "forum page as its operator (kec.medankota)" "/forums/$CYCLE/musrenbang_kecamatan/12.71.01"
