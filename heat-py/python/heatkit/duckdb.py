"""heatkit's rules as DuckDB SQL functions: ``heatkit.duckdb.register(con)``.

Every function is vectorised (DuckDB hands heatkit a whole Arrow batch, the GIL is released in
the work) and NULL in gives NULL out; a value that is not a postcode or a date gives NULL, as
``errors="null"`` does in Python.

>>> import duckdb, heatkit, heatkit.duckdb
>>> con = duckdb.connect()
>>> heatkit.duckdb.register(con)
['heatkit_normalise_postcode', 'heatkit_fix_postcode', 'heatkit_is_valid_postcode', 'heatkit_postcode_district', 'heatkit_year_group']
>>> con.sql("SELECT heatkit_normalise_postcode('sw1a1aa'), heatkit_fix_postcode('CRO 2YR'), heatkit_year_group(DATE '2010-08-31', '2024/25')").fetchall()
[('SW1A 1AA', 'CR0 2YR', 'Year 10')]

With an :class:`heatkit.AreaIndex` (``register(con, areas=index)``) the area measures come too:
``heatkit_area_status``, ``heatkit_lsoa11``, ``heatkit_lsoa21``, ``heatkit_lad``,
``heatkit_imd_decile``, ``heatkit_imd_quintile``, ``heatkit_idaci_decile`` and
``heatkit_polar4_quintile``, each of a postcode as typed.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

from ._columns import plain_array

__all__ = ["register"]

# (column of enrich_postcodes, SQL type name) for each area function.
_AREA_FUNCTIONS: Tuple[Tuple[str, str], ...] = (
    ("status", "VARCHAR"),
    ("lsoa11", "VARCHAR"),
    ("lsoa21", "VARCHAR"),
    ("lad", "VARCHAR"),
    ("imd_decile", "UTINYINT"),
    ("imd_quintile", "UTINYINT"),
    ("idaci_decile", "UTINYINT"),
    ("polar4_quintile", "UTINYINT"),
)


def _sql_types() -> Any:
    try:
        from duckdb import sqltypes  # DuckDB 1.4 and later

        return sqltypes
    except ImportError:  # pragma: no cover - older DuckDB
        from duckdb import typing  # type: ignore[attr-defined]

        return typing


def _postcode_functions() -> List[Tuple[str, Callable[..., Any], List[str], str]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    import heatkit

    def normalise(values: Any) -> Any:
        return heatkit.normalise_postcodes(values)

    def fix(values: Any) -> Any:
        return heatkit.normalise_postcodes(values, fix=True)

    def is_valid(values: Any) -> Any:
        found = heatkit.normalise_postcodes(values)
        # NULL stays NULL; any other value is valid exactly when it normalises.
        return pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), pc.is_valid(found))

    def district(values: Any) -> Any:
        return pc.list_element(pc.split_pattern(heatkit.normalise_postcodes(values), " "), 0)

    return [
        ("normalise_postcode", normalise, ["VARCHAR"], "VARCHAR"),
        ("fix_postcode", fix, ["VARCHAR"], "VARCHAR"),
        ("is_valid_postcode", is_valid, ["VARCHAR"], "BOOLEAN"),
        ("postcode_district", district, ["VARCHAR"], "VARCHAR"),
    ]


def _year_group(dobs: Any, academic_years: Any) -> Any:
    """Year groups for a batch, one call per distinct academic year in it (usually one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    import heatkit

    out = pa.nulls(len(dobs), pa.string())
    for year in pc.unique(academic_years).to_pylist():
        if year is None:
            continue
        try:
            groups = heatkit.year_groups(dobs, academic_year=year)
        except heatkit.HeatError:  # an academic year heatkit cannot read: NULL, as for a bad date
            continue
        out = pc.if_else(pc.equal(academic_years, year), plain_array(groups), out)
    return out


def _area_function(index: Any, column: str) -> Callable[[Any], Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    import heatkit

    def measure(values: Any) -> Any:
        found = plain_array(heatkit.enrich_postcodes(values, index).column(column))
        return pc.if_else(pc.is_null(values), pa.scalar(None, found.type), found)  # NULL in, NULL out

    return measure


def register(con: Any, *, areas: Optional[Any] = None, prefix: str = "heatkit_") -> List[str]:
    """Registers heatkit's functions on a DuckDB connection and returns their names.

    ``prefix`` starts every name (default ``heatkit_``); ``areas`` (an :class:`heatkit.AreaIndex`
    or the path of a saved one) adds the area measures. Registering twice on one connection
    replaces nothing: DuckDB refuses a name already taken, so use another ``prefix``.
    """
    import heatkit

    types = _sql_types()
    functions = _postcode_functions()
    functions.append(("year_group", _year_group, ["DATE", "VARCHAR"], "VARCHAR"))
    if areas is not None:
        index = areas if isinstance(areas, heatkit.AreaIndex) else heatkit.AreaIndex.load(str(areas))
        functions += [("area_status" if c == "status" else c, _area_function(index, c), ["VARCHAR"], t)
                      for c, t in _AREA_FUNCTIONS]
    names = []
    for name, function, parameters, returns in functions:
        con.create_function(f"{prefix}{name}", function, [getattr(types, p) for p in parameters],
                            getattr(types, returns), type="arrow", null_handling="special")
        names.append(f"{prefix}{name}")
    return names
