"""The clean job: one upload of students in, every row out with its status and its problems in
plain English, written as CSV (UTF-8 with BOM) or an ``.xlsx`` workbook. The same pipeline as the
``heatkit clean`` command and the README's main job (``heat_core::clean`` in Rust)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
import html
import logging
from typing import Any, Dict, List, Optional, Tuple, Union

from ._workers import resolve as _resolve_workers
from . import _columns
from ._heatkit import _clean, _CleanOutcome

_DateLike = Union[dt.date, str, None]


class CleanResult:
    """What :func:`clean` returns: ``students`` (every row, the HEAT template's columns in order,
    then ``status`` — ok / fixed / needs attention / rejected —, ``problems`` in plain English,
    ``problem_codes``, the years from the date of birth, tracking completeness and eligibility,
    ``duplicate_of_row`` and ``duplicate_probability``, and ``row``); ``problems`` (one line per
    problem: ``row, status, column, value, severity, code, problem``); ``summary`` (counts that
    reconcile: ``rows_in == ok + fixed + needs_attention + rejected``; ``skipped`` blank and total
    rows). Tables are of ``kind`` (default pyarrow); ``save`` writes the files."""

    def __init__(self, outcome: _CleanOutcome, kind: str, title: str = "students") -> None:
        self._outcome = outcome
        self._kind = kind
        self._title = title

    @property
    def students(self) -> Any:
        """Every row of the upload, cleaned, with its status and results."""
        return _columns.new_table(dict(self._outcome.students()), self._kind)

    @property
    def problems(self) -> Any:
        """Every problem, one a row, in plain English beside its code."""
        return _columns.new_table(dict(self._outcome.problems()), self._kind)

    @property
    def summary(self) -> Dict[str, Any]:
        """Counts and how the file was read (no student's values)."""
        return dict(self._outcome.summary())

    def summary_lines(self) -> List[Tuple[str, str]]:
        """The summary as (label, value) lines, as the Summary sheet shows them."""
        return list(self._outcome.summary_lines())

    def report(self) -> "Report":
        """The data-quality report of this upload (see :func:`report`)."""
        return Report(self._outcome.report_html(self._title))

    def save(self, out_dir: Union[str, Path], format: str = "xlsx", *, bom: bool = True) -> List[Path]:
        """Writes ``students.xlsx`` (sheets Cleaned, Problems, Duplicates, Summary) or, with
        ``format="csv"``, ``students_cleaned.csv`` and ``students_problems.csv`` (UTF-8 with a BOM
        unless ``bom=False``) into ``out_dir``, and returns their paths. Cells that a spreadsheet
        would run as formulas are written as text."""
        return self._save(out_dir, format, bom=bom)

    def _save(self, out_dir: Union[str, Path], format: str, *, bom: bool = True,
              report: bool = False) -> List[Path]:
        """:meth:`save`, and with ``report=True`` ``students_report.html`` as well, written at the
        same time on a second thread."""
        if format not in ("xlsx", "csv"):
            from ._heatkit import _unknown_value

            raise _unknown_value("format", str(format), "'xlsx' or 'csv'")
        paths, self.neutralised = self._outcome.write_files(
            Path(out_dir), csv=format == "csv", xlsx=format == "xlsx",
            report_title=self._title if report else None, bom=bom)
        return [Path(p) for p in paths]

    neutralised: int = 0
    """Cells written as text by the last :meth:`save` that looked like formulas."""

    def _repr_html_(self) -> str:
        """The summary as a table, for notebooks (counts only, no student's values)."""
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                       for k, v in self.summary_lines() if v != "")
        return f"<table><caption>heatkit clean: {html.escape(self._title)}</caption>{rows}</table>"

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"CleanResult({s['rows_in']} rows in = {s['ok']} ok + {s['fixed']} fixed + "
            f"{s['needs_attention']} needs attention + {s['rejected']} rejected; "
            f"{s['skipped']} skipped)"
        )


_LOG = logging.getLogger("heatkit")

