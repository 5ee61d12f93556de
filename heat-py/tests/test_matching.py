"""Duplicate students from Python: find_duplicates, link_students and cluster_duplicates over every
table kind, against the golden pairs shared with cargo test and the shared 10k file."""

import datetime as dt
import json

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import heatkit

from conftest import read_cases

FIELDS = ["first_name", "last_name", "dob", "postcode", "school", "gender"]

STUDENTS = {
    "record_id": [11, 12, 13, 14, 15],
    "first_name": ["Chioma", "CHIOMA", "Adaeze", "Alfie", "Alfred"],
    "last_name": ["Okafor", "Okafor", "Okafor", "Brown", "Brown"],
    "dob": ["2009-03-04", "04/03/2009", "2009-03-04", "2010-02-07", "2010-07-02"],
    "gender": ["F", "Female", "F", "M", "M"],
    "school_id": ["100001", "100001", "100001", "100002", "100002"],
    "postcode": ["LS1 4AP", "ls14ap", "LS1 4AP", "M14 5RT", "M14 5RT"],
}


def as_kind(data, kind):
    if kind == "dict":
        return dict(data)
    if kind == "pandas":
        return pd.DataFrame(data)
    if kind == "polars":
        return pl.DataFrame(data)
    return pa.table(data)


def column(table, name):
    if isinstance(table, dict):
        return table[name]
    if isinstance(table, pd.DataFrame):
        return table[name].tolist()
    if isinstance(table, pl.DataFrame):
        return table[name].to_list()
    return table.column(name).to_pylist()


@pytest.mark.parametrize("kind", ["dict", "pandas", "polars", "pyarrow"])
def test_find_duplicates_every_kind(kind):
    table = as_kind(STUDENTS, kind)
    pairs = heatkit.find_duplicates(table)
    expected_type = {"dict": dict, "pandas": pd.DataFrame, "polars": pl.DataFrame, "pyarrow": pa.Table}[kind]
    assert isinstance(pairs, expected_type)
    # The formatting-only duplicate and the nickname with swapped day and month; not the twin.
    assert sorted(zip(column(pairs, "id_l"), column(pairs, "id_r"))) == [(11, 12), (14, 15)]
    first = dict(zip(zip(column(pairs, "id_l"), column(pairs, "id_r")), column(pairs, "first_name")))
    assert first == {(11, 12): "exact", (14, 15): "nickname"}
    dob = dict(zip(column(pairs, "id_l"), column(pairs, "dob")))
    assert dob == {11: "exact", 14: "day_month_swap"}
    names = pairs.columns if kind in ("pandas", "polars") else (pairs.schema.names if kind == "pyarrow" else list(pairs))
    assert list(names)[:4] == ["id_l", "id_r", "match_probability", "match_weight"]
    assert set(FIELDS) <= set(names)
    assert {f + "_weight" for f in FIELDS} <= set(names)
    assert all(p >= 0.9 for p in column(pairs, "match_probability"))


def test_ids_keep_their_type_and_row_numbers_without_ids():
    pairs = heatkit.find_duplicates(pd.DataFrame(STUDENTS))
    assert pairs["id_l"].dtype.kind == "i"
    no_ids = {k: v for k, v in STUDENTS.items() if k != "record_id"}
    pairs = heatkit.find_duplicates(no_ids, id=None)
    assert sorted(zip(pairs["id_l"], pairs["id_r"])) == [(0, 1), (3, 4)]


def test_golden_pairs_shared_with_cargo():
    for case in read_cases("pairs.csv", "matching"):
        side = lambda s: {  # noqa: E731
            "first_name": [case[f"first_{s}"]],
            "last_name": [case[f"last_{s}"]],
            "dob": [case[f"dob_{s}"]],
            "gender": [case[f"gender_{s}"]],
            "school_id": [case[f"school_{s}"]],
            "postcode": [case[f"postcode_{s}"]],
        }
        left, right = side("l"), side("r")
        table = {k: left[k] + right[k] for k in left}
        table["record_id"] = ["l", "r"]
        pairs = heatkit.find_duplicates(table, min_probability=0.0)
        levels = [pairs[f][0] for f in FIELDS] if pairs["id_l"] else ["not_compared"] * 6
        assert levels == [case[f] for f in FIELDS], case["case"]
        matched = bool(pairs["id_l"]) and pairs["match_probability"][0] >= 0.9
        assert matched == (case["expect"] == "match"), case["case"]


