"""Activities, student tracking status and bulk imports.

Only conversion lives here: tables become records, the compiled rules check them (the GIL is
released), and results come back as a table of the caller's kind.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

from . import _columns
from ._heatkit import (
    _can_share,
    _student_tracking_status,
    _typology_json,
    _validate_activities,
    _validate_import,
)

_LIST_FIELDS = ("partners", "shared_with", "year_groups")
_BOOL_FIELDS = ("owner_is_uni_connect", "collaborative")
_INT_FIELDS = ("students_registered", "unknown_beneficiary_headcount")
_TEXT_FIELDS = (
    "id", "title", "category", "activity_type", "start_date", "end_date", "contact_hours", "sessions",
    "delivery_mode", "academic_year", "owner", "funding",
)
_STUDENT_KEYS = {
    "id": ("id", "record_id", "student_ref", "student_id"),
    "first_name": ("first_name", "forename"),
    "last_name": ("last_name", "surname"),
    "dob": ("dob", "date_of_birth"),
    "gender": ("gender", "sex"),
    "postcode": ("postcode", "home_postcode"),
    "school": ("school", "school_id"),
    "consent": ("consent", "tracking_consent"),
    "phase_adjustment": ("phase_adjustment",),
}


class Violation(NamedTuple):
    """One broken activity rule: stable ``rule_id`` (``ACT001``…), the ``field``, a stable ``code``,
    ``severity`` (``"error"`` or ``"warning"``) and a ``message``."""

    rule_id: str
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

    ``rows``: the cleaned rows without errors (a table; column ``row`` is the 1-based data row they
    came from); ``errors``: every error and warning (``row, column, code, severity, rule_id,
    message``; row 0 is the header); ``summary``: counts that reconcile
    (``rows_in == rows_ok + rows_with_errors``), the encoding and the columns matched and ignored.
    """

    rows: Any
    errors: Any
    summary: Dict[str, Any]


def _kind(table: Any) -> str:
    return _columns.table_kind(table)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NAType", "NaTType")


def _records(table: Any, kind: str) -> List[Dict[str, Any]]:
    if kind == "pandas":
        rows = table.to_dict("records")
    elif kind == "polars":
        rows = table.to_dicts()
    elif kind == "pyarrow":
        rows = table.to_pylist()
    elif kind == "dict":
        keys = list(table)
        n = len(table[keys[0]]) if keys else 0
        rows = [{k: table[k][i] for k in keys} for i in range(n)]
    else:
        rows = [dict(r) for r in table]
    return [{str(k): (None if _missing(v) else v) for k, v in r.items()} for r in rows]


def _table(columns: Dict[str, List[Any]], kind: str) -> Any:
    return _columns.new_table(columns, kind)


