#!/usr/bin/env python3
"""Duplicate students: heatkit beside Splink and recordlinkage, in one run, scored the same way.

    bash benches/python/run.sh matching                  # via the bench venv (installs the anchors)
    python benches/python/bench_matching.py [--datasets LIST] [--anchors splink,recordlinkage]
                                            [--no-anchors-at-1m] [--no-twins]

Datasets (default: all but students_5m; `--datasets all` adds it):
- students_10k, students_100k (../shared/data/students/), students_1m, students_5m (made by
  tools/make_students.py into target/linkage_data/ when missing): heatkit's own generator;
- febrl1..febrl4 (from the recordlinkage package): heatkit sees given name, surname, date of birth
  and postcode only (compared as text: they are Australian), Splink is given the same four fields
  (benches/python/splink_four_fields.py) and, as in the shared runners, every column;
  `--no-twins` adds heatkit told the data hold no twins (`expected_twin_share=0`, the documented
  setting for adult or historical records) on FEBRL and historical_50k;
- historical_50k (Splink's, in ../shared/data/students/): first name, surname, dob, gender, birth
  place as the school, postcode;
- clean_1school, clean_10schools: 3,000 distinct students (15% siblings, twins, no duplicates):
  the control for false merges, reported as pairs flagged per 1,000 students;
- shared_postcode: 36,000 students in 10 schools with each school's postcode typed as every
  student's home, beside the same file with real postcodes (time ratio);
- link_50k_1m: `link_students` of a 50,000-row upload against a 1,000,000-row export.

Every tool's scored pairs go through ../shared/tools/linkage/linkeval.py: F1 at the tool's best
threshold (an oracle figure) and, for heatkit (and Splink on four fields), F1 at the default
threshold (0.9) with no labels used; cluster F1 is heatkit's clusters at its default cluster
threshold. heatkit runs in a fresh process per dataset; time is `heatkit.find_duplicates` end to
end from Python (training included; reading the data is shown separately), memory is that
process's peak RSS. Anchors run with their runners' own settings (2 threads).
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
DEFAULT = ("students_10k,students_100k,students_1m,febrl1,febrl2,febrl3,febrl4,historical_50k,"
           "clean_1school,clean_10schools,shared_postcode,link_50k_1m")
# Generated files: name -> make_students.py options.
GENERATED = {
    "students_1m": ["--records", "1000000"],
    "students_5m": ["--records", "5000000"],
    "clean_1school": ["--records", "3000", "--dup-frac", "0", "--schools", "1", "--sibling-share", "0.15",
                      "--seed", "7"],
    "clean_10schools": ["--records", "3000", "--dup-frac", "0", "--schools", "10", "--sibling-share", "0.15",
                        "--seed", "7"],
    "shared_postcode": ["--records", "36000", "--schools", "10", "--shared-postcode", "--seed", "11"],
    "real_postcode": ["--records", "36000", "--schools", "10", "--seed", "11"],
    "link_1050k": ["--records", "1050000", "--seed", "13"],
}
NEEDS = {"shared_postcode": ["shared_postcode", "real_postcode"], "link_50k_1m": ["link_1050k"]}


def prepare_data(datasets: list[str]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for f in (SHARED / "data" / "students").iterdir():
        link = DATA / f.name
        if not link.exists():
            link.symlink_to(f)
    for d in datasets:
        for name in NEEDS.get(d, [d]):
            if name in GENERATED and not (DATA / f"{name}_records.csv").exists():
                print(f"generating {name}", file=sys.stderr, flush=True)
                subprocess.run([sys.executable, str(ROOT / "tools" / "make_students.py"), *GENERATED[name],
                                "--out", str(DATA / name)], check=True)


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


def read_students(name: str):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {c: pa.string() for c in COLUMNS}
    types["record_id"] = pa.int64()
    return pacsv.read_csv(DATA / f"{name}_records.csv", convert_options=pacsv.ConvertOptions(column_types=types))


def write_pairs(pairs, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    pacsv.write_csv(pa.table({"id_l": pairs.column("id_l"), "id_r": pairs.column("id_r"),
                              "score": pairs.column("match_weight")}), path)


def child(dataset: str, out_dir: Path) -> None:
    """One heatkit run in this (fresh) process; writes pairs, clusters and figures to out_dir."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import heatkit

    figures: dict = {}
    t0 = time.perf_counter()
    options: dict = {"errors": "null"}
    dataset, _, variant = dataset.partition("+")
    if variant == "notwins":
        # Data known to hold no twins (adults, historical records): the documented setting.
        options["settings"] = {"expected_twin_share": 0.0}
    if dataset == "link_50k_1m":
        table = read_students("link_1050k")
        new, existing = table.slice(1_000_000), table.slice(0, 1_000_000)
        t1 = time.perf_counter()
        best = heatkit.link_students(new, existing, errors="null")
        t2 = time.perf_counter()
        write_pairs(best, out_dir / "default.csv")
        figures.update(t_read_s=t1 - t0, t_link_s=t2 - t1, peak_rss_mb=peak_rss_mb(), n_pairs=best.num_rows)
        (out_dir / "figures.json").write_text(json.dumps(figures))
        return
    if dataset == "historical_50k":
        import pandas as pd

        df = pd.read_parquet(DATA / "historical_figures_with_errors_50k.parquet").reset_index(drop=True)
        table = pa.table({
            "record_id": pa.array(range(len(df)), pa.int64()),
            "first_name": df.first_name, "last_name": df.surname, "dob": df.dob,
            "gender": df.gender, "school_id": df.birth_place, "postcode": df.postcode_fake,
        })
    elif dataset.startswith("febrl"):
        sys.path.insert(0, str(LINKAGE))
        import linkeval as le

        ds = le.load_febrl(dataset)
        text = lambda c: pa.Array.from_pandas(c, type=pa.string())  # noqa: E731
        frames = [pa.table({"record_id": f.unique_id.values, "first_name": text(f.given_name),
                            "last_name": text(f.surname), "dob": text(f.date_of_birth),
                            "postcode": text(f.postcode)}) for f in ds.frames]
        options.update(gender=None, school=None)
        t1 = time.perf_counter()
        if len(frames) == 2:
            pairs = heatkit.link_students(frames[0], frames[1], **options)
            t2 = time.perf_counter()
            rss = peak_rss_mb()
            everything = heatkit.link_students(frames[0], frames[1], best_only=False, min_probability=0.0, **options)
            write_pairs(pairs, out_dir / "default.csv")
            write_pairs(everything, out_dir / "all.csv")
            figures.update(t_read_s=t1 - t0, t_link_s=t2 - t1, peak_rss_mb=rss, n_pairs=pairs.num_rows)
            (out_dir / "figures.json").write_text(json.dumps(figures))
            return
        table = frames[0]
    elif dataset == "shared_postcode":
        real = read_students("real_postcode")
        t = time.perf_counter()
        heatkit.find_duplicates(real, errors="null")
        figures["t_real_postcodes_s"] = time.perf_counter() - t
        t0 = time.perf_counter()
        table = read_students("shared_postcode")
    else:
        table = read_students(dataset)
    t1 = time.perf_counter()
    pairs, summary = heatkit.find_duplicates(table, summary=True, **options)
    t2 = time.perf_counter()
    rss = peak_rss_mb()
    clusters = heatkit.cluster_duplicates(pairs, records=table.column("record_id"))
    write_pairs(pairs, out_dir / "default.csv")
    pacsv.write_csv(clusters, out_dir / "clusters.csv")
    if table.num_rows <= 1_000_000:
        # Every candidate pair, for the best-threshold (oracle) figure; not timed.
        write_pairs(heatkit.find_duplicates(table, min_probability=0.0, **options), out_dir / "all.csv")
    figures.update(t_read_s=t1 - t0, t_link_s=t2 - t1, peak_rss_mb=rss, n_pairs=pairs.num_rows,
                   records=table.num_rows, skipped_pairs=summary["skipped_pairs"],
                   twins_held=summary["twins"]["held"])
    (out_dir / "figures.json").write_text(json.dumps(figures))


