#!/usr/bin/env bash
# Digests of the main job's outputs, for "no behaviour change" refactors: runs the Rust main job
# (examples/clean_students.rs) on the bundled data and on ../shared's 100k students, then prints
# an md5 for every output file, and for an .xlsx one per sheet and per shared-string table (the
# workbook's own metadata holds the time it was written). Compare two commits:
#
#   bash scripts/main-job-digests.sh > before.txt; git checkout OTHER; bash scripts/main-job-digests.sh > after.txt
#   diff before.txt after.txt
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example clean_students -q
job=target/release/examples/clean_students
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$job" --out-dir "$tmp/bundled" --on 2026-11-23 > "$tmp/bundled.txt"
big=../shared/data/students/students_100k_records.csv
[ -f "$big" ] && "$job" "$big" --out-dir "$tmp/100k" --on 2026-11-23 > "$tmp/100k.txt"
python3 - "$tmp" <<'PY'
import hashlib, os, re, sys, zipfile
root = sys.argv[1]
def md5(b): return hashlib.md5(b).hexdigest()
for dirpath, _, files in sorted(os.walk(root)):
    for name in sorted(files):
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        data = open(path, "rb").read()
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(path) as z:
                for part in sorted(z.namelist()):
                    if part.startswith("xl/worksheets/") or part == "xl/sharedStrings.xml":
                        print(md5(z.read(part)), f"{rel}:{part}")
        else:
            # The summary names the temporary folder it wrote to.
            print(md5(data.replace(root.encode(), b"OUT")), rel)
PY