def clean(
    path_or_bytes: Union[str, Path, bytes],
    *,
    on: _DateLike = None,
    academic_year: Optional[str] = None,
    nation: str = "england",
    sheet: Optional[str] = None,
    schools: Optional[Union[str, Path]] = None,
    heat_institutions: Optional[Union[str, Path]] = None,
    tidy_names: bool = False,
    areas: Any = None,
    kind: str = "pyarrow",
    workers: Optional[int] = None,
) -> CleanResult:
    """Cleans a students upload: a CSV (any encoding heatkit reads) or a workbook (``.xlsx``,
    ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``; the ``sheet`` named, else the first whose header
    matches, title rows allowed), by path or as bytes. Every row comes out with a status and its
    problems; blank and total rows are counted as skipped. A file that cannot be read at all
    raises :class:`heatkit.ImportFileError`.

    ``schools`` is the team's Get Information About Schools extract (CSV or workbook, GIAS's own
    column names) and ``heat_institutions`` the HEAT institution export: with them, a school typed
    as a name (``St Mary's C of E High``, ``Oakfield Academy (Thirsk)``) is written as its HEAT id
    (or URN), and names that fit two open schools, only a closed one, or none are problems listing
    the candidates; never a silent guess.

    ``tidy_names=True`` writes names typed all in capitals or small letters in title case by UK
    rules (``McDonald``, ``O'Brien``, ``Anne-Marie``; accents kept), each change reported
    (``name_tidied``), and flags digits and stray punctuation in names.

    ``areas`` is an :class:`heatkit.AreaIndex` (or the path of one saved with ``save``): each
    student's home postcode then gets ``area_status``, ``lsoa``, ``imd_index``, ``imd_decile``,
    ``imd_quintile``, ``idaci_decile``, ``polar4_quintile``, ``tundra_lsoa_quintile``,
    ``uni_connect_target_ward`` and ``area_notes`` (why a measure is missing), and the summary and
    report count students by IMD and POLAR4 quintile with the share from quintiles 1–2.

    >>> import heatkit
    >>> csv = "Forename,Surname,Date of Birth,Home Postcode\\nZoë,Lee,31/08/2011,ls1 4ap\\nAnn,,2011-09-01,M1 IAE\\n"
    >>> out = heatkit.clean(csv.encode(), on="2026-12-01", kind="dict")
    >>> out.students["status"], out.students["postcode"]
    (['ok', 'rejected'], ['LS1 4AP', 'M1 1AE'])
    >>> out.problems["problem"][0]
    'Surname is blank: HEAT needs it for this student.'
    """
    kind = _columns.check_kind(kind)
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        source: Dict[str, Any] = {"data": bytes(path_or_bytes)}
    else:
        source = {"path": Path(path_or_bytes)}
    outcome = _clean(**source, on=on, academic_year=academic_year, nation=nation, sheet=sheet,
                     schools=None if schools is None else Path(schools),
                     heat_institutions=None if heat_institutions is None else Path(heat_institutions),
                     tidy_names=tidy_names, areas=areas, workers=_resolve_workers(workers))
    title = "upload" if isinstance(path_or_bytes, (bytes, bytearray, memoryview)) else Path(path_or_bytes).name
    result = CleanResult(outcome, kind, title)
    _LOG.info("cleaned %s: %s", title, repr(result)[len("CleanResult("):-1])
    return result


class Report:
    """A data-quality report: one self-contained HTML page (no script, nothing fetched; counts
    and row numbers only, no student's details). Shows itself in a notebook; ``save`` writes it."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def save(self, path: Union[str, Path]) -> Path:
        """Writes the page to ``path`` (UTF-8) and returns the path."""
        p = Path(path)
        p.write_text(self.html, encoding="utf-8")
        return p

    def __repr__(self) -> str:
        return f"Report({len(self.html):,} characters of HTML)"


def report(
    upload: Union[str, Path, bytes, CleanResult],
    *,
    on: _DateLike = None,
    academic_year: Optional[str] = None,
    nation: str = "england",
    sheet: Optional[str] = None,
    schools: Optional[Union[str, Path]] = None,
    heat_institutions: Optional[Union[str, Path]] = None,
    tidy_names: bool = False,
    areas: Any = None,
) -> Report:
    """The data-quality report of a students upload (a path, bytes, or a :class:`CleanResult`):
    rows in and out, postcodes by status, stated against dob-derived year groups, year groups from
    dates of birth, completeness and KS4/KS5/HESA eligibility, likely duplicates with a waterfall
    of their field weights, problems by column and per school.

    >>> import heatkit
    >>> r = heatkit.report(b"first,last,dob,postcode\\nAnn,Lee,2011-01-02,M1 1AE\\n", on="2026-12-01")
    >>> r.html.startswith("<!DOCTYPE html>"), 'id="chart-funnel"' in r._repr_html_()
    (True, True)
    """
    if isinstance(upload, CleanResult):
        return upload.report()
    return clean(upload, on=on, academic_year=academic_year, nation=nation, sheet=sheet, schools=schools,
                 heat_institutions=heat_institutions, tidy_names=tidy_names, areas=areas, kind="dict").report()
