"""One error family: every failure caused by the caller's data or arguments is a HeatError with a
code; errors and results pickle; rows are numbered as a spreadsheet shows them; the same value
reads the same way through every function."""

import datetime as dt
import multiprocessing
import pickle

import pytest

import heatkit

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")


def _normalise_in_worker(value):
    return heatkit.normalise_postcode(value)


def test_errors_and_results_pickle_and_cross_a_process_pool():
    with pytest.raises(heatkit.InvalidPostcodeError) as e:
        heatkit.normalise_postcode("SW1A 1AC")
    again = pickle.loads(pickle.dumps(e.value))
    assert (type(again), again.code, again.detail, str(again)) == (
        heatkit.InvalidPostcodeError, "bad_letter_position", "inward_letter_cikmov", str(e.value))
    for obj in (heatkit.parse_postcode("EC1A 1BB"), heatkit.check_postcode("CRO 2YR"),
                heatkit.track_cohort("2008-08-31")):
        back = pickle.loads(pickle.dumps(obj))
        assert repr(back) == repr(obj)
    assert pickle.loads(pickle.dumps(heatkit.parse_postcode("EC1A 1BB"))) == heatkit.parse_postcode("EC1A 1BB")
    check = pickle.loads(pickle.dumps(heatkit.check_postcode("CRO 2YR")))
    assert (check.postcode, check.status, check.code, check.edits) == (
        "CR0 2YR", "fixed", "bad_format", [("look_alike", 2, "O", "0")])
    # A heatkit error inside a worker reaches the parent (it used to hang the pool).
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert pool.map(_normalise_in_worker, ["sw1a1aa", "ec1a1bb"]) == ["SW1A 1AA", "EC1A 1BB"]
        with pytest.raises(heatkit.InvalidPostcodeError) as e:
            pool.map(_normalise_in_worker, ["sw1a1aa", "SW1A 1AC"])
        assert e.value.code == "bad_letter_position"


def test_arguments_and_values_that_used_to_escape_as_other_exceptions():
    # A pandas column with one lone surrogate: that row is a bad value, the rest are read.
    s = pd.Series(["SW1A 1AA", "EC1A \udcff1BB", None], dtype=object)
    out, issues = heatkit.normalise_postcodes(s, errors="report")
    assert list(out)[0] == "SW1A 1AA" and pd.isna(out[1])
    assert [(i.row, i.code) for i in issues] == [(3, "bad_character")]
    with pytest.raises(heatkit.InvalidPostcodeError) as e:
        heatkit.normalise_postcode("SW1A\udcff")
    assert e.value.code == "bad_character"
    # A number that is not a number in an activity is a reported problem of that activity.
    v = heatkit.validate_activity({"title": "T", "activity_type": "HE talk", "start_date": "2025-11-03",
                                   "contact_hours": 1, "students_registered": "x"})
    assert (v[0].rule_id, v[0].field, v[0].code) == (None, "students_registered", "not_a_whole_number")
    # Year 0 does not exist in Python dates: a CohortError, not ValueError.
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.dob_range("Year 10", "0004/05")
    assert e.value.code == "date_out_of_range"
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.bank_holidays(0)
    assert e.value.code == "year_out_of_range"
    with pytest.raises(heatkit.CohortError):
        heatkit.heat_track_deadline(2**40)
    # Integer arguments are range-checked.
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.track_cohort("2008-08-31", phase_adjustment=2**31 - 1)
    assert e.value.code == "bad_phase_adjustment"
    with pytest.raises(heatkit.CohortError):
        heatkit.track_cohort("2008-08-31", phase_adjustment=2**80)
    assert heatkit.track_cohort("2008-08-31", phase_adjustment=1).ks4_exam_year == 2025
    # A model argument that is neither JSON nor a file.
    students = {"record_id": [1, 2], "first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"]}
    with pytest.raises(heatkit.MatchingError) as e:
        heatkit.find_duplicates(students, dob=None, gender=None, school=None, postcode=None, model="not json")
    assert e.value.code == "bad_model"
    # workers=-1 means all cores, as in RapidFuzz.
    pairs = heatkit.find_duplicates(students, dob=None, gender=None, school=None, postcode=None, workers=-1)
    assert pairs["id_l"] == [1]
    # on= takes the same date forms as every other date.
    for on in ("23/11/2026", "2026-11-23", "20261123", dt.date(2026, 11, 23)):
        assert heatkit.tracking_summary({"first_name": ["A"]}, on=on)["extract_year"] == 2026
    # Wrong types are ArgumentErrors (and TypeErrors), never bare TypeErrors.
    for call in (lambda: heatkit.normalise_postcode(12), lambda: heatkit.year_group(["x"]),
                 lambda: heatkit.bank_holidays("2025"), lambda: heatkit.clean_year_group(10),
                 lambda: heatkit.validate_activities(42), lambda: heatkit.normalise_postcodes(["A1 1AA"], level=3)):
        with pytest.raises(heatkit.ArgumentError) as e:
            call()
        assert isinstance(e.value, TypeError) and e.value.code in ("wrong_type", "bad_argument")
        assert not str(e.value).startswith(" ")