def _text(v: Any) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _list(v: Any) -> List[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [p.strip() for p in v.replace(";", "|").split("|") if p.strip()]
    return [str(x) for x in v]


def _activity_record(a: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {k: _text(a.get(k)) for k in _TEXT_FIELDS}
    out["id"] = out["id"] or ""
    for k in _LIST_FIELDS:
        out[k] = _list(a.get(k))
    for k in _BOOL_FIELDS:
        v = a.get(k)
        out[k] = v if isinstance(v, bool) else str(v).strip().lower() in ("y", "yes", "true", "1")
    out["students_registered"] = int(a.get("students_registered") or 0)
    h = a.get("unknown_beneficiary_headcount")
    out["unknown_beneficiary_headcount"] = None if h is None else int(h)
    beneficiaries = []
    raw = a.get("beneficiaries")
    for b in raw if isinstance(raw, list) else _list(raw):
        if isinstance(b, Mapping):
            beneficiaries.append({"institution": str(b.get("institution", "")), "headcount": b.get("headcount")})
        else:
            inst, _, count = str(b).partition(":")
            beneficiaries.append({"institution": inst.strip(), "headcount": int(count) if count.strip() else None})
    out["beneficiaries"] = beneficiaries
    return out


def _options(members: Optional[Sequence[str]], settings: Optional[Mapping[str, Any]]) -> str:
    options: Dict[str, Any] = dict(settings or {})
    if members is not None:
        options["members"] = [str(m) for m in members]
    return json.dumps(options)


def typology(*, kind: str = "pyarrow") -> Any:
    """The activity typology in force as a table (``kind``: ``"pyarrow"``, ``"pandas"``,
    ``"polars"`` or ``"dict"``); its version is in the ``version`` column.

    >>> import heatkit
    >>> t = heatkit.typology(kind="dict")
    >>> t["category"][0], t["activity_type"][0], t["version"][0]
    ('Skills and Attainment', 'Tutoring', 'heatkit-2026.11')
    """
    data = json.loads(_typology_json())
    types = data["types"]
    columns: Dict[str, List[Any]] = {
        "version": [data["version"]] * len(types),
        "category": [t["category"] for t in types],
        "activity_type": [t["activity_type"] for t in types],
        "delivery_modes": ["|".join(t["delivery_modes"]) for t in types],
        "hours_expected": [t["hours_expected"] for t in types],
        "min_hours": [t["min_hours"] for t in types],
        "max_hours": [t["max_hours"] for t in types],
        "sessions_expected": [t["sessions_expected"] for t in types],
        "min_year_group": [t["min_year_group"] for t in types],
        "max_year_group": [t["max_year_group"] for t in types],
        "multi_intervention": [t["multi_intervention"] for t in types],
        "beneficiaries": ["|".join(t["beneficiaries"]) for t in types],
    }
    return _table(columns, kind)


def validate_activity(
    activity: Mapping[str, Any],
    *,
    members: Optional[Sequence[str]] = None,
    settings: Optional[Mapping[str, Any]] = None,
) -> List[Violation]:
    """Every rule an activity breaks (an empty list: clean), in rule order.

    Keys: ``id, title, category, activity_type, start_date, end_date, contact_hours, sessions,
    delivery_mode, academic_year, owner, owner_is_uni_connect, funding, collaborative, partners,
    shared_with, beneficiaries`` (``"id:headcount"`` strings or dicts), ``students_registered,
    unknown_beneficiary_headcount, year_groups``. ``members`` lists HEAT members for the sharing
    rules; ``settings`` may set ``year_start`` (``"august"`` or ``"september"``),
    ``max_hours_per_day``, ``unknown_beneficiary_ids`` and ``uni_connect_funding``.

    >>> import heatkit
    >>> [v.code for v in heatkit.validate_activity({"title": "Taster", "activity_type": "Subject taster",
    ...     "start_date": "2025-10-14", "end_date": "2025-10-13", "contact_hours": 2, "students_registered": 30})]
    ['end_before_start']
    """
    return [Violation(*v) for v in _validate_activities(json.dumps([_activity_record(activity)]),
                                                      options=_options(members, settings))[0]]


def validate_activities(
    table: Any,
    *,
    members: Optional[Sequence[str]] = None,
    settings: Optional[Mapping[str, Any]] = None,
) -> Any:
    """Violations of every activity in a table: ``row`` (0-based), ``id``, ``rule_id, field, code,
    severity, message``, one row per violation, in the table's kind (columns as in
    :func:`validate_activity`; lists may be ``|``-separated text).

    >>> import heatkit
    >>> out = heatkit.validate_activities({"title": ["A", None], "activity_type": ["Masterclass", "Mentor"],
    ...     "start_date": ["2025-10-14", "2025-10-14"], "contact_hours": [2, 1], "students_registered": [20, 5],
    ...     "sessions": [None, 3]})
    >>> list(zip(out["row"], out["code"]))
    [(1, 'missing_title'), (1, 'unknown_type')]
    """
    kind = _kind(table)
    records = [_activity_record(r) for r in _records(table, kind)]
    results = _validate_activities(json.dumps(records), options=_options(members, settings))
    columns: Dict[str, List[Any]] = {k: [] for k in ("row", "id", "rule_id", "field", "code", "severity", "message")}
    for i, (record, violations) in enumerate(zip(records, results)):
        for v in violations:
            for k, x in zip(("row", "id", "rule_id", "field", "code", "severity", "message"), (i, record["id"], *v)):
                columns[k].append(x)
    return _table(columns, "dict" if kind == "records" else kind)


def can_share(activity: Mapping[str, Any], recipient: str, *, members: Sequence[str]) -> ShareDecision:
    """Whether an activity record may be shared with ``recipient`` under the HEAT membership rules:
    only with HEAT members, and a Uni Connect account's record only when Uni Connect-funded.

    >>> import heatkit
    >>> a = {"owner": "UCP North", "owner_is_uni_connect": True, "funding": "Uni Connect"}
    >>> heatkit.can_share(a, "Leeds College", members=["UCP North", "University of Leeds"]).code
    'not_a_member'
    """
    return ShareDecision(*_can_share(json.dumps(_activity_record(activity)), recipient,
                                     options=_options(members, None)))


def _student_records(table: Any, kind: str) -> List[Dict[str, Any]]:
    out = []
    for r in _records(table, kind):
        rec: Dict[str, Any] = {}
        for key, names in _STUDENT_KEYS.items():
            value = next((r[n] for n in names if r.get(n) is not None), None)
            rec[key] = _text(value)
        rec["id"] = rec["id"] or ""
        out.append(rec)
    return out


def _on(on: Optional[Union[dt.date, str]]) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, str):
        return dt.date.fromisoformat(on)
    return on


def student_tracking_status(table: Any, *, on: Optional[Union[dt.date, str]] = None, nation: str = "england") -> Any:
    """Per student (one row per input row, same kind): ``complete, ks4_eligible, ks5_eligible,
    hesa_eligible``, ``problems`` (fields missing or invalid, ``|``-separated) and ``reasons`` (one
    line per reason, ``; ``-separated). ``on`` (default today) decides the extract year: the year
    of the next HEAT Track deadline. Columns: ``first_name, last_name, dob`` (or
    ``date_of_birth``), ``gender, postcode, school`` (or ``school_id``), ``consent`` (or
    ``tracking_consent``), ``phase_adjustment``.

    >>> import heatkit
    >>> s = {"first_name": ["Leo"], "last_name": ["Reid"], "dob": ["31/08/2008"], "gender": ["M"],
    ...      "postcode": ["EH9 1SF"], "school": ["5500000"], "consent": ["yes"]}
    >>> out = heatkit.student_tracking_status(s, on="2026-11-23")
    >>> out["complete"], out["ks5_eligible"], out["hesa_eligible"], out["reasons"]
    ([True], [True], [True], ['ks4: KS4 exams in 2024, not 2026'])
    """
    kind = _kind(table)
    statuses_json, _ = _student_tracking_status(json.dumps(_student_records(table, kind)), on=_on(on), nation=nation)
    statuses = json.loads(statuses_json)
    columns = {
        "complete": [s["complete"] for s in statuses],
        "ks4_eligible": [s["ks4_eligible"] for s in statuses],
        "ks5_eligible": [s["ks5_eligible"] for s in statuses],
        "hesa_eligible": [s["hesa_eligible"] for s in statuses],
        "problems": ["|".join(s["problems"]) for s in statuses],
        "reasons": ["; ".join(s["reasons"]) for s in statuses],
    }
    out = _table(columns, "dict" if kind == "records" else kind)
    if kind == "pandas":
        out.index = table.index
    return out


def tracking_summary(table: Any, *, on: Optional[Union[dt.date, str]] = None, nation: str = "england") -> Dict[str, Any]:
    """Dashboard counts: ``students, complete, ks4_eligible, ks5_eligible, hesa_eligible`` and
    ``not_hesa_because`` (reason → students, most common first; each student counted once).

    >>> import heatkit
    >>> s = {"first_name": ["Leo", "Ann"], "last_name": ["Reid", "Lee"], "dob": ["31/08/2008", "2012-01-01"],
    ...      "postcode": ["EH9 1SF", "LS1 4AP"], "consent": ["yes", "no"]}
    >>> sum_ = heatkit.tracking_summary(s, on="2026-11-23")
    >>> sum_["hesa_eligible"], sum_["not_hesa_because"]
    (1, {'consent': 1})
    """
    kind = _kind(table)
    _, summary_json = _student_tracking_status(json.dumps(_student_records(table, kind)), on=_on(on), nation=nation)
    summary = json.loads(summary_json)
    summary["not_hesa_because"] = {k: v for k, v in summary["not_hesa_because"]}
    return dict(summary)


def validate_import(
    path_or_table: Any,
    *,
    template: str = "students",
    academic_year: Optional[str] = None,
    nation: str = "england",
    members: Optional[Sequence[str]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    check_duplicates: bool = True,
    kind: Optional[str] = None,
) -> ImportResult:
    """Validates a bulk upload of ``template`` (``"students"``, ``"activities"``, ``"schools"``): a
    CSV path (UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252), raw CSV bytes, or a
    table. Headers are matched by name or common alias, with suggestions for near misses; Excel
    date serials are read as dates; every row is either in ``.rows`` (cleaned) or has errors in
    ``.errors``; likely duplicate students are flagged as warnings. A file that cannot be read at
    all (empty, binary, too large, required columns missing) raises
    :class:`heatkit.ImportFileError`. Tables come back as ``kind`` (default: the input's kind, or
    pyarrow for a path).

    >>> import heatkit
    >>> csv = b"First Name,Surname,DOB,Postcode\\nAmelia,Khan,45000,ls1 4ap\\n,Reid,2009-02-30,LS1 4AP\\n"
    >>> out = heatkit.validate_import(csv, kind="dict")
    >>> out.summary["rows_in"], out.summary["rows_ok"], out.summary["rows_with_errors"]
    (2, 1, 1)
    >>> out.rows["date_of_birth"], list(zip(out.errors["row"], out.errors["column"], out.errors["code"]))
    (['2023-03-15'], [(2, 'first_name', 'missing'), (2, 'date_of_birth', 'bad_date')])
    """
    call: Dict[str, Any] = dict(template=template, academic_year=academic_year, nation=nation,
                                options=_options(members, settings), check_duplicates=check_duplicates)
    if isinstance(path_or_table, (str, Path)):
        out_kind = kind or "pyarrow"
        result = _validate_import(path=Path(path_or_table), **call)
    elif isinstance(path_or_table, (bytes, bytearray)):
        out_kind = kind or "pyarrow"
        result = _validate_import(data=bytes(path_or_table), **call)
    else:
        in_kind = _kind(path_or_table)
        out_kind = kind or ("dict" if in_kind == "records" else in_kind)
        result = _validate_import(data=_to_csv(path_or_table, in_kind), **call)
    data = json.loads(result)
    names = data["columns"]
    rows: Dict[str, List[Any]] = {"row": [r["row"] for r in data["rows"]]}
    for i, n in enumerate(names):
        rows[n] = [r["values"][i] for r in data["rows"]]
    issues = data["issues"]
    errors = {k: [e[k] for e in issues] for k in ("row", "column", "code", "severity", "rule_id", "message")}
    return ImportResult(_table(rows, out_kind), _table(errors, out_kind), data["summary"])


def _to_csv(table: Any, kind: str) -> bytes:
    import csv
    import io

    records = _records(table, kind)
    keys: List[str] = []
    for r in records:
        for k in r:
            if k not in keys:
                keys.append(k)
    if kind in ("pandas", "polars", "pyarrow", "dict") and not keys:
        keys = [str(c) for c in (table.columns if kind in ("pandas", "polars") else
                                 (table.schema.names if kind == "pyarrow" else list(table)))]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(keys)
    for r in records:
        w.writerow(["" if r.get(k) is None else _text(r.get(k)) for k in keys])
    return buf.getvalue().encode("utf-8")
