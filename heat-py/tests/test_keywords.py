"""One set of keywords: ``errors=`` on every batch function, with one default (``"null"``: an
item that cannot be used gives an empty or flagged result, and the call completes) and the same
three values; ``workers=`` on every function that uses threads (tests/test_workers.py)."""

import inspect
import warnings

import pytest

import heatkit

BATCH = ["normalise_postcodes", "check_postcodes", "year_groups", "track_cohorts", "validate_activities",
         "student_tracking_status", "enrich_postcodes", "find_duplicates", "link_students", "match_context",
         "score_pairs"]
THREADED = BATCH + ["tracking_summary", "validate_import", "clean", "upload_updates", "finish_pairs"]


@pytest.mark.parametrize("name", BATCH)
def test_every_batch_function_has_errors_with_one_default(name):
    p = inspect.signature(getattr(heatkit, name)).parameters["errors"]
    assert (p.kind, p.default) == (inspect.Parameter.KEYWORD_ONLY, "null")
    assert set(p.annotation.__args__ if hasattr(p.annotation, "__args__") else
               str(p.annotation).strip("Literal[]").replace("'", "").replace('"', "").split(", ")) \
        >= {"raise", "null"}


@pytest.mark.parametrize("name", THREADED)
def test_every_threaded_function_has_workers(name):
    p = inspect.signature(getattr(heatkit, name)).parameters["workers"]
    assert (p.kind, p.default) == (inspect.Parameter.KEYWORD_ONLY, None)


def test_an_unknown_errors_value_is_an_argument_error():
    for call in (lambda: heatkit.check_postcodes(["LS1 4AP"], errors="ignore"),
                 lambda: heatkit.validate_activities({"title": ["x"]}, errors="ignore"),
                 lambda: heatkit.student_tracking_status({"dob": ["x"]}, errors="ignore"),
                 lambda: heatkit.find_duplicates({"record_id": [1], "dob": ["2010-01-01"]}, first_name=None,
                                                 last_name=None, gender=None, school=None, postcode=None,
                                                 errors="ignore")):
        with pytest.raises(heatkit.ArgumentError) as e:
            call()
        assert e.value.code == "unknown_value"
        assert str(e.value) == "errors must be one of 'raise', 'null' or 'report', not \"ignore\""


def test_check_postcodes_errors():
    values = ["LS1 4AP", "MA1 1AA", None, "", "CRO 2YR"]
    checks = heatkit.check_postcodes(values)
    assert [c.status for c in checks] == ["valid", "invalid", "invalid", "invalid", "fixed"]
    checks, issues = heatkit.check_postcodes(values, errors="report")
    assert issues == [heatkit.RowIssue(3, 1, "unknown_area", "row 3: postcode area MA does not exist")]
    with pytest.raises(heatkit.InvalidPostcodeError) as e:
        heatkit.check_postcodes(values, errors="raise")
    assert (e.value.code, e.value.row) == ("unknown_area", 3)
    # A column gives the same issues.
    pd = pytest.importorskip("pandas")
    assert heatkit.check_postcodes(pd.Series(values), errors="report")[1] == issues
    # Nothing wrong: no issue, and "raise" returns the checks.
    assert heatkit.check_postcodes(["LS1 4AP", None], errors="report")[1] == []
    assert heatkit.check_postcodes(["LS1 4AP"], errors="raise")[0].status == "valid"


def test_enrich_postcodes_errors():
    index = heatkit.AreaIndex.build([heatkit._areas._example_lookup()])
    values = ["ls14ap", None, "ZZ1 1ZZ", "nope"]
    rows = heatkit.enrich_postcodes(values, index)
    assert [r["status"] for r in rows] == ["live", "invalid", "invalid", "invalid"]
    rows, issues = heatkit.enrich_postcodes(values, index, errors="report")
    assert [(i.row, i.position, i.code) for i in issues] == [(4, 2, "bad_letter_position"), (5, 3, "too_short")]
    assert issues[1].message == "row 5: postcode is too short: 4 letters and digits, a full postcode has 5 to 7"
    with pytest.raises(heatkit.InvalidPostcodeError) as e:
        heatkit.enrich_postcodes(values, index, errors="raise")
    assert (e.value.code, e.value.row) == ("bad_letter_position", 4)


def test_validate_activities_errors():
    acts = {"title": ["Talk", ""], "activity_type": ["HE talk", "HE talk"], "start_date": ["2025-11-03", "2025-11-03"],
            "contact_hours": ["1", "1"], "unknown_beneficiary_headcount": ["120", "120"]}
    assert list(heatkit.validate_activities(acts)["code"]) == ["missing_title"]
    _, issues = heatkit.validate_activities(acts, errors="report")
    assert issues == [heatkit.RowIssue(3, 1, "missing_title", "row 3: the activity has no title")]
    with pytest.raises(heatkit.ActivityError) as e:
        heatkit.validate_activities(acts, errors="raise")
    assert (e.value.code, e.value.row) == ("missing_title", 3)
    # Warnings are not issues: an activity with only warnings passes "raise".
    ok = {k: [v[0]] for k, v in acts.items()}
    ok["contact_hours"] = [""]
    assert list(heatkit.validate_activities(ok, errors="raise")["severity"]) == ["warning"]


def test_student_tracking_status_errors():
    students = {"dob": ["2011-01-02", "31/02/2011", None], "consent": ["yes", "maybe", None]}
    out = heatkit.student_tracking_status(students, on="2026-12-01")
    assert out["problems"][1] == "first_name|last_name|dob|postcode|school|gender|consent"
    _, issues = heatkit.student_tracking_status(students, on="2026-12-01", errors="report")
    assert [(i.row, i.position, i.code) for i in issues] == [(3, 1, "bad_date"), (3, 1, "not_yes_no")]
    assert issues[1].message == 'row 3, consent: "maybe" is not yes or no'
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.student_tracking_status(students, on="2026-12-01", errors="raise")
    assert (e.value.code, e.value.row) == ("bad_date", 3)


def test_matching_compares_unreadable_dates_as_missing_by_default_and_says_so():
    students = {"record_id": [1, 2, 3], "first_name": ["Ann", "Ann", "Bo"], "last_name": ["Lee", "Lee", "Wu"],
                "dob": ["2009-03-04", "31/02/2009", "2010-01-01"]}
    none = dict(gender=None, school=None, postcode=None)
    with pytest.warns(heatkit.MatchingWarning, match=r"^1 date of birth could not be read and was compared as "
                                                     r"missing \(the first: row 3, dob: not a date") as said:
        pairs = heatkit.find_duplicates(students, min_probability=0.0, **none)
    assert said[0].filename == __file__  # the warning points at the caller's line
    assert pairs["dob"] == ["missing"] or "missing" in pairs["dob"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pairs, issues = heatkit.find_duplicates(students, min_probability=0.0, errors="report", **none)
    assert [(i.row, i.position, i.code) for i in issues] == [(3, 1, "bad_date")]
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.find_duplicates(students, errors="raise", **none)
    assert (e.value.code, e.value.row) == ("bad_date", 3)