def truth_of(dataset: str):
    sys.path.insert(0, str(LINKAGE))
    import linkeval as le
    import numpy as np

    if dataset == "historical_50k":
        return le.load_historical(DATA)
    if dataset.startswith("febrl"):
        return le.load_febrl(dataset)
    if dataset == "link_50k_1m":
        ds = le.load_students("link_1050k", DATA)
        ds.link_type = "link_only"
        keep = (ds.truth_l < 1_000_000) != (ds.truth_r < 1_000_000)
        # Pairs across the boundary, oriented (upload, export).
        lo, hi = ds.truth_l[keep], ds.truth_r[keep]
        new_l = lo >= 1_000_000
        ds.truth_l, ds.truth_r = np.where(new_l, lo, hi), np.where(new_l, hi, lo)
        return ds
    if dataset.startswith("clean"):
        return None
    return le.load_students(dataset, DATA)


def run_heatkit(dataset: str) -> dict:
    sys.path.insert(0, str(LINKAGE))
    os.environ["LINKAGE_DATA"] = str(DATA)
    import linkeval as le
    import numpy as np
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, __file__, "--child", dataset, "--out", tmp], check=True)
        figures = json.loads((Path(tmp) / "figures.json").read_text())
        dataset, _, variant = dataset.partition("+")
        tool = "heatkit, expected_twin_share=0" if variant == "notwins" else "heatkit"
        row = dict(tool=tool, dataset=dataset, f1_default=None, f1_best=None, max_recall=None,
                   cluster_f1=None, t_s=figures["t_link_s"], t_read_s=figures["t_read_s"],
                   peak_rss_mb=figures["peak_rss_mb"], note="")
        if dataset.startswith("clean"):
            row["note"] = (f"{figures['n_pairs']} pairs flagged among {figures['records']:,} distinct students "
                           f"({1000 * figures['n_pairs'] / figures['records']:.2f} per 1,000)")
            return row
        if dataset == "shared_postcode":
            ratio = figures["t_link_s"] / figures["t_real_postcodes_s"]
            row["note"] = f"{ratio:.2f}x the {figures['t_real_postcodes_s']:.2f} s with real postcodes"
        if figures.get("skipped_pairs"):
            row["note"] += f" {figures['skipped_pairs']:,} pairs skipped"
        ds = truth_of(dataset)
        default = pd.read_csv(Path(tmp) / "default.csv")
        if dataset == "link_50k_1m":
            # Each upload row's best match: right when it is one of the row's true records in the
            # export; recall over upload rows that have one.
            truth = set(le.pair_key(ds.truth_l, ds.truth_r, ds.link_type).tolist())
            linked = le.pair_key(default.id_l.values, default.id_r.values, ds.link_type)
            right = int(np.isin(linked, list(truth)).sum())
            have = len(set(ds.truth_l.tolist()))
            p, r = right / max(len(default), 1), right / max(have, 1)
            row.update(f1_default=2 * p * r / (p + r) if p + r else 0.0, precision_default=p, recall_default=r)
            row["note"] = (f"{len(default):,} of 50,000 upload rows linked; {p:.4f} of them to the right student, "
                           f"{r:.4f} of the {have:,} with one in the export found")
            return row
        truth = set(le.pair_key(ds.truth_l, ds.truth_r, ds.link_type).tolist())
        found = set(le.pair_key(default.id_l.values, default.id_r.values, ds.link_type).tolist())
        tp = len(found & truth)
        p, r = tp / max(len(found), 1), tp / max(len(truth), 1)
        row["f1_default"] = 2 * p * r / (p + r) if p + r else 0.0
        row["precision_default"], row["recall_default"] = p, r
        if (Path(tmp) / "all.csv").exists():
            everything = pd.read_csv(Path(tmp) / "all.csv")
            best = le.best_threshold_metrics(everything.id_l.values, everything.id_r.values,
                                             everything.score.values, ds)
            row["f1_best"], row["max_recall"] = best["f1"], best["max_recall"]
        if (Path(tmp) / "clusters.csv").exists() and ds.entity is not None:
            c = pd.read_csv(Path(tmp) / "clusters.csv")
            row["cluster_f1"] = le.cluster_metrics(pd.Series(c.cluster_id.values, index=c.record_id.values),
                                                   ds)["cluster_f1"]
    return row


