"""Smoke test of an installed heatkit wheel, run by scripts/test-all.sh in fresh venvs on the
oldest and newest supported Pythons (3.9 and 3.13): the compiled module imports, each family of
functions gives the documented answer, and the console script cleans the bundled example upload.

Usage: python scripts/smoke-wheel.py REPO_ROOT OUT_DIR
"""

import datetime
import subprocess
import sys
from pathlib import Path

import pyarrow as pa

import heatkit

root, out = Path(sys.argv[1]), Path(sys.argv[2])
assert "site-packages" in heatkit.__file__, heatkit.__file__  # the wheel, not the checkout

# Postcodes, cohorts (31 Aug / 1 Sep), matching, areas, errors.
assert heatkit.normalise_postcode("sw1a1aa") == "SW1A 1AA"
assert heatkit.normalise_postcodes(pa.array(["ls14ap", None])).to_pylist() == ["LS1 4AP", None]
assert heatkit.year_group(datetime.date(2010, 8, 31), academic_year="2024/25") == "Year 10"
assert heatkit.year_group(datetime.date(2010, 9, 1), academic_year="2024/25") == "Year 9"
students = {
    "record_id": [1, 2, 3],
    "first_name": ["Chioma", "CHIOMA", "Adaeze"],
    "last_name": ["Okafor", "Okafor", "Okafor"],
    "dob": ["2009-03-04", "04/03/2009", "2009-03-04"],
    "gender": ["F", "F", "F"],
    "school_id": ["100001"] * 3,
    "postcode": ["LS1 4AP"] * 3,
}
pairs = heatkit.find_duplicates(students)
assert (pairs["id_l"], pairs["id_r"]) == ([1], [2]), pairs
index = heatkit.AreaIndex.build([heatkit._areas._example_lookup()])
rows = heatkit.enrich_postcodes(["ls14ap", "nope"], index)
assert [(r["postcode"], r["status"], r["lsoa11"]) for r in rows] == [
    ("LS1 4AP", "live", "E01033010"), (None, "invalid", None)]
try:
    heatkit.normalise_postcode("SW1A 1AC")
    raise AssertionError("no error")
except heatkit.InvalidPostcodeError as e:
    assert e.code == "bad_letter_position", e.code

# The console script on the bundled upload.
command = [str(Path(sys.executable).parent / "heatkit"), "-q", "clean", str(root / "examples" / "data" / "students.csv"),
           "--out", str(out), "--format", "csv", "--academic-year", "2026/27"]
done = subprocess.run(command, capture_output=True, text=True)
assert done.returncode in (0, 1), (done.returncode, done.stderr)
assert (out / "students_cleaned.csv").exists(), sorted(p.name for p in out.iterdir())
print(f"wheel smoke test passed on Python {sys.version.split()[0]} (pyarrow {pa.__version__})")
