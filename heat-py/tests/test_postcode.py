"""Postcode functions of heatkit against the golden cases shared with cargo test."""

import lzma
import math
import pickle

import pytest

import heatkit
from conftest import read_cases, unescape

VALID = read_cases("valid.csv")
INVALID = read_cases("invalid.csv")
MESSY = read_cases("messy.csv")
SPECIAL = read_cases("special.csv")
CHECKS = read_cases("heatkit_check.csv")


def test_case_counts():
    assert (len(VALID), len(INVALID), len(MESSY), len(SPECIAL), len(CHECKS)) == (194, 69, 43, 44, 33)


@pytest.mark.parametrize("row", VALID, ids=lambda r: r["postcode"])
def test_valid_parses_into_parts(row):
    for value in (row["postcode"], row["compact"], row["compact"].lower()):
        p = heatkit.parse_postcode(value, level="live")
        assert (p.postcode, p.outward, p.inward, p.area, p.district, p.sub_district, p.sector, p.unit) == (
            row["postcode"], row["outward"], row["inward"], row["area"], row["district"],
            row["sub_district"] or None, row["sector"], row["unit"],
        )
        assert str(p) == row["postcode"]
        assert heatkit.normalise_postcode(value) == row["postcode"]
        assert heatkit.is_valid_postcode(value, level="live")


@pytest.mark.parametrize("row", INVALID, ids=lambda r: r["input_escaped"])
def test_invalid_raises_with_reason(row):
    value = unescape(row["input_escaped"])
    with pytest.raises(heatkit.InvalidPostcodeError) as info:
        heatkit.normalise_postcode(value, level="live")
    assert info.value.code == row["reason"]
    if row["detail"]:
        assert info.value.detail == row["detail"]
    assert isinstance(info.value, ValueError) and isinstance(info.value, heatkit.HeatError)
    assert not heatkit.is_valid_postcode(value, level="live")


# Messy cases whose look-alike repair has a live rival as near (O is also the key under 9).
EQUALLY_NEAR = {"SW10 OAA": "SW10 9AA"}


@pytest.mark.parametrize("row", MESSY, ids=lambda r: r["input_escaped"])
def test_messy_normalise_and_fix(row):
    value = unescape(row["input_escaped"])
    if row["expected_normalised"]:
        assert heatkit.normalise_postcode(value) == row["expected_normalised"]
    else:
        with pytest.raises(heatkit.InvalidPostcodeError):
            heatkit.normalise_postcode(value)
    if value in EQUALLY_NEAR:
        # One of two live postcodes one slip away: refused, the case's answer listed first.
        with pytest.raises(heatkit.InvalidPostcodeError):
            heatkit.fix_postcode(value)
        nearest = [k.postcode for k in heatkit.postcode_candidates(value) if k.cost == 1]
        assert nearest == [row["expected_fixed"], EQUALLY_NEAR[value]]
    elif row["fixed_is_live"] == "no":
        # The shape-only repair is not live: refused with the value's own error, and not offered.
        with pytest.raises(heatkit.InvalidPostcodeError) as info:
            heatkit.fix_postcode(value)
        with pytest.raises(heatkit.InvalidPostcodeError) as typed:
            heatkit.normalise_postcode(value)
        assert info.value.code == typed.value.code
        assert row["expected_fixed"] not in [k.postcode for k in heatkit.postcode_candidates(value)]
    elif row["fix_result"].startswith("unfixable:"):
        code = row["fix_result"].split(":")[1].split(" ")[0]
        with pytest.raises(heatkit.InvalidPostcodeError) as info:
            heatkit.fix_postcode(value)
        assert info.value.code == code
    else:
        assert heatkit.fix_postcode(value) == row["expected_fixed"]


