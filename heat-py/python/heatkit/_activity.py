"""Activities, student tracking status and bulk imports.

Only conversion lives here: a table crosses to the compiled module as columns (Arrow or lists),
the core reads each row with its record readers and rules (the GIL is released), and results
come back as columns of the caller's kind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Literal, Mapping, NamedTuple, Optional, Sequence, Union

from ._workers import resolve as _resolve_workers
from . import _batch, _columns
from .errors import ActivityError, FieldError
from ._heatkit import (
    Typology,
    _bad_argument,
    _can_share,
    _student_tracking_status,
    _typology_columns,
    _validate_activities,
    _validate_import,
)


class Violation(NamedTuple):
    """One broken activity rule: stable ``rule_id`` (``ACT001``…, None for a cell that could not
    be read), the ``field``, a stable ``code``, ``severity`` (``"error"`` or ``"warning"``) and a
    ``message``."""

    rule_id: Optional[str]
    field: str
    code: str
    severity: str
    message: str


class ShareDecision(NamedTuple):
    """Whether a record may be shared with a member; ``code`` and ``reason`` say why not."""

    allowed: bool
    code: Optional[str]
    reason: Optional[str]


class ImportResult(NamedTuple):
    """The outcome of :func:`validate_import`.

    ``rows``: the cleaned rows without errors (a table; column ``row`` is the spreadsheet row they
    came from: the header is row 1); ``errors``: every error and warning (``row, column, code,
    severity, rule_id, message``; row 1 is the header); ``summary``: counts that reconcile
    (``rows_in == rows_ok + rows_with_errors``; blank rows are ``rows_skipped``), the encoding and
    the columns matched and ignored.
    """

    rows: Any
    errors: Any
    summary: Dict[str, Any]

    def _repr_html_(self) -> str:
        """The summary as a table, for notebooks (counts only, not the rows)."""
        import html

        keep = ("template", "rows_in", "rows_ok", "rows_with_errors", "rows_skipped", "errors", "warnings", "encoding")
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(self.summary[k]))}</td></tr>"
                       for k in keep if k in self.summary)
        return f"<table><caption>heatkit import</caption>{rows}</table>"

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"ImportResult({s['template']}: {s['rows_in']} rows in = {s['rows_ok']} ok + "
            f"{s['rows_with_errors']} with errors, {s['rows_skipped']} blank rows skipped; "
            f"{s['errors']} errors, {s['warnings']} warnings)"
        )


def _options(members: Optional[Sequence[str]], settings: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    if settings is not None and not isinstance(settings, Mapping):
        raise _bad_argument("settings", f"expected a mapping of setting names to values, got {type(settings).__name__}")
    options: Dict[str, Any] = dict(settings or {})
    if members is not None:
        if isinstance(members, (str, bytes)) or not hasattr(members, "__iter__"):
            raise _bad_argument("members", f"expected a list of member names, got {type(members).__name__}")
        options["members"] = list(members)
    return options


def _out_kind(kind: str) -> str:
    return "dict" if kind == "records" else kind


def typology(*, kind: str = "pyarrow", typology: Optional[Typology] = None) -> Any:
    """An activity typology as a table (``kind``: ``"pyarrow"``, ``"pandas"``, ``"polars"`` or
    ``"dict"``): ``typology`` (from :func:`load_typology`), else the embedded default; its
    version is in the ``version`` column.

    >>> import heatkit
    >>> t = heatkit.typology(kind="dict")
    >>> t["category"][0], t["activity_type"][0], t["version"][0]
    ('Skills and Attainment', 'Tutoring', 'heatkit-2026.11')
    """
    _check_typology(typology)
    return _columns.new_table(_typology_columns(typology), _columns.check_kind(kind))


def _check_typology(typology: Any) -> None:
    if typology is not None and not isinstance(typology, Typology):
        raise _bad_argument("typology", f"expected a Typology (from heatkit.load_typology) or None, got {type(typology).__name__}")


def validate_activity(
    activity: Mapping[str, Any],
    *,
    members: Optional[Sequence[str]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    typology: Optional[Typology] = None,
) -> List[Violation]:
    """Every rule an activity breaks (an empty list: clean), in rule order; cells that cannot be
    read come first, with ``rule_id`` None.

    Keys: ``id, title, category, activity_type, start_date, end_date, contact_hours, sessions,
    delivery_mode, academic_year, owner, owner_is_uni_connect, funding, collaborative, partners,
    shared_with, beneficiaries`` (``"id:headcount"`` text, a list of them, or dicts with
    ``institution`` and ``headcount``), ``students_registered, unknown_beneficiary_headcount,
    year_groups`` (lists or ``|``-separated text). ``members`` lists HEAT members for the sharing
    rules; ``settings`` may set ``year_start`` (``"august"`` or ``"september"``),
    ``max_hours_per_day``, ``unknown_beneficiary_ids`` and ``uni_connect_funding``. Types are
    those of ``typology`` (from :func:`load_typology`), else of the embedded default.

    >>> import heatkit
    >>> [v.code for v in heatkit.validate_activity({"title": "Taster", "activity_type": "Subject taster",
    ...     "start_date": "2025-10-14", "end_date": "2025-10-13", "contact_hours": 2, "students_registered": 30})]
    ['end_before_start']
    """
    _check_typology(typology)
    names, columns, n = _columns.table_columns(_columns.one_row(activity))
    out = _validate_activities(names, columns, n, options=_options(members, settings), typology=typology)
    lists = {k: _columns.to_list(v) for k, v in out.items()}
    return [Violation(*v) for v in zip(lists["rule_id"], lists["field"], lists["code"], lists["severity"], lists["message"])]


def validate_activities(
    table: Any,
    *,
    members: Optional[Sequence[str]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    typology: Optional[Typology] = None,
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Violations of every activity in a table: ``row`` (the spreadsheet row: the first activity
    is row 2), ``position`` (0-based), ``id``, ``rule_id, field, code, severity, message``,
    one row per violation, in the table's kind (columns as in :func:`validate_activity`).

    >>> import heatkit
    >>> out = heatkit.validate_activities({"title": ["A", None], "activity_type": ["Masterclass", "Mentor"],
    ...     "start_date": ["2025-10-14", "2025-10-14"], "contact_hours": [2, 1], "students_registered": [20, 5],
    ...     "sessions": [None, 3]})
    >>> list(zip(out["row"], out["code"]))
    [(3, 'missing_title'), (3, 'unknown_type')]

    ``errors``: ``"null"`` (default) returns the violations; ``"raise"`` raises ActivityError for
    the first error-level violation (naming its row); ``"report"`` also returns the error-level
    violations as RowIssues.
    """
    _batch.check_errors(errors)
    _check_typology(typology)
    table = _columns.as_table(table)
    kind = _columns.table_kind(table)
    names, columns, n = _columns.table_columns(table)
    out = _validate_activities(names, columns, n, options=_options(members, settings), typology=typology,
                               workers=_resolve_workers(workers))
    result = _columns.new_table(out, _out_kind(kind))
    if errors == "null":
        return result
    lists = {k: _columns.to_list(out[k]) for k in ("row", "position", "code", "severity", "message")}
    issues = [(r, p, c, f"row {r}: {m}") for r, p, c, s, m
              in zip(lists["row"], lists["position"], lists["code"], lists["severity"], lists["message"]) if s == "error"]
    return _batch.finish(result, issues, errors, ActivityError)


