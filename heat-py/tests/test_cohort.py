"""Cohort and calendar functions of heatkit against the golden cases shared with cargo test."""

import datetime as dt

import pytest

import heatkit
from conftest import read_cases

YEAR_GROUPS = read_cases("year_groups.csv", "cohorts")
TRACKS = read_cases("track_cohorts.csv", "cohorts")
D = dt.date


@pytest.mark.parametrize("row", YEAR_GROUPS, ids=lambda r: f"{r['dob']}-{r['nation']}")
def test_year_group_golden(row):
    kw = dict(academic_year=row["academic_year"], nation=row["nation"])
    assert heatkit.year_group(row["dob"], **kw) == row["label"]
    assert heatkit.year_group_number(row["dob"], **kw) == int(row["number"])
    assert heatkit.year_group(dt.date.fromisoformat(row["dob"]), **kw) == row["label"]


@pytest.mark.parametrize("row", TRACKS, ids=lambda r: f"{r['dob']}-{r['nation']}")
def test_track_cohort_golden(row):
    t = heatkit.track_cohort(row["dob"], nation=row["nation"])
    assert (t.ks4_exam_year, t.ks5_exam_year, t.he_ready_year, t.tracking_data_year) == (
        int(row["ks4_exam_year"]), int(row["ks5_exam_year"]), row["he_ready_year"], int(row["tracking_data_year"])
    )
    assert t.ks4_extract_deadline == D.fromisoformat(row["ks4_extract_deadline"])
    assert t.ks5_extract_deadline == D.fromisoformat(row["ks5_extract_deadline"])


def test_on_date_picks_the_academic_year():
    assert heatkit.year_group("2013-09-01", on=D(2025, 8, 31)) == "Year 6"
    assert heatkit.year_group("2013-09-01", on=D(2025, 9, 1)) == "Year 7"
    # Scotland's school year starts in August.
    assert heatkit.year_group("2013-03-01", on=D(2025, 8, 15), nation="scotland") == "S1"
    assert heatkit.year_group("01/09/2013", on="2025-10-01") == "Year 7"
    assert heatkit.year_group(dt.datetime(2013, 9, 1, 12, 30), academic_year="2025/26") == "Year 7"


def test_academic_year_and_dob_range():
    assert heatkit.academic_year(D(2025, 8, 31)) == "2024/25"
    assert heatkit.academic_year("2025-09-01") == "2025/26"
    assert heatkit.dob_range("Year 10", "2025/26") == (D(2010, 9, 1), D(2011, 8, 31))
    assert heatkit.dob_range(0, "2025-26") == (D(2020, 9, 1), D(2021, 8, 31))
    assert heatkit.dob_range("P1", "2024/25", nation="scotland") == (D(2019, 3, 1), D(2020, 2, 29))
    assert heatkit.dob_range("P1", "2025/26", nation="northern_ireland") == (D(2020, 7, 2), D(2021, 7, 1))
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.dob_range("Year 14", "2025/26")
    assert info.value.code == "year_group_not_in_nation"
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.dob_range("Year 10", "2025/27")
    assert info.value.code == "bad_academic_year"


@pytest.mark.parametrize(
    "typed, label",
    [("Y10", "Year 10"), ("yr 10", "Year 10"), ("Year 10", "Year 10"), ("10", "Year 10"), ("R", "Reception"),
     ("Rec", "Reception"), ("Reception", "Reception"), ("Year 12 (L3)", "Year 12"), ("year 7 ", "Year 7")],
)
def test_clean_year_group(typed, label):
    assert heatkit.clean_year_group(typed) == label


def test_clean_year_group_nations_and_errors():
    assert heatkit.clean_year_group("P6", nation="scotland") == "P6"
    assert heatkit.clean_year_group("s4", nation="scotland") == "S4"
    assert heatkit.clean_year_group("Year 14", nation="northern_ireland") == "Year 14"
    for bad, code in [("FE Level 3", "unknown_year_group"), ("", "unknown_year_group"),
                      ("S4", "year_group_not_in_nation"), ("Year 14", "year_group_not_in_nation")]:
        with pytest.raises(heatkit.CohortError) as info:
            heatkit.clean_year_group(bad)
        assert info.value.code == code
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.clean_year_group("Y10", nation="atlantis")
    assert info.value.code == "unknown_nation"


