"""Postcode → area → widening-participation measure, from the team's own look-up files."""

from __future__ import annotations

import logging
from typing import Any, List, Literal, Optional

from ._workers import resolve as _resolve_workers
from . import _batch, _columns
from ._heatkit import AreaIndex, PostcodeCheck, _check_postcodes, _enrich_postcodes
from .errors import InvalidPostcodeError

_LOG = logging.getLogger("heatkit")

#: The columns :func:`enrich_postcodes` returns, in order.
ENRICH_COLUMNS = (
    "postcode", "status", "problem", "terminated", "country",
    "oa11", "lsoa11", "msoa11", "oa21", "lsoa21", "msoa21", "lad", "lad_name",
    "imd_index", "imd_area", "imd_rank", "imd_decile", "imd_quintile", "idaci_decile",
    "polar4_quintile", "polar3_quintile", "reason_removed_polar",
    "tundra_msoa_quintile", "reason_removed_tundra_msoa",
    "tundra_lsoa_quintile", "reason_removed_tundra_lsoa",
    "adult_he_2011_quintile", "reason_removed_adult_he_2011",
    "gaps_gcse_quintile", "gaps_gcse_ethnicity_quintile", "reason_removed_gaps",
    "uni_connect_target_ward", "area_source", "imd_source", "ofs_source", "notes",
)  # fmt: skip


def enrich_postcodes(
    values: Any,
    index: AreaIndex,
    *,
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Look up a column of postcodes in an :class:`AreaIndex` (the GIL is released).

    Returns one row per value, in :data:`ENRICH_COLUMNS` order: the postcode as normalised, its
    ``status`` (``live``, ``terminated``, ``unknown`` or ``invalid``, with the postcode rule's
    code in ``problem``), ``terminated`` (``YYYY-MM``), country, the 2011 and 2021 output areas,
    LSOAs and MSOAs and the local authority the look-up gives, the nation's own deprivation index
    (``imd_index``, rank, decile, quintile; IDACI decile in England), the OfS quintiles with the
    OfS reasons where one is removed, the Uni Connect target ward flag, which file answered each
    part, and ``notes`` saying why anything is missing. A list gives a list of dicts; a pandas
    or polars Series gives a DataFrame (pandas index kept); a pyarrow array gives a Table.
    ``errors``: ``"null"`` (default) gives a value that is not a postcode its ``invalid`` row;
    ``"raise"`` raises InvalidPostcodeError for the first (naming its row); ``"report"`` also
    returns them as RowIssues (a missing value is not one).

    >>> import heatkit
    >>> path = heatkit._areas._example_lookup()
    >>> index = heatkit.AreaIndex.build([path])
    >>> rows = heatkit.enrich_postcodes(["ls14ap", "LS1 9ZZ", "nope"], index)
    >>> [(r["postcode"], r["status"], r["lsoa11"]) for r in rows]
    [('LS1 4AP', 'live', 'E01033010'), ('LS1 9ZZ', 'terminated', 'E01033010'), (None, 'invalid', None)]
    >>> rows[1]["terminated"], rows[0]["notes"]
    ('2009-12', 'deprivation: no England ranks file loaded (IMD 2025 or IMD 2019); OfS measures: no OfS look-up loaded')
    """
    _batch.check_errors(errors)
    data, kind = _columns.to_kernel_input(values)
    columns = _enrich_postcodes(data, index, workers=_resolve_workers(workers))
    _LOG.debug("enriched %d postcodes with %r", len(columns["status"]), index)
    out = _columns.new_table(columns, "records") if kind == "list" else _columns.table_like(columns, values, kind)
    if errors == "null":
        return out
    status, problem = _columns.to_list(columns["status"]), _columns.to_list(columns["problem"])
    bad = [i for i, (s, p) in enumerate(zip(status, problem)) if s == "invalid" and p not in (None, "empty")]
    inputs = _columns.to_list(data)
    # The look-up reads postcodes at the shape level: the same check gives each one's words.
    checks: List[PostcodeCheck] = _check_postcodes([inputs[i] for i in bad], level="shape")  # type: ignore[assignment]
    found = [(i, problem[i], c.message) for i, c in zip(bad, checks)]
    return _batch.finish(out, _batch.issues_of(found), errors, InvalidPostcodeError)


def _example_lookup() -> str:
    """A two-postcode look-up file in a temporary folder, for the examples."""
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(prefix="heatkit-"), "lookup.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("pcds,doterm,lsoa11cd,ladcd,ladnm\nLS1 4AP,,E01033010,E08000035,Leeds\nLS1 9ZZ,200912,E01033010,E08000035,Leeds\n")
    return path