def test_dates_of_birth_as_dates_and_bad_dates():
    data = dict(STUDENTS)
    data["dob"] = [dt.date(2009, 3, 4), dt.date(2009, 3, 4), dt.date(2009, 3, 4), None, dt.date(2010, 7, 2)]
    for kind in ("pandas", "pyarrow", "dict"):
        pairs = heatkit.find_duplicates(as_kind(data, kind))
        assert (11, 12) in list(zip(column(pairs, "id_l"), column(pairs, "id_r")))
    bad = dict(STUDENTS)
    bad["dob"] = ["2009-03-04", "31/02/2009", "2009-03-04", "2010-02-07", "not a date"]
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.find_duplicates(bad, errors="raise")
    # The second student is spreadsheet row 3 (header row 1); the message never says "compared
    # as missing" when it raises, and never starts with a space.
    assert e.value.row == 3 and e.value.code == "bad_date"
    assert str(e.value).startswith("row 3, dob: not a date") and "1 more rows like it" in str(e.value)
    assert "missing" not in str(e.value)
    with pytest.warns(heatkit.MatchingWarning, match="^2 dates of birth could not be read"):
        pairs = heatkit.find_duplicates(bad)  # errors="null", the default
    # Chioma (dob unreadable) is still found; her twin sister is not merged with her.
    assert sorted(zip(pairs["id_l"], pairs["id_r"])) == [(11, 12), (14, 15)]


def test_missing_columns_and_bad_settings():
    with pytest.raises(heatkit.ArgumentError, match="forename") as a:
        heatkit.find_duplicates(STUDENTS, first_name="forename")
    assert a.value.code == "unknown_value"
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates(STUDENTS, threshold=1.5)
    assert e.value.code == "bad_setting"
    with pytest.raises(heatkit.MatchingError, match="unknown field `twins`") as e:
        heatkit.find_duplicates(STUDENTS, settings={"twins": False})
    assert e.value.code == "bad_setting"
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates(STUDENTS, model='{"version": 1}')
    assert e.value.code == "bad_model"
    with pytest.raises(heatkit.ArgumentError):
        heatkit.find_duplicates([1, 2, 3])
    with pytest.raises(heatkit.ArgumentError, match="errors") as a:
        heatkit.find_duplicates(STUDENTS, errors="ignore")  # type: ignore[arg-type]
    assert a.value.code == "unknown_value"
    # A model that is neither JSON nor a readable file, and one with absurd weights.
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates(STUDENTS, model="not json")
    assert e.value.code == "bad_model"
    model = heatkit.find_duplicates(STUDENTS, save_model=None, min_probability=0.0)  # trains nothing: small file
    del model
    # workers: -1 means every core; 0 or below -1 is out of range.
    assert heatkit.find_duplicates(STUDENTS, workers=-1)["id_l"] == heatkit.find_duplicates(STUDENTS)["id_l"]
    for w in (0, -2, 2**70):
        with pytest.raises(heatkit.ArgumentError):
            heatkit.find_duplicates(STUDENTS, workers=w)


def test_models_with_absurd_weights_are_refused(tmp_path):
    import json as _json

    path = tmp_path / "model.json"
    heatkit.find_duplicates(STUDENTS, save_model=path)
    model = _json.loads(path.read_text())
    model["fields"][0]["levels"][1]["m"] = 1e308
    model["fields"][0]["levels"][1]["u"] = 1e-320
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates(STUDENTS, model=model)
    assert e.value.code == "model_mismatch" and "not a probability" in str(e.value)


