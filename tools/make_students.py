#!/usr/bin/env python3
"""Synthetic UK student files with known duplicates, for matching benchmarks at any size.

    python3 tools/make_students.py --records 1000000 --out target/students_1m [--pools FILE] [--seed N]
        [--dup-frac 0.2] [--schools N] [--sibling-share 0.25] [--twin-share 0.014] [--shared-postcode]

Writes `<out>_records.csv` (record_id, first_name, last_name, dob, gender, school_id, postcode),
`<out>_truth.csv` (record_id, entity_id, household_id, is_original, corruptions) and
`<out>_truth_pairs.csv` (record_id_l, record_id_r): the same layout as the shared 10k/100k files.

Name, postcode-sector and school pools are read from `--pools` (a records CSV of that layout,
default ../shared/data/students/students_100k_records.csv); everything else is drawn here:
households (siblings share a surname, a postcode and usually a school; ~1.4% have twins), 20% of
records duplicating an earlier student (`--dup-frac`; 0 makes a clean file of distinct students,
the control for false merges), and per duplicate the corruptions below at the rates the shared
files' metadata gives for error scale 1.0. `--sibling-share` is the share of students with a
brother or sister in the file, `--twin-share` the share of households with twins, `--schools` the
number of schools, and `--shared-postcode` types one school's postcode as every student's home (as
a careless upload does). Formatting noise (case, spaces, gender
spellings, postcode spacing) is applied to every record. Entirely synthetic; standard library only.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import string
from collections import Counter
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Share of duplicate records receiving each corruption (from the shared 100k metadata).
RATES = {
    "dob_day_off": 0.0099, "dob_digit": 0.0502, "dob_missing": 0.0139, "dob_swap": 0.0116,
    "dob_year": 0.0121, "fn_initial": 0.0065, "fn_middle": 0.0196, "fn_missing": 0.0043,
    "fn_nickname": 0.0421, "fn_typo": 0.0999, "fn_variant": 0.0316, "gender_flip": 0.0109,
    "gender_missing": 0.0283, "ln_change": 0.0263, "ln_missing": 0.0059, "ln_typo": 0.0889,
    "ln_variant": 0.0260, "name_swap": 0.0166, "pc_missing": 0.0456, "pc_moved": 0.0985,
    "pc_partial": 0.0202, "pc_typo": 0.0508, "school_changed": 0.0870, "school_missing": 0.0478,
    "school_typo": 0.0102,
}
VARIANTS = [("ph", "f"), ("c", "k"), ("k", "c"), ("y", "i"), ("i", "y"), ("ee", "ea"), ("ie", "y"),
            ("ll", "l"), ("nn", "n"), ("tt", "t"), ("s", "z"), ("ou", "ow"), ("ai", "ay"), ("th", "t")]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def load_pools(path: Path):
    first = {"M": Counter(), "F": Counter()}
    last, sectors, schools = Counter(), Counter(), Counter()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g = row["gender"].strip().upper()[:1]
            fn = row["first_name"].strip().title()
            ln = row["last_name"].strip().title()
            if g in first and fn.isalpha() and len(fn) > 1:
                first[g][fn] += 1
            if ln and len(ln) > 1:
                last[ln] += 1
            pc = row["postcode"].replace(" ", "").upper()
            if 5 <= len(pc) <= 7:
                sectors[pc[:-3] + " " + pc[-3]] += 1
            if row["school_id"].strip().isdigit():
                schools[row["school_id"].strip()] += 1
    return first, last, sectors, schools


def nicknames():
    out: dict[str, list[str]] = {}
    for name in ("nicknames.csv", "uk_nicknames.csv"):
        with open(ROOT / "heat-core/data/names" / name, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                out.setdefault(row["name1"], []).append(row["name2"])
    return out


class Generator:
    def __init__(self, seed: int, pools):
        self.r = random.Random(seed)
        first, last, sectors, schools = pools
        self.first = {g: (list(c), list(accumulate(c.values()))) for g, c in first.items()}
        self.last = (list(last), list(accumulate(last.values())))
        self.sectors = list(sectors)
        self.nick = nicknames()
        self.school_ids = list(schools)

    def pick(self, pool):
        return self.r.choices(pool[0], cum_weights=pool[1])[0]

    def postcode(self, sector=None):
        sector = sector or self.r.choice(self.sectors)
        return sector + "".join(self.r.choice(INWARD_LETTERS) for _ in range(2))

    def typo(self, s: str) -> str:
        if len(s) < 2:
            return s
        i = self.r.randrange(len(s))
        op = self.r.randrange(4)
        letter = self.r.choice(string.ascii_lowercase)
        if op == 0:
            return s[:i] + letter + s[i + 1:]
        if op == 1:
            return s[:i] + letter + s[i:]
        if op == 2 and len(s) > 3:
            return s[:i] + s[i + 1:]
        i = min(i, len(s) - 2)
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]

    def variant(self, s: str) -> str:
        low = s.lower()
        options = [(a, b) for a, b in VARIANTS if a in low]
        if not options:
            return self.typo(s)
        a, b = self.r.choice(options)
        return low.replace(a, b, 1).title()

    def corrupt(self, rec: dict, kinds: list[str]) -> None:
        r = self.r
        for k in kinds:
            if k == "fn_typo":
                rec["first_name"] = self.typo(rec["first_name"])
            elif k == "fn_variant":
                rec["first_name"] = self.variant(rec["first_name"])
            elif k == "fn_nickname":
                nicks = self.nick.get(rec["first_name"].lower())
                if nicks:
                    rec["first_name"] = r.choice(nicks).title()
            elif k == "fn_middle":
                rec["first_name"] += " " + self.pick(self.first[r.choice("MF")])
            elif k == "fn_initial":
                rec["first_name"] = rec["first_name"][:1]
            elif k == "fn_missing":
                rec["first_name"] = ""
            elif k == "ln_typo":
                rec["last_name"] = self.typo(rec["last_name"])
            elif k == "ln_variant":
                rec["last_name"] = self.variant(rec["last_name"])
            elif k == "ln_change":
                other = self.pick(self.last)
                rec["last_name"] = r.choice([other, rec["last_name"] + "-" + other])
            elif k == "ln_missing":
                rec["last_name"] = ""
            elif k == "name_swap":
                rec["first_name"], rec["last_name"] = rec["last_name"], rec["first_name"]
            elif k.startswith("dob_") and rec["dob"]:
                d = dt.date.fromisoformat(rec["dob"])
                if k == "dob_day_off":
                    d += dt.timedelta(days=r.choice([-3, -2, -1, 1, 2, 3]))
                elif k == "dob_year":
                    d = _safe_date(d.year + r.choice([-1, 1]), d.month, d.day) or d
                elif k == "dob_swap" and d.day <= 12 and d.day != d.month:
                    d = dt.date(d.year, d.day, d.month)
                elif k == "dob_digit":
                    s = list(d.strftime("%Y%m%d"))
                    for _ in range(10):
                        i = r.choice([3, 5, 6, 7])
                        t = s.copy()
                        t[i] = r.choice("0123456789".replace(s[i], ""))
                        nd = _safe_date(int("".join(t[:4])), int("".join(t[4:6])), int("".join(t[6:])))
                        if nd:
                            d = nd
                            break
                rec["dob"] = "" if k == "dob_missing" else d.isoformat()
            elif k == "gender_flip":
                rec["gender"] = {"M": "F", "F": "M"}.get(rec["gender"], rec["gender"])
            elif k == "gender_missing":
                rec["gender"] = ""
            elif k == "pc_missing":
                rec["postcode"] = ""
            elif k == "pc_moved":
                rec["postcode"] = self.postcode()
            elif k == "pc_partial":
                rec["postcode"] = rec["postcode"].split(" ")[0]
            elif k == "pc_typo" and len(rec["postcode"]) > 4:
                p = rec["postcode"]
                i = r.randrange(len(p) - 1)
                if p[i] != " " and p[i + 1] != " ":
                    rec["postcode"] = p[:i] + p[i + 1] + p[i] + p[i + 2:]
                else:
                    rec["postcode"] = p[:-1] + r.choice(INWARD_LETTERS)
            elif k == "school_changed":
                rec["school_id"] = r.choice(self.school_ids)
            elif k == "school_missing":
                rec["school_id"] = ""
            elif k == "school_typo" and rec["school_id"]:
                s = list(rec["school_id"])
                i = r.randrange(len(s))
                s[i] = r.choice("0123456789".replace(s[i], ""))
                rec["school_id"] = "".join(s)

    def format_noise(self, rec: dict) -> dict:
        r = self.r
        out = dict(rec)
        for f in ("first_name", "last_name"):
            x = r.random()
            if x < 0.05:
                out[f] = out[f].upper()
            elif x < 0.08:
                out[f] = out[f].lower()
            elif x < 0.10:
                out[f] = out[f] + " "
        g = out["gender"]
        if g and r.random() < 0.15:
            out["gender"] = r.choice({"M": ["Male", "m"], "F": ["Female", "f"]}.get(g, ["Other", "x"]))
        pc = out["postcode"]
        x = r.random()
        if pc and x < 0.12:
            out["postcode"] = pc.replace(" ", "")
        elif pc and x < 0.16:
            out["postcode"] = pc.lower()
        elif pc and x < 0.18:
            out["postcode"] = pc.replace(" ", "  ")
        return out


def _safe_date(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--out", default="target/students_1m")
    ap.add_argument("--pools", default=str(ROOT.parent / "shared/data/students/students_100k_records.csv"))
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--dup-frac", type=float, default=0.2)
    ap.add_argument("--schools", type=int, default=0)
    ap.add_argument("--sibling-share", type=float, default=None)
    ap.add_argument("--twin-share", type=float, default=0.014)
    ap.add_argument("--shared-postcode", action="store_true")
    a = ap.parse_args()
    g = Generator(a.seed, load_pools(Path(a.pools)))
    r = g.r
    n_dups = int(a.records * a.dup_frac)
    n_entities = a.records - n_dups
    n_schools = a.schools or max(10, a.records // 325)
    schools = [str(s) for s in r.sample(range(100000, 150000), n_schools)]
    # Household sizes: by default 79% only children, 17% two, 4% three (about 25% of students have
    # a sibling in the file); --sibling-share scales the multi-child households to that share.
    size_weights = [79, 17, 4]
    if a.sibling_share is not None:
        # share of students in multi-child households = (2*w2 + 3*w3) / (w1 + 2*w2 + 3*w3)
        w2, w3 = 17, 4
        multi = 2 * w2 + 3 * w3
        w1 = multi * (1 - a.sibling_share) / max(a.sibling_share, 1e-9)
        size_weights = [w1, w2, w3]
    school_postcode = {s: g.postcode() for s in schools}
    school_sectors = {s: [r.choice(g.sectors) for _ in range(30)] for s in schools}
    entities, households = [], 0
    while len(entities) < n_entities:
        households += 1
        school = r.choice(schools)
        sector = r.choice(school_sectors[school])
        postcode = school_postcode[school] if a.shared_postcode else g.postcode(sector)
        surname = g.pick(g.last)
        size = r.choices([1, 2, 3], weights=size_weights)[0]
        twins = r.random() < a.twin_share
        base = dt.date(2002, 9, 1) + dt.timedelta(days=r.randrange(12 * 365))
        for k in range(size + (1 if twins and size == 1 else 0)):
            if len(entities) >= n_entities:
                break
            dob = base if (twins and k < 2) else base + dt.timedelta(days=r.choice([-1, 1]) * r.randrange(300, 2500))
            if not dt.date(2001, 9, 1) <= dob <= dt.date(2016, 8, 31):
                dob = base
            sex = r.choice("MF")
            entities.append(dict(first_name=g.pick(g.first[sex]), last_name=surname, dob=dob.isoformat(), gender=sex,
                                 school_id=school if r.random() < 0.9 else r.choice(schools), postcode=postcode,
                                 household=households))
    # Which entities get duplicates: most one, some several (a heavy tail).
    weights = [r.paretovariate(2.5) for _ in entities]
    dup_of = r.choices(range(len(entities)), cum_weights=list(accumulate(weights)), k=n_dups) if n_dups else []
    rows = [(e, i, True, []) for i, e in enumerate(entities)]
    kinds, probs = list(RATES), list(RATES.values())
    for i in dup_of:
        rec = {k: v for k, v in entities[i].items() if k != "household"}
        chosen = [k for k, p in zip(kinds, probs) if r.random() < p]
        g.corrupt(rec, chosen)
        rows.append((rec, i, False, chosen))
    r.shuffle(rows)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    by_entity: dict[int, list[int]] = {}
    with open(f"{out}_records.csv", "w", newline="", encoding="utf-8") as fr, \
            open(f"{out}_truth.csv", "w", newline="", encoding="utf-8") as ft:
        wr, wt = csv.writer(fr), csv.writer(ft)
        wr.writerow(["record_id", "first_name", "last_name", "dob", "gender", "school_id", "postcode"])
        wt.writerow(["record_id", "entity_id", "household_id", "is_original", "corruptions"])
        for rid, (rec, ent, original, chosen) in enumerate(rows):
            rec = g.format_noise(rec)
            wr.writerow([rid, rec["first_name"], rec["last_name"], rec["dob"], rec["gender"], rec["school_id"],
                         rec["postcode"]])
            wt.writerow([rid, ent, entities[ent]["household"], int(original), ";".join(chosen)])
            by_entity.setdefault(ent, []).append(rid)
    n_pairs = 0
    with open(f"{out}_truth_pairs.csv", "w", newline="", encoding="utf-8") as fp:
        w = csv.writer(fp)
        w.writerow(["record_id_l", "record_id_r"])
        for ids in by_entity.values():
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    w.writerow([ids[x], ids[y]])
                    n_pairs += 1
    print(f"{len(rows)} records, {len(entities)} students, {households} households, {n_pairs} true pairs -> {out}_*.csv")


if __name__ == "__main__":
    main()
