"""What the load scripts share: one HTTP call to Rencana on 127.0.0.1, and the demo's
kecamatan operator with the cycle and kamus entry a submission needs."""

import json
import sqlite3
import subprocess
import threading
import urllib.error
import urllib.request


def call(url, method, path, body=None, token=None, timeout=30, headers=None):
    """(status, body bytes); an HTTP error status is an answer, not an exception."""
    assert url.startswith("http://127.0.0.1:"), "load goes to 127.0.0.1 only"
    request = urllib.request.Request(url + path, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(request, data, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def operator(url):
    """The demo's operator of kecamatan Medan Kota: (token, newest cycle id, a kamus code)."""
    _, body = call(url, "POST", "/api/v1/session", {"username": "kec.medankota", "password": "Rencana-Demo-2027"})
    token = json.loads(body)["token"]
    cycle = json.loads(call(url, "GET", "/api/v1/cycles?pemda=12.71")[1])[0]["id"]
    kamus = json.loads(call(url, "GET", "/api/v1/kamus", token=token)[1])["items"][0]["code"]
    return token, cycle, kamus


def proposal(cycle, kamus, title, problem, address):
    """A submission to the musrenbang kecamatan of Medan Kota."""
    return {
        "cycle_id": cycle, "stage": "musrenbang_kecamatan", "title": title, "problem": problem,
        "kamus_code": kamus, "volume": "10", "lingkungan": "12.71.01.1001.001", "address": address,
        "track": "apbd",
    }


def run_threads(count, target):
    """Runs `target` on `count` threads at once and waits for all of them."""
    pool = [threading.Thread(target=target) for _ in range(count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def percentile_ms(latencies, q):
    """The q-th quantile of latencies in seconds, in milliseconds (latencies sorted)."""
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000


def time_each(url, paths, requests):
    """Times each (label, path) of PATHS REQUESTS times, one request at a time (as the public),
    printing its p50 and worst; stops a path at its first answer other than 200. Returns
    {label: p50 ms}."""
    import time

    out = {}
    for label, path in paths:
        times = []
        for _ in range(requests):
            start = time.monotonic()
            status, body = call(url, "GET", path, timeout=120)
            times.append(time.monotonic() - start)
            if status != 200:
                print(f"  {label}: answered {status}: {body[:200]!r}")
                break
        times.sort()
        out[label] = round(percentile_ms(times, 0.5), 2)
        print(f"  {label:<36} p50 {percentile_ms(times, 0.5):8.1f} ms  worst {times[-1] * 1000:8.1f} ms")
    return out


def journal_count(database, kind):
    """How many events of KIND the journal holds: DATABASE is the SQLite file or a postgres://
    URL (counted with psql)."""
    sql = f"SELECT count(*) FROM journal WHERE kind = '{kind}'"
    if database.startswith("postgres"):
        return int(subprocess.run(["psql", database, "-tAc", sql], check=True, capture_output=True, text=True).stdout)
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchone()[0]


def submitted(database):
    """How many submissions the journal holds (see `journal_count`)."""
    return journal_count(database, "proposal_submitted")


def paced(rate, seconds, threads, send):
    """Calls `send(n)` for n = 0, 1, … at a fixed arrival rate for SECONDS from THREADS threads,
    and returns the figures as one dict. Each call is due at its moment on the schedule and its
    latency counts from that moment, not from when a free thread sent it, so a slow server cannot
    hide its queue (no coordinated omission). `send` returns the answer's status; an exception
    (a dropped connection) counts as an answer named by its type."""
    import time
    from collections import Counter

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
            try:
                status = send(n)
            except Exception as error:
                status = type(error).__name__
            with lock:
                answers[str(status)] += 1
                latencies.append(time.monotonic() - due)

    run_threads(threads, worker)
    elapsed = time.monotonic() - start
    latencies.sort()
    p = lambda q: round(percentile_ms(latencies, q), 1)
    return {"rate": round(total / elapsed, 1), "p50_ms": p(0.5), "p99_ms": p(0.99), "codes": dict(answers), "errors": {}}
