#!/usr/bin/env python3
"""PostgreSQL stopped under load and started again, from the client's side. CLIENTS threads
submit proposals (each with its own Idempotency-Key) and a reader lists proposals, to a running
Rencana on PostgreSQL (127.0.0.1 only); after BEFORE seconds the database is stopped with
STOP_COMMAND (an immediate shutdown), OUTAGE seconds later started with START_COMMAND, and the
load goes on AFTER seconds. Then every acknowledged submission must be stored, and the journal
must verify. Prints each phase's answers and latencies.

Fails (exit 1) when an acknowledged submission is missing, when any answer is a 5xx other than
503, when an answer during the outage took longer than 10 s, or when no submission succeeds
within 15 s of the restart (the server did not reconnect by itself).

    python3 bench/pg-stop.py URL STOP_COMMAND START_COMMAND [CLIENTS] [BEFORE] [OUTAGE] [AFTER]
"""

import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict

from client import call, operator, proposal

url, stop_command, start_command = sys.argv[1], sys.argv[2], sys.argv[3]
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 8
before, outage, after = (float(a) for a in (sys.argv[5:8] or ["5", "10", "15"]))
token, cycle, kamus = operator(url)

lock = threading.Lock()
phase = ["before"]
answers = defaultdict(Counter)
latencies = defaultdict(list)
acknowledged = []
first_success_after = [None]
restarted_at = [None]
done = threading.Event()


def record(kind, status, elapsed, proposal_id=None):
    with lock:
        answers[(phase[0], kind)][status] += 1
        latencies[(phase[0], kind)].append(elapsed)
        if proposal_id:
            acknowledged.append(proposal_id)
            if phase[0] == "after" and first_success_after[0] is None:
                first_success_after[0] = time.monotonic() - restarted_at[0]


def submitter():
    while not done.is_set():
        body = proposal(cycle, kamus, f"Usulan saat basis data mati {uuid.uuid4().hex[:10]}", "Diajukan saat PostgreSQL dihentikan", "Jl. Padam")
        start = time.monotonic()
        try:
            status, reply = call(url, "POST", "/api/v1/proposals", body, token, timeout=60, headers={"Idempotency-Key": str(uuid.uuid4())})
        except Exception as error:  # a dropped connection is an answer too
            status, reply = type(error).__name__, b""
        proposal_id = json.loads(reply)["id"] if status == 201 else None
        record("submit", status, time.monotonic() - start, proposal_id)
        if status != 201:
            time.sleep(0.2)  # a client told to come back does not hammer


def reader():
    while not done.is_set():
        start = time.monotonic()
        try:
            status, _ = call(url, "GET", f"/api/v1/proposals?cycle={cycle}&limit=20", timeout=60)
        except Exception as error:
            status = type(error).__name__
        record("list", status, time.monotonic() - start)
        time.sleep(0.1)


threads = [threading.Thread(target=submitter) for _ in range(clients)] + [threading.Thread(target=reader)]
for thread in threads:
    thread.start()
time.sleep(before)
subprocess.run(stop_command, shell=True, check=True)
with lock:
    phase[0] = "outage"
time.sleep(outage)
subprocess.run(start_command, shell=True, check=True)
with lock:
    phase[0] = "after"
    restarted_at[0] = time.monotonic()
time.sleep(after)
done.set()
for thread in threads:
    thread.join()

failed = []
print(f"{clients} submitting clients and one reader; PostgreSQL stopped after {before:.0f} s for {outage:.0f} s, then {after:.0f} s more")
for key in sorted(answers):
    spent = sorted(latencies[key])
    p = lambda q: spent[min(len(spent) - 1, int(q * len(spent)))] * 1000
    print(f"  {key[0]:7} {key[1]:6}: {dict(answers[key])}  p50 {p(0.5):.0f} ms  p99 {p(0.99):.0f} ms  max {spent[-1] * 1000:.0f} ms")
    bad = [s for s in answers[key] if not (isinstance(s, int) and (s < 500 or s == 503))]
    if bad:
        failed.append(f"{key}: answers {bad}")
    if key[0] == "outage" and spent[-1] > 10:
        failed.append(f"{key}: an answer took {spent[-1]:.1f} s during the outage")
if first_success_after[0] is None or first_success_after[0] > 15:
    failed.append("no submission succeeded within 15 s of the restart")
else:
    print(f"first submission stored {first_success_after[0]:.1f} s after PostgreSQL started again")

missing = [i for i in acknowledged if call(url, "GET", f"/api/v1/proposals/{i}", timeout=60)[0] != 200]
print(f"acknowledged {len(acknowledged)}, missing {len(missing)}")
if missing:
    failed.append(f"{len(missing)} acknowledged submissions missing, e.g. {missing[:3]}")
_, body = call(url, "POST", "/api/v1/session", {"username": "bappeda", "password": "Rencana-Demo-2027"})
auditor = json.loads(body)["token"]
status, body = call(url, "GET", "/api/v1/audit/verify?pemda=12.71&full=true", token=auditor, timeout=120)
verdict = json.loads(body) if status == 200 else {}
print(f"journal: {status} {verdict.get('valid')} over {verdict.get('events')} events")
if not verdict.get("valid"):
    failed.append(f"the journal does not verify: {status} {body[:200]!r}")
for reason in failed:
    print("FAILED:", reason)
sys.exit(1 if failed else 0)