def test_phase_adjustment():
    assert heatkit.track_cohort("2008-08-31", phase_adjustment=1).ks4_exam_year == 2025


def test_tracking_age():
    assert heatkit.in_tracking_age("2008-03-15", "2026-08-31")
    assert not heatkit.in_tracking_age("2008-03-15", "2026-09-01")
    assert heatkit.in_tracking_age("2008-09-01", "2027-08-31")
    assert not heatkit.in_tracking_age("2008-09-01", "2027-09-01")
    assert heatkit.in_tracking_age("2008-03-15", "2033-03-14", ehcp=True)
    assert not heatkit.in_tracking_age("2008-03-15", "2033-03-15", ehcp=True)
    assert heatkit.in_tracking_age("2008-03-15", "2033-08-31", ehcp=True, ehcp_rule="end_of_academic_year_turning_25")
    assert heatkit.in_tracking_age("2008-02-29", "2033-02-28", ehcp=True)
    assert not heatkit.in_tracking_age("2008-02-29", "2033-02-28", ehcp=True, leap_day="february_28")
    with pytest.raises(ValueError) as e:
        heatkit.in_tracking_age("2008-02-29", "2033-02-28", ehcp_rule="forever")
    assert (e.value.code, str(e.value)) == (
        "unknown_value",
        "ehcp_rule must be one of 'until_25th_birthday' or 'end_of_academic_year_turning_25', not \"forever\"")
    with pytest.raises(ValueError) as e:
        heatkit.in_tracking_age("2008-02-29", "2033-02-28", leap_day="feb_29")
    assert (e.value.code, str(e.value)) == (
        "unknown_value", "leap_day must be one of 'march_1' or 'february_28', not \"feb_29\"")


def test_check_year_group():
    assert heatkit.check_year_group("2011-01-02", "Year 10", academic_year="2025/26") == ("fits", 0, None)
    assert heatkit.check_year_group("2011-01-02", 9, academic_year="2025/26") == ("out_by_one", -1, None)
    assert heatkit.check_year_group("2011-03-11", "Y9", academic_year="2025/26") == ("day_month_swap", -1, D(2011, 11, 3))
    assert heatkit.check_year_group("2011-01-02", "Year 12", academic_year="2025/26") == ("impossible", 2, None)


def test_calendar():
    assert heatkit.heat_track_deadline(2025) == D(2025, 11, 28)
    assert heatkit.last_working_day(2026, 11, nation="scotland") == D(2026, 11, 27)
    assert heatkit.last_working_day(2026, 11) == D(2026, 11, 30)
    assert heatkit.next_heat_track_deadline("2025-11-29") == D(2026, 11, 30)
    assert heatkit.bank_holidays(2023) == [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
                                           D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)]
    assert D(2024, 12, 2) in heatkit.bank_holidays(2024, nation="scotland")
    assert D(2024, 7, 12) in heatkit.bank_holidays(2024, nation="northern_ireland")
    with pytest.raises(heatkit.CohortError) as e:
        heatkit.last_working_day(2025, 13)
    assert e.value.code == "bad_month"


def test_bad_dates():
    for bad, code in [("31/02/2011", "bad_date"), ("2011-13-01", "bad_date"), ("soon", "bad_date"), (None, "missing_date")]:
        with pytest.raises(heatkit.CohortError) as info:
            heatkit.year_group(bad, academic_year="2025/26")
        assert info.value.code == code
    # A number is read as its text, like every date: YYYYMMDD or an Excel serial.
    assert heatkit.year_group(20110102, academic_year="2025/26") == "Year 10"
    assert heatkit.year_group(40422, academic_year="2025/26") == "Year 10"  # 1 Sep 2010
    with pytest.raises(heatkit.ArgumentError) as info:
        heatkit.year_group([2011], academic_year="2025/26")
    assert info.value.code == "wrong_type" and isinstance(info.value, TypeError)


