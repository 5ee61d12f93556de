#!/usr/bin/env python3
"""Reading workbooks and the main job at scale, one run each (bench environment only):

    bash benches/python/run.sh excel [--records 100000] [--main-job 1000000]

1. A 100k-row students .xlsx (written here by xlsxwriter: the seven columns of the synthetic
   generator, dates stored as dates) read by heatkit (the sheet as text, and the whole students
   import with every field checked) beside python-calamine, fastexcel, openpyxl (read-only) and
   pandas.read_excel (openpyxl engine). Each reader runs in a fresh process; time and peak RSS.
2. The main job (`cargo run --release --example clean_students`: read, check, dedupe, write CSV,
   xlsx and the report) on a generated 1M-student CSV and the same rows as .xlsx, with its wall
   time and peak RSS from /usr/bin/time.
Prints one markdown table.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "bench_excel"

READERS = {
    "heatkit (sheet as text)": "from heatkit._heatkit import _read_sheet\n"
                               "rows = _read_sheet(open(PATH, 'rb').read())[2]\nn = len(rows) - 1",
    "heatkit (students import, every field checked)":
        "import heatkit\nr = heatkit.validate_import(PATH, template='students', check_duplicates=False, kind='dict')\n"
        "n = r.summary['rows_in']",
    "python-calamine": "from python_calamine import CalamineWorkbook\n"
                       "rows = CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).to_python()\nn = len(rows) - 1",
    "fastexcel": "import fastexcel\nn = fastexcel.read_excel(PATH).load_sheet(0).to_arrow().num_rows",
    "openpyxl (read-only)": "import openpyxl\nws = openpyxl.load_workbook(PATH, read_only=True).active\n"
                            "n = sum(1 for _ in ws.iter_rows(values_only=True)) - 1",
    "pandas.read_excel": "import pandas as pd\nn = len(pd.read_excel(PATH))",
}


def generate(records: int, stem: Path) -> Path:
    csv_path = Path(f"{stem}_records.csv")
    if not csv_path.exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_students.py"), "--records", str(records),
                        "--out", str(stem)], check=True, stdout=subprocess.DEVNULL)
    return csv_path


def to_xlsx(csv_path: Path) -> Path:
    import csv

    import xlsxwriter

    path = csv_path.with_suffix(".xlsx")
    if path.exists():
        return path
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Students")
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    with open(csv_path, newline="", encoding="utf-8") as f:
        for r, row in enumerate(csv.reader(f)):
            for c, v in enumerate(row):
                if r and c == 3 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                    ws.write_datetime(r, c, dt.datetime.strptime(v, "%Y-%m-%d"), date)
                else:
                    ws.write_string(r, c, v)
    wb.close()
    return path


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(reader: str, path: str) -> None:
    t = time.perf_counter()
    scope = {"PATH": path}
    exec(READERS[reader], scope)
    print(json.dumps({"n": scope["n"], "t": time.perf_counter() - t, "rss": peak_rss_mb()}))


def run_reader(reader: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", reader, str(path)], capture_output=True, text=True)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main_job(path: Path) -> dict:
    exe = ROOT / "target" / "release" / "examples" / "clean_students"
    out = OUT / f"main_job_{path.suffix[1:]}"
    done = subprocess.run(["/usr/bin/time", "-v", str(exe), str(path), "--out-dir", str(out), "--on", "2026-12-01"],
                          capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if done.returncode or not wall or not rss:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:]}
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    summary = next((line.strip() for line in done.stdout.splitlines() if "rows in" in line), "")
    return {"t": seconds, "rss": int(rss.group(1)) / 1024, "summary": summary}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--main-job", type=int, default=1_000_000)
    ap.add_argument("--child", nargs=2)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    print("| what | tool | rows | time s | peak RSS MB | note |")
    print("|---|---|---|---|---|---|")
    small = to_xlsx(generate(a.records, OUT / f"students_{a.records}"))
    for reader in READERS:
        r = run_reader(reader, small)
        if "error" in r:
            print(f"| read {small.name} | {reader} | — | — | — | {r['error']} |")
        else:
            print(f"| read {small.name} | {reader} | {r['n']:,} | {r['t']:.2f} | {r['rss']:.0f} | |", flush=True)
    if a.main_job:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "heat-core", "--example", "clean_students"],
                       cwd=ROOT, check=True)
        big = generate(a.main_job, OUT / f"students_{a.main_job}")
        for path in (big, to_xlsx(big)):
            r = main_job(path)
            if "error" in r:
                print(f"| main job | {path.name} | {a.main_job:,} | — | — | {r['error']} |")
            else:
                print(f"| main job | {path.name} | {a.main_job:,} | {r['t']:.1f} | {r['rss']:.0f} | {r['summary']} |",
                      flush=True)


if __name__ == "__main__":
    main()
