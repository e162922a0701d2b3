#!/usr/bin/env python3
"""What a request costs on a server of the national size (`rencana bench-data --national`):
the lists, the explorer, a forum page and a proposal page of the first pemda seeded (Medan), of
one in the middle and of the last, each timed one request at a time against a running Rencana on
127.0.0.1. A pemda seeded late sits after millions of proposals in the primary key's order: its
pages must cost what the first pemda's cost. Prints a line per request; never fails on a figure.

    python3 bench/national.py URL DATABASE [REQUESTS]
"""

import json
import sqlite3
import sys
import uuid

from client import call, time_each

url, database = sys.argv[1], sys.argv[2]
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 11


def rows(sql, *args):
    if database.startswith("postgres"):
        import subprocess

        out = subprocess.run(["psql", database, "-tA", "-F", "\t", "-c", sql % args], check=True, capture_output=True, text=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True).execute(sql.replace("'%s'", "?"), args).fetchall()


codes = [r[0] for r in rows("SELECT code FROM pemda ORDER BY code")]
# The order the pemda were seeded in: their first proposal's id (a UUIDv7, so by time; PostgreSQL
# has no min() of a uuid, its text sorts the same).
first_id = "min(id::text)" if database.startswith("postgres") else "min(id)"
order = [r[0] for r in rows(f"SELECT pemda_code FROM proposal GROUP BY pemda_code ORDER BY {first_id}")]
print(f"== {len(codes)} pemda; {rows('SELECT count(*) FROM proposal')[0][0]} proposals")
chosen = [("first", order[0]), ("middle", order[len(order) // 2]), ("last", order[-1])]
for place, pemda in chosen:
    cycle = json.loads(call(url, "GET", f"/api/v1/cycles?pemda={pemda}")[1])[0]["id"]
    kecamatan = rows("SELECT kecamatan_code FROM proposal WHERE pemda_code = '%s' LIMIT 1", pemda)[0][0]
    village = rows("SELECT kelurahan_code FROM proposal WHERE pemda_code = '%s' LIMIT 1", pemda)[0][0]
    one = rows("SELECT id FROM proposal WHERE pemda_code = '%s' LIMIT 1", pemda)[0][0]
    one = uuid.UUID(bytes=one) if isinstance(one, bytes) else one
    paths = [
        ("API list, the pemda", f"/api/v1/proposals?limit=50&region={pemda}"),
        ("API list, its cycle", f"/api/v1/proposals?limit=50&cycle={cycle}"),
        ("API list, its cycle and a stage", f"/api/v1/proposals?limit=50&cycle={cycle}&stage=musrenbang_kelurahan"),
        ("API list, the pemda and a stage", f"/api/v1/proposals?limit=50&region={pemda}&stage=musrenbang_kelurahan"),
        ("API list, a kecamatan", f"/api/v1/proposals?limit=50&region={kecamatan}"),
        ("explorer page, the pemda", f"/proposals?region={pemda}"),
        ("explorer page, its cycle", f"/proposals?cycle={cycle}"),
        ("forum page, a village", f"/forums/{cycle}/musrenbang_kelurahan/{village}"),
        ("proposal page", f"/proposals/{one}"),
    ]
    print(f"-- {place}: {pemda}")
    time_each(url, paths, requests)
