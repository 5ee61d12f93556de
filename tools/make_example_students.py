#!/usr/bin/env python3
"""Write examples/data/students.csv: a synthetic bulk upload of students as WP teams receive them.

Names are drawn from a short list of common first and last names; dates of birth, year groups and
postcodes are typed the way people type them (ISO and UK dates, "Y10"/"yr 10", lower case postcodes,
O/0 slips), with deliberate problems: swapped day and month, impossible dates, blank fields,
pupils a year out of their date-of-birth year group. Deterministic (seed 2026). No real person.
Usage: python3 tools/make_example_students.py
"""
import csv
import datetime as dt
import pathlib
import random

root = pathlib.Path(__file__).resolve().parent.parent
rng = random.Random(2026)
first_names = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Noah", "Oliver", "George", "Muhammad", "Leo",
               "Freddie", "Alfie", "Ellie", "Millie", "Zara", "Aisha", "Kacper", "Siobhan", "Rhys", "Eilidh"]
last_names = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
              "Khan", "Evans", "Thomas", "Roberts", "O'Neill", "Murphy", "Campbell", "Hughes", "Ali"]
postcodes = [r["postcode"] for r in csv.DictReader(open(root / "tests/cases/postcodes/valid.csv", encoding="utf-8"))]
SWAP = {"O": "0", "0": "O", "I": "1", "1": "I"}


def typed_year_group(n: int) -> str:
    return rng.choice([f"Year {n}", f"Y{n}", f"yr {n}", str(n), f"Year {n} (L3)" if n >= 12 else f"Year {n}"])


rows = []
for i in range(1, 201):
    n = rng.randint(7, 13)  # year group in 2025/26
    cohort = 2025 - n - 5  # born 1 Sep cohort .. 31 Aug cohort+1
    dob = dt.date(cohort, 9, 1) + dt.timedelta(days=rng.randrange(365))
    stated = n
    r = rng.random()
    if r < 0.05:
        stated = n + rng.choice([-1, 1])  # held back / accelerated
    dob_text = dob.strftime("%d/%m/%Y") if rng.random() < 0.6 else dob.isoformat()
    r = rng.random()
    if r < 0.05 and dob.day <= 12 and dob.day != dob.month:
        dob_text = dt.date(dob.year, dob.day, dob.month).strftime("%d/%m/%Y")  # day/month swapped
    elif r < 0.08:
        dob_text = "31/02/" + str(dob.year)  # impossible date
    elif r < 0.11:
        dob_text = ""
    pc = rng.choice(postcodes)
    r = rng.random()
    if r < 0.3:
        pc = pc.lower().replace(" ", "")
    elif r < 0.4:
        spots = [j for j, ch in enumerate(pc) if ch in SWAP]
        if spots:
            j = rng.choice(spots)
            pc = pc[:j] + SWAP[pc[j]] + pc[j + 1:]
    elif r < 0.45:
        pc = ""
    rows.append([f"S{i:04d}", rng.choice(first_names), rng.choice(last_names), dob_text,
                 typed_year_group(stated), pc])

out = root / "examples/data/students.csv"
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["student_ref", "first_name", "last_name", "date_of_birth", "year_group", "postcode"])
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {out}")
