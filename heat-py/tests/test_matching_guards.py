"""Duplicate students on files nobody tuned for (issue 11): the clean-file control (distinct
students with siblings, twins and shared birthdays, in one school and in ten), twins with similar
names, skipped pairs reported, awkward ids, dates and postcodes, and the explanation tables."""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import heatkit

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["record_id", "first_name", "last_name", "dob", "gender", "school_id", "postcode"]


def make_students(tmp_path, records, **options):
    """A file from tools/make_students.py (seeded, so the same file every run)."""
    out = tmp_path / "students"
    args = [sys.executable, str(ROOT / "tools" / "make_students.py"), "--records", str(records), "--out", str(out),
            "--seed", "7"]
    for k, v in options.items():
        args += [f"--{k.replace('_', '-')}"] + ([] if v is True else [str(v)])
    subprocess.run(args, check=True, capture_output=True)
    types = {c: pa.string() for c in COLUMNS}
    table = pacsv.read_csv(f"{out}_records.csv", convert_options=pacsv.ConvertOptions(column_types=types))
    truth = pd.read_csv(f"{out}_truth.csv", dtype={"record_id": str, "household_id": str})
    return table, truth


@pytest.mark.parametrize("schools", [1, 10])
def test_clean_file_control(tmp_path, schools):
    # 3,000 distinct students, 15% with a brother or sister in the file, twins, no duplicates.
    table, truth = make_students(tmp_path, 3000, dup_frac=0, schools=schools, sibling_share=0.15)
    assert table.num_rows == 3000 and truth.entity_id.is_unique
    households = truth.household_id.value_counts()
    assert (households >= 2).sum() >= 150  # the file really has siblings
    dob = pd.Series(table.column("dob").to_pylist())
    assert dob.duplicated().sum() > 300  # and classmates sharing birthdays (as typed)
    pairs, summary = heatkit.find_duplicates(table, summary=True)
    assert len(pairs) <= 3, pairs.to_pandas()[["first_name", "last_name", "dob", "match_probability"]]
    # The run says how it trained and what it did with twins.
    assert summary["records"] == 3000 and summary["model_source"] == "trained"
    assert summary["twins"]["held"] is True
    clusters = heatkit.cluster_duplicates(pairs, records=table.column("record_id"))
    assert clusters.num_rows == 3000
    assert len(set(clusters.column("cluster_id").to_pylist())) >= 2997


def test_duplicates_are_still_found_with_siblings_in_the_file(tmp_path):
    table, truth = make_students(tmp_path, 3000, dup_frac=0.2, schools=10, sibling_share=0.15)
    entity = dict(zip(truth.record_id, truth.entity_id))
    pairs = heatkit.find_duplicates(table)
    ids = zip(pairs.column("id_l").to_pylist(), pairs.column("id_r").to_pylist())
    right = sum(entity[a] == entity[b] for a, b in ids)
    duplicates = len(truth) - truth.entity_id.nunique()
    assert right >= 0.9 * duplicates and right >= 0.98 * pairs.num_rows


def twins_table():
    return {
        "record_id": ["aiden", "ayden", "jack", "jake", "ella", "ellie", "tom", "tommy"],
        "first_name": ["Aiden", "Ayden", "Jack", "Jake", "Ella", "Ellie", "Tom", "Tommy"],
        "last_name": ["Khan", "Khan", "Smith", "Smith", "Jones", "Jones", "Reid", "Reid"],
        "dob": ["2010-03-03"] * 2 + ["2011-04-04"] * 2 + ["2012-05-05"] * 2 + ["2013-06-06"] * 2,
        "gender": ["M", "M", "M", "M", "F", "F", "M", "M"],
        "school_id": ["100001"] * 8,
        "postcode": ["LS1 4AP"] * 8,
    }


def test_twins_with_similar_names_are_reported_not_merged(tmp_path):
    # Four families in a clean file of 2,000 students: three pairs of twins, one boy typed twice.
    table, _ = make_students(tmp_path, 2000, dup_frac=0, schools=5, sibling_share=0.15)
    students = pd.concat([table.to_pandas(), pd.DataFrame(twins_table())], ignore_index=True)
    pairs = heatkit.find_duplicates(students, min_probability=0.0)
    by_pair = {(a, b): (g, p) for a, b, g, p in zip(pairs.id_l, pairs.id_r, pairs.guard, pairs.match_probability)}
    for twin in [("aiden", "ayden"), ("jack", "jake"), ("ella", "ellie")]:
        guard, p = by_pair[twin]
        assert guard == "possible_twin" and p <= 0.5, twin
    # Tom and Tommy are one boy's two names.
    guard, p = by_pair[("tom", "tommy")]
    assert pd.isna(guard) and p >= 0.9
    # The setting lifts the hold: each pair is then scored on its fields alone.
    merged = heatkit.find_duplicates(students, settings={"merge_possible_twins": True}, min_probability=0.0)
    lifted = {(a, b): (g, p) for a, b, g, p in zip(merged.id_l, merged.id_r, merged.guard, merged.match_probability)}
    for twin in [("aiden", "ayden"), ("jack", "jake"), ("ella", "ellie")]:
        assert pd.isna(lifted[twin][0]) and lifted[twin][1] >= by_pair[twin][1], twin
    assert lifted[("aiden", "ayden")][1] >= 0.9


