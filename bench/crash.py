#!/usr/bin/env python3
"""The crash, from the client's side: CLIENTS threads submit proposals to a running Rencana
(127.0.0.1 only) until the server stops answering, writing the title of every submission the
server acknowledged (201) to ACKED, one per line. After the server is killed and started again,
`check` finds each acknowledged title among the stored proposals.

    python3 bench/crash.py load URL ACKED [CLIENTS]
    python3 bench/crash.py check DATABASE_FILE ACKED
"""

import sqlite3
import sys
import threading
import uuid

from client import call, operator, proposal


def load(url, acked_path, clients):
    token, cycle, kamus = operator(url)
    lock, acked, sent = threading.Lock(), open(acked_path, "w"), [0]
    stop = threading.Event()

    def worker():
        while not stop.is_set():
            title = f"Usulan sebelum crash {uuid.uuid4().hex[:12]}"
            body = proposal(cycle, kamus, title, "Diajukan saat server dimatikan", "Jl. Crash")
            try:
                status, _ = call(url, "POST", "/api/v1/proposals", body, token)
            except Exception:
                stop.set()  # the server is gone
                return
            with lock:
                sent[0] += 1
                if status == 201:
                    acked.write(title + "\n")
                    acked.flush()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    acked.close()
    print(f"sent {sent[0]} submissions before the server stopped answering")


def check(database, acked_path):
    titles = [line.strip() for line in open(acked_path) if line.strip()]
    with sqlite3.connect(database) as db:
        stored = {row[0] for row in db.execute("SELECT title FROM proposal WHERE title LIKE 'Usulan sebelum crash %'")}
    missing = [t for t in titles if t not in stored]
    print(f"acknowledged before the kill: {len(titles)}; stored after the restart: {len(stored)}; "
          f"acknowledged but missing: {len(missing)}")
    if missing:
        print("LOST: " + ", ".join(missing[:10]))
        sys.exit(1)


if sys.argv[1] == "load":
    load(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 16)
else:
    check(sys.argv[2], sys.argv[3])
