"""Writing CSV files a spreadsheet opens safely: UTF-8 with a BOM unless told not to, and cells a
spreadsheet would run as formulas written as text with a leading apostrophe."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable, Sequence


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool) -> int:
    """Writes ``header`` and ``rows`` to ``path`` (its folder made if needed); returns how many
    formula-like cells were written as text."""
    from ._heatkit import _neutralise_cells

    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows:
            cells, changed = _neutralise_cells(["" if v is None else str(v) for v in row])
            n += changed
            w.writerow(cells)
    return n
