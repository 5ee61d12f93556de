"""Schools by name against the real register: typed variants of real names, found with
heatkit.SchoolDirectory (the rule the clean job's ``schools=`` uses), scored against the truth.

    bash benches/python/run.sh schools [--students 3000] [--seed 7]

The register is benches/data/gias_openregister_2015.csv.gz (see SOURCE.md beside it). Each
student attends an open school drawn at random and types its name one of seven ways (exact,
lower case, St/Saint swapped, without "School", a Church of England spelling changed, the town in
brackets after it, one typing slip). Run twice: without a home postcode, and with each home in
its school's postcode district. Counts: right (the school chosen is the student's), silent wrong
(another school, marked certain), flagged wrong (another school, flagged to check), listed
(ambiguous, closed or not found: a person chooses). The same 3,000 go through heatkit.clean to
confirm that no row is "fixed" to a wrong school. Then 100,000 names are timed (median of 3).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import statistics
import tempfile
import time
from pathlib import Path

import heatkit

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT / "benches" / "data" / "gias_openregister_2015.csv.gz"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def load_register(tmp: Path) -> tuple[Path, list[dict]]:
    path = tmp / "gias.csv"
    with gzip.open(REGISTER, "rb") as f:
        path.write_bytes(f.read())
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return path, rows


def variant(name: str, town: str, how: str, rng: random.Random) -> str:
    words = name.split()
    if how == "lower":
        return name.lower()
    if how == "st_saint":
        swap = {"St": "Saint", "St.": "Saint", "Saint": "St"}
        return " ".join(swap.get(w, w) for w in words)
    if how == "without_school":
        return " ".join(w for w in words if w.lower() != "school")
    if how == "church_of_england":
        for long in ("Church of England", "C of E", "CofE", "CE"):
            if long in name:
                other = rng.choice([x for x in ("Church of England", "C of E", "CofE", "CE") if x != long])
                return name.replace(long, other, 1)
        return name
    if how == "town":
        return f"{name} ({town})" if town else name
    if how == "typo":
        long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long_words:
            return name
        i = rng.choice(long_words)
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        kind = rng.choice(["swap", "drop", "double"])
        if kind == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif kind == "drop":
            w = w[:j] + w[j + 1:]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
        return " ".join(words)
    return name


def applicable(name: str, how: str) -> bool:
    if how == "st_saint":
        return any(w in ("St", "St.", "Saint") for w in name.split())
    if how == "without_school":
        return "school" in name.lower().split()
    if how == "church_of_england":
        return any(x in name for x in ("Church of England", "C of E", "CofE", "CE"))
    return True


WAYS = ["exact", "lower", "st_saint", "without_school", "church_of_england", "town", "typo"]


def students(register: list[dict], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    open_schools = [r for r in register if r["EstablishmentStatus (name)"] == "Open"]
    out = []
    while len(out) < n:
        s = rng.choice(open_schools)
        ways = [w for w in WAYS if applicable(s["EstablishmentName"], w)]
        how = rng.choice(ways)
        outward = s["Postcode"].split()[0] if s["Postcode"] else ""
        home = (f"{outward} {rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                if outward else None)
        out.append({"urn": s["URN"], "typed": variant(s["EstablishmentName"], s["Town"], how, rng),
                    "how": how, "home": home})
    return out


def score(found: list[dict], people: list[dict]) -> dict:
    c = {"right": 0, "silent_wrong": 0, "flagged_wrong": 0, "listed": 0, "listed_with_truth": 0}
    for f, p in zip(found, people):
        if f["school_id"] is None:
            c["listed"] += 1
            c["listed_with_truth"] += p["urn"] in f["candidates"]
        elif f["school_id"] == p["urn"]:
            c["right"] += 1
        elif f["certain"]:
            c["silent_wrong"] += 1
        else:
            c["flagged_wrong"] += 1
    return c


def through_clean(gias: Path, people: list[dict], tmp: Path) -> dict:
    upload = tmp / "students.csv"
    with open(upload, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["First name", "Surname", "Date of birth", "Postcode", "School"])
        for i, p in enumerate(people):
            w.writerow([f"Ann{i}", "Lee", "2011-01-02", p["home"] or "", p["typed"]])
    out = heatkit.clean(upload, on="2026-12-01", schools=gias, kind="dict")
    st = out.students
    fixed_wrong = sum(1 for p, sid, status in zip(people, st["school_id"], st["status"])
                      if status in ("ok", "fixed") and sid != p["urn"] and sid.isdigit())
    wrong_written = sum(1 for p, sid in zip(people, st["school_id"]) if sid.isdigit() and sid != p["urn"])
    return {"rows": len(st["status"]), "ok_or_fixed_to_a_wrong_school": fixed_wrong,
            "wrong_id_written": wrong_written}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timed", type=int, default=100_000, help="names to time (0: none)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        gias, register = load_register(tmp)
        start = time.perf_counter()
        d = heatkit.SchoolDirectory(gias)
        load_s = time.perf_counter() - start
        open_n = sum(r["EstablishmentStatus (name)"] == "Open" for r in register)
        print(f"register: {len(d):,} schools ({open_n:,} open), read in {load_s:.2f} s")
        people = students(register, a.students, a.seed)
        print(f"| homes | students | right | silent wrong | flagged wrong | listed (truth among them) |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, homes in (("none", None), ("in the school's district", [p["home"] for p in people])):
            found = d.find_all([p["typed"] for p in people], homes=homes)
            c = score(found, people)
            n = len(people)
            print(f"| {label} | {n:,} | {c['right']:,} ({c['right'] / n:.1%}) | {c['silent_wrong']} "
                  f"| {c['flagged_wrong']} ({c['flagged_wrong'] / n:.2%}) "
                  f"| {c['listed']:,} ({c['listed_with_truth']:,}) |")
            if homes is not None:
                by_way = {}
                for f, p in zip(found, people):
                    r = by_way.setdefault(p["how"], [0, 0])
                    r[0] += 1
                    r[1] += f["school_id"] == p["urn"]
                print("right by way typed (homes near): " + ", ".join(
                    f"{w} {r[1] / r[0]:.0%} of {r[0]}" for w, r in sorted(by_way.items())))
        print(f"through heatkit.clean (homes near): {through_clean(gias, people, tmp)}")
        if not a.timed:
            return
        many = students(register, a.timed, a.seed + 1)
        typed = [p["typed"] for p in many]
        homes = [p["home"] for p in many]
        times = []
        for _ in range(3):
            start = time.perf_counter()
            d.find_all(typed, homes=homes)
            times.append(time.perf_counter() - start)
        print(f"{a.timed:,} names with homes against the full register (2 cores): median {statistics.median(times):.2f} s "
              f"(runs {', '.join(f'{x:.2f}' for x in times)})")
        floor_by_rapidfuzz(d, register, many[:20_000])


def floor_by_rapidfuzz(d, register: list[dict], many: list[dict]) -> None:
    """The floor for the spelling step: rapidfuzz's Jaro-Winkler (C++, one core) finding the
    best register name, at least 0.93 alike, for each name heatkit had to compare by spelling."""
    try:
        from rapidfuzz import process
        from rapidfuzz.distance import JaroWinkler
    except ImportError:
        print("rapidfuzz not installed: no floor measured")
        return
    found = d.find_all([p["typed"] for p in many])
    spelt = [p["typed"].lower() for p, f in zip(many, found)
             if f["reason"] in ("close_spelling", None)]
    names = sorted({r["EstablishmentName"].lower() for r in register})
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for t in spelt:
            process.extractOne(t, names, scorer=JaroWinkler.normalized_similarity, score_cutoff=0.93)
        times.append(time.perf_counter() - start)
    heat = []
    for _ in range(3):
        start = time.perf_counter()
        d.find_all(spelt)
        heat.append(time.perf_counter() - start)
    m, h = statistics.median(times), statistics.median(heat)
    print(f"the {len(spelt):,} names that needed spelling (close or none) against {len(names):,} names: "
          f"rapidfuzz extractOne {m:.2f} s ({m / len(spelt) * 1e3:.2f} ms a name, one core), "
          f"heatkit {h:.2f} s ({h / len(spelt) * 1e3:.2f} ms a name, 2 cores)")


if __name__ == "__main__":
    main()
