#!/usr/bin/env python3
"""The database's floor under Rencana's figures, on SQLite: the same SQL as a submission's writes
and as the API's first page of a cycle's proposals, executed by SQLite alone (Python's sqlite3
module, no HTTP, no ORM, no rules), on a copy of the served database, with the same settings
(WAL, synchronous=FULL). Prints one JSON object; never fails on a figure.

    python3 bench/sql-floor.py DATABASE_FILE CYCLE_ID [SECONDS]

- submit_1: submissions per second, each its own transaction and fsync, one connection.
- submit_64: the same with 64 submissions per transaction, as the writer's group commit does.
- list_50: `limit=50` listings per second from 2 connections (2 threads, as the 2 cores).
A submission's writes are those of the write path: the chain head locked, one journal row and
its subject, the new head, the proposal and its record at its first stage. The reads that
gather a command's facts are not in the floor: it is what the database cannot go below.
"""

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid

source, cycle = sys.argv[1], uuid.UUID(sys.argv[2]).bytes
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
work = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(source)))
database = os.path.join(work, "floor.db")
with sqlite3.connect(source) as live, sqlite3.connect(database) as copy:
    live.backup(copy)


def connect():
    db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=5000")
    return db


db = connect()
proposal_columns = [r[1] for r in db.execute("PRAGMA table_info(proposal)")]
stage_columns = [r[1] for r in db.execute("PRAGMA table_info(proposal_stage)")]
template_id, pemda = db.execute(
    "SELECT id, pemda_code FROM proposal WHERE cycle_id = ? AND origin = 'lingkungan' ORDER BY id DESC LIMIT 1", (cycle,)
).fetchone()
stage = db.execute("SELECT stage FROM proposal_stage WHERE proposal_id = ? ORDER BY stage LIMIT 1", (template_id,)).fetchone()[0]
kind, actor, payload = db.execute(
    "SELECT kind, actor, payload FROM journal WHERE pemda_code = ? AND kind = 'proposal_submitted' ORDER BY seq DESC LIMIT 1",
    (pemda,),
).fetchone()


def uuid7():
    """A time-ordered id, as the application makes them (ids are stored as 16 bytes)."""
    millis = time.time_ns() // 1_000_000
    raw = bytearray(millis.to_bytes(6, "big") + os.urandom(10))
    raw[6] = 0x70 | (raw[6] & 0x0F)
    raw[8] = 0x80 | (raw[8] & 0x3F)
    return bytes(raw)


def copy_row(table, columns, key_column, key, new_id, extra_where=""):
    chosen = ", ".join("?" if c == key_column else f'"{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    return (f'INSERT INTO {table} ({names}) SELECT {chosen} FROM {table} WHERE "{key_column}" = ?{extra_where}', (new_id, key))


def submit(db):
    new_id = uuid7()
    db.execute("UPDATE chain_head SET seq = seq WHERE pemda_code = ?", (pemda,))
    seq, previous = db.execute("SELECT seq, hash FROM chain_head WHERE pemda_code = ?", (pemda,)).fetchone()
    digest = os.urandom(32).hex()
    db.execute(
        "INSERT INTO journal (pemda_code, seq, event_id, kind, actor, at, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
        (pemda, seq + 1, str(uuid.UUID(bytes=uuid7())), kind, actor, "2026-12-05T10:00:00Z", payload, previous, digest),
    )
    db.execute("INSERT INTO journal_subject (proposal_id, pemda_code, seq) VALUES (?,?,?)", (new_id, pemda, seq + 1))
    db.execute("UPDATE chain_head SET seq = ?, hash = ? WHERE pemda_code = ?", (seq + 1, digest, pemda))
    db.execute(*copy_row("proposal", proposal_columns, "id", template_id, new_id))
    sql, args = copy_row("proposal_stage", stage_columns, "proposal_id", template_id, new_id, " AND stage = ?")
    db.execute(sql, args + (stage,))


def submissions(per_transaction):
    count, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        db.execute("BEGIN IMMEDIATE")
        for _ in range(per_transaction):
            submit(db)
        db.execute("COMMIT")
        count += per_transaction
    return count / (time.monotonic() - start)


def listings(threads=2):
    columns = ", ".join(f'"{c}"' for c in proposal_columns)
    sql = f"SELECT {columns} FROM proposal WHERE cycle_id = ? ORDER BY id LIMIT 50"
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def reader(i):
        mine = connect()
        while time.monotonic() < stop:
            assert len(mine.execute(sql, (cycle,)).fetchall()) > 0
            counts[i] += 1
        mine.close()

    workers = [threading.Thread(target=reader, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / seconds


try:
    figures = {"submit_1": submissions(1), "submit_64": submissions(64), "list_50": listings()}
finally:
    db.close()
    shutil.rmtree(work, ignore_errors=True)
print(json.dumps({k: round(v) for k, v in figures.items()}))
