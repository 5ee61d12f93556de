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
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.ui.showConsoleProgress", "false").getOrCreate())
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


def _shared_students(shared_dir, name):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = shared_dir / "data" / "students" / f"{name}_records.csv"
    types = {c: pa.string() for c in ["record_id", "first_name", "last_name", "dob", "gender", "school_id", "postcode"]}
    return path, pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))


def _same_run(spark_pairs, one):
    """The same pairs (by id), probabilities within 1e-9, and the same levels and guards."""
    out = spark_pairs.toArrow()
    assert out.num_rows == one.num_rows
    key = lambda t, i: (t["id_l"][i].as_py(), t["id_r"][i].as_py())  # noqa: E731
    theirs = {key(out, i): i for i in range(out.num_rows)}
    assert set(theirs) == {key(one, i) for i in range(one.num_rows)}
    for i in range(one.num_rows):
        j = theirs[key(one, i)]
        assert abs(out["match_probability"][j].as_py() - one["match_probability"][i].as_py()) <= 1e-9
        for name in ("first_name", "last_name", "dob", "postcode", "school", "gender", "guard"):
            assert out[name][j].as_py() == one[name][i].as_py(), name


def test_distributed_dedupe_equals_one_machine_on_the_shared_100k_file(spark, shared_dir):
    path, table = _shared_students(shared_dir, "students_100k")
    one = heatkit.find_duplicates(table)
    df = spark.read.csv(str(path), header=True)
    _same_run(hks.find_duplicates(df), one)


def test_distributed_dedupe_splits_oversized_groups_as_one_run(spark, shared_dir):
    """A small group cap: Spark splits and skips the same groups one run does."""
    import warnings

    _, table = _shared_students(shared_dir, "students_10k")
    table = table.slice(0, 3_000)
    settings = {"max_block_size": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", heatkit.MatchingWarning)  # pairs skipped: the point here
        one, run = heatkit.find_duplicates(table, settings=settings, min_probability=0.2, summary=True)
        assert any(r["split_groups"] for r in run["blocking"]) and run["skipped_pairs"] > 0
        df = spark.createDataFrame(table).repartition(3)
        df = df.orderBy("record_id")  # a shuffled DataFrame: Spark's row order is the one compared
        at = {v: i for i, v in enumerate(table["record_id"].to_pylist())}
        order = [at[r.record_id] for r in df.select("record_id").collect()]
        one = heatkit.find_duplicates(table.take(order), settings=settings, min_probability=0.2)
        _same_run(hks.find_duplicates(df, settings=settings, min_probability=0.2), one)


def test_clusters_are_the_connected_components(spark, shared_dir):
    """Connected components on Spark equal one machine's clusters with no size cap."""
    import pyarrow as pa

    _, table = _shared_students(shared_dir, "students_10k")
    one = heatkit.find_duplicates(table, min_probability=0.5)
    chain = pa.table({"id_l": ["x1", "x2", "x3", "y1"], "id_r": ["x2", "x3", "x4", "y2"],
                      "match_probability": [0.99, 0.97, 0.96, 0.5]})
    for pairs in (one.select(["id_l", "id_r", "match_probability"]), chain):
        got = hks.clusters(spark.createDataFrame(pairs), threshold=0.95).toArrow()
        theirs = heatkit.cluster_duplicates(pairs, threshold=0.95, max_cluster_size=10**9)
        joined = pairs.filter(pa.compute.greater_equal(pairs["match_probability"], 0.95))
        in_links = set(joined["id_l"].to_pylist()) | set(joined["id_r"].to_pylist())

        def groups(ids, labels):
            found = {}
            for i, label in zip(ids, labels):
                if i in in_links:
                    found.setdefault(label, set()).add(i)
            return sorted(sorted(g) for g in found.values())

        assert groups(got["record_id"].to_pylist(), got["cluster"].to_pylist()) == groups(
            theirs["record_id"].to_pylist(), theirs["cluster_id"].to_pylist())
        assert set(got["record_id"].to_pylist()) == in_links
    assert sorted(zip(got["record_id"].to_pylist(), got["cluster"].to_pylist())) == [
        ("x1", "x1"), ("x2", "x1"), ("x3", "x1"), ("x4", "x1")]


def test_distributed_dedupe_of_an_empty_frame_and_a_repeated_id(spark):
    schema = "record_id string, first_name string, last_name string, dob string, gender string, school_id string, postcode string"
    empty = spark.createDataFrame([], schema)
    assert hks.find_duplicates(empty).count() == 0
    assert hks.clusters(hks.find_duplicates(empty)).count() == 0
    two = spark.createDataFrame([("1", "Ann", "Lee", "2010-01-02", "F", "100001", "LS1 4AP"),
                                 ("1", "Bo", "Lee", None, None, None, None)], schema)
    with pytest.raises(heatkit.MatchingError) as e:
        hks.find_duplicates(two)
    assert str(e.value) == "row 3: the record id is the same as row 2's (every record needs its own id)"


def test_inside_a_spark_task_heatkit_uses_one_thread(spark):
    """A Spark task already has its core: heatkit's default there is one thread, not every core."""
    from heatkit._workers import resolve, worker_framework

    def probe(rows):
        import pandas as pd

        for _ in rows:
            yield pd.DataFrame({"framework": [worker_framework()], "workers": [resolve(None)]})

    got = spark.range(1).mapInPandas(probe, "framework string, workers long").collect()
    assert [(r.framework, r.workers) for r in got] == [("spark", 1)]
    assert (worker_framework(), resolve(None)) == (None, None)  # the driver
