"""The ``heatkit`` command: clean a students upload, check a column of postcodes, find duplicate
students, link an upload to a HEAT export, report on an upload's data quality. Installed with the Python package as a console script;
from a checkout, ``python -m heatkit``.

Exit codes: 0 done (rows with problems are results, not failures); 1 an input file cannot be read
or an output cannot be written (one line on stderr saying why, with its code); 2 the command line
is wrong. Progress goes to stderr for steps that take over a second; a reader that closes the pipe
(``heatkit ... | head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2


_EPILOG = """\
examples:
  heatkit clean students.xlsx                      # -> heatkit-out/students.xlsx + report
  heatkit clean students.csv --format csv --out cleaned/
  heatkit clean export.xlsx --sheet "Year 10" --activities activities.csv
  heatkit clean export.xlsx --schools edubasealldata.csv --heat-institutions institutions.csv
  heatkit postcodes addresses.csv --column "Home Postcode"
  heatkit dedupe students.csv --out pairs.csv
  heatkit link upload.csv heat_export.csv --out links.csv
  heatkit report students.xlsx                     # -> students_report.html
  heatkit areas ONSPD_FEB_2025.zip File_1_IoD2019.csv ofs_lookup.zip --out areas.idx
  heatkit clean students.xlsx --areas areas.idx      # + LSOA, IMD and POLAR4 quintiles

exit codes: 0 done; 1 an input cannot be read or an output cannot be written; 2 usage error.
"""


class _Progress:
    """Says on stderr what a step did, for steps over a second (quiet otherwise)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def step(self, what: str) -> "_Step":
        return _Step(self, what)


class _Step:
    def __init__(self, progress: _Progress, what: str) -> None:
        self.progress, self.what = progress, what

    def __enter__(self) -> "_Step":
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        took = time.perf_counter() - self.t0
        if exc[0] is None and took >= 1.0 and not self.progress.quiet:
            print(f"heatkit: {self.what} ({took:.1f} s)", file=sys.stderr, flush=True)


def _say(text: str = "") -> None:
    print(text, flush=True)


def _read_table(path: Path, sheet: Optional[str]) -> Tuple[List[str], List[List[str]], List[int]]:
    """A CSV or a workbook sheet as (header, rows, spreadsheet row numbers), read by the core as
    the import reads it (the format and encoding found from the bytes): the header is the first
    row with something in it."""
    from ._heatkit import _read_table as read

    _, _, rows = read(path.read_bytes(), sheet)
    numbered = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not numbered:
        raise _InputError(f"{path}: no row has anything in it [empty_file]")
    (_, header), body = numbered[0], numbered[1:]
    return header, [r for _, r in body], [n for n, _ in body]


class _InputError(Exception):
    """An input that cannot be used: one line for stderr."""


def _column(header: List[str], name: str, path: Path) -> int:
    wanted = name.strip().lower()
    for i, h in enumerate(header):
        if h.strip().lower() == wanted:
            return i
    raise _InputError(f"{path}: no column {name!r} (its columns: {', '.join(header)}) [missing_column]")


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[Sequence[Any]], bom: bool) -> int:
    """Writes a CSV (with a BOM unless told not to); cells a spreadsheet would run as formulas are
    written as text with a leading apostrophe. Returns how many were."""
    from ._csv_out import write_csv

    return write_csv(path, header, rows, bom)


def _clean(a: argparse.Namespace, progress: _Progress) -> int:
    from . import clean, load_typology, validate_import

    with progress.step(f"cleaned {a.students}"):
        result = clean(Path(a.students), on=a.on, academic_year=a.academic_year, nation=a.nation, sheet=a.sheet,
                       schools=a.schools, heat_institutions=a.heat_institutions, tidy_names=a.tidy_names,
                       areas=a.areas, kind="dict")
    out = Path(a.out)
    with progress.step(f"wrote {a.format} to {out}"):
        paths = result._save(out, a.format, bom=not a.no_bom, report=True)
    s = result.summary
    _say(f"{a.students}: {s['rows_in']} rows in = {s['ok']} ok + {s['fixed']} fixed + "
         f"{s['needs_attention']} needs attention + {s['rejected']} rejected")
    for label, value in result.summary_lines()[5:]:
        if value:
            _say(f"  {label}: {value}")
    neutralised = result.neutralised
    if a.activities:
        own = load_typology(Path(a.typology)) if a.typology else None
        acts = validate_import(Path(a.activities), template="activities", on=a.on, academic_year=a.academic_year,
                               nation=a.nation, kind="dict", sheet=a.sheet, typology=own)
        rows = acts.rows
        names = list(rows)
        cleaned = out / "activities_cleaned.csv"
        neutralised += _write_csv(cleaned, names, zip(*(rows[c] for c in names)), not a.no_bom)
        errors = out / "activities_problems.csv"
        e = acts.errors
        neutralised += _write_csv(errors, list(e), zip(*(e[c] for c in e)), not a.no_bom)
        s = acts.summary
        _say(f"{a.activities}: {s['rows_in']} rows in = {s['rows_ok']} ok + {s['rows_with_errors']} with errors")
        paths += [cleaned, errors]
    _say(f"  formula-like cells written as text: {neutralised}")
    for p in paths:
        _say(f"  -> {p}")
    return EXIT_OK


