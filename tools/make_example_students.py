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
import lzma
import pathlib
import random

root = pathlib.Path(__file__).resolve().parent.parent
rng = random.Random(2026)
first_names = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Noah", "Oliver", "George", "Muhammad", "Leo",
               "Freddie", "Alfie", "Ellie", "Millie", "Zara", "Aisha", "Kacper", "Siobhan", "Rhys", "Eilidh",
               "Arthur", "Theo", "Harry", "Jack", "Charlie", "Lily", "Grace", "Freya", "Sophia", "Poppy",
               "Ivy", "Rosie", "Evie", "Sienna", "Archie", "Oscar", "Henry", "Thomas", "Finley", "Reuben",
               "Yusuf", "Ibrahim", "Fatima", "Maryam", "Hafsa", "Amir", "Zain", "Priya", "Arjun", "Anaya",
               "Chloe", "Erin", "Megan", "Cerys", "Dylan", "Callum", "Lewis", "Ruby", "Harriet", "Kofi"]
last_names = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
              "Khan", "Evans", "Thomas", "Roberts", "O'Neill", "Murphy", "Campbell", "Hughes", "Ali",
              "Walker", "Wright", "Robinson", "Thompson", "White", "Edwards", "Green", "Hall", "Wood",
              "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott",
              "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan",
              "Begum", "Hussain", "Ahmed", "Shah", "Singh", "Kaur", "Nowak", "Kowalski", "Okafor",
              "Mensah", "Adeyemi", "Nguyen", "Chen", "Stewart", "MacDonald", "Reid", "Fraser"]
# Real postcodes: a deterministic sample of ONSPD live units (from ../shared when regenerating).
with lzma.open(root.parent / "shared/data/postcodes/live_postcodes_gb_ci_im_onspd_2025_02.txt.xz", "rt") as f:
    live = f.read().splitlines()
postcodes = random.Random(7).sample(live, 400)
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

# The same students entered again (a second upload, a different member of staff): nicknames,
# capitals, compact postcodes, the other date format, a swapped day and month; and twins, who
# share a surname, a birthday and a home but are two children.
NICK = {"Alfie": "Alfred", "Freddie": "Frederick", "Ellie": "Eleanor", "Millie": "Amelia", "Oliver": "Ollie",
        "Olivia": "Liv", "Muhammad": "Mohammed"}
for k in range(12):
    src = rows[rng.randrange(len(rows))]
    ref, first, last, dob_text, yg, pc = src
    style = k % 4
    if style == 0:
        first = NICK.get(first, first.upper())
    elif style == 1:
        first, last = first.upper(), last.upper()
        pc = pc.replace(" ", "").lower()
    elif style == 2 and "/" in dob_text:
        d, m, y = dob_text.split("/")
        dob_text = f"{y}-{m}-{d}"
    elif style == 3:
        last = last[:-1] + last[-1] * 2
    rows.append([f"S{len(rows) + 1:04d}", first, last, dob_text, yg, pc])
for k in range(3):
    src = rows[rng.randrange(200)]
    other = rng.choice([f for f in first_names if f != src[1] and f not in NICK])
    rows.append([f"S{len(rows) + 1:04d}", other, src[2], src[3], src[4], src[5]])

out = root / "examples/data/students.csv"
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["student_ref", "first_name", "last_name", "date_of_birth", "year_group", "postcode"])
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {out}")
