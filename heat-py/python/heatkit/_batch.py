"""``errors=``: what a batch function does with an item it cannot use, the same on every one.

``"null"`` (the default): the item's result is empty or flagged (None, an ``invalid`` check, a
row of problems) and the call completes; ``"raise"``: the first such item raises its error,
naming its row; ``"report"``: the call returns ``(result, issues)``, a :class:`RowIssue` per
such item. A missing value is never an issue: it stays missing.
"""

from __future__ import annotations

from typing import Any, Iterable, List, NamedTuple, Sequence, Tuple

from . import errors as _errors
from ._heatkit import _unknown_value

ERRORS = ("raise", "null", "report")


class RowIssue(NamedTuple):
    """A row of a batch input that gave no result: its spreadsheet ``row`` (the first item is
    row 2, as if the column were saved under a header in row 1), its 0-based ``position``, a
    stable ``code`` and a ``message`` naming the row and the reason."""

    row: int
    position: int
    code: str
    message: str


RowIssue.__module__ = "heatkit"


def check_errors(errors: str) -> None:
    """An ``errors`` that is not one of the three is an ArgumentError."""
    if errors not in ERRORS:
        raise _unknown_value("errors", str(errors), "'raise', 'null' or 'report'")


def finish(result: Any, issues: Sequence[Tuple[Any, ...]], errors: str, error: type) -> Any:
    """The result as ``errors`` says: raise ``error`` for the first issue (an ArgumentError for a
    value of the wrong type), return ``(result, issues)``, or the result alone. ``issues`` are
    ``(row, position, code, message)``, or with the exception class's name fifth."""
    if errors == "raise" and issues:
        row, _position, code, message, *named = issues[0]
        if code == "wrong_type":
            raise _errors.ArgumentError(message, code, detail="value", row=row)
        raise (getattr(_errors, named[0]) if named else error)(message, code, row=row)
    if errors == "report":
        return result, [RowIssue(*i[:4]) for i in issues]
    return result


def issues_of(rows: Iterable[Tuple[int, Any, Any]]) -> List[Tuple[int, int, str, str]]:
    """Issues from ``(position, code, message)`` for the items that failed (code not None)."""
    return [(p + 2, p, code, f"row {p + 2}: {message}") for p, code, message in rows if code is not None]
