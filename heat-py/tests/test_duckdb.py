"""heatkit.duckdb.register: heatkit's rules as vectorised DuckDB SQL functions, NULL in NULL out,
the same answers as the Python functions, on 10M rows."""

import datetime as dt

import pyarrow as pa
import pytest

import heatkit

duckdb = pytest.importorskip("duckdb")
import heatkit.duckdb  # noqa: E402


@pytest.fixture()
def con():
    c = duckdb.connect()
    yield c
    c.close()


def test_postcode_and_cohort_functions_null_in_null_out(con):
    names = heatkit.duckdb.register(con)
    assert names == ["heatkit_normalise_postcode", "heatkit_fix_postcode", "heatkit_is_valid_postcode",
                     "heatkit_postcode_district", "heatkit_year_group"]
    rows = con.sql("""
        SELECT heatkit_normalise_postcode(x), heatkit_fix_postcode(x), heatkit_is_valid_postcode(x),
               heatkit_postcode_district(x)
        FROM (VALUES (1, 'sw1a1aa'), (2, NULL), (3, 'CRO 2YR'), (4, ''), (5, 'Zoë'), (6, 'BFPO 105')) t(i, x)
        ORDER BY i""").fetchall()
    assert rows == [
        ("SW1A 1AA", "SW1A 1AA", True, "SW1A"),
        (None, None, None, None),
        (None, "CR0 2YR", False, None),
        (None, None, False, None),
        (None, None, False, None),
        (None, None, False, None),
    ]
    # 31 August and 1 September births, 29 February, NULL dates and years, two years in one batch.
    rows = con.sql("""
        SELECT heatkit_year_group(d, y) FROM (VALUES
            (1, DATE '2010-08-31', '2024/25'), (2, DATE '2010-09-01', '2024/25'), (3, DATE '2012-02-29', '2024/25'),
            (4, NULL, '2024/25'), (5, DATE '2010-08-31', NULL), (6, DATE '2010-08-31', '2025/26'),
            (7, DATE '2010-08-31', 'not a year')) t(i, d, y)
        ORDER BY i""").fetchall()
    assert [r[0] for r in rows] == ["Year 10", "Year 9", "Year 8", None, None, "Year 11", None]
    assert rows[0][0] == heatkit.year_group(dt.date(2010, 8, 31), academic_year="2024/25")


def test_area_functions_and_prefix(con, tmp_path):
    index = heatkit.AreaIndex.build([heatkit._areas._example_lookup()])
    path = tmp_path / "areas.idx"
    index.save(str(path))
    names = heatkit.duckdb.register(con, areas=path, prefix="hk_")
    assert "hk_lsoa11" in names and "hk_imd_decile" in names and "hk_area_status" in names
    rows = con.sql("""
        SELECT hk_area_status(x), hk_lsoa11(x), hk_lad(x), hk_imd_decile(x)
        FROM (VALUES (1, 'ls14ap'), (2, 'LS1 9ZZ'), (3, 'nope'), (4, NULL)) t(i, x) ORDER BY i""").fetchall()
    assert rows == [("live", "E01033010", "E08000035", None), ("terminated", "E01033010", "E08000035", None),
                    ("invalid", None, None, None), (None, None, None, None)]


def test_ten_million_rows_equal_the_python_function(con):
    heatkit.duckdb.register(con)
    values = ["sw1a1aa", "LS1 4AP", None, "nope", "cro2yr", "EH9 1SF", "bt1 1aa"]
    expected = heatkit.normalise_postcodes(values)
    con.execute("CREATE TABLE v AS SELECT i, list_extract(?, (i % 7)::INTEGER + 1) AS x FROM range(10000000) r(i)", [values])
    got = con.sql("""
        SELECT i % 7 AS k, count(*), count(heatkit_normalise_postcode(x)), min(heatkit_normalise_postcode(x))
        FROM v GROUP BY k ORDER BY k""").fetchall()
    n = [10_000_000 // 7 + (1 if k < 10_000_000 % 7 else 0) for k in range(7)]
    assert got == [(k, n[k], n[k] if expected[k] else 0, expected[k]) for k in range(7)]
