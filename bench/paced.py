#!/usr/bin/env python3
"""Submissions at a fixed arrival rate, each a different proposal (a load tool sends one body
again and again, and the same proposal on the same street a thousand times is a pile of
duplicates that each answer lists). Each submission is due at its moment on the schedule; its
latency counts from that moment, not from when a free thread sent it, so a slow server cannot
hide its queue (no coordinated omission). Prints one JSON line; never fails on a figure.

    python3 bench/paced.py URL RATE SECONDS [THREADS]
"""

import json
import sys
import threading
import time
from collections import Counter

from client import call, operator, percentile_ms, proposal, run_threads

url, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 64
token, cycle, kamus = operator(url)
total = int(rate * seconds)
start = time.monotonic() + 0.5
answers, latencies, lock = Counter(), [], threading.Lock()
next_index = [0]


def worker():
    while True:
        with lock:
            n = next_index[0]
            if n >= total:
                return
            next_index[0] += 1
        due = start + n / rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        body = proposal(cycle, kamus, f"Usulan tenggat {n}", "Diajukan saat tenggat", f"Jl. Tenggat {n}")
        try:
            status, _ = call(url, "POST", "/api/v1/proposals", body, token, timeout=120)
        except Exception as error:  # a dropped connection is an answer too
            status = type(error).__name__
        with lock:
            answers[str(status)] += 1
            latencies.append(time.monotonic() - due)


run_threads(threads, worker)
elapsed = time.monotonic() - start
latencies.sort()
p = lambda q: round(percentile_ms(latencies, q), 1)
print(json.dumps({"rate": round(total / elapsed, 1), "p50_ms": p(0.5), "p99_ms": p(0.99), "codes": dict(answers), "errors": {}}))