@pytest.mark.parametrize("row", SPECIAL, ids=lambda r: r["input"])
def test_special_labelled(row):
    c = heatkit.check_postcode(row["input"])
    if row["kind"] == "crown_dependency":
        assert c.status == "valid"
    elif row["kind"] == "historical_outcode" or row["input"] == "G1R 0AA":
        assert c.status == "invalid"
    else:
        assert (c.status, c.code, c.postcode) == ("special", row["kind"], row["canonical"] or None)
    strict = row["strict_uk_result"]
    if strict == "ok":
        assert heatkit.is_valid_postcode(row["input"], level="live")
    else:
        code, detail = strict.split(":")
        with pytest.raises(heatkit.InvalidPostcodeError) as info:
            heatkit.parse_postcode(row["input"], level="live")
        assert (info.value.code, info.value.detail) == (code, detail)


@pytest.mark.parametrize("row", CHECKS, ids=lambda r: r["input_escaped"])
def test_heatkit_check_cases(row):
    value = unescape(row["input_escaped"])
    c = heatkit.check_postcode(value)
    edits = ";".join(f"{k}:{p}:{a or ''}>{b or ''}" for k, p, a, b in c.edits)
    near = ";".join(k.postcode for k in c.candidates)
    assert (c.input, c.status, c.code, c.postcode, edits, near) == (
        value, row["status"], row["code"] or None, row["postcode"] or None, row["edits"], row["candidates"]
    )


def test_non_str_and_missing():
    assert heatkit.is_valid_postcode(None) is False
    assert heatkit.is_valid_postcode(12345) is False
    assert heatkit.is_valid_postcode(b"SW1A 1AA") is False
    with pytest.raises(heatkit.InvalidPostcodeError) as info:
        heatkit.normalise_postcode(None)
    assert info.value.code == "empty"
    with pytest.raises(TypeError):
        heatkit.normalise_postcode(12345)
    assert heatkit.check_postcode(None).status == "invalid"
    with pytest.raises(ValueError, match="unknown level"):
        heatkit.is_valid_postcode("SW1A 1AA", level="strict")


def test_levels():
    assert heatkit.is_valid_postcode("SO1 1AA", level="area")
    assert not heatkit.is_valid_postcode("SO1 1AA", level="district")
    assert heatkit.is_valid_postcode("B1 6SR")
    assert not heatkit.is_valid_postcode("B1 6SR", level="live")
    assert heatkit.check_postcode("B1 6SR").code == "not_live"


def test_postcode_object():
    p = heatkit.parse_postcode("sw1a1aa")
    assert p == heatkit.parse_postcode("SW1A 1AA")
    assert hash(p) == hash(heatkit.parse_postcode("SW1A 1AA"))
    assert repr(p) == "Postcode('SW1A 1AA')"
    assert p.area_name == "South West London"
    assert p.liveness == "live"
    assert heatkit.parse_postcode("BT35 8GE").liveness == "not_covered"
    assert sorted([heatkit.parse_postcode("M1 1AD"), p])[0] == heatkit.parse_postcode("M1 1AD")


def test_data_version():
    assert heatkit.data_version() == "ONSPD February 2025"


def test_load_live_postcodes(tmp_path):
    f = tmp_path / "nspl.csv"
    f.write_text("pcd,doterm\nBT1 1ZZ,\nBT1 1ZY,201001\nrubbish,\n", encoding="utf-8")
    added, terminated, invalid = heatkit.load_live_postcodes(f)
    assert (added, terminated, invalid) == (1, 1, [(4, "bad_format")])  # spreadsheet row 4
    assert heatkit.parse_postcode("BT1 1ZZ").liveness == "live"
    assert heatkit.parse_postcode("BT1 1ZY").liveness == "not_live"
    with pytest.raises(heatkit.HeatError) as info:
        heatkit.load_live_postcodes(tmp_path / "missing.csv")
    assert info.value.code == "unreadable_file"
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nx\n", encoding="utf-8")
    with pytest.raises(heatkit.HeatError) as info:
        heatkit.load_live_postcodes(bad)
    assert info.value.code == "missing_column"


