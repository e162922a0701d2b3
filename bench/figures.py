#!/usr/bin/env python3
"""Collects the figures of one benchmark run and prints Rencana beside its floors.

    python3 bench/figures.py oha FILE LABEL OHA_JSON      one oha run: rate, p50, p99, answers
    python3 bench/figures.py put FILE LABEL JSON [--show] figures measured otherwise
    python3 bench/figures.py table FILE PAIRS_JSON        the table: figure, Rencana, floor, ratio
    python3 bench/figures.py status FILE LABEL CODE       how many answers of LABEL had CODE

FILE holds one JSON object per line, {"label": …, "rate": …, "p50_ms": …, "p99_ms": …, …}.
"""

import json
import sys


def records(path):
    with open(path) as lines:
        return {r["label"]: r for r in map(json.loads, lines)}


def append(path, record):
    with open(path, "a") as out:
        out.write(json.dumps(record) + "\n")


def oha(path, label, report):
    with open(report) as f:
        data = json.load(f)
    summary, percentiles = data["summary"], data.get("latencyPercentiles") or {}
    ms = lambda v: round(v * 1000, 1) if v is not None else None
    record = {
        "label": label,
        "rate": round(summary.get("requestsPerSec") or 0, 1),
        "p50_ms": ms(percentiles.get("p50")),
        "p99_ms": ms(percentiles.get("p99")),
        "codes": data.get("statusCodeDistribution") or {},
        "errors": data.get("errorDistribution") or {},
    }
    append(path, record)
    show(record)


def show(record):
    codes = " ".join(f"{code}×{n}" for code, n in sorted((record.get("codes") or {}).items()))
    errors = f"; errors {record['errors']}" if record.get("errors") else ""
    print(
        f"  {record['label']:<44} {record['rate']:>9.1f}/s  p50 {record.get('p50_ms')} ms"
        f"  p99 {record.get('p99_ms')} ms  [{codes}{errors}]"
    )


def table(path, pairs):
    """PAIRS: [[figure, product label, floor label], …]; a floor label may be missing."""
    found = records(path)
    print(f"{'figure':<48} {'Rencana':>10} {'floor':>10} {'ratio':>6}  floor measured as")
    for figure, product, floor in pairs:
        mine = found.get(product)
        base = found.get(floor)
        if not mine:
            continue
        ratio = f"{mine['rate'] / base['rate']:.2g}" if base and base.get("rate") else "—"
        base_rate = f"{base['rate']:.0f}/s" if base else "—"
        print(f"{figure:<48} {mine['rate']:>8.0f}/s {base_rate:>10} {ratio:>6}  {floor}")


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "oha":
        oha(path, sys.argv[3], sys.argv[4])
    elif command == "put":
        record = {"label": sys.argv[3], **json.loads(sys.argv[4])}
        append(path, record)
        if "--show" in sys.argv[5:]:
            show(record)
    elif command == "table":
        table(path, json.loads(sys.argv[3]))
    elif command == "status":
        print(records(path)[sys.argv[3]]["codes"].get(sys.argv[4], 0))
    else:
        sys.exit(f"unknown command {command}")


main()
