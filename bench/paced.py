#!/usr/bin/env python3
"""Writes at a fixed arrival rate as the demo's kecamatan operator (Medan Kota), latency counted
from each write's moment on the schedule (`client.paced`). Prints one JSON line; never fails on
a figure.

    python3 bench/paced.py submit URL RATE SECONDS [THREADS]
    python3 bench/paced.py decide URL RATE SECONDS [THREADS]

submit: each a different proposal to the musrenbang kecamatan (a load tool sends one body again
and again, and the same proposal on the same street a thousand times is a pile of duplicates
that each answer lists).
decide: the kecamatan forum's decisions, each on the next of its proposals in the forum's order,
rejected with a reason on the first pass and accepted on the next (a forum may decide again
while it is open), so each decision changes a record.
"""

import json
import sys

from client import call, operator, paced, proposal

mode, url, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 64
token, cycle, kamus = operator(url)

if mode == "submit":

    def send(n):
        body = proposal(cycle, kamus, f"Usulan tenggat {n}", "Diajukan saat tenggat", f"Jl. Tenggat {n}")
        return call(url, "POST", "/api/v1/proposals", body, token, timeout=120)[0]

elif mode == "decide":
    forum, ids = f"/api/v1/forums/{cycle}/musrenbang_kecamatan/12.71.01", []
    while True:  # a page past the end answers the last page again: stop at the forum's entries
        page = json.loads(call(url, "GET", f"{forum}?offset={len(ids)}&limit=200", token=token)[1])
        ids.extend(item["id"] for item in page["items"])
        if not page["items"] or len(ids) >= page["entries"]:
            break
    assert ids, "the kecamatan forum holds proposals"

    def send(n):
        if (n // len(ids)) % 2 == 0:
            body = {"stage": "musrenbang_kecamatan", "decision": "reject", "reason": f"Ditolak saat tenggat {n}"}
        else:
            body = {"stage": "musrenbang_kecamatan", "decision": "accept"}
        return call(url, "POST", f"/api/v1/proposals/{ids[n % len(ids)]}/decisions", body, token, timeout=120)[0]

else:
    sys.exit(f"unknown mode {mode!r}: submit or decide")

print(json.dumps(paced(rate, seconds, threads, send)))
