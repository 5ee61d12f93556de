"""heatkit: the data rules UK widening-participation teams follow when preparing outreach data for
HEAT (the Higher Education Access Tracker), compiled from Rust.

>>> import heatkit
>>> heatkit.normalise_postcode(" sw1a1aa ")
'SW1A 1AA'
>>> heatkit.fix_postcode("SWIA IAA")
'SW1A 1AA'
>>> heatkit.check_postcode("BFPO 105").status
'special'
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, List, Literal, Optional, Tuple, TypeVar, Union

from ._workers import resolve as _resolve_workers
from . import _batch
from ._batch import RowIssue
from . import _columns
from . import _heatkit
from ._heatkit import (
    Postcode,
    PostcodeCandidate,
    PostcodeCheck,
    TrackCohort,
    Typology,
    __version__,
    _bad_argument,
    _unknown_value,
)
from ._heatkit import _check_postcodes, _normalise_postcodes, _track_cohorts, _year_groups
from . import _activity, _areas, _clean, _matching, _updates
from ._areas import AreaIndex
from ._heatkit import SchoolDirectory
from ._activity import ImportResult, ShareDecision, Violation
from ._clean import CleanResult, Report
from ._updates import UpdatesResult
from ._matching import MatchContext, MatchingWarning
from .errors import (
    ActivityError,
    AreaLookupError,
    ArgumentError,
    CohortError,
    FieldError,
    HeatError,
    ImportFileError,
    InvalidPostcodeError,
    MatchingError,
)

__all__ = [
    "ActivityError",
    "AreaIndex",
    "AreaLookupError",
    "ArgumentError",
    "CleanResult",
    "CohortError",
    "FieldError",
    "HeatError",
    "ImportFileError",
    "ImportResult",
    "InvalidPostcodeError",
    "MatchContext",
    "MatchingError",
    "MatchingWarning",
    "Postcode",
    "PostcodeCandidate",
    "PostcodeCheck",
    "Report",
    "RowIssue",
    "SchoolDirectory",
    "ShareDecision",
    "TrackCohort",
    "Typology",
    "Violation",
    "__version__",
    "academic_year",
    "bank_holidays",
    "can_share",
    "check_postcode",
    "check_postcodes",
    "check_year_group",
    "clean",
    "clean_year_group",
    "cluster_duplicates",
    "data_version",
    "dob_range",
    "enrich_postcodes",
    "explain",
    "find_duplicates",
    "finish_pairs",
    "fix_postcode",
    "fix_postcodes",
    "heat_track_deadline",
    "in_tracking_age",
    "is_valid_postcode",
    "last_working_day",
    "link_students",
    "load_typology",
    "next_heat_track_deadline",
    "load_live_postcodes",
    "match_context",
    "model_parameters",
    "normalise_postcode",
    "normalise_postcodes",
    "parse_postcode",
    "postcode_candidates",
    "report",
    "score_pairs",
    "upload_updates",
    "UpdatesResult",
    "student_tracking_status",
    "track_cohort",
    "track_cohorts",
    "tracking_summary",
    "typology",
    "validate_activities",
    "validate_activity",
    "validate_import",
    "year_group",
    "year_group_number",
    "year_groups",
]

# Library logging: records under the "heatkit" logger (counts and file names, never a student's
# values); silent unless the application configures logging.
logging.getLogger("heatkit").addHandler(logging.NullHandler())

_F = TypeVar("_F", bound=Callable[..., Any])


def _guard(fn: _F) -> _F:
    """Every failure caused by the caller's arguments leaves as a HeatError: a conversion the
    compiled module refused (``TypeError``, ``OverflowError``, ``UnicodeError``) becomes an
    :class:`ArgumentError` with the same words."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HeatError:
            raise
        except (TypeError, OverflowError, UnicodeError) as e:
            raise _bad_argument(fn.__name__, str(e)) from e

    # The public function is this wrapper, found as ``heatkit.<name>``: pickle (and so
    # multiprocessing, concurrent.futures and joblib) sends it by that name.
    call.__module__ = __name__
    call.__qualname__ = fn.__name__
    return call  # type: ignore[return-value]


