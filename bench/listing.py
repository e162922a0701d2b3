#!/usr/bin/env python3
"""What one list request costs: each of the proposal lists' filters, the keyset's next page, the
count and the explorer page, timed one request at a time (as the public) against a running
Rencana on 127.0.0.1. Prints a line per request and appends {label: p50 ms} to FIGURES as JSON.

    python3 bench/listing.py URL CYCLE FIGURES [REQUESTS]
"""

import json
import sys

from client import call, time_each

url, cycle, figures = sys.argv[1], sys.argv[2], sys.argv[3]
requests = int(sys.argv[4]) if len(sys.argv) > 4 else 21
API = "/api/v1/proposals?limit=50"
# A cursor halfway through the demo cycle's list: the keyset goes on from there.
middle = json.loads(call(url, "GET", f"/api/v1/proposals?cycle={cycle}&limit=500")[1])["items"][-1]["id"]
paths = [
    ("API list, every proposal", API),
    ("API list, one cycle", f"{API}&cycle={cycle}"),
    ("API list, one cycle, next page", f"{API}&cycle={cycle}&cursor={middle}"),
    ("API list, a kecamatan", f"{API}&region=12.71.01"),
    ("API list, one cycle, a kecamatan", f"{API}&cycle={cycle}&region=12.71.01"),
    ("API list, a kelurahan", f"{API}&region=12.71.01.1001"),
    ("API list, a stage", f"{API}&stage=musrenbang_kecamatan"),
    ("API list, one cycle, a status", f"{API}&cycle={cycle}&status=accepted"),
    ("API list, pokir", f"{API}&origin=pokir"),
    ("API list, an OPD", f"{API}&opd=1.02.01"),
    ("API list, one cycle, a word", f"{API}&cycle={cycle}&q=jalan"),
    ("API count, one cycle", f"/api/v1/proposals/count?cycle={cycle}"),
    ("explorer page, one cycle", f"/proposals?cycle={cycle}"),
    ("explorer page, a kecamatan", "/proposals?region=12.71.01"),
]
out = time_each(url, paths, requests)
with open(figures, "a") as f:
    f.write(json.dumps(out) + "\n")
