"""Activities, student tracking status and bulk imports from Python."""

import csv
import datetime as dt

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import heatkit
from conftest import REPO

BAD = {
    "id": "A2",
    "category": "Campus Visit",
    "activity_type": "masterclas",
    "start_date": "2025-07-30",
    "end_date": "2025-08-02",
    "contact_hours": -1,
    "sessions": "two",
    "delivery_mode": "carrier pigeon",
    "academic_year": "2025/26",
    "year_groups": "Year 15",
    "beneficiaries": ["#052923"],
}

GOOD = {
    "id": "A1",
    "title": "Masterclass",
    "category": "Subject Insight",
    "activity_type": "Masterclass",
    "start_date": dt.date(2025, 10, 14),
    "contact_hours": 2.5,
    "delivery_mode": "In person",
    "academic_year": "2025/26",
    "beneficiaries": "100001",
    "students_registered": 20,
    "year_groups": ["Year 10", "Y11"],
}


def test_validate_activity_reports_every_violation():
    assert heatkit.validate_activity(GOOD) == []
    v = heatkit.validate_activity(BAD)
    assert [(x.rule_id, x.code, x.severity) for x in v] == [
        ("ACT001", "missing_title", "error"),
        ("ACT003", "unknown_type", "error"),
        ("ACT007", "outside_academic_year", "error"),
        ("ACT009", "bad_contact_hours", "error"),
        ("ACT012", "missing_sessions", "warning"),
        ("ACT013", "delivery_mode_mismatch", "warning"),
        ("ACT014", "implausible_year_group", "warning"),
        ("ACT017", "missing_headcount", "error"),
    ]
    assert 'did you mean "Masterclass"' in v[1].message
    # The academic-year boundary is a setting.
    early = dict(GOOD, start_date="2025-08-15")
    assert heatkit.validate_activity(early) == []
    assert [x.code for x in heatkit.validate_activity(early, settings={"year_start": "september"})] == [
        "outside_academic_year"
    ]


def test_settings_are_checked_by_the_core_with_its_codes():
    # ActivitySettings::validate and YearStart's FromStr (heat-core) decide; the bindings raise.
    with pytest.raises(heatkit.ArgumentError) as e:
        heatkit.validate_activity(GOOD, settings={"max_hours_per_day": 25})
    assert (e.value.code, str(e.value)) == ("out_of_range", "max_hours_per_day must be above 0 and at most 24, not 25")
    with pytest.raises(heatkit.ArgumentError) as e:
        heatkit.validate_activity(GOOD, settings={"year_start": "june"})
    assert (e.value.code, str(e.value)) == ("unknown_value", "year_start must be one of 'august' or 'september', not \"june\"")
    early = dict(GOOD, start_date="2025-08-15")
    assert [x.code for x in heatkit.validate_activity(early, settings={"year_start": "September"})] == [
        "outside_academic_year"
    ]


@pytest.mark.parametrize("kind", ["dict", "pandas", "polars", "pyarrow", "records"])
def test_validate_activities_every_kind(kind):
    rows = [GOOD, BAD]
    keys = sorted({k for r in rows for k in r})
    columns = {k: [str(r[k]) if k in r and not isinstance(r[k], (list, int, float)) else r.get(k) for r in rows] for k in keys}
    columns["year_groups"] = ["Year 10|Y11", "Year 15"]
    columns["beneficiaries"] = ["100001", "#052923"]
    table = {
        "dict": columns,
        "pandas": pd.DataFrame(columns),
        "polars": pl.DataFrame({k: [None if v is None else str(v) for v in vs] for k, vs in columns.items()}),
        "pyarrow": pa.table({k: [None if v is None else str(v) for v in vs] for k, vs in columns.items()}),
        "records": [{k: columns[k][i] for k in columns} for i in range(2)],
    }[kind]
    out = heatkit.validate_activities(table)
    def col(name):
        if kind in ("dict", "records"):
            return out[name]
        if kind == "pyarrow":
            return out.column(name).to_pylist()
        return out[name].to_list()

    rows_col, codes = col("row"), col("code")
    # The second activity: spreadsheet row 3 (header row 1), position 1.
    assert set(rows_col) == {3} and set(col("position")) == {1}
    assert codes[0] == "missing_title" and "missing_headcount" in codes


def test_collaborative_sharing():
    members = ["UCP North", "University of Leeds"]
    a = dict(GOOD, owner="UCP North", owner_is_uni_connect=True, funding="Uni Connect", collaborative=True,
             partners="University of Leeds")
    assert [v.code for v in heatkit.validate_activity(a, members=members)] == ["collaborative_not_shared"]
    a["shared_with"] = ["University of Leeds"]
    assert heatkit.validate_activity(a, members=members) == []
    assert heatkit.can_share(a, "University of Leeds", members=members) == (True, None, None)
    no = heatkit.can_share(a, "Leeds College", members=members)
    assert (no.allowed, no.code) == (False, "not_a_member")