DOBS = ["2011-01-02", None, "31/02/2011", D(2013, 9, 1), float("nan"), "01/09/2013"]


def test_year_groups_batch_list():
    assert heatkit.year_groups(DOBS, academic_year="2025/26") == ["Year 10", None, None, "Year 7", None, "Year 7"]
    out, issues = heatkit.year_groups(DOBS, academic_year="2025/26", errors="report")
    # Position 2 is spreadsheet row 4 (header row 1, first value row 2).
    assert [(i.row, i.position, i.code) for i in issues] == [(4, 2, "bad_date")]
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.year_groups(DOBS, academic_year="2025/26", errors="raise")
    assert info.value.row == 4 and str(info.value).startswith("row 4: ")
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.year_groups([1, 2], academic_year="2025/26", errors="raise")
    assert info.value.code == "bad_date"
    with pytest.raises(heatkit.ArgumentError):
        heatkit.year_groups([[1]], academic_year="2025/26", errors="raise")


def test_year_groups_batch_columns():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    dates = pa.array([D(2011, 1, 2), None, D(2013, 9, 1)])
    assert heatkit.year_groups(dates, academic_year="2025/26").to_pylist() == ["Year 10", None, "Year 7"]
    stamps = pa.array([dt.datetime(2011, 1, 2, 10), None], type=pa.timestamp("ns"))
    assert heatkit.year_groups(stamps, academic_year="2025/26").to_pylist() == ["Year 10", None]
    s = pd.Series(pd.to_datetime(["2011-01-02", None, "2013-09-01"]), index=[7, 8, 9])
    out = heatkit.year_groups(s, academic_year="2025/26")
    assert list(out.index) == [7, 8, 9] and out[7] == "Year 10" and out[9] == "Year 7" and pd.isna(out[8])
    mixed = pd.Series(["2011-01-02", D(2013, 9, 1), None])
    assert list(heatkit.year_groups(mixed, academic_year="2025/26"))[:2] == ["Year 10", "Year 7"]
    ps = pl.Series("dob", [D(2011, 1, 2), None])
    assert heatkit.year_groups(ps, academic_year="2025/26").to_list() == ["Year 10", None]
    # An empty column as pandas.read_csv gives it: all-NaN floats are missing dates, not an error.
    empty = pd.Series([float("nan")] * 3)
    assert heatkit.year_groups(empty, academic_year="2025/26").isna().all()
    # Excel serials and YYYYMMDD numbers read as dates, as everywhere.
    assert heatkit.year_groups(pa.array([40422.0, 20100901]), academic_year="2025/26").to_pylist() == ["Year 10"] * 2
    with pytest.raises(heatkit.ArgumentError) as info:
        heatkit.year_groups(pa.array([True]), academic_year="2025/26")
    assert info.value.code == "wrong_type"
    # A time-zone-aware timestamp is read by its local date: midnight on 1 Sep 2010 in London is
    # 23:00 on 31 Aug in UTC, but the pupil was born on 1 September (Year 10, not Year 11).
    london = pd.Series(pd.to_datetime(["2010-09-01 00:00", "2010-08-31 23:30"])).dt.tz_localize("Europe/London")
    assert list(heatkit.year_groups(london, academic_year="2025/26")) == ["Year 10", "Year 11"]
    arrow_london = pa.array(london)
    assert heatkit.year_groups(arrow_london, academic_year="2025/26").to_pylist() == ["Year 10", "Year 11"]
    assert heatkit.year_groups(list(london), academic_year="2025/26") == ["Year 10", "Year 11"]


