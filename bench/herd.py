#!/usr/bin/env python3
"""The deadline herd: many operators submit at the same moment. Sends SUBMITS proposals from
CONNECTIONS parallel clients to a running Rencana (127.0.0.1 only) as the kecamatan operator of
the demo, then counts what the server answered against what the journal holds: every answer 201
must be a stored proposal, every stored proposal must have been answered 201, and no answer may
be a 5xx other than 503 (refused before anything was written). Prints figures; never fails on a
timing. Exit 1 only when answers and storage disagree.

    python3 bench/herd.py URL DATABASE [SUBMITS] [CONNECTIONS]

DATABASE is the SQLite file, or a postgres:// URL (counted with psql).
"""

import sys
import threading
import time
from collections import Counter

from client import call, operator, percentile_ms, proposal, run_threads, submitted

url, database = sys.argv[1], sys.argv[2]
submits = int(sys.argv[3]) if len(sys.argv) > 3 else 400
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 200
token, cycle, kamus = operator(url)


def stored():
    return submitted(database)


before = stored()
answers, latencies, lock = Counter(), [], threading.Lock()
queue = list(range(submits))


def worker():
    while True:
        with lock:
            if not queue:
                return
            n = queue.pop()
        body = proposal(cycle, kamus, f"Usulan kawanan {n}", "Diajukan bersamaan", f"Jl. Kawanan {n}")
        start = time.monotonic()
        try:
            status, _ = call(url, "POST", "/api/v1/proposals", body, token, timeout=120)
        except Exception as error:  # a dropped connection is an answer too
            status = type(error).__name__
        with lock:
            answers[status] += 1
            latencies.append(time.monotonic() - start)


start = time.monotonic()
run_threads(connections, worker)
elapsed = time.monotonic() - start
added = stored() - before
latencies.sort()
p = lambda q: percentile_ms(latencies, q)
print(f"{submits} submits from {connections} connections in {elapsed:.1f} s ({submits / elapsed:.0f}/s)")
print(f"answers: {dict(answers)}")
print(f"latency ms: p50 {p(0.5):.0f}  p99 {p(0.99):.0f}  max {latencies[-1] * 1000:.0f}")
print(f"stored: {added}; acknowledged (201): {answers[201]}")
bad = [s for s in answers if isinstance(s, int) and s >= 500 and s != 503]
if added != answers[201] or bad:
    print("MISMATCH: answers and storage disagree" if added != answers[201] else f"server errors: {bad}")
    sys.exit(1)
