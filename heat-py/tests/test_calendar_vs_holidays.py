"""heatkit's bank holidays beside an independent implementation, the PyPI package `holidays`,
for 1978-2100 (the years since the May holidays joined the calendar) in every nation.

`holidays` lists a weekend holiday on its own date as well as on its substitute day; heatkit
lists bank holidays, the days banks close, so only weekdays are compared. Known differences, each
checked against the primary source:
- Scotland, 30 November 2006: `holidays` has St Andrew's Day from 2006, but the St Andrew's Day
  Bank Holiday (Scotland) Act 2007 received Royal Assent on 15 January 2007, so the first St
  Andrew's Day bank holiday was in 2007.
"""

import datetime as dt

import pytest

import heatkit

holidays = pytest.importorskip("holidays")

SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}
KNOWN = {("scotland", dt.date(2006, 11, 30))}


@pytest.mark.parametrize("nation", list(SUBDIVISIONS))
def test_bank_holidays_agree_with_the_holidays_package_1978_2100(nation):
    theirs = holidays.UK(subdiv=SUBDIVISIONS[nation], years=range(1978, 2101))
    differences = []
    for year in range(1978, 2101):
        weekdays = {d for d in theirs if d.year == year and d.weekday() < 5}
        ours = set(heatkit.bank_holidays(year, nation=nation))
        differences += [(nation, d) for d in sorted(weekdays ^ ours)]
    assert set(differences) == {k for k in KNOWN if k[0] == nation}


def test_the_deadline_agrees_too():
    for year in range(1978, 2101):
        days = {d for d in holidays.UK(subdiv="ENG", years=year) if d.weekday() < 5}
        last = dt.date(year, 11, 30)
        while last.weekday() >= 5 or last in days:
            last -= dt.timedelta(days=1)
        assert heatkit.heat_track_deadline(year) == last
