"""Small hostile files, made the way an attacker would make them, for the hostile-input benchmark
(`bash benches/python/run.sh hostile`) and for anyone who wants to try heatkit's limits by hand.

Each file claims far more than it holds: a cell far outside Excel's grid, a column no sheet has,
one enormous shared string, a zip bomb, entity expansion, repeated ODS rows and columns, a CSV
field of hundreds of megabytes, a header of a million columns, NUL bytes, a quote that never
closes. Every file is synthetic: no personal data.

    python benches/python/hostile_files.py OUT_DIR [--big]

Without --big the large ones (the 200 MB field, the 6 GB zip bomb) are made smaller (20 MB field,
1 GB bomb) so the set is quick to make; the benchmark passes --big.
"""

from __future__ import annotations

import sys
import zlib
import zipfile
from pathlib import Path

HEADER = ["First name", "Surname", "Date of birth", "Postcode"]
ROW = ["Ann", "Lee", "2011-01-02", "M1 1AE"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Students" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_and_row() -> str:
    cols = "ABCD"
    head = "".join(inline(f"{c}1", h) for c, h in zip(cols, HEADER))
    row = "".join(inline(f"{c}2", v) for c, v in zip(cols, ROW))
    return f'<row r="1">{head}</row><row r="2">{row}</row>'


def xlsx(path: Path, sheet_xml: str | bytes, shared: str | bytes = "", parts: dict | None = None) -> None:
    """A minimal workbook whose sheet (and shared strings) are given as XML text."""
    shared = shared or (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        z.writestr("xl/sharedStrings.xml", shared)
        for name, data in (parts or {}).items():
            z.writestr(name, data)


class Streamed:
    """Writes one zip entry from pieces without holding it in memory (for the zip bomb)."""

    def __init__(self, z: zipfile.ZipFile, name: str):
        self.handle = z.open(zipfile.ZipInfo(name), "w", force_zip64=True)

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def close(self) -> None:
        self.handle.close()


def zip_bomb(path: Path, gigabytes: float) -> None:
    """A workbook whose sheet XML is `gigabytes` of blank space between two real rows."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        )
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as out:
            out.write((SHEET_HEAD + header_and_row()).encode())
            chunk = b" " * (1 << 24)
            for _ in range(int(gigabytes * 64)):
                out.write(chunk)
            out.write(SHEET_TAIL.encode())


def ods(path: Path, content: str) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr("content.xml", content)


def ods_content(rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Students">'
        f"{rows}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )


def ods_row(values: list[str], repeat_cols: int = 1, repeat_rows: int = 1) -> str:
    cells = "".join(
        f'<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat_cols}"><text:p>{v}</text:p></table:table-cell>'
        if repeat_cols > 1
        else f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    rr = f' table:number-rows-repeated="{repeat_rows}"' if repeat_rows > 1 else ""
    return f"<table:table-row{rr}>{cells}</table:table-row>"


def make(out: Path, big: bool) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []

    def add(name: str) -> Path:
        p = out / name
        made.append(p)
        return p

    rows = header_and_row()
    xlsx(add("cell_row_out_of_grid.xlsx"),
         SHEET_HEAD + rows + f'<row r="99999999999">{inline("A99999999999", "x")}</row>' + SHEET_TAIL)
    xlsx(add("cell_column_out_of_grid.xlsx"),
         SHEET_HEAD + rows + f'<row r="3">{inline("ZZZZZZ3", "x")}</row>' + SHEET_TAIL)
    xlsx(add("cell_far_corner.xlsx"),
         SHEET_HEAD + rows + f'<row r="1048576">{inline("XFD1048576", "x")}</row>' + SHEET_TAIL)
    xlsx(add("rows_out_of_order_far.xlsx"),
         SHEET_HEAD + f'<row r="1048576">{inline("XFD1048576", "x")}</row>' + rows + SHEET_TAIL)
    xlsx(add("dimension_claims_whole_grid.xlsx"),
         SHEET_HEAD.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>') + rows + SHEET_TAIL)
    huge = "A" * (1500 * 1024 * 1024 if big else 150 * 1024 * 1024)
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              f"<si><t>{huge}</t></si></sst>")
    xlsx(add("one_huge_shared_string.xlsx"),
         SHEET_HEAD + rows + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>' + SHEET_TAIL, shared)
    del huge, shared
    laughs = "".join(f'<!ENTITY lol{i} "' + f"&lol{i-1};" * 10 + '">' for i in range(1, 10))
    dtd = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol0 "lol">' + laughs + "]>"
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    xlsx(add("billion_laughs.xlsx"), SHEET_HEAD + rows + SHEET_TAIL, dtd)
    zip_bomb(add("zip_bomb.xlsx"), 6.0 if big else 1.0)
    ods(add("ods_repeated_rows_and_columns.ods"), ods_content(
        ods_row(HEADER) + ods_row(ROW) + ods_row(["x"], repeat_cols=16384, repeat_rows=1_000_000)))
    # CSV: one field of hundreds of megabytes on a student's row.
    field = 200 * 1024 * 1024 if big else 20 * 1024 * 1024
    with open(add("csv_one_huge_field.csv"), "wb") as f:
        f.write((",".join(HEADER) + "\n").encode())
        f.write(b"Ann,")
        f.write(b"L" * field)
        f.write(b",2011-01-02,M1 1AE\nBen,Ray,2011-03-04,M1 1AE\n")
    with open(add("csv_million_column_header.csv"), "wb") as f:
        f.write((",".join(HEADER) + "," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode())
        f.write((",".join(ROW) + "\n").encode())
    with open(add("csv_nul_bytes.csv"), "wb") as f:
        f.write((",".join(HEADER) + "\n").encode())
        f.write(b"Ann,Lee,2011-01-02,M1 1AE\n" * 5000)
        f.write(b"B\x00n,R\x00y,2011-03-04,M1 1AE\n")
    with open(add("csv_unclosed_quote.csv"), "wb") as f:
        f.write((",".join(HEADER) + "\n").encode())
        f.write(b'Ann,"Lee,2011-01-02,M1 1AE\n')
        f.write(b"Ben,Ray,2011-03-04,M1 1AE\n" * 100_000)
    return made


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    for p in make(Path(args[0]), "--big" in sys.argv):
        print(f"{p.stat().st_size:>12,}  {p}")
