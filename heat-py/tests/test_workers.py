"""``workers=`` is on every batch function, with one meaning: None the default, -1 every core,
1 to 1024 that many threads; results never depend on it."""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

import heatkit
from heatkit._workers import resolve, worker_framework

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = ROOT / "examples" / "data" / "students.csv"
SCHOOLS = ROOT / "tests" / "cases" / "schools" / "register_names.csv"

POSTCODES = ["sw1a1aa", None, "nope", "CRO 2YR", "", "EH9 1SF", "Zoë", "bt1 1aa"] * 50
DOBS = ["2010-09-01", "2010-08-31", None, "29/02/2012", "nonsense"] * 50
TABLE = {
    "record_id": list(range(6)),
    "first_name": ["Chioma", "CHIOMA", "Adaeze", "Ann", "Anne", "Bo"],
    "last_name": ["Okafor", "Okafor", "Okafor", "Lee", "Lee", "Wu"],
    "dob": ["2009-03-04", "04/03/2009", "2009-03-04", "2011-01-02", "2011-01-02", "2010-05-05"],
    "gender": ["F", "F", "F", "F", "F", "M"],
    "school_id": ["100001"] * 6,
    "postcode": ["LS1 4AP"] * 5 + ["M1 1AE"],
}


def _calls():
    """Every batch function, called on a small input, by name."""
    activities = {"title": ["Talk", ""], "activity_type": ["HE talk", "nope"], "start_date": ["2025-11-03", "x"],
                  "unknown_beneficiary_headcount": ["120", ""]}
    students = {"first_name": ["Ann"], "last_name": ["Lee"], "date_of_birth": ["2011-01-02"],
                "postcode": ["LS1 4AP"], "tracking_consent": ["yes"]}
    return {
        "normalise_postcodes": lambda w: heatkit.normalise_postcodes(POSTCODES, fix=True, workers=w),
        "check_postcodes": lambda w: [c.code for c in heatkit.check_postcodes(POSTCODES, workers=w)],
        "year_groups": lambda w: heatkit.year_groups(DOBS, academic_year="2025/26", workers=w),
        "track_cohorts": lambda w: [str(c) for c in heatkit.track_cohorts(DOBS, workers=w)],
        "validate_activities": lambda w: heatkit.validate_activities(activities, workers=w),
        "student_tracking_status": lambda w: heatkit.student_tracking_status(students, on="2026-12-01", workers=w),
        "tracking_summary": lambda w: heatkit.tracking_summary(students, on="2026-12-01", workers=w),
        "validate_import": lambda w: heatkit.validate_import(STUDENTS, template="students", on="2026-11-23",
                                                             kind="dict", workers=w).errors,
        "clean": lambda w: heatkit.clean(STUDENTS, on="2026-11-23", kind="dict", workers=w).summary,
        "find_duplicates": lambda w: heatkit.find_duplicates(TABLE, workers=w),
        "link_students": lambda w: heatkit.link_students(TABLE, TABLE, workers=w),
        "match_context": lambda w: heatkit.match_context(TABLE, workers=w)._context,
        "SchoolDirectory.find_all": lambda w: heatkit.SchoolDirectory(SCHOOLS).find_all(
            ["Rosary RC Primary", "St Joseph's Catholic Primary School", "Nowhere"] * 40, workers=w),
    }


@pytest.mark.parametrize("name", sorted(_calls()))
def test_results_do_not_depend_on_workers(name):
    call = _calls()[name]
    default = call(None)
    assert call(1) == default
    assert call(2) == default
    assert call(-1) == default


@pytest.mark.parametrize("name", sorted(_calls()))
def test_workers_out_of_range_is_an_argument_error(name):
    with pytest.raises(heatkit.ArgumentError) as e:
        _calls()[name](0)
    assert e.value.code == "out_of_range"
    assert str(e.value) == "workers must be -1 (all cores) or 1 to 1024, not 0"


def test_the_environment_variable_sets_the_default():
    """HEATKIT_WORKERS is read by the core: a number out of range names the variable."""
    code = "import heatkit; heatkit.normalise_postcodes(['LS1 4AP'])"
    env = dict(os.environ, HEATKIT_WORKERS="0")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "HEATKIT_WORKERS must be -1 (all cores) or 1 to 1024, not 0" in done.stderr
    env["HEATKIT_WORKERS"] = "1"
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_a_pool_worker_is_found_and_given_one_thread():
    assert (worker_framework(), resolve(None), resolve(4)) == (None, None, 4)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(worker_framework) == "pool"
        assert pool.apply(resolve, (None,)) == 1