def test_settings_twin_guard_off_merges_the_twin():
    pairs = heatkit.find_duplicates(STUDENTS, settings={"twin_guard": False})
    assert (11, 13) in list(zip(pairs["id_l"], pairs["id_r"]))
    guarded = heatkit.find_duplicates(STUDENTS, min_probability=0.0)
    twin = list(zip(guarded["id_l"], guarded["id_r"])).index((11, 13))
    assert guarded["twin_guard"][twin] is True
    assert guarded["match_probability"][twin] < 0.001


def test_empty_and_tiny_tables():
    empty = {k: [] for k in STUDENTS}
    assert heatkit.find_duplicates(empty)["id_l"] == []
    one = {k: v[:1] for k, v in STUDENTS.items()}
    assert heatkit.find_duplicates(pa.table(one)).num_rows == 0


@pytest.fixture(scope="module")
def students_10k(shared_dir):
    folder = shared_dir / "data" / "students"
    types = {c: pa.string() for c in ["record_id", "first_name", "last_name", "dob", "gender", "school_id", "postcode"]}
    table = pacsv.read_csv(folder / "students_10k_records.csv", convert_options=pacsv.ConvertOptions(column_types=types))
    truth = pd.read_csv(folder / "students_10k_truth_pairs.csv")
    entities = pd.read_csv(folder / "students_10k_truth.csv", dtype={"record_id": str})
    pairs = {(str(min(a, b)), str(max(a, b))) for a, b in zip(truth.record_id_l, truth.record_id_r)}
    return table, pairs, entities


def f1(found, truth):
    tp = len(found & truth)
    p, r = tp / max(len(found), 1), tp / len(truth)
    return 2 * p * r / (p + r)


def key(a, b):
    return (a, b) if int(a) < int(b) else (b, a)


def test_shared_10k_f1_model_reuse_and_progress(students_10k, tmp_path):
    table, truth, _ = students_10k
    stages = []
    model_path = tmp_path / "model.json"
    pairs = heatkit.find_duplicates(
        table, save_model=model_path, progress=lambda stage, items: stages.append(stage), workers=2
    )
    found = {key(a, b) for a, b in zip(pairs.column("id_l").to_pylist(), pairs.column("id_r").to_pylist())}
    assert f1(found, truth) >= 0.96
    assert stages[0] == "preparing" and stages[-1] == "done" and "training_em" in stages
    model = json.loads(model_path.read_text())
    assert model["trained_records"] == 10_000 and len(model["fields"]) == 6
    # Reuse: no training stages, the same pairs.
    stages.clear()
    again = heatkit.find_duplicates(table, model=model_path, progress=lambda s, n: stages.append(s), workers=1)
    assert "training_em" not in stages
    assert again.column("id_l").to_pylist() == pairs.column("id_l").to_pylist()
    assert again.column("match_weight").to_pylist() == pytest.approx(pairs.column("match_weight").to_pylist())
    everything = heatkit.find_duplicates(table, model=model, min_probability=0.0)
    assert everything.num_rows > 10_000


def test_progress_errors_propagate(students_10k):
    table, _, _ = students_10k

    def boom(stage, items):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        heatkit.find_duplicates(table, progress=boom)


class _Stream:
    """An Arrow stream that is neither a DataFrame nor a Table (as DuckDB and others hand out)."""

    def __init__(self, table):
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


