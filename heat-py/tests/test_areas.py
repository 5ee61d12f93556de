"""heatkit.AreaIndex and enrich_postcodes on the real files in ../shared/data/areas and the
OfS-format fixture, through every column kind, the clean job and the command."""

import csv
import io
import pathlib
import zipfile

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import heatkit
from heatkit import cli

from conftest import CASES

ONS = "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample5pct.csv"
IMD = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
OFS = CASES / "areas" / "ofs_postcode_lookup.csv"


@pytest.fixture(scope="module")
def files(shared_dir):
    areas = shared_dir / "data" / "areas"
    return [areas / ONS, areas / IMD, areas / "SIMD+2020v2+-+ranks.xlsx", areas / "NIMDM17_SOAresults.xls", OFS]


@pytest.fixture(scope="module")
def index(files):
    return heatkit.AreaIndex.build([str(f) for f in files])


def test_every_file_is_read_and_every_row_accounted_for(index):
    reports = index.reports
    assert [r["kind"] for r in reports] == ["postcodes", "imd2019", "simd2020v2", "nimdm2017", "ofs"]
    assert [(r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in reports] == [
        (135_745, 135_745, 0), (32_844, 32_844, 0), (6_976, 6_976, 0), (890, 890, 0), (7, 7, 0)]
    assert (reports[1]["deciles_checked"], reports[1]["deciles_differing"]) == (32_844, 0)
    assert len(index) == 135_746  # the sample, and LS1 4AP from the OfS file only
    assert index.sources[0] == (ONS, "postcodes", "ONS postcode look-up, May 2022")
    assert repr(index).startswith("<AreaIndex: 135746 postcodes from: ")


def test_lookup_reads_as_the_lookups_say(index, shared_dir):
    with open(shared_dir / "data" / "areas" / ONS, newline="", encoding="utf-8") as f:
        rows = {r["pcds"]: r for r in csv.DictReader(f)}
    got = index.lookup("ls11nz")
    assert (got["postcode"], got["status"], got["lsoa11"], got["lad_name"]) == (
        "LS1 1NZ", "live", rows["LS1 1NZ"]["lsoa11cd"], "Leeds")
    assert (got["imd_index"], got["imd_rank"], got["imd_decile"], got["imd_quintile"]) == ("IMD 2019", 134, 1, 1)
    assert (got["polar4_quintile"], got["uni_connect_target_ward"], got["ofs_source"]) == (
        1, True, "ofs_postcode_lookup.csv")
    term = index.lookup("M1 1AH")
    doterm = rows["M1 1AH"]["doterm"]
    assert (term["status"], term["terminated"]) == ("terminated", f"{doterm[:4]}-{doterm[4:]}")
    ab = index.lookup("AB10 1AG")
    assert (ab["country"], ab["imd_index"], ab["imd_area"]) == ("Scotland", "SIMD 2020v2", "S01006646")
    assert "TUNDRA MSOA: removed by OfS (Not in England (fixture text))" in ab["notes"]
    assert index.lookup("ZE3 9JZ")["status"] == "unknown"
    assert (index.lookup("N/A")["status"], index.lookup("N/A")["postcode"]) == ("invalid", None)


VALUES = ["LS1 1NZ", "ab101ag", None, "N/A", "ZE3 9JZ", "BT1 1HU"]


def test_enrich_keeps_the_callers_kind(index):
    as_list = heatkit.enrich_postcodes(VALUES, index)
    assert [r["status"] for r in as_list] == ["live", "live", "invalid", "invalid", "unknown", "live"]
    assert list(as_list[0]) == list(heatkit._areas.ENRICH_COLUMNS)
    frame = heatkit.enrich_postcodes(pd.Series(VALUES, index=[10, 11, 12, 13, 14, 15]), index)
    assert list(frame.index) == [10, 11, 12, 13, 14, 15]
    assert list(frame.columns) == list(heatkit._areas.ENRICH_COLUMNS)
    assert frame.loc[11, "imd_index"] == "SIMD 2020v2"
    polars = heatkit.enrich_postcodes(pl.Series("pc", VALUES), index)
    assert isinstance(polars, pl.DataFrame) and polars["imd_index"].to_list()[5] == "NIMDM 2017"
    table = heatkit.enrich_postcodes(pa.array(VALUES), index)
    assert isinstance(table, pa.Table)
    assert table.schema.field("imd_rank").type == pa.uint32()
    assert table.schema.field("polar4_quintile").type == pa.uint8()
    assert table.schema.field("uni_connect_target_ward").type == pa.bool_()
    assert table.to_pylist() == as_list
    # Many rows at once (the batch path) equal one at a time.
    many = [v for v in VALUES if v] * 2000
    batch = heatkit.enrich_postcodes(pa.array(many), index).to_pylist()
    assert batch == [index.lookup(v) for v in many]


def test_batch_equals_lookups_and_dictionaries_hold_each_value_once(index, shared_dir):
    # Postcodes of every kind (live, terminated, Scottish, NI, OfS-only, old forms, junk, blank),
    # in batches large enough to span several blocks: each row equals its own lookup, and each
    # dictionary column lists every value once (a pandas category).
    with open(shared_dir / "data" / "areas" / ONS, newline="", encoding="utf-8") as f:
        postcodes = [r["pcds"] for r in csv.DictReader(f)][::3]
    values = [p.lower() if i % 5 == 0 else p for i, p in enumerate(postcodes)] + [
        "LS1 4AP", "ls14ap", "N/A", "", "NPT 0AE", "AB10 1AG", "BT1 1AA", "ZZ99 9ZZ"] * 3
    table = heatkit.enrich_postcodes(pa.array(values), index)
    assert table.num_rows == len(values)
    for name in ("status", "country", "lad", "notes", "imd_index", "reason_removed_polar", "area_source"):
        column = table.column(name)
        assert pa.types.is_dictionary(column.type), name
        for chunk in column.chunks:
            words = chunk.dictionary.to_pylist()
            assert len(words) == len(set(words)), name
    rows = table.to_pylist()
    for k in list(range(0, len(values), 97)) + list(range(len(values) - 24, len(values))):
        assert rows[k] == index.lookup(values[k]), values[k]
    assert table.to_pandas()["status"].dtype == "category"


def test_save_and_load(index, tmp_path):
    path = tmp_path / "areas.idx"
    index.save(path)
    back = heatkit.AreaIndex.load(path)
    assert len(back) == len(index) and back.reports == []
    assert [back.lookup(v or "") for v in VALUES] == [index.lookup(v or "") for v in VALUES]
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(heatkit.AreaLookupError) as e:
        heatkit.AreaIndex.load(path)
    assert e.value.code == "bad_index_file"


def test_bad_files_raise_one_clear_error(tmp_path, shared_dir):
    def fails(name, data):
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(heatkit.AreaLookupError) as e:
            heatkit.AreaIndex.build([p])
        assert isinstance(e.value, heatkit.HeatError)
        return e.value

    e = fails("l.csv", b"pcds,lsoa11cd\nLS1 1NZ,E01011363\nLS11NZ,E01000001\n")
    assert (e.code, str(e)) == (
        "conflicting_postcode", "l.csv: postcode LS1 1NZ is given twice with different areas (rows 2 and 3)")
    e = fails("x.csv", b"name,colour\nA,red\n")
    assert e.code == "unknown_area_file" and "its header: name, colour" in str(e)
    imd = (shared_dir / "data" / "areas" / IMD).read_bytes()
    e = fails("imd.csv", imd[: imd.rindex(b"\nE01") + 1])
    assert e.code == "rank_count" and "ranks 32843 areas, but IMD 2019 ranks 32844" in str(e)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OfS/postcode_lookup.csv", OFS.read_bytes())
    whole = buffer.getvalue()
    zipped = tmp_path / "ofs.zip"
    zipped.write_bytes(whole)
    ok = heatkit.AreaIndex.build([zipped])
    assert ok.reports[0]["file"] == "ofs.zip › OfS/postcode_lookup.csv"
    assert fails("cut.zip", whole[: len(whole) // 2]).code == "bad_zip"


def test_clean_adds_areas_and_counts_quintiles(index, tmp_path):
    csv_text = ("Forename,Surname,Date of Birth,Home Postcode\n"
                "Ann,Lee,2011-01-02,ls11nz\nBob,Kay,2011-03-04,LS1 2AL\nCat,Day,2011-05-06,AB10 1AG\n"
                "Dan,Fry,2011-07-08,ZE3 9JZ\n")
    out = heatkit.clean(csv_text.encode(), on="2026-12-01", areas=index, kind="dict")
    s = out.students
    assert s["area_status"] == ["live", "live", "live", "unknown"]
    assert s["imd_index"][:3] == ["IMD 2019", "IMD 2019", "SIMD 2020v2"]
    assert s["polar4_quintile"] == [1, 5, 3, None]
    assert s["uni_connect_target_ward"] == [True, False, False, None]
    assert out.summary["polar4_quintiles"] == [1, 0, 1, 0, 1]
    assert out.summary["polar4_share_q1_q2"] == pytest.approx(1 / 3)
    assert 'id="chart-polar4"' in out.report().html
    # A saved index by path works the same; without areas there are no area columns.
    path = tmp_path / "areas.idx"
    index.save(path)
    again = heatkit.clean(csv_text.encode(), on="2026-12-01", areas=str(path), kind="dict")
    assert again.students["lsoa"] == s["lsoa"]
    assert "lsoa" not in heatkit.clean(csv_text.encode(), on="2026-12-01", kind="dict").students


def test_the_command_builds_an_index_and_cleans_with_it(files, tmp_path, capsys):
    idx = tmp_path / "areas.idx"
    assert cli.main(["-q", "areas", *map(str, files[:2]), "--out", str(idx)]) == 0
    said = capsys.readouterr().out
    assert "deciles from ranks agree with the file's own on 32844 of 32844 areas" in said
    students = tmp_path / "students.csv"
    students.write_text("Forename,Surname,Date of Birth,Home Postcode\nAnn,Lee,2011-01-02,LS1 1NZ\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["-q", "clean", str(students), "--areas", str(idx), "--format", "csv", "--out", str(out),
                     "--on", "2026-12-01"]) == 0
    said = capsys.readouterr().out
    assert "IMD quintile 1-2 (most deprived 40%): 1 of 1 with one (100.0%); 0 without" in said
    with open(out / "students_cleaned.csv", newline="", encoding="utf-8-sig") as f:
        row = next(csv.DictReader(f))
    assert (row["lsoa"], row["imd_decile"], row["polar4_quintile"]) == ("E01011363", "1", "")
    assert cli.main(["-q", "clean", str(students), "--areas", str(tmp_path / "missing.idx")]) == 1


def test_wimd_ranks_as_an_ods_with_title_rows(shared_dir, tmp_path):
    """The official WIMD 2019 ranks file is an ODS: sheet WIMD_2019_ranks after a contents sheet,
    its header on row 3. Built here with those headers; the ranks order the real scores copy's
    LSOAs by score (highest = rank 1), so both files must agree."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    with open(shared_dir / "data" / "areas" / "wimd-2019-index-and-domain-scores.csv", newline="",
              encoding="utf-8-sig") as f:
        scores = [(r["lsoa"], float(r["WIMD 2019"])) for r in csv.DictReader(f)]
    by_score = sorted(scores, key=lambda x: -x[1])
    rank_of, rank = {}, 0
    for i, (code, score) in enumerate(by_score):
        if i == 0 or score != by_score[i - 1][1]:
            rank = i + 1
        rank_of[code] = rank

    def row(values, numeric=False):
        tr = TableRow()
        for v in values:
            if numeric and isinstance(v, int):
                cell = TableCell(valuetype="float", value=v)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        return tr

    ods = OpenDocumentSpreadsheet()
    contents = Table(name="Contents")
    contents.addElement(row(["Welsh Index of Multiple Deprivation 2019: ranks"]))
    ods.spreadsheet.addElement(contents)
    ranks = Table(name="WIMD_2019_ranks")
    ranks.addElement(row(["WIMD 2019 ranks by LSOA"]))
    ranks.addElement(row([""]))
    ranks.addElement(row(["LSOA code", "LSOA name (Eng)", "WIMD 2019", "Income", "Employment"]))
    for code, _ in scores:
        ranks.addElement(row([code, "An area", rank_of[code], 1, 1], numeric=True))
    ods.spreadsheet.addElement(ranks)
    path = tmp_path / "wimd-2019-ranks.ods"
    ods.save(str(path))
    from_ods = heatkit.AreaIndex.build([str(path)])
    report = from_ods.reports[0]
    assert (report["kind"], report["file"], report["rows_loaded"]) == (
        "wimd2019", "wimd-2019-ranks.ods › WIMD_2019_ranks", 1909)
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("pcds,lsoa11cd\nLL18 1AA,W01000240\nCF10 1BF,W01001939\n", encoding="utf-8")
    both = [heatkit.AreaIndex.build([str(lookup), str(path)]),
            heatkit.AreaIndex.build([str(lookup), str(shared_dir / "data" / "areas" / "wimd-2019-index-and-domain-scores.csv")])]
    for pc in ("LL18 1AA", "CF10 1BF"):
        a, b = (i.lookup(pc) for i in both)
        assert (a["imd_index"], a["imd_rank"], a["imd_decile"]) == (b["imd_index"], b["imd_rank"], b["imd_decile"])
    assert both[0].lookup("LL18 1AA")["imd_rank"] == 1
