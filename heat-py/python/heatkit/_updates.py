"""Updates against a HEAT export: an upload linked to the team's HEAT students export splits into
new students (to create) and students HEAT holds whose fields changed (old -> new), what a team
uploads as HEAT "updates" (``heat_core::clean::updates`` in Rust)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from ._workers import resolve as _resolve_workers
from . import _columns
from ._csv_out import write_csv
from ._heatkit import _upload_updates

_DateLike = Union[dt.date, str, None]
_Source = Union[str, Path, bytes]


class UpdatesResult:
    """What :func:`upload_updates` returns: ``new`` (the upload's rows HEAT does not hold, the
    students template's columns and ``row``), ``updates`` (one line per changed field: ``row``,
    ``export_row``, ``student_heat_id``, ``match_probability``, ``column``, ``old``, ``new``),
    ``existing`` (every upload row HEAT holds, with how many fields changed and the fields left
    alone because the upload's value could not be read) and ``matched_twice`` (export rows two
    upload rows matched: duplicates within the upload). Tables are of ``kind``."""

    def __init__(self, raw: Any, kind: str) -> None:
        columns, new, existing, twice = raw
        self._columns: List[str] = list(columns)
        self._new = new
        self._existing = existing
        self.matched_twice: List[int] = list(twice)
        self._kind = kind

    def _new_columns(self) -> Dict[str, List[Any]]:
        table: Dict[str, List[Any]] = {"row": [r for r, _ in self._new]}
        for i, c in enumerate(self._columns):
            table[c] = [values[i] for _, values in self._new]
        return table

    def _update_columns(self) -> Dict[str, List[Any]]:
        names = ["row", "export_row", "student_heat_id", "match_probability", "column", "old", "new"]
        table: Dict[str, List[Any]] = {n: [] for n in names}
        for row, export_row, ref, p, changes, _ in self._existing:
            for column, old, new in changes:
                for n, v in zip(names, (row, export_row, ref, p, column, old, new)):
                    table[n].append(v)
        return table

    @property
    def new(self) -> Any:
        """The new students, cleaned, in file order."""
        return _columns.new_table(self._new_columns(), self._kind)

    @property
    def updates(self) -> Any:
        """One line per field HEAT holds that the upload changes."""
        return _columns.new_table(self._update_columns(), self._kind)

    @property
    def existing(self) -> Any:
        """Every upload row HEAT holds: its match, how many fields changed, fields left alone."""
        rows = self._existing
        return _columns.new_table({
            "row": [e[0] for e in rows], "export_row": [e[1] for e in rows],
            "student_heat_id": [e[2] for e in rows], "match_probability": [e[3] for e in rows],
            "changed_fields": [len(e[4]) for e in rows], "unreadable": [", ".join(e[5]) for e in rows],
        }, self._kind)

    def save(self, out_dir: Union[str, Path], stem: str = "upload", *, bom: bool = True) -> List[Path]:
        """Writes ``STEM_new_students.csv`` and ``STEM_updates.csv`` (UTF-8 with a BOM unless
        ``bom=False``; formula-like cells written as text) into ``out_dir``; returns the paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        self.neutralised = 0
        paths = []
        for name, table in (("new_students", self._new_columns()), ("updates", self._update_columns())):
            path = out / f"{stem}_{name}.csv"
            self.neutralised += write_csv(path, list(table), zip(*table.values()), bom)
            paths.append(path)
        return paths

    neutralised: int = 0
    """Cells written as text by the last :meth:`save` that looked like formulas."""

    def __repr__(self) -> str:
        changed = sum(1 for e in self._existing if e[4])
        return (f"UpdatesResult({len(self._new)} new, {len(self._existing)} in HEAT of which "
                f"{changed} with updates)")


def _source(name: str, value: _Source) -> Dict[str, Any]:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {f"{name}_data": bytes(value)}
    return {name: Path(value)}


def upload_updates(
    upload: _Source,
    export: _Source,
    *,
    on: _DateLike = None,
    nation: str = "england",
    sheet: Optional[str] = None,
    export_sheet: Optional[str] = None,
    kind: str = "pyarrow",
    workers: Optional[int] = None,
) -> UpdatesResult:
    """Splits a students upload against the team's HEAT students export (each a path or bytes, CSV
    or workbook, headers matched as for uploads; the export's ``Student HEAT ID`` is read as the
    reference): each upload row is linked to its strongest match (as :func:`link_students`), and
    comes out as a new student or as one HEAT holds with the fields that changed. A blank new
    value, one the upload could not read, or a change of case alone never replaces HEAT's.

    >>> import heatkit
    >>> export = b"Student HEAT ID,Forename,Surname,DOB,Postcode\\n4001,Ruby,Hall,2011-06-07,M1 1AE\\n"
    >>> upload = b"Forename,Surname,DOB,Postcode\\nRUBY,HALL,07/06/2011,LS1 4AP\\nAmir,Khan,2011-01-01,B1 1AA\\n"
    >>> r = heatkit.upload_updates(upload, export, on="2026-12-01", kind="dict")
    >>> r.new["row"], r.new["first_name"]
    ([3], ['Amir'])
    >>> list(zip(r.updates["student_heat_id"], r.updates["column"], r.updates["old"], r.updates["new"]))
    [('4001', 'postcode', 'M1 1AE', 'LS1 4AP')]
    """
    kind = _columns.check_kind(kind)
    raw = _upload_updates(**_source("upload", upload), **_source("export", export), on=on, nation=nation,
                          sheet=sheet, export_sheet=export_sheet, workers=_resolve_workers(workers))
    return UpdatesResult(raw, kind)
