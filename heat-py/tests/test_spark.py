"""heatkit.spark: the column functions as Spark expressions in local mode (Java 17), the same
answers as the Python functions, NULL in NULL out."""

import os
import shutil
import sys

import pytest

import heatkit

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)
import heatkit.spark as hks  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # executors run this Python, with heatkit
    session = (SparkSession.builder.master("local[2]").appName("heatkit-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


VALUES = ["sw1a1aa", None, "nope", "CRO 2YR", "", "EH9 1SF", "Zoë", "bt1 1aa"]


def test_postcode_functions_equal_the_python_ones(spark):
    rows = [(i, VALUES[i % len(VALUES)]) for i in range(20_000)]
    df = spark.createDataFrame(rows, "i long, postcode string").repartition(4)
    out = df.select("i", hks.normalise_postcode("postcode").alias("n"), hks.fix_postcode("postcode").alias("f"),
                    hks.is_valid_postcode(df.postcode).alias("v")).orderBy("i").collect()
    values = [v for _, v in rows]
    assert [r.n for r in out] == heatkit.normalise_postcodes(values)
    assert [r.f for r in out] == heatkit.normalise_postcodes(values, fix=True)
    assert [r.v for r in out][:8] == [True, None, False, False, False, True, False, True]


def test_year_groups_from_dates_and_text(spark):
    import datetime as dt

    df = spark.createDataFrame(
        [(1, dt.date(2010, 8, 31), "31/08/2010"), (2, dt.date(2010, 9, 1), "2010-09-01"),
         (3, dt.date(2012, 2, 29), "29/02/2012"), (4, None, "31/02/2013")], "i int, d date, t string")
    out = df.select("i", hks.year_group("d", academic_year="2024/25").alias("a"),
                    hks.year_group("t", academic_year="2024/25").alias("b")).orderBy("i").collect()
    assert [(r.a, r.b) for r in out] == [("Year 10", "Year 10"), ("Year 9", "Year 9"), ("Year 8", "Year 8"),
                                         (None, None)]


def test_area_measures_as_a_struct(spark, tmp_path):
    index = heatkit.AreaIndex.build([heatkit._areas._example_lookup()])
    path = tmp_path / "areas.idx"
    index.save(str(path))
    df = spark.createDataFrame([(1, "ls14ap"), (2, "LS1 9ZZ"), (3, "nope"), (4, None)], "i int, postcode string")
    out = df.select("i", hks.area_measures("postcode", path).alias("a")).orderBy("i").collect()
    got = [None if r.a is None else (r.a.status, r.a.lsoa11, r.a.lad, r.a.imd_decile) for r in out]
    assert got == [("live", "E01033010", "E08000035", None), ("terminated", "E01033010", "E08000035", None),
                   ("invalid", None, None, None), None]


def test_errors_raise_names_the_dataframe_row_by_its_id(spark):
    rows = [(f"S{i:04d}", "nope" if i == 1234 else "sw1a1aa", "31/02/2011" if i == 7 else "2011-01-02")
            for i in range(3000)]
    df = spark.createDataFrame(rows, "ref string, postcode string, dob string").repartition(3)
    with pytest.raises(Exception) as info:
        df.select(hks.normalise_postcode("postcode", errors="raise", row_id="ref")).collect()
    assert ("row_id 'S1234': postcode is too short: 4 letters and digits, a full postcode has 5 to 7"
            in str(info.value))
    with pytest.raises(Exception) as info:
        df.select(hks.year_group("dob", academic_year="2025/26", errors="raise", row_id=df.ref)).collect()
    assert "row_id 'S0007': " in str(info.value)
    # Rows that are all good go through the raising path with the same answers.
    good = df.where(df.ref != "S1234").select(hks.fix_postcode("postcode", errors="raise", row_id="ref").alias("n"))
    assert {r.n for r in good.collect()} == {"SW1A 1AA"}
    # Raising needs the id (an executor's place in its batch names nothing); errors is checked.
    with pytest.raises(heatkit.ArgumentError) as missing:
        hks.normalise_postcode("postcode", errors="raise")
    assert missing.value.code == "missing_argument"
    with pytest.raises(heatkit.ArgumentError):
        hks.year_group("dob", errors="report", row_id="ref")
