#!/usr/bin/env python3
"""Duplicate students: heatkit beside Splink and recordlinkage, in one run, scored the same way.

    bash benches/python/run.sh matching                  # via the bench venv (installs the anchors)
    python benches/python/bench_matching.py [--datasets students_10k,students_100k,students_1m,historical_50k]
                                            [--anchors splink,recordlinkage] [--no-anchors-at-1m]

Data: ../shared/data/students/ (10k, 100k, historical_50k) and a 1M file made by
tools/make_students.py (generated into target/ when missing). Every tool's scored pairs go through
../shared/tools/linkage/linkeval.py: F1 at the tool's best threshold (an oracle figure) and, for
heatkit, F1 at its own default threshold (0.9) with no labels used. heatkit runs in a fresh
process per dataset; time is `heatkit.find_duplicates` end to end from Python (training included;
reading the CSV is shown separately), memory is that process's peak RSS. Anchors run with their
runners' own settings (2 threads) and report their own time and peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
LINKAGE = SHARED / "tools" / "linkage"
DATA = ROOT / "target" / "linkage_data"
COLUMNS = ["record_id", "first_name", "last_name", "dob", "gender", "school_id", "postcode"]


def prepare_data(datasets: list[str]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for f in (SHARED / "data" / "students").iterdir():
        link = DATA / f.name
        if not link.exists():
            link.symlink_to(f)
    if "students_1m" in datasets and not (DATA / "students_1m_records.csv").exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_students.py"), "--records", "1000000",
                        "--out", str(DATA / "students_1m")], check=True)


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM (ru_maxrss on Linux carries the parent's peak across
    exec, which would charge the evaluating parent's memory to heatkit)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(dataset: str, out_dir: Path) -> None:
    """One heatkit run in this (fresh) process; writes pairs, clusters and figures to out_dir."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import heatkit

    t0 = time.perf_counter()
    if dataset == "historical_50k":
        import pandas as pd

        df = pd.read_parquet(DATA / "historical_figures_with_errors_50k.parquet").reset_index(drop=True)
        table = pa.table({
            "record_id": pa.array(range(len(df)), pa.int64()),
            "first_name": df.first_name, "last_name": df.surname, "dob": df.dob,
            "gender": df.gender, "school_id": df.birth_place, "postcode": df.postcode_fake,
        })
    else:
        types = {c: pa.string() for c in COLUMNS}
        types["record_id"] = pa.int64()
        table = pacsv.read_csv(DATA / f"{dataset}_records.csv",
                               convert_options=pacsv.ConvertOptions(column_types=types))
    t1 = time.perf_counter()
    pairs = heatkit.find_duplicates(table, errors="null")
    t2 = time.perf_counter()
    rss = peak_rss_mb()
    clusters = heatkit.cluster_duplicates(pairs, threshold=0.9, records=table.column("record_id").to_pylist())
    # Every candidate pair, for the best-threshold (oracle) figure; not timed.
    everything = heatkit.find_duplicates(table, errors="null", min_probability=0.0)
    pa.csv.write_csv(pa.table({"id_l": pairs.column("id_l"), "id_r": pairs.column("id_r"),
                               "score": pairs.column("match_weight")}), out_dir / "default.csv")
    pa.csv.write_csv(pa.table({"id_l": everything.column("id_l"), "id_r": everything.column("id_r"),
                               "score": everything.column("match_weight")}), out_dir / "all.csv")
    pa.csv.write_csv(clusters, out_dir / "clusters.csv")
    (out_dir / "figures.json").write_text(json.dumps(
        {"t_read_s": t1 - t0, "t_link_s": t2 - t1, "peak_rss_mb": rss, "n_pairs": pairs.num_rows}))


