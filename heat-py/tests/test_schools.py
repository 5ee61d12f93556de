"""heatkit.SchoolDirectory: typed school names found in a GIAS-shaped extract of real register
names (tests/cases/schools/register_names.csv), with the reason for every choice."""

from pathlib import Path

import pytest

import heatkit

SCHOOLS = Path(__file__).resolve().parents[2] / "tests" / "cases" / "schools"


@pytest.fixture(scope="module")
def register():
    return heatkit.SchoolDirectory(SCHOOLS / "register_names.csv")


def test_an_exact_name_with_a_comma_is_found_whole(register):
    assert len(register) == 22
    found = register.find("St Michael's Church of England Voluntary Aided Primary School, Lyme Regis")
    assert found == {"outcome": "found", "school_id": "113851",
                     "name": "St Michael's Church of England Voluntary Aided Primary School, Lyme Regis",
                     "reason": "exact", "nearness": None, "certain": True, "candidates": []}
    closed = register.find("folkestone, st mary's church of england primary school")
    assert (closed["outcome"], closed["school_id"], closed["candidates"]) == ("closed", None, ["118743"])


def test_home_breaks_a_tie_and_says_so(register):
    name = "St Joseph's Catholic Primary School"
    near = register.find(name, home="BD5 7AD")
    assert (near["outcome"], near["school_id"], near["reason"], near["nearness"], near["certain"]) == (
        "nearest", "107327", "exact", "home_district", False)
    assert near["candidates"] == ["106348", "111373", "107342", "107345", "141670"]
    many = register.find_all([name, name, "Rosary RC Primary", ""], homes=["WA1 1AA", None, None, None])
    assert [(m["outcome"], m["school_id"], m["reason"], m["nearness"]) for m in many] == [
        ("nearest", "111373", "exact", "home_area"),
        ("ambiguous", None, None, None),
        ("found", "100035", "without_generic_words", None),
        ("not_found", None, None, None),
    ]
    assert [m["certain"] for m in many] == [False, False, False, False]
    with pytest.raises(ValueError, match="homes has 1 values for 2 names"):
        register.find_all([name, name], homes=["WA1 1AA"])


def test_find_all_leaves_the_garbage_collector_as_it_found_it(register):
    import gc

    names = ["St Joseph's Catholic Primary School", "Rosary RC Primary", "Nowhere", ""] * 50
    one_by_one = [register.find(n) for n in names]
    assert gc.isenabled()
    assert register.find_all(names) == one_by_one
    assert gc.isenabled()
    gc.disable()
    try:
        assert register.find_all(names) == one_by_one
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_lone_surrogate_is_one_name_not_found_not_an_error(register):
    bad = "St Mar\udc80y"
    assert register.find(bad, home="LS1\udc80")["outcome"] == "not_found"
    many = register.find_all([bad, "Rosary RC Primary"], homes=["LS1\udc80", None])
    assert [m["outcome"] for m in many] == ["not_found", "found"]


def test_an_empty_directory_and_a_bad_file():
    assert len(heatkit.SchoolDirectory()) == 0
    assert heatkit.SchoolDirectory().find("Anything")["outcome"] == "not_found"
    with pytest.raises(heatkit.ImportFileError) as e:
        heatkit.SchoolDirectory("/no/such/gias.csv")
    assert e.value.code == "unreadable_file"