def _postcodes(a: argparse.Namespace, progress: _Progress) -> int:
    from . import check_postcodes

    path = Path(a.file)
    header, rows, numbers = _read_table(path, a.sheet)
    col = _column(header, a.column, path)
    values = [r[col] if col < len(r) else "" for r in rows]
    with progress.step(f"checked {len(values)} postcodes"):
        checks = check_postcodes(values)
    out_rows = []
    counts: Dict[str, int] = {}
    for n, value, c in zip(numbers, values, checks):
        counts[c.status] = counts.get(c.status, 0) + 1
        near = "; ".join(f"{k.postcode} ({k.slip})" for k in c.candidates)
        out_rows.append([n, value, c.postcode or "", c.status, c.code or "", c.message or "", near])
    out = Path(a.out) if a.out else path.with_name(path.stem + "_postcodes.csv")
    columns = ["row", "input", "postcode", "status", "code", "message", "candidates"]
    n = _write_csv(out, columns, iter(out_rows), not a.no_bom)
    _say(f"{path}: {len(values)} postcodes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    _say(f"  formula-like cells written as text: {n}")
    _say(f"  -> {out}")
    return EXIT_OK


def _students_table(path: Path, sheet: Optional[str]) -> Dict[str, List[str]]:
    """A students file read through the students template (headers matched as for uploads)."""
    from . import validate_import

    result = validate_import(path, template="students", check_duplicates=False, kind="dict", sheet=sheet)
    rows = result.rows
    return {
        "record_id": [str(r) for r in rows["row"]],
        "first_name": rows["first_name"],
        "last_name": rows["last_name"],
        "dob": rows["date_of_birth"],
        "gender": rows["gender"],
        "school_id": rows["school_id"],
        "postcode": rows["postcode"],
    }


def _as_lists(table: Any) -> Dict[str, List[Any]]:
    """A result table (dict, pyarrow, pandas or polars) as a dict of lists."""
    if isinstance(table, dict):
        return {k: list(v) for k, v in table.items()}
    if hasattr(table, "to_pydict"):
        return dict(table.to_pydict())
    if hasattr(table, "to_dict"):
        try:
            return dict(table.to_dict(as_series=False))
        except TypeError:
            return dict(table.to_dict("list"))
    raise TypeError(f"unexpected result {type(table).__name__}")


def _pairs_out(pairs: Any, out: Path, bom: bool) -> int:
    pairs = _as_lists(pairs)
    names = [c for c in ("id_l", "id_r", "match_probability", "match_weight", "guard") if c in pairs]
    return _write_csv(out, ["row_l" if c == "id_l" else "row_r" if c == "id_r" else c for c in names],
                      zip(*(pairs[c] for c in names)), bom)


def _dedupe(a: argparse.Namespace, progress: _Progress) -> int:
    from . import find_duplicates

    path = Path(a.file)
    table = _students_table(path, a.sheet)
    with progress.step(f"compared {len(table['record_id'])} students"):
        pairs = _as_lists(find_duplicates(table, threshold=a.threshold, errors="null"))
    out = Path(a.out) if a.out else path.with_name(path.stem + "_duplicates.csv")
    n = _pairs_out(pairs, out, not a.no_bom)
    _say(f"{path}: {len(table['record_id'])} students, {len(pairs['id_l'])} likely duplicate pairs "
         f"(probability >= {a.threshold})")
    _say(f"  formula-like cells written as text: {n}")
    _say(f"  -> {out}")
    return EXIT_OK


def _link(a: argparse.Namespace, progress: _Progress) -> int:
    from . import link_students, upload_updates

    upload, export = Path(a.upload), Path(a.export)
    new = _students_table(upload, a.sheet)
    existing = _students_table(export, None)
    with progress.step(f"linked {len(new['record_id'])} rows to {len(existing['record_id'])}"):
        pairs = _as_lists(link_students(new, existing, errors="null"))
    out = Path(a.out) if a.out else upload.with_name(upload.stem + "_links.csv")
    n = _pairs_out(pairs, out, not a.no_bom)
    with progress.step("compared the fields of the students found"):
        split = upload_updates(upload, export, on=a.on, nation=a.nation, sheet=a.sheet, kind="dict")
    paths = split.save(out.parent, upload.stem, bom=not a.no_bom)
    n += split.neutralised
    found = split.existing["row"]
    changed = sum(1 for c in split.existing["changed_fields"] if c)
    _say(f"{upload}: {len(new['record_id'])} rows: {len(split.new['row'])} new students, {len(found)} "
         f"found in {export} ({changed} with fields to update, {len(split.updates['row'])} fields in all)")
    if split.matched_twice:
        _say(f"  export rows two upload rows matched (duplicates in the upload): "
             f"{', '.join(map(str, split.matched_twice))}")
    _say(f"  formula-like cells written as text: {n}")
    for path in (out, *paths):
        _say(f"  -> {path}")
    return EXIT_OK


def _report(a: argparse.Namespace, progress: _Progress) -> int:
    from . import clean

    path = Path(a.file)
    with progress.step(f"cleaned {path}"):
        result = clean(path, on=a.on, academic_year=a.academic_year, nation=a.nation, sheet=a.sheet,
                       schools=a.schools, heat_institutions=a.heat_institutions, tidy_names=a.tidy_names,
                       areas=a.areas, kind="dict")
    out = Path(a.out) if a.out else path.with_name(path.stem + "_report.html")
    result.report().save(out)
    s = result.summary
    _say(f"{path}: {s['rows_in']} rows in = {s['ok']} ok + {s['fixed']} fixed + "
         f"{s['needs_attention']} needs attention + {s['rejected']} rejected")
    _say(f"  -> {out} (open it in a browser; it holds counts and row numbers only)")
    return EXIT_OK


def _areas(a: argparse.Namespace, progress: _Progress) -> int:
    from . import AreaIndex

    with progress.step(f"read {len(a.files)} look-up files"):
        index = AreaIndex.build([Path(f) for f in a.files])
    out = Path(a.out)
    index.save(out)
    for r in index.reports:
        _say(f"{r['file']}: {r['description']}: {r['rows_read']} rows read = {r['rows_loaded']} loaded + "
             f"{r['rows_rejected']} rejected")
        for row, field, reason in r["rejected"][:5]:
            _say(f"  row {row}, {field}: {reason}")
        if r["deciles_checked"]:
            _say(f"  deciles from ranks agree with the file's own on {r['deciles_checked'] - r['deciles_differing']}"
                 f" of {r['deciles_checked']} areas")
    _say(f"  -> {out} ({len(index)} postcodes; use it with: heatkit clean FILE --areas {out})")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="heatkit",
        description="Prepare widening-participation outreach data for HEAT: clean a students upload, "
                    "check postcodes, find duplicate students, link an upload to a HEAT export.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"heatkit {_version()}")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--sheet", help="the workbook sheet to read (default: the first whose header matches)")
        q.add_argument("--no-bom", action="store_true", help="write CSV without the UTF-8 byte-order mark")

    c = sub.add_parser("clean", help="clean a students upload (CSV, .xlsx, .xls, .ods)",
                       description="Every row comes out with a status (ok / fixed / needs attention / rejected) "
                                   "and its problems in plain English; blank and total rows are skipped and counted.",
                       epilog="example: heatkit clean students.xlsx --out cleaned/",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("students", help="the students file")
    c.add_argument("--activities", help="an activities file to check as well")
    c.add_argument("--typology", help="your activity typology CSV for --activities (default: the embedded one)")
    c.add_argument("--out", default="heatkit-out", help="output folder (default: heatkit-out)")
    c.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx (default) or csv")
    def upload_options(q: argparse.ArgumentParser) -> None:
        q.add_argument("--on", help="the day to check for, YYYY-MM-DD (default: today)")
        q.add_argument("--academic-year", help="the school year for year groups, e.g. 2025/26")
        q.add_argument("--nation", default="england", help="england, wales, scotland or northern_ireland")
        q.add_argument("--schools", help="your Get Information About Schools extract (CSV or workbook): "
                                         "school names are matched to it")
        q.add_argument("--heat-institutions", help="your HEAT institution export: schools found get their HEAT id")
        q.add_argument("--tidy-names", action="store_true",
                       help="write names typed in one case as McDonald, O'Brien, Anne-Marie (each change reported)")
        q.add_argument("--areas", help="an area index made by `heatkit areas`: adds each student's LSOA, IMD and "
                                       "POLAR4 quintiles, and counts students by quintile")
        common(q)

    upload_options(c)
    c.set_defaults(run=_clean)

    r = sub.add_parser("report", help="a data-quality report of a students upload (one HTML file)",
                       description="One self-contained HTML page (opens from disk, nothing fetched): rows in and "
                                   "out, postcodes, year groups, tracking eligibility, duplicates, problems, schools.",
                       epilog="example: heatkit report students.xlsx --out report.html",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("file")
    r.add_argument("--out", help="output HTML (default: FILE_report.html)")
    upload_options(r)
    r.set_defaults(run=_report)

    pc = sub.add_parser("postcodes", help="check and normalise a column of postcodes",
                        epilog='example: heatkit postcodes addresses.csv --column "Home Postcode"\n'
                               "status: valid, fixed (typing slips repaired: O for 0, I for 1 ...), special "
                               "(BFPO, non-geographic) or invalid, with the reason",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    pc.add_argument("file")
    pc.add_argument("--column", required=True, help="the column that holds the postcodes")
    pc.add_argument("--out", help="output CSV (default: FILE_postcodes.csv)")
    common(pc)
    pc.set_defaults(run=_postcodes)

    d = sub.add_parser("dedupe", help="find likely duplicate students in one file",
                       epilog="example: heatkit dedupe students.csv --out pairs.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("file")
    d.add_argument("--threshold", type=float, default=0.9, help="match probability to report (default 0.9)")
    d.add_argument("--out", help="output CSV (default: FILE_duplicates.csv)")
    common(d)
    d.set_defaults(run=_dedupe)

    lk = sub.add_parser("link", help="find an upload's students in a HEAT export: new students and updates",
                        description="Links each upload row to its strongest match in the HEAT students export and "
                                    "writes the links, UPLOAD_new_students.csv (students to create) and "
                                    "UPLOAD_updates.csv (fields HEAT holds that the upload changes, old -> new; "
                                    "blank, unreadable or case-only new values never replace HEAT's).",
                        epilog="example: heatkit link upload.csv heat_export.csv --out links.csv",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    lk.add_argument("upload")
    lk.add_argument("export")
    lk.add_argument("--out", help="output CSV of links (default: UPLOAD_links.csv); the other two go beside it")
    lk.add_argument("--on", help="the day to check for, YYYY-MM-DD (default: today)")
    lk.add_argument("--nation", default="england", help="england, wales, scotland or northern_ireland")
    common(lk)
    lk.set_defaults(run=_link)

    ar = sub.add_parser("areas", help="build an area index from your postcode look-up, IMD and OfS files",
                        description="Reads the look-up files you downloaded (ONSPD, NSPL or the ONS PCD-to-LSOA "
                                    "look-up; IoD2019/IoD2025 File 1 or 7; SIMD, WIMD, NIMDM ranks; the OfS "
                                    "postcode look-up with POLAR4, TUNDRA, Adult HE), as CSV, workbook or zip, "
                                    "and saves one index file for `heatkit clean --areas`. Each file's kind is "
                                    "found from its column names; every row is loaded or reported with its reason.",
                        epilog="example: heatkit areas NSPL_MAY_2025_UK.csv File_1_IoD2019.csv --out areas.idx",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ar.add_argument("files", nargs="+", help="the look-up files")
    ar.add_argument("--out", default="areas.idx", help="the index file to write (default: areas.idx)")
    ar.set_defaults(run=_areas)
    return p


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command; returns its exit code (see the module docs)."""
    parser = _parser()
    a = parser.parse_args(argv)
    if not getattr(a, "command", None):
        parser.print_help()
        return EXIT_USAGE
    from .errors import HeatError

    try:
        return int(a.run(a, _Progress(a.quiet)))
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except HeatError as e:
        print(f"heatkit: error: {e} [{e.code}]", file=sys.stderr)
        return EXIT_INPUT
    except _InputError as e:
        print(f"heatkit: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as e:
        print(f"heatkit: error: {e.filename or ''}: {e.strerror or e} [io_error]", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
