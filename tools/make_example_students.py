#!/usr/bin/env python3
"""Write examples/data/students.csv: a synthetic bulk upload of students as WP teams receive them.

Names are drawn from a short list of common first and last names; dates of birth, year groups and
postcodes are typed the way people type them (ISO and UK dates, "Y10"/"yr 10", lower case postcodes,
O/0 slips), with deliberate problems: swapped day and month, impossible dates, blank fields,
pupils a year out of their date-of-birth year group. Deterministic (seed 2026). No real person.
The upload is for the school year starting in YEAR (default 2026: the 2026/27 sheet checked for the
November 2026 HEAT Track extract).
Usage: python3 tools/make_example_students.py [YEAR]
"""
import csv
import datetime as dt
import lzma
import pathlib
import random
import sys

YEAR = int(sys.argv[1]) if len(sys.argv) > 1 else 2026
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
schools = [str(100000 + random.Random(8).randrange(50000)) for _ in range(12)]
SWAP = {"O": "0", "0": "O", "I": "1", "1": "I"}


def typed_year_group(n: int) -> str:
    return rng.choice([f"Year {n}", f"Y{n}", f"yr {n}", str(n), f"Year {n} (L3)" if n >= 12 else f"Year {n}"])


rows = []
for i in range(1, 201):
    n = rng.randint(7, 13)  # year group in YEAR/YEAR+1
    cohort = YEAR - n - 5  # born 1 Sep cohort .. 31 Aug cohort+1
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
    gender = rng.choice(["F", "M", "Female", "Male", "f", "m", "", "X"])
    school = rng.choice(schools) if rng.random() < 0.93 else ""
    consent = rng.choice(["Yes", "Y", "yes", "No", ""]) if rng.random() < 0.3 else "Yes"
    rows.append([f"S{i:04d}", rng.choice(first_names), rng.choice(last_names), dob_text,
                 typed_year_group(stated), pc, gender, school, consent])

# The same students entered again (a second upload, a different member of staff): nicknames,
# capitals, compact postcodes, the other date format, a swapped day and month; and twins, who
# share a surname, a birthday and a home but are two children.
NICK = {"Alfie": "Alfred", "Freddie": "Frederick", "Ellie": "Eleanor", "Millie": "Amelia", "Oliver": "Ollie",
        "Olivia": "Liv", "Muhammad": "Mohammed"}
for k in range(12):
    src = rows[rng.randrange(len(rows))]
    ref, first, last, dob_text, yg, pc, gender, school, consent = src
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
    rows.append([f"S{len(rows) + 1:04d}", first, last, dob_text, yg, pc, gender, school, consent])
for k in range(3):
    src = rows[rng.randrange(200)]
    other = rng.choice([f for f in first_names if f != src[1] and f not in NICK])
    rows.append([f"S{len(rows) + 1:04d}", other, src[2], src[3], src[4], src[5], rng.choice(["F", "M"]), src[7], "Yes"])

out = root / "examples/data/students.csv"
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["student_ref", "first_name", "last_name", "date_of_birth", "year_group", "postcode", "gender",
                "school_id", "tracking_consent"])
    w.writerows(rows)
print(f"wrote {len(rows)} rows to {out}")

# Activities: a term of outreach as a team would bulk-upload it, with the usual slips.
types = [("Masterclass", "Subject Insight", 2, None), ("Campus tour", "Campus Visit", 3, None),
         ("Residential summer school", "Summer School", 30, None), ("Peer-to-peer mentoring", "Mentoring", 6, 6),
         ("HE talk", "Information, Advice and Guidance", 1, None), ("Tutoring", "Skills and Attainment", 10, 10),
         ("Sustained programme", "Multi-intervention programme", 12, 6)]
acts = []
for i in range(1, 41):
    kind, cat, hours, sessions = rng.choice(types)
    start = dt.date(YEAR, 9, 8) + dt.timedelta(days=rng.randrange(280))
    days = 4 if kind.startswith("Residential") else 1
    end = start + dt.timedelta(days=days - 1)
    row = {"activity_id": f"A{i:03d}", "title": f"{kind} {i}", "category": cat, "activity_type": kind,
           "start_date": start.strftime("%d/%m/%Y"), "end_date": end.isoformat(), "contact_hours": str(hours),
           "sessions": str(sessions or ""), "delivery_mode": "in person", "academic_year": f"{YEAR}/{(YEAR + 1) % 100:02d}",
           "beneficiaries": rng.choice(schools), "students_registered": str(rng.randint(8, 60)),
           "unknown_beneficiary_headcount": "", "year_groups": rng.choice(["Year 10|Year 11", "Y12", "Year 9"])}
    r = rng.random()
    if r < 0.08:
        row["end_date"] = (start - dt.timedelta(days=2)).isoformat()  # end before start
    elif r < 0.14:
        row["activity_type"] = kind.lower().replace("s", "z", 1)  # mistyped type
    elif r < 0.20:
        row["beneficiaries"], row["students_registered"] = "", ""  # nobody recorded
    elif r < 0.26:
        row["beneficiaries"], row["students_registered"] = "052923", ""
        row["unknown_beneficiary_headcount"] = rng.choice(["", "45"])  # Unknown Beneficiary
    elif r < 0.30:
        row["contact_hours"] = str(hours * 20)  # hours implausible for the type
    elif r < 0.34:
        row["start_date"] = f"{YEAR}-07-15"  # filed under the wrong academic year
        row["end_date"] = ""
    elif r < 0.37:
        row["start_date"] = str((start - dt.date(1899, 12, 30)).days)  # an Excel date serial
    acts.append(row)
out = root / "examples/data/activities.csv"
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(acts[0]))
    w.writeheader()
    w.writerows(acts)
print(f"wrote {len(acts)} rows to {out}")