def test_typology_table_and_loading_your_own(tmp_path):
    t = heatkit.typology(kind="pandas")
    assert len(t) == 20 and t.version.iloc[0] == "heatkit-2026.11"
    assert set(heatkit.typology().column_names) >= {"category", "activity_type", "min_hours", "max_hours"}
    own = tmp_path / "our_typology.csv"
    own.write_text(
        "category,activity_type,delivery_modes,hours_expected,min_hours,max_hours,sessions_expected,"
        "min_year_group,max_year_group,multi_intervention,beneficiaries\n"
        "Outreach,Quidditch workshop,in_person,true,1,3,false,7,9,false,students\n"
    )
    ours = heatkit.load_typology(own)
    assert (ours.version, len(ours), repr(ours)) == ("our_typology", 1, 'Typology(version="our_typology", types=1)')
    assert heatkit.load_typology(own, version="2026-v2").version == "2026-v2"
    assert [v.code for v in heatkit.validate_activity(GOOD, typology=ours)] == ["unknown_type"]
    quidditch = dict(GOOD, category=None, activity_type="Quidditch workshop", contact_hours=5)
    assert [v.code for v in heatkit.validate_activity(quidditch, typology=ours)] == [
        "implausible_hours", "implausible_year_group", "implausible_year_group"
    ]
    # Explicit, never process-wide: a call without it uses the embedded default.
    assert heatkit.validate_activity(GOOD) == []
    assert [v.code for v in heatkit.validate_activity(quidditch)] == ["unknown_type"]
    assert list(heatkit.validate_activities([GOOD, quidditch], typology=ours)["code"]) == [
        "unknown_type", "implausible_hours", "implausible_year_group", "implausible_year_group"
    ]
    assert heatkit.typology(kind="dict", typology=ours)["activity_type"] == ["Quidditch workshop"]
    assert heatkit.load_typology().version == "heatkit-2026.11" and len(heatkit.load_typology()) == 20
    assert heatkit.can_share(GOOD, "Leeds College", members=["Leeds College"], typology=ours).allowed
    with pytest.raises(heatkit.ArgumentError) as e:
        heatkit.validate_activities([GOOD], typology="our_typology.csv")
    assert e.value.code == "bad_argument" and "load_typology" in str(e.value)
    bad = tmp_path / "bad.csv"
    bad.write_text("category,activity_type\nA,B\n")
    with pytest.raises(heatkit.ActivityError) as e:
        heatkit.load_typology(bad)
    assert e.value.code == "missing_column"


def test_activities_upload_against_your_own_typology(tmp_path):
    csv = (b"Activity ID,Title,Category,Activity Type,Start Date,Contact Hours,Students Registered\n"
           b"A1,Quidditch,Outreach,Quidditch workshop,2025-10-14,2,20\n")
    own = tmp_path / "ours.csv"
    own.write_text(
        "category,activity_type,delivery_modes,hours_expected,min_hours,max_hours,sessions_expected,"
        "min_year_group,max_year_group,multi_intervention,beneficiaries\n"
        "Outreach,Quidditch workshop,in_person,true,1,3,false,7,9,false,students\n"
    )
    default = heatkit.validate_import(csv, template="activities", on="2025-11-01", kind="dict")
    ours = heatkit.validate_import(csv, template="activities", on="2025-11-01", kind="dict",
                                   typology=heatkit.load_typology(own))
    assert "unknown_type" in default.errors["code"]
    assert "unknown_type" not in ours.errors["code"]
    assert ours.summary["rows_in"] == default.summary["rows_in"] == 1


def test_student_tracking_status_and_summary():
    df = pd.DataFrame(
        {
            "first_name": ["Leo", "Ava", "Ann", None],
            "last_name": ["Reid", "Reid", "Lee", "Ng"],
            "date_of_birth": ["31/08/2008", "2008-09-01", "29/02/2008", "2012-01-01"],
            "gender": ["M", "F", None, "F"],
            "postcode": ["EH9 1SF", "EH9 1SF", "LS1 4AP", "SW1A 1AC"],
            "school_id": ["5500000", "5500000", "107956", "107956"],
            "tracking_consent": ["yes", "Y", "yes", "no"],
        },
        index=[10, 11, 12, 13],
    )
    out = heatkit.student_tracking_status(df, on="2026-11-23")
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out.complete) == [True, True, False, False]
    assert list(out.ks5_eligible) == [True, False, False, False]
    assert list(out.hesa_eligible) == [True, False, True, False]
    assert out.problems[12] == "gender" and out.problems[13] == "first_name|postcode|consent"
    assert out.reasons[11] == (
        "ks4: KS4 exams in 2025, not 2026; ks5: KS5 exams in 2027, not 2026; "
        "hesa: HE-ready in 2027/28, after the 2026/27 extract"
    )
    summary = heatkit.tracking_summary(df, on=dt.date(2026, 11, 23))
    assert summary["students"] == 4 and summary["hesa_eligible"] == 2
    assert summary["not_hesa_because"] == {"consent": 1, "not yet HE-ready": 1}