MIXED = ["sw1a1aa", None, math.nan, "nope", "CRO 2YR", "", "BFPO 105", "SW1A 9ZZ"]
EXPECTED = ["SW1A 1AA", None, None, None, None, None, None, "SW1A 9ZZ"]
EXPECTED_FIXED = ["SW1A 1AA", None, None, None, "CR0 2YR", None, None, "SW1A 9ZZ"]


def test_batch_list():
    assert heatkit.normalise_postcodes(MIXED) == EXPECTED
    assert heatkit.normalise_postcodes(MIXED, fix=True) == EXPECTED_FIXED
    out, issues = heatkit.normalise_postcodes(MIXED, errors="report")
    assert out == EXPECTED
    # Spreadsheet rows: the first value is row 2; `position` is the 0-based position.
    assert [(i.row, i.position, i.code) for i in issues] == [
        (5, 3, "too_short"), (6, 4, "bad_format"), (7, 5, "empty"), (8, 6, "bad_format")
    ]
    assert issues[0].message.startswith("row 5: ")
    with pytest.raises(heatkit.InvalidPostcodeError) as info:
        heatkit.normalise_postcodes(MIXED, errors="raise")
    assert (info.value.row, info.value.code) == (5, "too_short")
    with pytest.raises(heatkit.ArgumentError, match="row 3: value must be text, not int") as a:
        heatkit.normalise_postcodes(["SW1A 1AA", 7], errors="raise")
    assert isinstance(a.value, TypeError) and a.value.code == "wrong_type"
    assert heatkit.normalise_postcodes(("SW1A 1AA", 7)) == ["SW1A 1AA", None]
    with pytest.raises(heatkit.ArgumentError):
        heatkit.normalise_postcodes("SW1A 1AA")
    with pytest.raises(heatkit.ArgumentError):
        heatkit.normalise_postcodes(MIXED, errors="ignore")
    assert heatkit.normalise_postcodes([]) == []


def test_batch_pyarrow():
    pa = pytest.importorskip("pyarrow")
    arr = pa.array(MIXED, from_pandas=True)
    out = heatkit.normalise_postcodes(arr)
    assert isinstance(out, pa.Array) and out.to_pylist() == EXPECTED
    chunked = pa.chunked_array(
        [pa.array(MIXED[:3], from_pandas=True), pa.array(MIXED[3:], from_pandas=True)]
    )
    out = heatkit.normalise_postcodes(chunked, fix=True)
    assert isinstance(out, pa.ChunkedArray) and out.to_pylist() == EXPECTED_FIXED
    for typ in (pa.large_string(), pa.string_view()):
        assert heatkit.normalise_postcodes(arr.cast(typ)).to_pylist() == EXPECTED
    empty = heatkit.normalise_postcodes(pa.array([], pa.string()))
    assert isinstance(empty, pa.Array) and len(empty) == 0
    empty = heatkit.normalise_postcodes(pa.chunked_array([], pa.string()))
    assert isinstance(empty, pa.ChunkedArray) and len(empty) == 0
    assert heatkit.normalise_postcodes(pa.array([None, None], pa.string())).to_pylist() == [None, None]
    assert heatkit.normalise_postcodes(arr.dictionary_encode()).to_pylist() == EXPECTED
    with pytest.raises(heatkit.ArgumentError, match="must be a column of text") as a:
        heatkit.normalise_postcodes(pa.array([1, 2]))
    assert isinstance(a.value, TypeError)
    table = heatkit.check_postcodes(arr)
    assert table.column_names == ["input", "postcode", "status", "code", "message", "edits", "candidates"]
    assert table.column("status").to_pylist() == [
        "valid", "invalid", "invalid", "invalid", "fixed", "invalid", "special", "valid"
    ]
    assert table.column("edits").to_pylist()[4] == "look_alike:2:O>0"


