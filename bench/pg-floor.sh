#!/usr/bin/env bash
# PostgreSQL's floor under Rencana's figures: pgbench executing a submission's writes and the
# API's first page of a cycle's proposals, with nothing of Rencana around them, on the served
# database (rows it adds are left there). Prints one JSON object; never fails on a figure.
#
#     bash bench/pg-floor.sh DATABASE_URL CYCLE_ID [SECONDS]
#
# - submit_N: submissions per second from N pgbench clients, one per transaction. A submission
#   is the write path's writes in one statement: the chain head moved, a journal row copied
#   from a submitted one, its subject, the proposal and its first stage record copied from a
#   proposal of the cycle under a new id.
# - list_50: `limit=50` listings per second from 16 clients (2 threads).
set -euo pipefail
url="$1" cycle="$2" seconds="${3:-10}"
PGBENCH="${PGBENCH:-$(ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
q() { psql "$url" -tAqc "$1"; }
columns() { q "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '$1' AND column_name <> '$2'"; }
template="$(q "SELECT id FROM proposal WHERE cycle_id = '$cycle' AND origin = 'lingkungan' ORDER BY id DESC LIMIT 1")"
stage="$(q "SELECT stage FROM proposal_stage WHERE proposal_id = '$template' ORDER BY stage LIMIT 1")"
pemda="$(q "SELECT pemda_code FROM proposal WHERE id = '$template'")"
entry="$(q "SELECT seq FROM journal WHERE pemda_code = '$pemda' AND kind = 'proposal_submitted' ORDER BY seq DESC LIMIT 1")"
proposal_rest="$(columns proposal id)"
stage_rest="$(columns proposal_stage proposal_id)"
cat >"$work/submit.sql" <<SQL
WITH new AS (SELECT gen_random_uuid() AS id),
head AS (UPDATE chain_head SET seq = seq + 1, hash = md5(random()::text) || md5(random()::text)
         WHERE pemda_code = '$pemda' RETURNING seq, hash),
entry AS (INSERT INTO journal (pemda_code, seq, event_id, kind, actor, at, payload, prev_hash, hash)
          SELECT t.pemda_code, head.seq, gen_random_uuid()::text, t.kind, t.actor, t.at, t.payload, t.hash, head.hash
          FROM journal t, head WHERE t.pemda_code = '$pemda' AND t.seq = $entry),
subject AS (INSERT INTO journal_subject (proposal_id, pemda_code, seq) SELECT new.id, '$pemda', head.seq FROM new, head),
copied AS (INSERT INTO proposal (id, $proposal_rest) SELECT new.id, $proposal_rest FROM proposal, new WHERE proposal.id = '$template')
INSERT INTO proposal_stage (proposal_id, $stage_rest)
SELECT new.id, $stage_rest FROM proposal_stage, new WHERE proposal_stage.proposal_id = '$template' AND proposal_stage.stage = '$stage';
SQL
echo "SELECT id, $proposal_rest FROM proposal WHERE cycle_id = '$cycle' ORDER BY id LIMIT 50;" >"$work/list.sql"
rate() { "$PGBENCH" -n -T "$seconds" "$@" "$url" 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | cut -d. -f1; }
submit_1="$(rate -c 1 -f "$work/submit.sql")"
submit_8="$(rate -c 8 -j 2 -f "$work/submit.sql")"
submit_32="$(rate -c 32 -j 2 -f "$work/submit.sql")"
list_50="$(rate -c 16 -j 2 -f "$work/list.sql")"
echo "{\"submit_1\": ${submit_1:-0}, \"submit_8\": ${submit_8:-0}, \"submit_32\": ${submit_32:-0}, \"list_50\": ${list_50:-0}}"
