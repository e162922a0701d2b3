#!/usr/bin/env python3
"""Grows a seeded Rencana database (SQLite) to about TOTAL proposals, for measuring lists at a
size no city reaches in one cycle: the proposals there are copied into synthetic cycles of the
same pemda (new ids and cycle ids, everything else as the original), as a pemda would hold them
after many years. Only the `proposal` table grows (what the lists read); the copies have no stage
records and no journal entries, so their own pages and the chain are not what this is for.

    python3 bench/grow-proposals.py DATABASE TOTAL
"""

import sqlite3
import sys
import time

database, total = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(database)
db.execute("PRAGMA synchronous=OFF")
columns = [row[1] for row in db.execute("PRAGMA table_info(proposal)")]
originals = db.execute(f"SELECT {', '.join(columns)} FROM proposal ORDER BY id").fetchall()
have = len(originals)
id_at, cycle_at = columns.index("id"), columns.index("cycle_id")
insert = f"INSERT INTO proposal ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
start, copy = time.monotonic(), 0
while have < total:
    copy += 1
    # Ids after every real one (UUIDv7 ids of these years begin 0x01), distinct per copy and row.
    prefix = (0x10000000 + copy).to_bytes(4, "big")
    cycle = prefix + bytes(12)
    rows = []
    for n, row in enumerate(originals[: total - have]):
        row = list(row)
        row[id_at] = prefix + bytes(4) + n.to_bytes(8, "big")
        row[cycle_at] = cycle
        rows.append(row)
    with db:
        db.executemany(insert, rows)
    have += len(rows)
    if copy % 20 == 0:
        print(f"  {have:>9,} proposals ({time.monotonic() - start:.0f} s)", file=sys.stderr)
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"{have:,} proposals in {copy} synthetic cycles beside the real ones, in {time.monotonic() - start:.0f} s")