def test_one_row_numbering_across_entry_points(tmp_path):
    # The second data row is spreadsheet row 3 everywhere: in a file, in a table, in a column.
    csv = b"first_name,last_name,dob,postcode\nAnn,Lee,2010-01-01,LS1 4AP\nBob,Ray,bad,LS1 4AP\n"
    out = heatkit.validate_import(csv, kind="dict", on="2025-11-03")
    assert set(out.errors["row"]) == {3}
    table = {"first_name": ["Ann", "Bob"], "last_name": ["Lee", "Ray"], "dob": ["2010-01-01", "bad"],
             "postcode": ["LS1 4AP", "LS1 4AP"]}
    out = heatkit.validate_import(table, on="2025-11-03")
    assert set(out.errors["row"]) == {3}
    _, issues = heatkit.year_groups(["2010-01-01", "bad"], academic_year="2025/26", errors="report")
    assert [(i.row, i.position) for i in issues] == [(3, 1)]
    _, issues = heatkit.normalise_postcodes(["LS1 4AP", "bad"], errors="report")
    assert [(i.row, i.position) for i in issues] == [(3, 1)]
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.find_duplicates({"record_id": [1, 2], "dob": ["2010-01-01", "bad"]}, first_name=None,
                                last_name=None, gender=None, school=None, postcode=None, errors="raise")
    assert e.value.row == 3
    v = heatkit.validate_activities({"title": ["A", None], "activity_type": ["HE talk", "HE talk"],
                                     "start_date": ["2025-11-03"] * 2, "unknown_beneficiary_headcount": [5, 5]})
    assert [r for r, c in zip(v["row"], v["code"]) if c == "missing_title"] == [3]


def test_the_default_year_is_the_school_year_containing_the_day():
    sheet = {"first_name": ["Ann"], "last_name": ["Lee"], "dob": ["2011-03-11"], "postcode": ["LS1 4AP"],
             "year_group": ["Year 11"]}
    out = heatkit.validate_import(sheet, on="2026-12-01", kind="dict")
    assert out.errors["code"] == []
    out = heatkit.validate_import(sheet, on="2025-12-01", kind="dict")
    assert out.errors["code"] == ["year_group_mismatch"]


def test_fields_read_the_same_through_every_function():
    # An empty column as pandas.read_csv gives it (all-NaN floats) is missing, never a TypeError.
    frame = pd.DataFrame({"record_id": [1, 2], "first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"],
                          "dob": [float("nan"), float("nan")], "postcode": ["LS1 4AP", "LS1 4AP"]})
    assert len(heatkit.find_duplicates(frame, gender=None, school=None)) == 1
    # YYYYMMDD text is a date even with errors="null" (it used to be silently missing).
    assert heatkit.year_groups(["20100901"], academic_year="2025/26", errors="null") == ["Year 10"]
    # Excel serials are dates for matching and activities too, as in import.
    dup = heatkit.find_duplicates({"record_id": [1, 2], "first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"],
                                   "dob": ["40422", "2010-09-01"]}, gender=None, school=None, postcode=None)
    assert dup["dob"] == ["exact"]
    v = heatkit.validate_activity({"title": "T", "activity_type": "HE talk", "start_date": "46026",
                                   "contact_hours": 1, "unknown_beneficiary_headcount": 5})
    assert [x.code for x in v] == []
    # Consent words, gender words and placeholders read the same in import and tracking status.
    rows = {"first_name": ["Ann", "Bob"], "last_name": ["Lee", "N/A"], "dob": ["2008-01-15", "2008-01-15"],
            "postcode": ["LS1 4AP", "TBC"], "gender": ["Prefer not to say", "Non-binary"],
            "school": ["100001", "100001"], "consent": ["consented", "seen"]}
    status = heatkit.student_tracking_status(rows, on="2026-11-02")
    assert status["problems"] == ["gender", "last_name|postcode"]
    imp = heatkit.validate_import(rows, on="2026-11-02", kind="dict", check_duplicates=False)
    assert imp.rows["gender"] == ["U"] and imp.rows["tracking_consent"] == ["yes"]
    assert sorted(zip(imp.errors["row"], imp.errors["column"], imp.errors["code"])) == [
        (3, "last_name", "missing"), (3, "postcode", "missing")]
    # A junk postcode is missing, never an agreement: N/A ~ n/a scores nothing.
    pairs = heatkit.find_duplicates({"record_id": [1, 2], "first_name": ["Ann", "Zed"], "last_name": ["Lee", "Kay"],
                                     "postcode": ["N/A", "n/a"]}, dob=None, gender=None, school=None,
                                    min_probability=0.0)
    assert all(level == "missing" for level in pairs["postcode"])
    # Form-class labels are year groups; minus signs are errors.
    assert heatkit.clean_year_group("10X2") == "Year 10"
    for bad in ("-1", "Year -1", "Y-1"):
        with pytest.raises(heatkit.CohortError):
            heatkit.clean_year_group(bad)


def test_large_utf8_bom_and_utf16_files_by_path(tmp_path):
    # Over 64 KiB: the first bytes are sniffed without cutting a character in two.
    text = "first_name,last_name,dob,postcode\n" + "Zoë,Ó Súilleabháin,2010-01-01,LS1 4AP\n" * 3000
    for name, data in [("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")), ("u16.csv", text.encode("utf-16"))]:
        path = tmp_path / name
        path.write_bytes(data)
        out = heatkit.validate_import(path, check_duplicates=False, kind="dict", on="2025-11-03")
        assert out.summary["rows_ok"] == 3000 and out.rows["first_name"][0] == "Zoë"