def test_batch_keeps_the_input_types():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    arr = pa.array(MIXED, from_pandas=True)
    # Arrow text types come back as themselves.
    for typ in (pa.large_string(), pa.string_view()):
        out = heatkit.normalise_postcodes(arr.cast(typ))
        assert out.type == typ and out.to_pylist() == EXPECTED
    # A dictionary comes back a dictionary, each value read once; equal results share an entry.
    repeated = pa.array(["sw1a1aa", "SW1A 1AA", None, "nope", "sw1a1aa", "ls14ap"] * 3).dictionary_encode()
    out = heatkit.normalise_postcodes(repeated)
    assert pa.types.is_dictionary(out.type)
    assert out.to_pylist() == ["SW1A 1AA", "SW1A 1AA", None, None, "SW1A 1AA", "LS1 4AP"] * 3
    assert sorted(out.dictionary.to_pylist()) == ["LS1 4AP", "SW1A 1AA"]
    chunked = pa.chunked_array([repeated[:7], pa.array(["cro2yr", None]).dictionary_encode()])
    out = heatkit.normalise_postcodes(chunked, fix=True)
    assert isinstance(out, pa.ChunkedArray) and pa.types.is_dictionary(out.type)
    assert out.to_pylist() == ["SW1A 1AA", "SW1A 1AA", None, None, "SW1A 1AA", "LS1 4AP", "SW1A 1AA", "CR0 2YR", None]
    # Errors in a dictionary still name the row (the rows are then read one by one).
    values, issues = heatkit.normalise_postcodes(repeated, errors="report")
    assert values.to_pylist()[:6] == ["SW1A 1AA", "SW1A 1AA", None, None, "SW1A 1AA", "LS1 4AP"]
    assert [i.row for i in issues] == [5, 11, 17]
    with pytest.raises(heatkit.InvalidPostcodeError) as e:
        heatkit.normalise_postcodes(repeated, errors="raise")
    assert e.value.row == 5
    good = pa.array(["sw1a1aa", "ls14ap"]).dictionary_encode()
    assert heatkit.normalise_postcodes(good, errors="report")[1] == []
    # pandas: string[pyarrow], string[python], ArrowDtype and category are kept.
    for dtype in ("string[pyarrow]", "string[python]", pd.ArrowDtype(pa.string()), pd.ArrowDtype(pa.large_string()),
                  "category"):
        s = pd.Series(["sw1a1aa", None, "nope", "ls14ap"], index=[5, 6, 7, 8], dtype=dtype, name="pc")
        out = heatkit.normalise_postcodes(s)
        assert out.dtype == s.dtype or (dtype == "category" and out.dtype == "category"), (dtype, out.dtype)
        assert list(out.index) == [5, 6, 7, 8] and out.name == "pc"
        assert [None if pd.isna(v) else v for v in out] == ["SW1A 1AA", None, None, "LS1 4AP"]
    # polars: a Categorical stays categorical, a String stays a String.
    out = heatkit.normalise_postcodes(pl.Series("pc", ["sw1a1aa", None, "ls14ap"], dtype=pl.Categorical))
    assert out.dtype == pl.Categorical and out.to_list() == ["SW1A 1AA", None, "LS1 4AP"]
    out = heatkit.normalise_postcodes(pl.Series("pc", ["sw1a1aa", None]))
    assert out.dtype == pl.String and out.to_list() == ["SW1A 1AA", None]