academic_year = _guard(_heatkit.academic_year)
bank_holidays = _guard(_heatkit.bank_holidays)
check_postcode = _guard(_heatkit.check_postcode)
check_year_group = _guard(_heatkit.check_year_group)
clean_year_group = _guard(_heatkit.clean_year_group)
data_version = _heatkit.data_version
dob_range = _guard(_heatkit.dob_range)
fix_postcode = _guard(_heatkit.fix_postcode)
heat_track_deadline = _guard(_heatkit.heat_track_deadline)
in_tracking_age = _guard(_heatkit.in_tracking_age)
is_valid_postcode = _guard(_heatkit.is_valid_postcode)
last_working_day = _guard(_heatkit.last_working_day)
load_live_postcodes = _guard(_heatkit.load_live_postcodes)
load_typology = _guard(_heatkit.load_typology)
next_heat_track_deadline = _guard(_heatkit.next_heat_track_deadline)
normalise_postcode = _guard(_heatkit.normalise_postcode)
parse_postcode = _guard(_heatkit.parse_postcode)
postcode_candidates = _guard(_heatkit.postcode_candidates)
track_cohort = _guard(_heatkit.track_cohort)
year_group = _guard(_heatkit.year_group)
year_group_number = _guard(_heatkit.year_group_number)

can_share = _guard(_activity.can_share)
student_tracking_status = _guard(_activity.student_tracking_status)
tracking_summary = _guard(_activity.tracking_summary)
typology = _guard(_activity.typology)
validate_activities = _guard(_activity.validate_activities)
validate_activity = _guard(_activity.validate_activity)
validate_import = _guard(_activity.validate_import)
clean = _guard(_clean.clean)
report = _guard(_clean.report)
upload_updates = _guard(_updates.upload_updates)
enrich_postcodes = _guard(_areas.enrich_postcodes)
cluster_duplicates = _guard(_matching.cluster_duplicates)
explain = _guard(_matching.explain)
find_duplicates = _guard(_matching.find_duplicates)
model_parameters = _guard(_matching.model_parameters)
link_students = _guard(_matching.link_students)
match_context = _guard(_matching.match_context)
score_pairs = _guard(_matching.score_pairs)
finish_pairs = _guard(_matching.finish_pairs)

_Level = Literal["shape", "area", "district", "live"]


@_guard
def normalise_postcodes(
    values: Any,
    *,
    fix: bool = False,
    errors: Literal["raise", "null", "report"] = "null",
    level: _Level = "district",
    workers: Optional[int] = None,
) -> Any:
    """Normalise a column of postcodes to ``"SW1A 1AA"`` form in one call (the GIL is released).

    ``values`` may be a list, a pandas Series, a polars Series or a pyarrow Array/ChunkedArray;
    the result is the same kind, same length and order (a pandas index is kept). None, NaN and
    pd.NA are missing and come back as missing. ``fix=True`` also repairs typing slips to the one nearest live postcode.

    ``errors``: ``"null"`` (default) puts None where a value is invalid; ``"raise"`` raises
    InvalidPostcodeError for the first invalid row (``.row`` names it: the first item is row 2);
    ``"report"`` returns ``(values, issues)`` where issues is a list of RowIssue.

    >>> normalise_postcodes(["sw1a1aa", None, "nope", "CRO 2YR"])
    ['SW1A 1AA', None, None, None]
    >>> normalise_postcodes(["CRO 2YR", "nope"], fix=True, errors="report")
    (['CR0 2YR', None], [RowIssue(row=3, position=1, code='too_short', message='row 3: postcode is too short: 4 letters and digits, a full postcode has 5 to 7')])
    """
    _check_errors(errors)
    data, kind = _columns.to_kernel_input(values)
    shared = _columns.text_dictionary(data)
    if shared is not None:
        # A dictionary column (pandas category, polars Categorical, Arrow dictionary): each
        # distinct value is read once and the result is a dictionary too. Should any be refused
        # where errors are wanted, the rows are read one by one below for their row numbers.
        chunked, dictionary = shared
        result, issues = _normalise_postcodes(dictionary, level=level, fix=fix, report=errors != "null", workers=_resolve_workers(workers))
        if not issues:
            out = _columns.column_like(_columns.expand_dictionary(result, chunked), values, kind)
            return (out, []) if errors == "report" else out
    result, issues = _normalise_postcodes(data, level=level, fix=fix, report=errors != "null", workers=_resolve_workers(workers))
    _raise_or_report(issues, errors, InvalidPostcodeError)
    out = _columns.column_like(result, values, kind)
    if errors == "report":
        return out, [RowIssue(*i) for i in issues]
    return out


