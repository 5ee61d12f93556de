"""Dates of birth → year group and tracking years: heatkit (one call over a column) vs heat_helper's
per-row function, same inputs, same run. heat_helper is installed in the bench venv only.

Usage: bash benches/python/run.sh (runs every Python benchmark) or
       .venv-bench/bin/python benches/python/bench_cohorts.py [--rows N] [--peer-rows N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

import pyarrow as pa

import heatkit


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--peer-rows", type=int, default=200_000)
    args = ap.parse_args()
    rng = random.Random(2026)
    start = dt.date(2004, 9, 1)
    dobs = [start + dt.timedelta(days=rng.randrange(0, 365 * 18)) for _ in range(args.rows)]
    column = pa.array(dobs, type=pa.date32())

    print(f"dates of birth -> year group (2025/26) and track cohort: {args.rows:,} rows "
          f"(peer timed on {args.peer_rows:,})")
    heatkit.year_groups(column, academic_year="2025/26")  # warm up
    rows = []
    t = best_of(lambda: heatkit.year_groups(column, academic_year="2025/26"), 15)
    rows.append(("heatkit.year_groups (Arrow date32)", args.rows / t))
    t = best_of(lambda: heatkit.track_cohorts(column), 15)
    rows.append(("heatkit.track_cohorts (Arrow date32)", args.rows / t))
    t = best_of(lambda: heatkit.year_groups(dobs, academic_year="2025/26"), 3)
    rows.append(("heatkit.year_groups (list of date)", args.rows / t))
    peer = None
    try:
        import heat_helper

        heat_helper.disable_logging()
        subset = dobs[: args.peer_rows]
        t = best_of(lambda: [heat_helper.calculate_year_group_from_date(d, 2025, errors="ignore") for d in subset], 3)
        peer = args.peer_rows / t
        rows.append(("heat_helper.calculate_year_group_from_date", peer))
        theirs = [heat_helper.calculate_year_group_from_date(d, 2025, errors="ignore") for d in subset[:20_000]]
        ours = heatkit.year_groups(subset[:20_000], academic_year="2025/26")
        in_school = [(a, b) for a, b in zip(theirs, ours) if b not in ("Below school age", "Left school")]
        same = sum(1 for a, b in in_school if a == b)
        agreement = f"{same:,}/{len(in_school):,} in-school labels equal (out-of-school rows are worded differently)"
    except ImportError:
        agreement = "heat_helper not installed"
    for name, rate in rows:
        ratio = f"{rate / peer:9.1f}x heat_helper" if peer else ""
        print(f"  {name:<45} {rate / 1e6:8.3f} M rows/s  {ratio}")
    print(f"  agreement with heat_helper (England): {agreement}")


if __name__ == "__main__":
    main()
