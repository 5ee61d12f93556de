"""Fuzz every public function that takes user data: whatever comes in (text with lone
surrogates, huge integers, NaN, dates, lists, bytes, None), only HeatError subclasses escape, and
batch results keep the input's length."""

import datetime as dt
import os

import pytest

import heatkit

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

surrogates = st.lists(st.integers(0xD800, 0xDFFF).map(chr), min_size=1, max_size=3).map("".join)
texts = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"[A-Za-z]{1,2}[0-9]{1,2} ?[0-9][A-Z]{2}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", fullmatch=True),
    st.sampled_from(["N/A", "", " ", "Year 10", "Y-1", "7B", "england", "scotland", "2025/26", "yes", "Prefer not to say"]),
    st.builds(lambda a, b: a + b, st.text(max_size=5), surrogates),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), texts, st.dates(), st.datetimes(), st.binary(max_size=8),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=3), scalars, max_size=2))

# HEATKIT_FUZZ_EXAMPLES sets a longer run by hand (the test command uses 150 per test).
FUZZ = settings(max_examples=int(os.environ.get("HEATKIT_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=list(HealthCheck))


def only_heat_errors(call):
    try:
        return call()
    except heatkit.HeatError:
        return None


SCALAR_FUNCTIONS = [
    (heatkit.normalise_postcode, ["level"]),
    (heatkit.is_valid_postcode, ["level"]),
    (heatkit.fix_postcode, []),
    (heatkit.parse_postcode, ["level"]),
    (heatkit.check_postcode, ["level"]),
    (heatkit.year_group, ["academic_year", "on", "nation"]),
    (heatkit.year_group_number, ["academic_year", "on", "nation"]),
    (heatkit.academic_year, []),
    (heatkit.clean_year_group, ["nation"]),
    (heatkit.track_cohort, ["nation", "phase_adjustment"]),
    (heatkit.next_heat_track_deadline, []),
    (heatkit.heat_track_deadline, []),
    (heatkit.bank_holidays, ["nation"]),
]


@pytest.mark.parametrize("fn,keywords", SCALAR_FUNCTIONS, ids=[f.__name__ for f, _ in SCALAR_FUNCTIONS])
@FUZZ
@given(data=st.data())
def test_scalar_functions_raise_only_heat_errors(fn, keywords, data):
    value = data.draw(values)
    only_heat_errors(lambda: fn(value))
    for k in keywords:
        only_heat_errors(lambda: fn(data.draw(values), **{k: data.draw(values)}))


@FUZZ
@given(a=values, b=values, c=values)
def test_two_and_three_argument_functions(a, b, c):
    only_heat_errors(lambda: heatkit.dob_range(a, b))
    only_heat_errors(lambda: heatkit.dob_range(a, b, nation=c))
    only_heat_errors(lambda: heatkit.check_year_group(a, b))
    only_heat_errors(lambda: heatkit.check_year_group(a, b, academic_year=c))
    only_heat_errors(lambda: heatkit.in_tracking_age(a, b))
    only_heat_errors(lambda: heatkit.in_tracking_age(a, b, ehcp_rule=c))
    only_heat_errors(lambda: heatkit.last_working_day(a, b))
    only_heat_errors(lambda: heatkit.last_working_day(a, b, nation=c))


@FUZZ
@given(column=st.lists(scalars, max_size=12), option=values)
def test_batch_functions_keep_the_length(column, option):
    for fn in (heatkit.normalise_postcodes, heatkit.year_groups, heatkit.track_cohorts):
        for errors in ("null", "report"):
            out = only_heat_errors(lambda: fn(column, errors=errors))
            if out is not None:
                result = out[0] if errors == "report" else out
                assert len(result) == len(column)
        only_heat_errors(lambda: fn(column, errors=option))
    out = only_heat_errors(lambda: heatkit.check_postcodes(column))
    if out is not None:
        assert len(out) == len(column)
    only_heat_errors(lambda: heatkit.normalise_postcodes(column, level=option))
    only_heat_errors(lambda: heatkit.year_groups(column, academic_year=option))
    only_heat_errors(lambda: heatkit.track_cohorts(column, phase_adjustment=option))


COLUMNS = ["record_id", "first_name", "last_name", "dob", "gender", "school_id", "postcode", "title",
           "activity_type", "start_date", "end_date", "contact_hours", "sessions", "students_registered",
           "beneficiaries", "year_groups", "consent", "year_group", "unknown_beneficiary_headcount"]


@FUZZ
@given(n=st.integers(0, 4), data=st.data())
def test_table_functions_raise_only_heat_errors(n, data):
    names = data.draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6, unique=True))
    table = {k: data.draw(st.lists(scalars, min_size=n, max_size=n)) for k in names}
    out = only_heat_errors(lambda: heatkit.student_tracking_status(table, on="2026-11-02"))
    if out is not None:
        assert len(out["complete"]) == n
    only_heat_errors(lambda: heatkit.tracking_summary(table, on=data.draw(values)))
    only_heat_errors(lambda: heatkit.validate_activities(table))
    only_heat_errors(lambda: heatkit.validate_activities(table, settings=data.draw(values)))
    for template in ("students", "activities", "schools", data.draw(values)):
        out = only_heat_errors(lambda: heatkit.validate_import(table, template=template, kind="dict"))
        if out is not None:
            s = out.summary
            assert s["rows_in"] == s["rows_ok"] + s["rows_with_errors"]
            assert s["rows_in"] + s["rows_skipped"] == n
    only_heat_errors(lambda: heatkit.find_duplicates(table, min_probability=0.0))
    only_heat_errors(lambda: heatkit.find_duplicates(table, threshold=data.draw(values), workers=data.draw(values)))
    only_heat_errors(lambda: heatkit.link_students(table, table))
    only_heat_errors(lambda: heatkit.cluster_duplicates(table, threshold=data.draw(values)))
    if n:
        record = {k: v[0] for k, v in table.items()}
        only_heat_errors(lambda: heatkit.validate_activity(record))
        only_heat_errors(lambda: heatkit.can_share(record, data.draw(values), members=data.draw(values)))


@FUZZ
@given(data=st.binary(max_size=300), template=st.sampled_from(["students", "activities", "schools"]))
def test_any_bytes_as_an_upload(data, template):
    out = only_heat_errors(lambda: heatkit.validate_import(data, template=template, kind="dict"))
    if out is not None:
        s = out.summary
        assert s["rows_in"] == s["rows_ok"] + s["rows_with_errors"]


@FUZZ
@given(value=values)
def test_path_and_kind_arguments(value):
    only_heat_errors(lambda: heatkit.typology(kind=value))
    only_heat_errors(lambda: heatkit.load_typology(value) if not isinstance(value, (str, bytes)) else None)
    only_heat_errors(lambda: heatkit.validate_import({"a": [1]}, kind=value))


def test_load_functions_on_missing_and_bad_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    for fn in (heatkit.load_typology, heatkit.load_live_postcodes):
        for path in (tmp_path / "missing.csv", bad, tmp_path):
            only_heat_errors(lambda: fn(path))
    # A failed load puts nothing in force: the embedded typology is still the one used.
    assert heatkit.validate_activity({"title": "T", "activity_type": "HE talk", "start_date": dt.date(2025, 11, 3),
                                      "contact_hours": 1, "unknown_beneficiary_headcount": 5}) == []