def test_check_postcodes_of_a_dictionary_column_equals_the_rows_read_one_by_one():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    typed = ["sw1a1aa", None, "CRO 2YR", "nope", "BFPO 105", "sw1a1aa", None, "MA1 1AA"] * 40
    plain = heatkit.check_postcodes(pa.array(typed))
    # Over 127 distinct values, so the missing row's entry needs wider indices than int8.
    many = typed + [f"LS{n} 4AP" for n in range(1, 200)]
    for column in (pa.array(typed).dictionary_encode(),
                   pa.chunked_array([pa.array(typed[:100]).dictionary_encode(), pa.array(typed[100:]).dictionary_encode()])):
        table = heatkit.check_postcodes(column)
        assert table.drop_columns(["input"]).to_pylist() == plain.drop_columns(["input"]).to_pylist()
        assert table.column("input").to_pylist() == typed
    big = heatkit.check_postcodes(pa.array(many).dictionary_encode())
    assert big.drop_columns(["input"]).to_pylist() == heatkit.check_postcodes(pa.array(many)).drop_columns(["input"]).to_pylist()
    assert [r["status"] for r in plain.to_pylist()[:8]] == ["valid", "invalid", "fixed", "invalid", "special", "valid",
                                                            "invalid", "invalid"]
    frame = heatkit.check_postcodes(pd.Series(typed, dtype="category", index=range(5, 5 + len(typed))))
    assert list(frame.index) == list(range(5, 5 + len(typed)))
    assert list(frame["status"]) == plain.column("status").to_pylist()
    polars_frame = heatkit.check_postcodes(pl.Series("pc", typed, dtype=pl.Categorical))
    assert polars_frame["status"].to_list() == plain.column("status").to_pylist()


def test_batch_pandas_keeps_index():
    pd = pytest.importorskip("pandas")
    s = pd.Series(["sw1a1aa", None, pd.NA, "CRO 2YR", math.nan], index=[10, 11, 12, 13, 14], name="pc")
    out = heatkit.normalise_postcodes(s, fix=True)
    assert list(out.index) == [10, 11, 12, 13, 14] and out.name == "pc"
    assert [None if pd.isna(v) else v for v in out] == ["SW1A 1AA", None, None, "CR0 2YR", None]
    frame = heatkit.check_postcodes(s)
    assert list(frame.index) == [10, 11, 12, 13, 14]
    assert list(frame["status"]) == ["valid", "invalid", "invalid", "fixed", "invalid"]
    assert frame.loc[13, "postcode"] == "CR0 2YR"


def test_batch_polars():
    pl = pytest.importorskip("polars")
    s = pl.Series("pc", ["sw1a1aa", None, "CRO 2YR"])
    out = heatkit.normalise_postcodes(s, fix=True)
    assert isinstance(out, pl.Series) and out.name == "pc"
    assert out.to_list() == ["SW1A 1AA", None, "CR0 2YR"]
    frame = heatkit.check_postcodes(s)
    assert frame.columns == ["input", "postcode", "status", "code", "message", "edits", "candidates"]
    assert frame["status"].to_list() == ["valid", "invalid", "fixed"]


def test_batch_large_input_is_split_and_ordered():
    pa = pytest.importorskip("pyarrow")
    values = [f"sw1a {i % 10}aa" if i % 7 else None for i in range(100_000)]
    result = heatkit.normalise_postcodes(pa.array(values))
    assert isinstance(result, pa.Array) and len(result) == 100_000
    out = result.to_pylist()
    assert out == [None if v is None else v.upper() for v in values]
    assert heatkit.normalise_postcodes(values) == out
    # A chunked input keeps its chunks (an empty chunk has nothing to keep), across block edges.
    chunked = pa.chunked_array([pa.array(values[:40_000]), pa.array([], pa.string()), pa.array(values[40_000:])])
    result = heatkit.normalise_postcodes(chunked)
    assert [len(c) for c in result.chunks] == [40_000, 60_000]
    assert result.to_pylist() == out
    # Reported rows are numbered across blocks and chunks.
    bad = ["nope" if i in (5, 32_768, 70_001) else v for i, v in enumerate(values)]
    _, issues = heatkit.normalise_postcodes(pa.chunked_array([bad[:50_000], bad[50_000:]]), errors="report")
    assert [(i.position, i.row, i.code) for i in issues] == [
        (5, 7, "too_short"), (32_768, 32_770, "too_short"), (70_001, 70_003, "too_short")
    ]


