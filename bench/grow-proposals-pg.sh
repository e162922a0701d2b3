#!/usr/bin/env bash
# The PostgreSQL twin of bench/grow-proposals.py: grows the seeded demo at DATABASE_URL to about
# TOTAL proposals by copying its proposals into synthetic cycles of the same pemda (new ids after
# the real ones), the `proposal` table only, then lets PostgreSQL gather its statistics as
# autovacuum would.   bash bench/grow-proposals-pg.sh DATABASE_URL TOTAL
set -euo pipefail
url="$1" total="$2"
columns="$(psql "$url" -tAc "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
  FROM information_schema.columns WHERE table_name = 'proposal' AND column_name NOT IN ('id', 'cycle_id')")"
have="$(psql "$url" -tAc "SELECT count(*) FROM proposal")"
originals="$(psql "$url" -tAc "SELECT count(*) FROM proposal WHERE id < '10000000-0000-0000-0000-000000000000'")"
start=$(date +%s)
# Synthetic cycles of an earlier run are kept: the next ones are numbered after them.
copy="$(psql "$url" -tAc "SELECT count(DISTINCT cycle_id) FROM proposal WHERE cycle_id >= '10000000-0000-0000-0000-000000000000'")"
while [ "$have" -lt "$total" ]; do
  # Twenty copies a statement; ids begin 0x10…, after every UUIDv7 of these years (0x01…).
  take=$(( (total - have + originals - 1) / originals ))
  [ "$take" -gt 20 ] && take=20
  psql "$url" -q -c "INSERT INTO proposal (id, cycle_id, $columns)
    SELECT (lpad(to_hex(268435456 + $copy + c), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
           (lpad(to_hex(268435456 + $copy + c), 8, '0') || '-0000-0000-0000-000000000000')::uuid, $columns
    FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM proposal WHERE id < '10000000-0000-0000-0000-000000000000') p
    CROSS JOIN generate_series(1, $take) AS c
    LIMIT $(( total - have ))"
  copy=$(( copy + take ))
  # What the statement inserted, without counting the growing table again each round.
  added=$(( take * originals ))
  [ "$added" -gt $(( total - have )) ] && added=$(( total - have ))
  have=$(( have + added ))
  echo "  $have proposals ($(( $(date +%s) - start )) s)" >&2
done
psql "$url" -q -c "VACUUM (ANALYZE) proposal"
echo "$have proposals in $copy synthetic cycles beside the real ones, in $(( $(date +%s) - start )) s"