def run_splink_four_fields(dataset: str) -> dict | None:
    proc = subprocess.run([sys.executable, "-c", "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))",
                           sys.executable, str(ROOT / "benches" / "python" / "splink_four_fields.py"), dataset],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  splink (four fields) on {dataset} failed: {proc.stderr.strip().splitlines()[-1:]}",
              file=sys.stderr)
        return None
    rec = json.loads(proc.stdout.strip().splitlines()[-1])
    return dict(tool="splink (same four fields)", dataset=dataset, f1_default=rec["f1_at_0_9"],
                f1_best=rec["f1_best"], max_recall=rec["max_recall"], cluster_f1=None, t_s=rec["t_s"],
                t_read_s=None, peak_rss_mb=rec["peak_rss_mb"], note="")


def run_anchor(tool: str, dataset: str) -> dict | None:
    script = {"splink": "run_splink.py", "recordlinkage": "run_recordlinkage.py"}[tool]
    results = ROOT / "target" / "bench_anchor_results.jsonl"
    env = dict(os.environ, LINKAGE_DATA=str(DATA), LINKAGE_RESULTS=str(results))
    # Launched through a small process: a child's peak RSS on Linux starts from its parent's, and
    # this evaluating process holds large truth sets.
    args = [sys.executable, "-c", "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))",
            sys.executable, str(LINKAGE / script), dataset]
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
            label = f"{tool} ({cfg})" if cfg else tool
            if dataset.startswith("febrl"):
                label += ", every FEBRL column"
            out = dict(tool=label, dataset=dataset, f1_default=None, f1_best=rec.get("f1"),
                       max_recall=rec.get("max_recall"),
                       cluster_f1=rec.get("best_cluster_f1", rec.get("cluster_f1")),
                       t_s=rec.get("t_link_s"), t_read_s=None, peak_rss_mb=rec.get("peak_rss_mb"), note="")
    return out


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=DEFAULT)
    ap.add_argument("--anchors", default="splink,recordlinkage")
    ap.add_argument("--no-anchors-at-1m", action="store_true")
    ap.add_argument("--no-twins", action="store_true",
                    help="also run heatkit with expected_twin_share=0 on FEBRL and historical_50k (data with no twins)")
    ap.add_argument("--child")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.child:
        child(a.child, Path(a.out))
        return
    datasets = [d for d in (DEFAULT + ",students_5m" if a.datasets == "all" else a.datasets).split(",") if d]
    anchors = [t for t in a.anchors.split(",") if t]
    prepare_data(datasets)
    rows = []
    for d in datasets:
        print(f"{d}: heatkit", file=sys.stderr, flush=True)
        rows.append(run_heatkit(d))
        if a.no_twins and d.startswith(("febrl", "historical")):
            print(f"{d}: heatkit told the data hold no twins", file=sys.stderr, flush=True)
            rows.append(run_heatkit(d + "+notwins"))
        if d.startswith("febrl") and "splink" in anchors:
            print(f"{d}: splink (four fields)", file=sys.stderr, flush=True)
            r = run_splink_four_fields(d)
            if r:
                rows.append(r)
        if d.startswith(("clean", "shared_postcode", "link_", "students_5m")):
            continue
        for t in anchors:
            if d == "students_1m" and a.no_anchors_at_1m:
                continue
            print(f"{d}: {t}", file=sys.stderr, flush=True)
            r = run_anchor(t, d)
            if r:
                rows.append(r)
    print("\nF1 at default: threshold 0.9, no labels. Best threshold: chosen with the truth (oracle).")
    print("Cluster F1: heatkit's clusters at its default cluster threshold; anchors' best over their runners' "
          "threshold grid (oracle).")
    print("\n| dataset | tool | F1 at default | F1 at best threshold | cluster F1 | time s | peak RSS MB | note |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = fmt(r["t_s"], ".2f")
        if r["t_read_s"] is not None:
            t += f" (+{r['t_read_s']:.2f} read)"
        print(f"| {r['dataset']} | {r['tool']} | {fmt(r['f1_default'], '.4f')} | {fmt(r['f1_best'], '.4f')} | "
              f"{fmt(r['cluster_f1'], '.4f')} | {t} | {fmt(r['peak_rss_mb'], '.0f')} | {r.get('note', '')} |")
    (ROOT / "target" / "bench_matching.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