def can_share(activity: Mapping[str, Any], recipient: str, *, members: Sequence[str],
              typology: Optional[Typology] = None) -> ShareDecision:
    """Whether an activity record may be shared with ``recipient`` under the HEAT membership rules:
    only with HEAT members, and a Uni Connect account's record only when Uni Connect-funded.

    >>> import heatkit
    >>> a = {"owner": "UCP North", "owner_is_uni_connect": True, "funding": "Uni Connect"}
    >>> heatkit.can_share(a, "Leeds College", members=["UCP North", "University of Leeds"]).code
    'not_a_member'
    """
    _check_typology(typology)
    names, columns, _ = _columns.table_columns(_columns.one_row(activity))
    return ShareDecision(*_can_share(names, columns, recipient, options=_options(members, None), typology=typology))


def student_tracking_status(
    table: Any,
    *,
    on: Union[dt.date, str, None] = None,
    nation: str = "england",
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Per student (one row per input row, same kind): ``complete, ks4_eligible, ks5_eligible,
    hesa_eligible``, ``problems`` (fields missing or invalid, ``|``-separated) and ``reasons`` (one
    line per reason, ``; ``-separated). ``on`` (a date or date text; default today) decides the
    extract year: the year of the next HEAT Track deadline. Columns: ``first_name, last_name,
    dob`` (or ``date_of_birth``), ``gender, postcode, school`` (or ``school_id``), ``consent`` (or
    ``tracking_consent``), ``phase_adjustment``.

    >>> import heatkit
    >>> s = {"first_name": ["Leo"], "last_name": ["Reid"], "dob": ["31/08/2008"], "gender": ["M"],
    ...      "postcode": ["EH9 1SF"], "school": ["5500000"], "consent": ["yes"]}
    >>> out = heatkit.student_tracking_status(s, on="23/11/2026")
    >>> out["complete"], out["ks5_eligible"], out["hesa_eligible"], out["reasons"]
    ([True], [True], [True], ['ks4: KS4 exams in 2024, not 2026'])

    ``errors``: ``"null"`` (default) reports an unreadable field in ``problems`` and ``reasons``;
    ``"raise"`` raises the first one's error (CohortError for a date, InvalidPostcodeError for a
    postcode, FieldError for the rest), naming its row; ``"report"`` also returns them as
    RowIssues (a missing field is not one).

    >>> heatkit.student_tracking_status({"dob": ["31/02/2011"]}, on="23/11/2026", errors="report")[1]
    [RowIssue(row=2, position=0, code='bad_date', message='row 2, dob: not a date (expected YYYY-MM-DD, DD/MM/YYYY, YYYYMMDD, 1 Sep 2010 or an Excel date number)')]
    """
    _batch.check_errors(errors)
    table = _columns.as_table(table)
    kind = _columns.table_kind(table)
    names, columns, n = _columns.table_columns(table)
    statuses, _, issues = _student_tracking_status(names, columns, n, on=on, nation=nation,
                                                   workers=_resolve_workers(workers))
    out = _columns.new_table(statuses, _out_kind(kind))
    if kind == "pandas":
        out.index = table.index
    return _batch.finish(out, issues, errors, FieldError)


def tracking_summary(table: Any, *, on: Union[dt.date, str, None] = None, nation: str = "england", workers: Optional[int] = None) -> Dict[str, Any]:
    """Dashboard counts: ``students, complete, ks4_eligible, ks5_eligible, hesa_eligible``,
    ``extract_year`` and ``not_hesa_because`` (reason → students, most common first; each
    student counted once).

    >>> import heatkit
    >>> s = {"first_name": ["Leo", "Ann"], "last_name": ["Reid", "Lee"], "dob": ["31/08/2008", "2012-01-01"],
    ...      "postcode": ["EH9 1SF", "LS1 4AP"], "consent": ["yes", "no"]}
    >>> sum_ = heatkit.tracking_summary(s, on="2026-11-23")
    >>> sum_["hesa_eligible"], sum_["not_hesa_because"]
    (1, {'consent': 1})
    """
    table = _columns.as_table(table)
    names, columns, n = _columns.table_columns(table)
    _, summary, _ = _student_tracking_status(names, columns, n, on=on, nation=nation, workers=_resolve_workers(workers))
    return dict(summary)


def validate_import(
    path_or_table: Any,
    *,
    template: str = "students",
    academic_year: Optional[str] = None,
    on: Union[dt.date, str, None] = None,
    nation: str = "england",
    members: Optional[Sequence[str]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    typology: Optional[Typology] = None,
    check_duplicates: bool = True,
    kind: Optional[str] = None,
    sheet: Optional[str] = None,
    workers: Optional[int] = None,
) -> ImportResult:
    """Validates a bulk upload of ``template`` (``"students"``, ``"activities"``, ``"schools"``): a
    CSV path (UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252), an Excel or
    OpenDocument workbook (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``: the ``sheet`` named,
    else the first whose header matches, title rows above the header allowed, dates stored as
    dates read as dates), raw CSV or workbook bytes, or a
    table. Headers are matched by name or common alias, with suggestions for near misses; every
    field is read as everywhere else in heatkit (Excel date serials, ``YYYYMMDD``, placeholders
    such as ``N/A`` as blank ...); every row is either in ``.rows`` (cleaned) or has errors in
    ``.errors``; likely duplicate students are flagged as warnings. Rows are numbered as a
    spreadsheet shows them (the header is row 1). The year-group check uses ``academic_year``,
    else the school year containing ``on`` (default today). A file that cannot be read at all
    (empty, binary, too large, required columns missing) raises :class:`heatkit.ImportFileError`.
    Tables come back as ``kind`` (default: the input's kind, or pyarrow for a path). An
    activities upload is checked against ``typology`` (from :func:`load_typology`), else the
    embedded default.

    >>> import heatkit
    >>> csv = b"First Name,Surname,DOB,Postcode\\nAmelia,Khan,45000,ls1 4ap\\n,Reid,2009-02-30,LS1 4AP\\n"
    >>> out = heatkit.validate_import(csv, kind="dict")
    >>> out.summary["rows_in"], out.summary["rows_ok"], out.summary["rows_with_errors"]
    (2, 1, 1)
    >>> out.rows["date_of_birth"], list(zip(out.errors["row"], out.errors["column"], out.errors["code"]))
    (['2023-03-15'], [(3, 'first_name', 'missing'), (3, 'date_of_birth', 'bad_date')])
    """
    _check_typology(typology)
    call: Dict[str, Any] = dict(template=template, academic_year=academic_year, on=on, nation=nation,
                                options=_options(members, settings), typology=typology,
                                check_duplicates=check_duplicates,
                                sheet=sheet)
    if isinstance(path_or_table, (str, Path)):
        out_kind = kind or "pyarrow"
        rows, errors, summary = _validate_import(path=Path(path_or_table), **call, workers=_resolve_workers(workers))
    elif isinstance(path_or_table, (bytes, bytearray, memoryview)):
        out_kind = kind or "pyarrow"
        rows, errors, summary = _validate_import(data=bytes(path_or_table), **call, workers=_resolve_workers(workers))
    else:
        path_or_table = _columns.as_table(path_or_table)
        in_kind = _columns.table_kind(path_or_table)
        out_kind = kind or _out_kind(in_kind)
        names, columns, n = _columns.table_columns(path_or_table)
        rows, errors, summary = _validate_import(names=names, columns=columns, n=n, **call, workers=_resolve_workers(workers))
    out_kind = _columns.check_kind(out_kind)
    return ImportResult(_columns.new_table(rows, out_kind), _columns.new_table(errors, out_kind), dict(summary))