def test_skipped_pairs_warn_and_are_in_the_summary():
    same = {"record_id": list(range(30)), "first_name": ["Amelia"] * 30, "last_name": ["Khan"] * 30,
            "dob": ["2010-01-01"] * 30, "postcode": ["B1 1AB"] * 30}
    with pytest.warns(heatkit.MatchingWarning, match="too many to compare"):
        pairs, summary = heatkit.find_duplicates(same, gender=None, school=None, settings={"max_block_size": 10},
                                                 summary=True)
    assert summary["skipped_records"] == 30 and summary["skipped_pairs"] >= 435
    names = summary["blocking"][0]
    assert (names["rule"], names["skipped_groups"], names["skipped_pairs"]) == ("first_name+last_name", 1, 435)
    # Nothing is skipped with the default cap: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pairs = heatkit.find_duplicates(same, gender=None, school=None)
    assert len(pairs["id_l"]) == 435


def test_duplicate_missing_and_mixed_ids():
    base = {"first_name": ["Ann", "Bo", "Ann"], "last_name": ["Lee"] * 3,
            "dob": ["2010-01-01", "2012-07-08", "2010-01-01"]}
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates({"record_id": [7, 8, 7], **base}, gender=None, school=None, postcode=None)
    assert e.value.code == "duplicate_id" and "row 4" in str(e.value) and "row 2" in str(e.value)
    for missing in ([1, None, 3], [1.0, float("nan"), 3.0]):
        with pytest.raises(heatkit.MatchingError) as e:
            heatkit.find_duplicates(pd.DataFrame({"record_id": missing, **base}), gender=None, school=None,
                                    postcode=None)
        assert e.value.code == "missing_id" and "row 3" in str(e.value)
    # Ids of mixed types are read as text (a spreadsheet column of numbers and codes).
    mixed = pd.DataFrame({"record_id": [1, "S2", 3], **base})
    pairs = heatkit.find_duplicates(mixed, gender=None, school=None, postcode=None)
    assert list(zip(pairs.id_l, pairs.id_r)) == [("1", "3")]
    # 1 and "1" are the same id once read as text.
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates(pd.DataFrame({"record_id": [1, "1", 3], **base}), gender=None, school=None,
                                postcode=None)
    assert e.value.code == "duplicate_id"
    # Linking checks both sides.
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.link_students({"record_id": [1], **{k: v[:1] for k, v in base.items()}},
                              {"record_id": [5, 5, 6], **base}, gender=None, school=None, postcode=None)
    assert e.value.code == "duplicate_id"


def test_all_null_dates_and_junk_postcodes():
    frame = pd.DataFrame({
        "record_id": [1, 2, 3, 4],
        "first_name": ["Ann", "Ann", "Bo", "Bo"],
        "last_name": ["Lee", "Lee", "Hart", "Hart"],
        "dob": [float("nan")] * 4,  # what pandas.read_csv gives for an empty column
        "postcode": ["N/A", "n/a", "2615", "2615"],
    })
    pairs = heatkit.find_duplicates(frame, gender=None, school=None, min_probability=0.0)
    by_pair = {(a, b): (d, pc) for a, b, d, pc in zip(pairs.id_l, pairs.id_r, pairs.dob, pairs.postcode)}
    # Placeholders are missing, never an agreeing value; a non-UK code is compared as text.
    assert by_pair[(1, 2)] == ("missing", "missing")
    assert by_pair[(3, 4)] == ("missing", "unit")


def test_explain_model_parameters_and_summary(tmp_path):
    table, _ = make_students(tmp_path, 1000, schools=3)
    pairs, summary = heatkit.find_duplicates(table.to_pandas(), summary=True)
    assert summary["matches"] == len(pairs) and summary["threshold"] == 0.9
    steps = heatkit.explain(pairs, 0)
    assert [s["step"] for s in steps[:7]] == ["prior", "first_name", "last_name", "dob", "postcode", "school",
                                              "gender"]
    assert steps[0]["weight"] == pytest.approx(summary["prior_weight"])
    assert sum(s["weight"] for s in steps) == pytest.approx(pairs.match_weight[0], abs=1e-3)
    assert heatkit.explain(pairs.iloc[0]) == steps
    with pytest.raises(heatkit.ArgumentError):
        heatkit.explain({"id_l": 1})
    params = pd.DataFrame(heatkit.model_parameters(summary["model"]))
    assert list(params.columns) == ["field", "level", "m", "u", "weight"]
    first = params[params.field == "first_name"].set_index("level")
    assert first.loc["exact", "weight"] > 5 > 0 > first.loc["different", "weight"]
    assert first.loc["missing", "weight"] == 0
    assert (params.field == "prior").sum() == 1
    # The same parameters from a saved model file.
    path = tmp_path / "model.json"
    heatkit.find_duplicates(table, save_model=path)
    assert pd.DataFrame(heatkit.model_parameters(path)).shape == params.shape
    json.loads(summary["model"])
