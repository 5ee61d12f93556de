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

from typing import Any, List, Literal, NamedTuple, Tuple, Union

from . import _columns
from ._heatkit import (
    Postcode,
    PostcodeCheck,
    __version__,
    check_postcode,
    data_version,
    fix_postcode,
    is_valid_postcode,
    load_live_postcodes,
    normalise_postcode,
    parse_postcode,
)
from ._heatkit import _check_postcodes, _normalise_postcodes
from .errors import HeatError, InvalidPostcodeError

__all__ = [
    "HeatError",
    "InvalidPostcodeError",
    "Postcode",
    "PostcodeCheck",
    "RowIssue",
    "__version__",
    "check_postcode",
    "check_postcodes",
    "data_version",
    "fix_postcode",
    "is_valid_postcode",
    "load_live_postcodes",
    "normalise_postcode",
    "normalise_postcodes",
    "parse_postcode",
]

_Level = Literal["shape", "area", "district", "live"]


class RowIssue(NamedTuple):
    """A row of a batch input that gave no result: its 0-based ``row``, a stable ``code`` and a
    ``message`` naming the row and the reason."""

    row: int
    code: str
    message: str


def normalise_postcodes(
    values: Any,
    *,
    fix: bool = False,
    errors: Literal["raise", "null", "report"] = "null",
    level: _Level = "district",
) -> Any:
    """Normalise a column of postcodes to ``"SW1A 1AA"`` form in one call (the GIL is released).

    ``values`` may be a list, a pandas Series, a polars Series or a pyarrow Array/ChunkedArray;
    the result is the same kind, same length and order (a pandas index is kept). None, NaN and
    pd.NA are missing and come back as missing. ``fix=True`` also repairs O/0, I/1 and S/5 slips.

    ``errors``: ``"null"`` (default) puts None where a value is invalid; ``"raise"`` raises
    InvalidPostcodeError for the first invalid row (``.row`` names it); ``"report"`` returns
    ``(values, issues)`` where issues is a list of RowIssue.

    >>> normalise_postcodes(["sw1a1aa", None, "nope", "CRO 2YR"])
    ['SW1A 1AA', None, None, None]
    >>> normalise_postcodes(["CRO 2YR", "nope"], fix=True, errors="report")
    (['CR0 2YR', None], [RowIssue(row=1, code='too_short', message='row 1: postcode is too short: 4 letters and digits, a full postcode has 5 to 7')])
    """
    if errors not in ("raise", "null", "report"):
        raise ValueError(f"errors must be 'raise', 'null' or 'report', not {errors!r}")
    (result, issues), kind = _columns.apply(
        values,
        lambda data: _normalise_postcodes(data, level=level, fix=fix, report=errors != "null"),
    )
    if errors == "raise" and issues:
        row, code, message = issues[0]
        if code == "not_text":
            raise TypeError(message)
        raise InvalidPostcodeError(message, code, row=row)
    out = _columns.column_like(result, values, kind)
    if errors == "report":
        return out, [RowIssue(*i) for i in issues]
    return out


def check_postcodes(values: Any, *, level: _Level = "district") -> Any:
    """Check a column of postcodes in one call (the GIL is released).

    For a list, returns a list of PostcodeCheck. For a pandas or polars Series or a pyarrow array,
    returns a DataFrame (pandas, polars) or Table (pyarrow) with columns ``input, postcode, status,
    code, message, substitutions`` (substitutions as ``"position:from>to"`` joined by ``;``), one
    row per input row, a pandas index kept.

    >>> [c.status for c in check_postcodes(["SW1A 1AA", "CRO 2YR", "BFPO 105", "MA1 1AA", None])]
    ['valid', 'fixed', 'special', 'invalid', 'invalid']
    """
    result, kind = _columns.apply(values, lambda data: _check_postcodes(data, level=level))
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
