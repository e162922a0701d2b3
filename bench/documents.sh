#!/usr/bin/env bash
# The documents and the transparency log on the Kota Medan demo, release build, 127.0.0.1 only:
# the first checkpoint over the whole journal and the next over what came since; proofs and the
# anchored public check; Excel downloads; PDF prints; the import of a 2,000-row template. Prints figures,
# never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-21}"
ROWS="${ROWS:-2000}"
target_dir="${CARGO_TARGET_DIR:-target}"
BIN="${RENCANA_BIN:-$target_dir/release/rencana}"
[ -x "$BIN" ] || cargo build --release -p rencana >&2
SEEDED="$(mktemp -d)"
trap 'rm -rf "$SEEDED"' EXIT
"$BIN" --data-dir "$SEEDED" demo >/dev/null
EVENTS="$("$BIN" --data-dir "$SEEDED" audit verify --pemda 12.71 | sed -n 's/.*valid, \([0-9]*\) events.*/\1/p')"
start=$(date +%s.%N)
"$BIN" --data-dir "$SEEDED" --log-name rencana.bench audit checkpoint >/dev/null 2>&1
echo "first checkpoint over the demo's $EVENTS events: $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s"
start=$(date +%s.%N)
"$BIN" --data-dir "$SEEDED" audit checkpoint >/dev/null 2>&1
echo "a checkpoint round with nothing new: $(python3 -c "print(round(($(date +%s.%N) - $start) * 1000))") ms (the whole command)"

export SEEDED_DATA="$SEEDED" RENCANA_BIN="$BIN"
source scripts/demo-server.sh
demo_server release
measure() {
  local name="$1" path="$2" times median worst
  times="$(for _ in $(seq "$N"); do curl -s -o /dev/null -w '%{time_total}\n' "$URL$path"; done | sort -n)"
  median="$(echo "$times" | awk -v n="$N" 'NR==int((n+1)/2){printf "%.1f", $1*1000}')"
  worst="$(echo "$times" | tail -1 | awk '{printf "%.1f", $1*1000}')"
  printf '%-52s median %7s ms  worst %7s ms\n' "$name" "$median" "$worst"
}
CYCLE="$(demo_cycle)"
echo "Kota Medan demo, $N requests each, release build, SQLite, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "inclusion proof, first entry" "/api/v1/audit/proof/inclusion?pemda=12.71&seq=1"
measure "inclusion proof, a middle entry" "/api/v1/audit/proof/inclusion?pemda=12.71&seq=$((EVENTS / 2))"
measure "consistency proof, half to whole" "/api/v1/audit/proof/consistency?pemda=12.71&from=$((EVENTS / 2))"
measure "latest checkpoint (signed note)" "/api/v1/audit/checkpoint?pemda=12.71"
measure "public check from the latest checkpoint (API)" "/api/v1/audit/verify?pemda=12.71"
measure "check page /audit" "/audit"
measure "an entry's page with its proof checked" "/audit/entry?pemda=12.71&seq=$((EVENTS / 2))"
measure "explorer as Excel (the cycle's proposals)" "/proposals.xlsx?cycle=$CYCLE"
measure "forum as Excel (musrenbang kecamatan Medan Kota)" "/forums/$CYCLE/musrenbang_kecamatan/12.71.01/daftar.xlsx"
measure "RKPD as Excel" "/rkpd/$CYCLE/rkpd.xlsx"
measure "statistics as Excel" "/statistics.xlsx?cycle=$CYCLE"
# The first print of each is typeset and journaled; the others typeset the same bytes again.
measure "forum berita acara as PDF (kecamatan Medan Kota)" "/forums/$CYCLE/musrenbang_kecamatan/12.71.01/berita-acara.pdf"
measure "RKPD as PDF (landscape)" "/rkpd/$CYCLE/rkpd.pdf"
measure "rekapitulasi as PDF" "/statistics.pdf?cycle=$CYCLE"
node bench/import-rows.mjs "$URL" "$ROWS"
start=$(date +%s.%N)
"$BIN" --data-dir "$DATA" audit checkpoint >/dev/null 2>&1
echo "the checkpoint over the $ROWS imported events: $(python3 -c "print(round(($(date +%s.%N) - $start) * 1000))") ms (the whole command)"