def test_validate_import_files_bytes_and_tables(tmp_path):
    out = heatkit.validate_import(REPO / "examples" / "data" / "students.csv", academic_year="2025/26")
    s = out.summary
    assert s["rows_in"] == 215 and s["rows_in"] == s["rows_ok"] + s["rows_with_errors"]
    assert out.rows.num_rows == s["rows_ok"]
    assert isinstance(out.errors, pa.Table)
    dups = [m for m, c in zip(out.errors.column("message").to_pylist(), out.errors.column("code").to_pylist())
            if c == "likely_duplicate"]
    assert len(dups) >= 10
    acts = heatkit.validate_import(REPO / "examples" / "data" / "activities.csv", template="activities", kind="pandas")
    assert set(acts.errors.rule_id.dropna()) <= {f"ACT{i:03d}" for i in range(1, 21)}
    assert acts.summary["rows_in"] == 40

    cp1252 = b"first_name,last_name,dob,postcode\nZo\xeb,O\x92Brien,2010-01-01,LS1 4AP\n"
    out = heatkit.validate_import(cp1252, kind="dict")
    assert out.summary["encoding"] == "windows-1252"
    assert (out.rows["first_name"], out.rows["last_name"]) == (["Zoë"], ["O’Brien"])

    table = pd.DataFrame({"URN": [107956, None], "School Name": ["Leeds High", "X"], "Postcode": ["ls14ap", "LS1"]})
    out = heatkit.validate_import(table, template="schools")
    assert isinstance(out.rows, pd.DataFrame)
    assert list(out.rows.postcode) == ["LS1 4AP"] and list(out.rows.institution_id) == ["107956"]
    assert list(zip(out.errors.row, out.errors.code)) == [(3, "missing"), (3, "too_short")]

    for data, code in [(b"", "empty_file"), (b"\x00\x01\x02garbage", "binary_file"),
                       (b"Frist Name,Surname,DOB,Postcode\n", "missing_columns")]:
        with pytest.raises(heatkit.ImportFileError) as e:
            heatkit.validate_import(data)
        assert e.value.code == code
    with pytest.raises(heatkit.ArgumentError) as e:
        heatkit.validate_import(b"a\n", template="pupils")
    assert e.value.code == "unknown_value"
    with pytest.raises(heatkit.ImportFileError) as e:
        heatkit.validate_import(tmp_path / "missing.csv")
    assert e.value.code == "unreadable_file"


def test_the_clean_command_checks_activities_against_your_typology(tmp_path):
    from heatkit import cli

    students = tmp_path / "students.csv"
    students.write_text("First Name,Surname,DOB,Postcode\nAmelia,Khan,2010-03-15,LS1 4AP\n")
    activities = tmp_path / "activities.csv"
    activities.write_text("Activity ID,Title,Category,Activity Type,Start Date,Contact Hours,Students Registered\n"
                          "A1,Quidditch,Outreach,Quidditch workshop,2025-10-14,2,20\n")
    own = tmp_path / "ours.csv"
    own.write_text(
        "category,activity_type,delivery_modes,hours_expected,min_hours,max_hours,sessions_expected,"
        "min_year_group,max_year_group,multi_intervention,beneficiaries\n"
        "Outreach,Quidditch workshop,in_person,true,1,3,false,7,9,false,students\n"
    )
    codes = {}
    for name, extra in (("default", []), ("ours", ["--typology", str(own)])):
        out = tmp_path / name
        assert cli.main(["-q", "clean", str(students), "--activities", str(activities), "--format", "csv",
                         "--out", str(out), "--on", "2025-11-01", *extra]) == 0
        with open(out / "activities_problems.csv", encoding="utf-8-sig") as f:
            codes[name] = [r["code"] for r in csv.DictReader(f)]
    assert "unknown_type" in codes["default"] and "unknown_type" not in codes["ours"]
    assert cli.main(["-q", "clean", str(students), "--activities", str(activities),
                     "--typology", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x")]) == 1