def test_table_functions_take_arrow_streams_and_lazy_frames():
    expected = heatkit.find_duplicates(STUDENTS, school="school_id")
    table = pa.table(STUDENTS)
    for given in (table.to_reader(max_chunksize=2), _Stream(table)):
        pairs = heatkit.find_duplicates(given, school="school_id")
        assert isinstance(pairs, pa.Table)
        assert (pairs["id_l"].to_pylist(), pairs["id_r"].to_pylist()) == (expected["id_l"], expected["id_r"])
    lazy = pl.DataFrame(STUDENTS).lazy()
    pairs = heatkit.find_duplicates(lazy, school="school_id")
    assert isinstance(pairs, pl.DataFrame) and pairs["id_l"].to_list() == expected["id_l"]
    link = heatkit.link_students(pl.DataFrame(STUDENTS).head(1).lazy(), table.to_reader(), school="school_id")
    assert link["id_r"].to_list() == [11]
    clusters = heatkit.cluster_duplicates(pa.table({k: expected[k] for k in ("id_l", "id_r", "match_probability")}).to_reader())
    assert clusters.num_rows == 4
    status = heatkit.student_tracking_status(pa.table({"first_name": ["Amy"]}).to_reader())
    assert status.num_rows == 1 and status["complete"].to_pylist() == [False]


