#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Runs CMD against a throwaway PostgreSQL cluster:
#   * initdb into a fresh temp directory (mktemp -d), trust auth, fsync off (on, with
#     synchronous commits, when PG_DURABLE=1, for benchmarks);
#   * listens on 127.0.0.1 only, on a free port, unix sockets in the temp dir;
#   * creates database rencana_test; the bootstrap role "rencana" is superuser
#     (tests CREATE DATABASE per test);
#   * exports RENCANA_TEST_DATABASE_URL=postgres://rencana@127.0.0.1:PORT/rencana_test,
#     and RENCANA_TEST_PG_STOP / RENCANA_TEST_PG_START (shell commands that shut the cluster
#     down immediately and start it again), and runs CMD as the calling user;
#   * always stops the cluster and deletes the temp directory, and exits with
#     CMD's exit code.
# PostgreSQL refuses to run as root: when called as root the server runs as
# the system user "rencana-pg" (created if missing). PostgreSQL 15 is taken
# from /usr/lib/postgresql/15/bin (override with PG_BIN=...) and installed
# with apt-get when missing and running as root.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

PG_USER_SYSTEM=rencana-pg   # OS user running the server when we are root
PG_ROLE=rencana             # superuser role inside the cluster
PG_DB=rencana_test

log() { echo "with-postgres: $*" >&2; }

find_pg_bin() {
    if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then
        echo "$PG_BIN"; return 0
    fi
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
        echo /usr/lib/postgresql/15/bin; return 0
    fi
    # Any other Debian-packaged major version, newest first.
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    done
    return 1
}

if ! PGBIN=$(find_pg_bin); then
    if [ "$(id -u)" -eq 0 ]; then
        log "PostgreSQL server binaries missing; installing postgresql-15"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y postgresql-15 </dev/null || apt-get install -y postgresql </dev/null
        PGBIN=$(find_pg_bin) || { log "error: no initdb found after installing PostgreSQL"; exit 1; }
    else
        cat >&2 <<MSG
error: PostgreSQL server binaries not found (looked in /usr/lib/postgresql/15/bin).
Install them as root with:
    apt-get update && apt-get install -y postgresql-15
or point PG_BIN at a directory containing initdb and pg_ctl.
MSG
        exit 1
    fi
fi

# --- who runs the server -----------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    if ! id -u "$PG_USER_SYSTEM" >/dev/null 2>&1; then
        log "creating system user $PG_USER_SYSTEM"
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$PG_USER_SYSTEM"
    fi
    as_pg() { runuser -u "$PG_USER_SYSTEM" -- "$@"; }
    TMP_BASE=/tmp   # must be reachable by $PG_USER_SYSTEM
else
    as_pg() { "$@"; }
    TMP_BASE=${TMPDIR:-/tmp}
fi

ORIG_PWD=$PWD
PGTMP=$(mktemp -d "$TMP_BASE/rencana-pg.XXXXXX")
PGDATA_DIR="$PGTMP/data"
PGLOG="$PGTMP/postgres.log"
STARTED=0

cleanup() {
    local rc=$?
    set +e
    if [ "$STARTED" -eq 1 ]; then
        (cd "$PGTMP" && as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1)
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_USER_SYSTEM" "$PGTMP"
fi
chmod 700 "$PGTMP"

# The server user may not be able to enter the caller's cwd (e.g. /root).
cd "$PGTMP"

as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U "$PG_ROLE" --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log" 2>&1 || {
    log "error: initdb failed:"; cat "$PGTMP/initdb.log" >&2; exit 1; }

# Tests want speed; benchmarks (PG_DURABLE=1) want a commit on disk, as a pemda would run it.
if [ "${PG_DURABLE:-0}" = 1 ]; then DURABLE=on; else DURABLE=off; fi
as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null <<CONF

# --- rencana throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGTMP'
max_connections = 300
shared_buffers = 128MB
fsync = $DURABLE
synchronous_commit = $DURABLE
full_page_writes = $DURABLE
wal_level = minimal
max_wal_senders = 0
# Each test creates a database (several MB of WAL each); small WAL keeps the disk bounded
# (with fsync off a checkpoint costs little).
checkpoint_timeout = 5min
max_wal_size = 256MB
min_wal_size = 64MB
logging_collector = off
log_min_messages = warning
CONF

pick_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' \
            && return 0
    fi
    # bash fallback: a random high port nothing is listening on.
    local p i
    for i in $(seq 1 100); do
        p=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    return 1
}

PORT=
for attempt in 1 2 3 4 5; do
    PORT=$(pick_port)
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -o "-p $PORT" -w -t 60 start >/dev/null; then
        STARTED=1
        break
    fi
    log "server did not start on port $PORT (attempt $attempt)"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
done
if [ "$STARTED" -ne 1 ]; then
    log "error: could not start PostgreSQL; server log:"
    cat "$PGLOG" >&2 || true
    exit 1
fi

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$PG_ROLE" "$PG_DB"

export RENCANA_TEST_DATABASE_URL="postgres://$PG_ROLE@127.0.0.1:$PORT/$PG_DB"
# For the failure scenarios (bench/pg-stop.sh): shut the cluster down at once, start it again.
as_pg_prefix=""
[ "$(id -u)" -eq 0 ] && as_pg_prefix="runuser -u $PG_USER_SYSTEM --"
export RENCANA_TEST_PG_STOP="cd $PGTMP && $as_pg_prefix $PGBIN/pg_ctl -D $PGDATA_DIR -m immediate -w stop >/dev/null"
export RENCANA_TEST_PG_START="cd $PGTMP && $as_pg_prefix $PGBIN/pg_ctl -D $PGDATA_DIR -l $PGLOG -o '-p $PORT' -w -t 60 start >/dev/null"
log "PostgreSQL $("$PGBIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT; RENCANA_TEST_DATABASE_URL=$RENCANA_TEST_DATABASE_URL"

cd "$ORIG_PWD"
set +e
"$@"
rc=$?
set -e
exit "$rc"
