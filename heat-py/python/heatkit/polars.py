"""heatkit in polars expressions: ``import heatkit.polars`` registers a ``heatkit`` namespace on
polars expressions and Series, so the rules run inside ``select``, ``with_columns`` and lazy
queries (each batch goes to heatkit whole, the GIL released).

>>> import polars as pl
>>> import heatkit.polars
>>> df = pl.DataFrame({"postcode": ["sw1a1aa", "CRO 2YR", None], "dob": ["2010-08-31", "2010-09-01", None]})
>>> out = df.lazy().with_columns(
...     pl.col("postcode").heatkit.normalise(fix=True).alias("clean"),
...     pl.col("postcode").heatkit.is_valid().alias("valid"),
...     pl.col("dob").heatkit.year_group(academic_year="2024/25").alias("year_group"),
... ).collect()
>>> out["clean"].to_list(), out["valid"].to_list(), out["year_group"].to_list()
(['SW1A 1AA', 'CR0 2YR', None], [True, False, None], ['Year 10', 'Year 9', None])
"""

from __future__ import annotations

from typing import Any, Optional

import polars as pl

import heatkit

__all__ = ["HeatkitExpr", "HeatkitSeries"]


def _normalise(s: pl.Series, fix: bool, level: str) -> pl.Series:
    return heatkit.normalise_postcodes(s, fix=fix, level=level)  # type: ignore[arg-type]


def _is_valid(s: pl.Series, level: str) -> pl.Series:
    found = heatkit.normalise_postcodes(s, level=level)  # type: ignore[arg-type]
    missing = pl.repeat(None, len(s), dtype=pl.Boolean, eager=True)
    return found.is_not_null().zip_with(s.is_not_null(), missing).alias(s.name)


def _year_group(s: pl.Series, academic_year: Optional[str], on: Any, nation: str) -> pl.Series:
    groups = heatkit.year_groups(s, academic_year=academic_year, on=on, nation=nation)
    return groups.cast(pl.String)  # the labels come as a Categorical


@pl.api.register_expr_namespace("heatkit")
class HeatkitExpr:
    """``pl.col(...).heatkit``: heatkit's column functions as polars expressions."""

    def __init__(self, expr: pl.Expr) -> None:
        self._expr = expr

    def normalise(self, *, fix: bool = False, level: str = "district") -> pl.Expr:
        """Postcodes as ``"SW1A 1AA"`` (null where a value is not one); ``fix=True`` also repairs
        typing slips to the one nearest live postcode."""
        return self._expr.map_batches(lambda s: _normalise(s, fix, level), return_dtype=pl.String)

    def is_valid(self, *, level: str = "district") -> pl.Expr:
        """Whether each value is a postcode (null stays null)."""
        return self._expr.map_batches(lambda s: _is_valid(s, level), return_dtype=pl.Boolean)

    def year_group(self, *, academic_year: Optional[str] = None, on: Any = None, nation: str = "england") -> pl.Expr:
        """Year groups of dates of birth (dates or date text), as ``heatkit.year_groups``."""
        return self._expr.map_batches(lambda s: _year_group(s, academic_year, on, nation), return_dtype=pl.String)


@pl.api.register_series_namespace("heatkit")
class HeatkitSeries:
    """``series.heatkit``: the same functions on a polars Series."""

    def __init__(self, series: pl.Series) -> None:
        self._series = series

    def normalise(self, *, fix: bool = False, level: str = "district") -> pl.Series:
        """As :meth:`HeatkitExpr.normalise`."""
        return _normalise(self._series, fix, level)

    def is_valid(self, *, level: str = "district") -> pl.Series:
        """As :meth:`HeatkitExpr.is_valid`."""
        return _is_valid(self._series, level)

    def year_group(self, *, academic_year: Optional[str] = None, on: Any = None, nation: str = "england") -> pl.Series:
        """As :meth:`HeatkitExpr.year_group`."""
        return _year_group(self._series, academic_year, on, nation)