def test_progress_true_shows_a_tqdm_bar_or_stage_lines(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    pairs = heatkit.find_duplicates(STUDENTS, school="school_id", progress=True)
    assert (pairs["id_l"], pairs["id_r"]) == ([11, 14], [12, 15])
    bar = capsys.readouterr().err
    # One bar, filled to the end (5 of 5 stages), named after the function, counts only.
    assert "find_duplicates" in bar and "5/5" in bar and "Chioma" not in bar
    link = heatkit.link_students({k: v[:1] for k, v in STUDENTS.items()}, STUDENTS, school="school_id", progress=True)
    assert link["id_r"] == [11]
    assert "link_students" in capsys.readouterr().err
    # Without tqdm: one line per stage on stderr instead of a failure.
    monkeypatch.setitem(__import__("sys").modules, "tqdm.auto", None)
    heatkit.find_duplicates(STUDENTS, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "heatkit: find_duplicates: preparing (5)" and lines[-1].startswith("heatkit: find_duplicates: done")
    assert heatkit.find_duplicates(STUDENTS, school="school_id", progress=False)["id_l"] == [11, 14]
    with pytest.raises(heatkit.ArgumentError, match="progress"):
        heatkit.find_duplicates(STUDENTS, progress="yes")


def test_link_students_and_clusters(students_10k, tmp_path):
    table, truth, entities = students_10k
    df = table.to_pandas()
    original = df.record_id.isin(entities.record_id[entities.is_original == 1])
    existing, new = df[original], df[~original]
    entity = dict(zip(entities.record_id, entities.entity_id))
    best = heatkit.link_students(new, existing, save_model=tmp_path / "link.json")
    assert isinstance(best, pd.DataFrame)
    assert best.id_l.is_unique
    right = sum(entity[a] == entity[b] for a, b in zip(best.id_l, best.id_r))
    assert right / len(best) >= 0.98 and right / len(new) >= 0.93
    # Incremental: the saved model places new rows into existing clusters without retraining.
    existing = existing.assign(entity=[entity[r] for r in existing.record_id])
    stages = []
    placed = heatkit.link_students(new, existing, existing_cluster="entity", model=tmp_path / "link.json",
                                   progress=lambda stage, n: stages.append(stage))
    assert "training_em" not in stages
    assert sum(entity[a] == c for a, c in zip(placed.id_l, placed.cluster_id)) / len(new) >= 0.93
    allpairs = heatkit.link_students(new, existing, best_only=False, min_probability=0.5)
    assert len(allpairs) >= len(best)

    pairs = heatkit.find_duplicates(df)
    clusters = heatkit.cluster_duplicates(pairs, threshold=0.9, records=df.record_id.tolist())
    assert isinstance(clusters, pd.DataFrame)
    assert len(clusters) == len(df) and clusters.record_id.is_unique
    same = {}
    for r, c in zip(clusters.record_id, clusters.cluster_id):
        same.setdefault(c, []).append(r)
    found = {key(a, b) for members in same.values() for i, a in enumerate(members) for b in members[i + 1 :]}
    assert f1(found, truth) >= 0.95


@pytest.mark.parametrize("kind", ["dict", "pandas", "polars", "pyarrow"])
def test_cluster_duplicates_kinds_and_guard(kind):
    pairs = as_kind({"id_l": ["a", "b", "c"], "id_r": ["b", "c", "d"], "match_probability": [0.99, 0.98, 0.97]}, kind)
    out = heatkit.cluster_duplicates(pairs, threshold=0.9, max_cluster_size=3, records=["a", "b", "c", "d", "e"])
    assert column(out, "record_id") == ["a", "b", "c", "d", "e"]
    # The weakest link would make a cluster of four: refused.
    assert column(out, "cluster_id") == [0, 0, 0, 1, 2]
    with pytest.raises(heatkit.MatchingError):
        heatkit.cluster_duplicates(pairs, threshold=-0.1)
    with pytest.raises(heatkit.ArgumentError):
        heatkit.cluster_duplicates(as_kind({"id_l": [], "id_r": []}, "dict"), threshold=0.5)


def test_cluster_records_from_any_column():
    import numpy as np

    pairs = {"id_l": [1, 3], "id_r": [2, 4], "match_probability": [0.99, 0.99]}
    ids = [1, 2, 3, 4, 5]
    expected = heatkit.cluster_duplicates(pairs, records=ids)
    assert expected == {"record_id": ids, "cluster_id": [0, 0, 1, 1, 2]}
    for column in (pa.array(ids), pa.chunked_array([ids[:2], ids[2:]]), pd.Series(ids), pl.Series(ids),
                   np.array(ids), tuple(ids)):
        assert heatkit.cluster_duplicates(pairs, records=column) == expected, type(column)


def test_pairs_scored_in_parts_equal_one_run(students_10k):
    """match_context / score_pairs / finish_pairs: the 10k file's candidate pairs scored in
    chunks, each chunk with only its own records, then finished together, equal find_duplicates
    exactly; the context survives pickling (a Spark broadcast) and JSON."""
    import pickle

    table, _, _ = students_10k
    one = heatkit.find_duplicates(table)
    every = heatkit.find_duplicates(table, min_probability=0.0, id=None)
    rows = list(zip(every["id_l"].to_pylist(), every["id_r"].to_pylist()))
    context = pickle.loads(pickle.dumps(heatkit.match_context(table)))
    context = heatkit.MatchContext.from_json(context.to_json())
    assert context.records == 10_000
    parts = []
    for start in range(0, len(rows), 5_000):
        chunk = rows[start:start + 5_000]
        wanted = sorted({r for pair in chunk for r in pair})
        at = {r: i for i, r in enumerate(wanted)}
        local = table.take(pa.array(wanted))
        scored = heatkit.score_pairs(local, ([at[a] for a, _ in chunk], [at[b] for _, b in chunk]), context)
        back = pa.array(wanted, pa.int64())
        scored = scored.set_column(0, "row_l", back.take(scored["row_l"].combine_chunks()))
        scored = scored.set_column(1, "row_r", back.take(scored["row_r"].combine_chunks()))
        parts.append(scored)
    assert len(parts) > 3
    together = heatkit.finish_pairs(parts, context, ids=table["record_id"])
    assert together.num_rows == one.num_rows > 100
    for name in one.column_names:
        assert together[name].to_pylist() == one[name].to_pylist(), name


def test_score_pairs_refuses_a_pair_outside_the_table():
    context = heatkit.match_context(STUDENTS)
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.score_pairs(STUDENTS, ([0, 1], [1, 99]), context)
    assert e.value.code == "bad_pair"
    assert str(e.value).startswith("pair 1 (1, 99): each side must be a different record")
    with pytest.raises(heatkit.ArgumentError):
        heatkit.score_pairs(STUDENTS, {"left": [0]}, context)
    with pytest.raises(heatkit.ArgumentError):
        heatkit.MatchContext.from_json("{}")
    assert heatkit.finish_pairs([], context).num_rows == 0
