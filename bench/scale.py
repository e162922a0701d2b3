#!/usr/bin/env python3
"""What one request costs as the city grows: a submission, the kecamatan forum page (as its
operator and as the public, and the API's forum view), and a proposal page, each timed one at a
time against a running Rencana on 127.0.0.1. Prints the median and worst; never fails on a time.

    python3 bench/scale.py URL [REQUESTS]
"""

import json
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

url = sys.argv[1]
requests = int(sys.argv[2]) if len(sys.argv) > 2 else 21
assert url.startswith("http://127.0.0.1:"), "load goes to 127.0.0.1 only"


def call(method, path, body=None, token=None, cookie=None, form=None):
    request = urllib.request.Request(url + path, method=method)
    data = None
    if body is not None:
        request.add_header("content-type", "application/json")
        data = json.dumps(body).encode()
    if form is not None:
        request.add_header("content-type", "application/x-www-form-urlencoded")
        data = urllib.parse.urlencode(form).encode()
    if token:
        request.add_header("authorization", f"Bearer {token}")
    if cookie:
        request.add_header("cookie", cookie)
    try:
        with urllib.request.urlopen(request, data, timeout=120) as reply:
            return reply.status, reply.read(), reply.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def timed(name, method, path, body=None, token=None, cookie=None, expect=200):
    times, size = [], 0
    for n in range(requests):
        payload = body(n) if callable(body) else body
        start = time.monotonic()
        status, reply, _ = call(method, path, payload, token, cookie)
        times.append((time.monotonic() - start) * 1000)
        size = len(reply)
        if status != expect:
            print(f"{name}: answered {status}: {reply[:200]!r}")
            return
    print(f"{name:<44} median {statistics.median(times):7.1f} ms  worst {max(times):7.1f} ms  {size:>8} bytes")


_, body, _ = call("POST", "/api/v1/session", {"username": "kec.medankota", "password": "Rencana-Demo-2027"})
token = json.loads(body)["token"]
cycle = json.loads(call("GET", "/api/v1/cycles?pemda=12.71")[1])[0]["id"]
kamus = json.loads(call("GET", "/api/v1/kamus", token=token)[1])["items"][0]["code"]
total = json.loads(call("GET", f"/api/v1/proposals?cycle={cycle}&limit=1")[1]).get("total", "?")

# The operator's cookie session, for the page as they see it (with its decision forms).
status, page, headers = call("GET", "/login")
cookie = headers.get("set-cookie", "").split(";")[0]
csrf = page.decode().split('name="csrf" value="')[1].split('"')[0]
request = urllib.request.Request(url + "/login", method="POST")
request.add_header("cookie", cookie)
request.add_header("content-type", "application/x-www-form-urlencoded")
form = urllib.parse.urlencode({"csrf": csrf, "username": "kec.medankota", "password": "Rencana-Demo-2027"}).encode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


try:
    reply = urllib.request.build_opener(NoRedirect).open(request, form, timeout=60)
    reply_headers = reply.headers
except urllib.error.HTTPError as error:
    reply_headers = error.headers
cookie = (reply_headers.get("set-cookie") or cookie).split(";")[0]

forum = f"/forums/{cycle}/musrenbang_kecamatan/12.71.01"
print(f"{requests} requests each, one at a time; cycle {cycle}")


def proposal(n):
    return {
        "cycle_id": cycle, "stage": "musrenbang_kecamatan", "title": f"Usulan ukur {n}",
        "problem": "Mengukur biaya satu usulan", "kamus_code": kamus, "volume": "10",
        "lingkungan": "12.71.01.1001.001", "address": f"Jl. Ukur {n}", "track": "apbd",
        "latitude": 3.58 + n / 100000, "longitude": 98.68,
    }


timed("submit a proposal (API)", "POST", "/api/v1/proposals", proposal, token=token, expect=201)
timed("forum page, kecamatan, as its operator", "GET", forum, cookie=cookie)
timed("forum page, kecamatan, public", "GET", forum)
timed("forum view (API)", "GET", f"/api/v1{forum}")
first = json.loads(call("GET", f"/api/v1/proposals?cycle={cycle}&region=12.71.01&stage=musrenbang_kecamatan&limit=1")[1])
first = first["items"][0]["id"]
timed("proposal page", "GET", f"/proposals/{first}")
timed("proposal (API)", "GET", f"/api/v1/proposals/{first}")
timed("proposal list page, one kecamatan", "GET", f"/proposals?cycle={cycle}&region=12.71.01")
