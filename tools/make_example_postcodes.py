#!/usr/bin/env python3
"""Write examples/data/messy_postcodes.csv: synthetic rows of postcodes as people type them.

Postcodes come from the public golden cases (tests/cases/postcodes); references are made up.
Deterministic (fixed seed). Usage: python3 tools/make_example_postcodes.py
"""
import csv
import pathlib
import random

root = pathlib.Path(__file__).resolve().parent.parent
cases = root / "tests/cases/postcodes"
rng = random.Random(2026)
valid = [r["postcode"] for r in csv.DictReader(open(cases / "valid.csv", encoding="utf-8"))]
messy = [r["input"] for r in csv.DictReader(open(cases / "messy.csv", encoding="utf-8"))]
invalid = [r["input"] for r in csv.DictReader(open(cases / "invalid.csv", encoding="utf-8"))]
special = [r["input"] for r in csv.DictReader(open(cases / "special.csv", encoding="utf-8"))]


def typed(pc: str) -> str:
    style = rng.random()
    if style < 0.3:
        return pc.lower()
    if style < 0.5:
        return pc.replace(" ", "")
    if style < 0.6:
        return f" {pc} "
    return pc


rows = []
for i in range(1, 301):
    r = rng.random()
    if r < 0.6:
        value = typed(rng.choice(valid))
    elif r < 0.75:
        value = rng.choice(messy)
    elif r < 0.87:
        value = rng.choice(invalid)
    elif r < 0.95:
        value = rng.choice(special)
    else:
        value = ""
    rows.append((f"S{i:04d}", value))

out = root / "examples/data/messy_postcodes.csv"
out.parent.mkdir(parents=True, exist_ok=True)
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["student_ref", "postcode"])
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {out}")