def run_heatkit(dataset: str) -> dict:
    sys.path.insert(0, str(LINKAGE))
    os.environ["LINKAGE_DATA"] = str(DATA)
    import linkeval as le
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, __file__, "--child", dataset, "--out", tmp], check=True)
        figures = json.loads((Path(tmp) / "figures.json").read_text())
        ds = le.load_historical(DATA) if dataset == "historical_50k" else le.load_students(dataset, DATA)
        default = pd.read_csv(Path(tmp) / "default.csv")
        everything = pd.read_csv(Path(tmp) / "all.csv")
        truth = set(le.pair_key(ds.truth_l, ds.truth_r, ds.link_type).tolist())
        found = set(le.pair_key(default.id_l.values, default.id_r.values, ds.link_type).tolist())
        tp = len(found & truth)
        p, r = tp / max(len(found), 1), tp / max(len(truth), 1)
        best = le.best_threshold_metrics(everything.id_l.values, everything.id_r.values, everything.score.values, ds)
        c = pd.read_csv(Path(tmp) / "clusters.csv")
        cl = le.cluster_metrics(pd.Series(c.cluster_id.values, index=c.record_id.values), ds)
    return dict(tool="heatkit", dataset=dataset, f1_default=2 * p * r / (p + r) if p + r else 0.0,
                precision_default=p, recall_default=r, f1_best=best["f1"], max_recall=best["max_recall"],
                cluster_f1=cl["cluster_f1"], t_s=figures["t_link_s"], t_read_s=figures["t_read_s"],
                peak_rss_mb=figures["peak_rss_mb"])


def run_anchor(tool: str, dataset: str) -> dict | None:
    script = {"splink": "run_splink.py", "recordlinkage": "run_recordlinkage.py"}[tool]
    results = ROOT / "target" / "bench_anchor_results.jsonl"
    env = dict(os.environ, LINKAGE_DATA=str(DATA), LINKAGE_RESULTS=str(results))
    args = [sys.executable, str(LINKAGE / script), dataset]
    if tool == "splink":
        args += ["--threads", "2"]
    before = results.read_text().count("\n") if results.exists() else 0
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  {tool} on {dataset} failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    lines = results.read_text().splitlines()[before:]
    out = None
    for line in lines:
        rec = json.loads(line)
        cfg = rec.get("config", "")
        if tool == "recordlinkage" and cfg and "ecm" not in cfg and "sum" not in cfg:
            continue
        if out is None or rec.get("f1", 0) > out["f1_best"]:
            out = dict(tool=f"{tool} ({cfg})" if cfg else tool, dataset=dataset, f1_default=None,
                       precision_default=None, recall_default=None, f1_best=rec.get("f1"),
                       max_recall=rec.get("max_recall"),
                       cluster_f1=rec.get("best_cluster_f1", rec.get("cluster_f1")),
                       t_s=rec.get("t_link_s"), t_read_s=None, peak_rss_mb=rec.get("peak_rss_mb"))
    return out


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default="students_10k,students_100k,students_1m,historical_50k")
    ap.add_argument("--anchors", default="splink,recordlinkage")
    ap.add_argument("--no-anchors-at-1m", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.child:
        child(a.child, Path(a.out))
        return
    datasets = [d for d in a.datasets.split(",") if d]
    anchors = [t for t in a.anchors.split(",") if t]
    prepare_data(datasets)
    rows = []
    for d in datasets:
        print(f"{d}: heatkit", file=sys.stderr, flush=True)
        rows.append(run_heatkit(d))
        for t in anchors:
            if d == "students_1m" and a.no_anchors_at_1m:
                continue
            print(f"{d}: {t}", file=sys.stderr, flush=True)
            r = run_anchor(t, d)
            if r:
                rows.append(r)
    print("\nF1 at own default: heatkit's threshold 0.9, no labels. Best threshold: chosen with the truth (oracle).")
    print("Cluster F1: heatkit clusters at 0.9; anchors' best over their runners' threshold grid (oracle).")
    print("\n| dataset | tool | F1 at own default | F1 at best threshold | cluster F1 | time s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        t = fmt(r["t_s"], ".2f")
        if r["t_read_s"] is not None:
            t += f" (+{r['t_read_s']:.2f} read)"
        print(f"| {r['dataset']} | {r['tool']} | {fmt(r['f1_default'], '.4f')} | {fmt(r['f1_best'], '.4f')} | "
              f"{fmt(r['cluster_f1'], '.4f')} | {t} | {fmt(r['peak_rss_mb'], '.0f')} |")
    (ROOT / "target" / "bench_matching.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
