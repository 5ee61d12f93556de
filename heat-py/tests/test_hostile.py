"""Python as sturdy as the core: hostile files through the command (one line with a code, exit
1), unencodable text as one bad value, every public function pickled by reference (so
multiprocessing with the spawn start method, concurrent.futures and joblib can send it), and
the Limits table kept in the docs site, where the README points."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

import heatkit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches" / "python"))
import hostile_files  # noqa: E402

PUBLIC_FUNCTIONS = sorted(
    name for name in heatkit.__all__ if callable(getattr(heatkit, name)) and not isinstance(getattr(heatkit, name), type)
)


def test_every_public_function_pickles_by_reference():
    assert len(PUBLIC_FUNCTIONS) > 40
    for name in PUBLIC_FUNCTIONS:
        fn = getattr(heatkit, name)
        assert pickle.loads(pickle.dumps(fn)) is fn, name


def test_a_spawned_pool_maps_public_functions():
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(2) as pool:
        assert pool.map(heatkit.normalise_postcode, ["sw1a1aa", "ls14ap"]) == ["SW1A 1AA", "LS1 4AP"]
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=spawn) as ex:
        assert list(ex.map(heatkit.fix_postcode, ["SWIA IAA", "CRO 2YR"])) == ["SW1A 1AA", "CR0 2YR"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    return {p.name: p for p in hostile_files.make(out, big=False)}


# What each hostile file becomes through `heatkit clean`: an error code (exit 1), or rows.
EXPECTED = {
    "cell_row_out_of_grid.xlsx": "cell_out_of_grid",
    "cell_column_out_of_grid.xlsx": "cell_out_of_grid",
    "one_huge_shared_string.xlsx": "oversized_text",
    "billion_laughs.xlsx": "workbook_dtd",
    "zip_bomb.xlsx": "oversized_text",
    "ods_repeated_rows_and_columns.ods": "workbook_too_large",
    "csv_million_column_header.csv": "too_many_columns",
    "cell_far_corner.xlsx": "1 rows in = 1 ok",
    "rows_out_of_order_far.xlsx": "1 rows in = 1 ok",
    "dimension_claims_whole_grid.xlsx": "1 rows in = 1 ok",
    "csv_one_huge_field.csv": "2 rows in = 1 ok + 0 fixed + 0 needs attention + 1 rejected",
    "csv_nul_bytes.csv": "5001 rows in = 5000 ok + 0 fixed + 0 needs attention + 1 rejected",
    "csv_unclosed_quote.csv": "1 rows in = 0 ok + 0 fixed + 0 needs attention + 1 rejected",
}


def test_the_command_refuses_xls_sheets_that_span_more_than_they_hold(tmp_path):
    saved = ROOT / "fuzz" / "regressions" / "workbook_import"
    for name, code in [("hostile-xls-far-corner.xls", "workbook_too_large"),
                       ("hostile-xls-column-out-of-grid.xls", "cell_out_of_grid")]:
        done = subprocess.run([sys.executable, "-m", "heatkit", "clean", str(saved / name), "--out", str(tmp_path)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and done.stderr.strip().endswith(f"[{code}]"), done.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_command_ends_each_hostile_file_with_rows_or_one_coded_line(name, hostile, tmp_path):
    assert set(EXPECTED) == set(hostile)
    done = subprocess.run(
        [sys.executable, "-m", "heatkit", "clean", str(hostile[name]), "--out", str(tmp_path / "out"), "--on", "2026-12-01"],
        capture_output=True, text=True, timeout=120,
    )
    want = EXPECTED[name]
    if re.fullmatch(r"[a-z_]+", want):
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("heatkit: error: ") and lines[0].endswith(f"[{want}]"), done.stderr
        assert "Traceback" not in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert want in done.stdout + done.stderr


def test_a_lone_surrogate_is_one_bad_value_not_a_failure():
    pd = pytest.importorskip("pandas")
    # (pandas' own Arrow-backed text cannot hold one: the column is of objects, as a file read
    # with errors="surrogateescape" gives.)
    column = pd.Series(["sw1a1aa", "\udc80", None], dtype=object)
    assert list(heatkit.normalise_postcodes(column)) == ["SW1A 1AA", None, None]
    out, issues = heatkit.normalise_postcodes(["ls14ap", "\udc80"], errors="report")
    assert out == ["LS1 4AP", None] and [i.row for i in issues] == [3]
    table = pd.DataFrame({
        "first_name": ["Ann", "B\udc80n"], "last_name": ["Lee", "Ray"],
        "dob": ["2011-01-02", "2011-03-04"], "postcode": ["M1 1AE", "M1 1AE"],
    }, dtype=object)
    pairs = heatkit.find_duplicates(table, id=None, gender=None, school=None)
    assert len(pairs) == 0
    with pytest.raises(heatkit.HeatError):
        heatkit.normalise_postcode("\udc80")


def test_the_limits_table_is_in_the_docs_and_the_readme_points_to_it():
    def table(text: str) -> list:
        section = text.split("Limits\n", 1)[1].split("\n#", 1)[0]
        return [line for line in section.splitlines() if line.startswith("|")]

    docs = table((ROOT / "docs" / "limits.md").read_text(encoding="utf-8"))
    assert len(docs) > 10
    assert "[docs/limits.md](docs/limits.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