def test_every_live_postcode_and_slip_through_python(shared_dir):
    """Exhaustive, through the Arrow batch path: every live postcode is valid; every single
    O/0, I/1, S/5 slip (of every seventh) is fixed back, or left to a person with the right
    postcode among the equally near candidates (O is also the key under 9, I under 8)."""
    pa = pytest.importorskip("pyarrow")
    with lzma.open(shared_dir / "data/postcodes/live_postcodes_gb_ci_im_onspd_2025_02.txt.xz", "rt") as f:
        live = f.read().splitlines()
    assert len(live) == 1_749_487
    assert heatkit.normalise_postcodes(pa.array(live), level="live").equals(pa.array(live))
    swap = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S"}
    slipped, truth = [], []
    for pc in live[::7]:
        for i, ch in enumerate(pc):
            if ch in swap:
                slipped.append(pc[:i] + swap[ch] + pc[i + 1:])
                truth.append(pc)
    fixed = heatkit.normalise_postcodes(pa.array(slipped), fix=True).to_pylist()
    assert all(f is None or f == t for f, t in zip(fixed, truth))  # never another postcode
    left = [(s, t) for s, t, f in zip(slipped, truth, fixed) if f is None]
    checks = heatkit.check_postcodes(pa.array([s for s, _ in left]))
    offered = checks.column("candidates").to_pylist()
    assert set(checks.column("status").to_pylist()) == {"check"}
    assert all(t in near.split(";") for (_, t), near in zip(left, offered))
    assert (len(slipped), len(left)) == (320_684, 56_113)


def test_repairs_land_only_on_live_postcodes_with_the_slip_named():
    # A key next to the right one: R typed for 4.
    assert heatkit.fix_postcode("al7 ref") == "AL7 4EF"
    # I for 1 gives L5 1YE, which nobody lives at; I is also the key under 8: L5 8YE is live.
    assert heatkit.fix_postcode("l5 iye") == "L5 8YE"
    # Several equally near: never a silent pick.
    c = heatkit.check_postcode("B81 4LS")
    assert (c.status, c.code, c.postcode) == ("check", "unknown_district", None)
    assert [(k.postcode, k.slip, k.cost) for k in c.candidates] == [
        ("B71 4LS", "neighbour_digit", 1), ("B18 4LS", "transposed", 1), ("B8 1LS", "extra", 1)]
    # Deleting the 4 moves the space typed: B8 1LS is listed for a person, never chosen.
    assert [k.repairable for k in c.candidates] == [True, True, False]
    assert c.message.endswith("did you mean B71 4LS, B18 4LS or B8 1LS?")
    with pytest.raises(heatkit.InvalidPostcodeError):
        heatkit.fix_postcode("B81 4LS", postcodes=["B8 1LS"])
    with pytest.raises(heatkit.InvalidPostcodeError) as e:
        heatkit.fix_postcode("B81 4LS")
    assert e.value.code == "unknown_district"
    # Context breaks the tie: the student's other record, the school's district, an area.
    assert heatkit.fix_postcode("B81 4LS", postcodes=["B71 4LS"]) == "B71 4LS"
    assert heatkit.fix_postcode("B81 4LS", districts=["b18"]) == "B18 4LS"
    found = heatkit.postcode_candidates("B81 4LS", districts=["B18"])
    assert [(k.postcode, k.context) for k in found] == [
        ("B18 4LS", "same_district"), ("B71 4LS", None), ("B8 1LS", None)]
    assert found[0].edits == [("transposed", 1, "8", "1")]
    # Pickles (multiprocessing sends results back this way).
    assert repr(pickle.loads(pickle.dumps(found[0]))) == repr(found[0])
    back = pickle.loads(pickle.dumps(c))
    assert [(k.postcode, k.repairable) for k in back.candidates] == [
        ("B71 4LS", True), ("B18 4LS", True), ("B8 1LS", False)]
    # Northern Ireland: only look-alikes, to a live district (BT1 1ZZ is also in the list that
    # test_load_live_postcodes loads, so the answer is the same whichever runs first).
    assert heatkit.fix_postcode("BT1 IZZ") == "BT1 1ZZ"
    assert heatkit.postcode_candidates("BT99 1AA") == []
    assert heatkit.fix_postcodes(["al7 ref", "B81 4LS", None]) == ["AL7 4EF", None, None]