@_guard
def fix_postcodes(
    values: Any,
    *,
    errors: Literal["raise", "null", "report"] = "null",
    level: _Level = "district",
    workers: Optional[int] = None,
) -> Any:
    """Repair a column of postcodes: ``normalise_postcodes(values, fix=True, ...)``.

    Each value valid as typed is normalised; one that is not becomes the one live postcode the
    fewest typing slips away (O/0, a key next to the right one, two characters swapped, one left
    out or one too many), and is invalid (None, or an issue) when none or several are nearest: see
    ``check_postcodes`` for the candidates.

    >>> fix_postcodes(["al7 ref", "CRO 2YR", "B81 4LS", None])
    ['AL7 4EF', 'CR0 2YR', None, None]
    """
    return normalise_postcodes(values, fix=True, errors=errors, level=level, workers=workers)


@_guard
def check_postcodes(
    values: Any,
    *,
    level: _Level = "district",
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Check a column of postcodes in one call (the GIL is released).

    For a list, returns a list of PostcodeCheck. For a pandas or polars Series or a pyarrow array,
    returns a DataFrame (pandas, polars) or Table (pyarrow) with columns ``input, postcode, status,
    code, message, edits, candidates`` (edits as ``"slip:position:typed>repaired"`` and candidates
    as postcodes, each joined by ``;``), one row per input row, a pandas index kept. ``errors``: ``"null"`` (default) gives an invalid
    postcode its ``invalid`` check; ``"raise"`` raises InvalidPostcodeError for the first (naming
    its row); ``"report"`` also returns the invalid ones as RowIssues (a missing value is not one).

    >>> [c.status for c in check_postcodes(["SW1A 1AA", "CRO 2YR", "BFPO 105", "MA1 1AA", "B81 4LS", None])]
    ['valid', 'fixed', 'special', 'invalid', 'check', 'invalid']
    >>> check_postcodes(["LS1 4AP", "MA1 1AA", None], errors="report")[1]
    [RowIssue(row=3, position=1, code='unknown_area', message='row 3: postcode area MA does not exist')]
    """
    _check_errors(errors)
    out = _check_postcodes_table(values, level, workers)
    if errors == "null":
        return out
    if isinstance(out, list):
        found = [(i, c.code if c.status == "invalid" and c.code != "empty" else None, c.message)
                 for i, c in enumerate(out)]
    else:
        status, code, message = (_plain_list(out[name]) for name in ("status", "code", "message"))
        found = [(i, c if s == "invalid" and c != "empty" else None, m)
                 for i, (s, c, m) in enumerate(zip(status, code, message))]
    return _batch.finish(out, _batch.issues_of(found), errors, InvalidPostcodeError)


def _plain_list(column: Any) -> List[Any]:
    """A pandas, polars or pyarrow column as a list."""
    return list(column.to_list()) if hasattr(column, "to_list") else list(column.to_pylist())


def _check_postcodes_table(values: Any, level: str, workers: Optional[int]) -> Any:
    """The checks of :func:`check_postcodes`, in the input's kind."""
    data, kind = _columns.to_kernel_input(values)
    shared = _columns.text_dictionary(data) if kind != "list" else None
    result: Any
    if shared is None:
        result = _check_postcodes(data, level=level, workers=_resolve_workers(workers))
    else:
        # A dictionary column: each distinct value is checked once (one more entry stands for a
        # missing row, which reads as it does row by row), then the rows take their value's.
        chunked, dictionary = shared
        pa = _columns._pyarrow()
        import pyarrow.compute as pc

        per_value = _check_postcodes(pa.concat_arrays([dictionary, pa.nulls(1, dictionary.type)]), level=level, workers=_resolve_workers(workers))  # type: ignore[union-attr]
        rows = pc.fill_null(pa.chunked_array([c.indices.cast(pa.int32()) for c in chunked.chunks]),  # type: ignore[union-attr]
                            len(dictionary))
        result = {name: pa.chunked_array(column).take(rows) for name, column in per_value.items()}  # type: ignore[union-attr]
    if kind == "list":
        return result
    if kind == "pandas":
        import pandas as pd

        frame = _columns.table_like(result, values, kind)
        frame.insert(0, "input", pd.Series(values, index=values.index, dtype=object))
        return frame
    if kind == "polars":
        import polars as pl

        frame = _columns.table_like(result, values, kind)
        return frame.insert_column(0, pl.Series("input", values))
    pa = _columns._pyarrow()
    inputs = pa.chunked_array(values) if kind == "pyarrow" else values  # type: ignore[union-attr]
    return _columns.table_like({"input": inputs, **result}, values, kind)


def _raise_or_report(issues: List[Tuple[int, int, str, str]], errors: str, error: type = CohortError) -> None:
    """With ``errors="raise"``, raise for the first failed row (its code and message are the
    core's): ArgumentError for a value of the wrong type, else ``error``."""
    if errors == "raise":
        _batch.finish(None, issues, errors, error)


_check_errors = _batch.check_errors


@_guard
def year_groups(
    dobs: Any,
    *,
    academic_year: Union[str, None] = None,
    on: Any = None,
    nation: str = "england",
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Year-group labels for a column of dates of birth in one call (the GIL is released).

    ``dobs`` may be a list (of ``datetime.date`` or ``YYYY-MM-DD`` / ``DD/MM/YYYY`` strings), a
    pandas or polars Series, or a pyarrow array (date32, timestamp or strings); the result is the
    same kind. Missing dates stay missing; unreadable ones follow ``errors`` as in
    normalise_postcodes. The academic year is ``academic_year`` ("2025/26"), else the one
    containing ``on`` (default: today).

    >>> year_groups(["2011-01-02", "01/09/2013", None, "31/02/2013"], academic_year="2025/26")
    ['Year 10', 'Year 7', None, None]
    """
    _check_errors(errors)
    data, kind = _columns.to_kernel_input(dobs)
    shared = _columns.text_dictionary(data)
    if shared is not None:
        # Dates typed as text in a dictionary column (a pandas category, a polars Categorical):
        # each distinct text is read once and the labels come back as a dictionary. Should any
        # be unreadable where errors are wanted, the rows are read one by one for their numbers.
        chunked, dictionary = shared
        result, issues = _year_groups(dictionary, academic_year=academic_year, on=on, nation=nation, workers=_resolve_workers(workers))
        if errors == "null" or not issues:
            out = _columns.column_like(_columns.expand_dictionary(result, chunked), dobs, kind)
            return (out, []) if errors == "report" else out
    result, issues = _year_groups(data, academic_year=academic_year, on=on, nation=nation, workers=_resolve_workers(workers))
    _raise_or_report(issues, errors)
    out = _columns.column_like(result, dobs, kind)
    if errors == "report":
        return out, [RowIssue(*i) for i in issues]
    return out


@_guard
def track_cohorts(
    dobs: Any,
    *,
    nation: str = "england",
    phase_adjustment: Union[int, None] = None,
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Exam, HE-ready and tracking years for a column of dates of birth in one call.

    For a list, returns a list of TrackCohort (None where the date is missing or unreadable). For
    a pandas or polars Series or a pyarrow array, returns a DataFrame (pandas, polars) or Table
    (pyarrow) with columns ``cohort_year, ks4_exam_year, ks5_exam_year, he_ready_year,
    tracking_data_year, ks4_extract_deadline, ks5_extract_deadline``.

    >>> [t.he_ready_year for t in track_cohorts(["2008-08-31", "2008-09-01"])]
    ['2026/27', '2027/28']
    """
    _check_errors(errors)
    data, kind = _columns.to_kernel_input(dobs)
    shared = _columns.text_dictionary(data)
    if shared is not None:
        # Dates typed as text in a dictionary column: each distinct text is read once and its
        # row of years given to every row that has it (text columns stay dictionaries). Should any
        # be unreadable where errors are wanted, the rows are read one by one for their numbers.
        chunked, dictionary = shared
        result, issues = _track_cohorts(dictionary, nation=nation, phase_adjustment=phase_adjustment, workers=_resolve_workers(workers))
        if errors == "null" or not issues:
            rows = {name: _columns.expand_by_dictionary(column, chunked) for name, column in result.items()}
            out = _columns.table_like(rows, dobs, kind)
            return (out, []) if errors == "report" else out
    result, issues = _track_cohorts(data, nation=nation, phase_adjustment=phase_adjustment, workers=_resolve_workers(workers))
    _raise_or_report(issues, errors)
    if kind == "list":
        out = result
    else:
        out = _columns.table_like(result, dobs, kind)
    if errors == "report":
        return out, [RowIssue(*i) for i in issues]
    return out
