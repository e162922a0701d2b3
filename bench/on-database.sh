# Sourced, with the script's arguments, by the benchmarks that run on either database, before
# demo_server: DATABASE=sqlite (the default) or DATABASE=postgres. With postgres and no server
# named, the script starts again inside a throwaway PostgreSQL with fsync and synchronous commits
# on (scripts/with-postgres.sh), and the demo is served from that. After demo_server,
# `counted_database` names what bench/client.py counts in: the SQLite file or PostgreSQL's URL.
DATABASE="${DATABASE:-sqlite}"
if [ "$DATABASE" = postgres ] && [ -z "${RENCANA_TEST_DATABASE_URL:-}" ]; then
  PG_DURABLE=1 exec bash scripts/with-postgres.sh bash "$0" "$@"
fi
if [ "$DATABASE" = postgres ]; then
  export RENCANA_DATABASE_URL="$RENCANA_TEST_DATABASE_URL"
  unset SEEDED_DATA
fi
counted_database() {
  if [ "$DATABASE" = postgres ]; then echo "$RENCANA_DATABASE_URL"; else echo "$DATA/rencana.db"; fi
}