def test_year_groups_of_a_dictionary_column_read_each_text_once_and_stay_a_dictionary():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    typed = ["31/08/2011", "2011-09-01", None, "31/02/2011", "31/08/2011", "01/09/2011"] * 2
    expected = ["Year 10", "Year 9", None, None, "Year 10", "Year 9"] * 2
    column = pa.array(typed).dictionary_encode()
    out = heatkit.year_groups(column, academic_year="2025/26")
    assert pa.types.is_dictionary(out.type) and out.to_pylist() == expected
    # The same labels' dictionary as a plain column gets (equal labels share one entry).
    assert out.type == heatkit.year_groups(pa.array(typed), academic_year="2025/26").type
    assert len(set(out.dictionary.to_pylist())) == len(out.dictionary)
    # The row-by-row answer, and unreadable dates still named by their rows.
    assert heatkit.year_groups(typed, academic_year="2025/26") == expected
    values, issues = heatkit.year_groups(column, academic_year="2025/26", errors="report")
    assert values.to_pylist() == expected and [i.row for i in issues] == [5, 11]
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.year_groups(column, academic_year="2025/26", errors="raise")
    assert info.value.row == 5
    readable = pa.array(["31/08/2011", "01/09/2011"] * 3).dictionary_encode()
    assert heatkit.year_groups(readable, academic_year="2025/26", errors="report")[1] == []
    # A pandas category and a polars Categorical stay categorical.
    s = pd.Series(typed, dtype="category", index=range(10, 22))
    out = heatkit.year_groups(s, academic_year="2025/26")
    assert out.dtype == "category" and list(out.index) == list(range(10, 22))
    assert [None if pd.isna(v) else v for v in out] == expected
    out = heatkit.year_groups(pl.Series("dob", typed, dtype=pl.Categorical), academic_year="2025/26")
    assert out.dtype == pl.Categorical and out.to_list() == expected


def test_track_cohorts_of_a_dictionary_column_read_each_text_once():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    typed = ["31/08/2008", "2008-09-01", None, "31/02/2011", "31/08/2008"] * 2
    plain = heatkit.track_cohorts(pa.array(typed))
    out = heatkit.track_cohorts(pa.array(typed).dictionary_encode())
    assert out.column_names == plain.column_names
    for name in plain.column_names:
        assert out[name].to_pylist() == plain[name].to_pylist(), name
    assert out["he_ready_year"].to_pylist()[:2] == ["2026/27", "2027/28"]
    assert pa.types.is_dictionary(out["he_ready_year"].type) and out["ks4_exam_year"].type == pa.int32()
    # Unreadable dates are still named by their rows.
    _, issues = heatkit.track_cohorts(pa.array(typed).dictionary_encode(), errors="report")
    assert [i.row for i in issues] == [5, 10]
    with pytest.raises(heatkit.CohortError) as info:
        heatkit.track_cohorts(pa.array(typed).dictionary_encode(), errors="raise")
    assert info.value.row == 5
    # pandas category and polars Categorical: the same years, index kept.
    s = pd.Series(typed, dtype="category", index=range(20, 30))
    frame = heatkit.track_cohorts(s)
    assert list(frame.index) == list(range(20, 30))
    assert [None if pd.isna(v) else int(v) for v in frame["ks4_exam_year"]] == plain["ks4_exam_year"].to_pylist()
    frame = heatkit.track_cohorts(pl.Series("dob", typed, dtype=pl.Categorical))
    assert frame["tracking_data_year"].to_list() == plain["tracking_data_year"].to_pylist()


def test_track_cohorts_batch():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    tracks = heatkit.track_cohorts(["2008-08-31", None, "bad"])
    assert tracks[0].he_ready_year == "2026/27" and tracks[1] is None and tracks[2] is None
    table = heatkit.track_cohorts(pa.array(["2008-08-31", "2008-09-01", None]))
    assert table.column_names == ["cohort_year", "ks4_exam_year", "ks5_exam_year", "he_ready_year",
                                  "tracking_data_year", "ks4_extract_deadline", "ks5_extract_deadline"]
    assert table.column("ks4_exam_year").to_pylist() == [2024, 2025, None]
    assert table.column("ks4_extract_deadline").to_pylist() == [D(2024, 11, 29), D(2025, 11, 28), None]
    frame = heatkit.track_cohorts(pd.Series(["2008-08-31", None], index=["a", "b"]))
    assert list(frame.index) == ["a", "b"]
    assert frame.loc["a", "tracking_data_year"] == 2028 and pd.isna(frame.loc["b", "tracking_data_year"])
    _, issues = heatkit.track_cohorts(["bad"], errors="report")
    assert issues[0].code == "bad_date"
