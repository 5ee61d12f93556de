"""heatkit's column functions as Spark column expressions, for teams that outgrow one machine.

Each function returns a ``pyspark.sql.Column`` computed by heatkit on the executors, a whole Arrow
batch at a time (``arrow_udf`` on pyspark 4.1 and later, ``pandas_udf`` before), with plain result
types (``string``, ``boolean``, ``tinyint``) that every Spark operation takes. NULL in gives NULL
out, and a value that is not a postcode or a date gives NULL, as ``errors="null"`` does.

The executors need heatkit installed in the Python they run (``PYSPARK_PYTHON``, or ship the wheel
with ``spark.submit.pyFiles`` / a packed environment); Spark itself needs Java 17.

    from pyspark.sql import SparkSession
    import heatkit.spark as hks

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    df = spark.read.csv("examples/data/students.csv", header=True)
    df.select(hks.normalise_postcode("postcode", fix=True).alias("postcode"),
              hks.year_group("date_of_birth", academic_year="2026/27").alias("year_group"))

With ``errors="raise"`` a value that is not a postcode (or a date) stops the job instead, and
the error names the DataFrame row by its ``row_id`` column (a student reference, an id), not by
its place in the executor's batch: ``normalise_postcode("postcode", errors="raise",
row_id="student_ref")`` fails with ``row_id 'S0042': postcode ...``.

Area measures come from a saved :class:`heatkit.AreaIndex` that every executor can read (a path on
shared storage, or added with ``spark.sparkContext.addFile`` and named by its file name):
``area_measures("postcode", "areas.idx")`` gives a struct of ``status``, ``lsoa11``, ``lsoa21``,
``lad``, ``imd_decile``, ``imd_quintile``, ``idaci_decile`` and ``polar4_quintile``.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Optional, Union

from ._columns import plain_array

__all__ = ["area_measures", "fix_postcode", "is_valid_postcode", "normalise_postcode", "year_group"]

# The area measures area_measures returns: (column of enrich_postcodes, Spark type).
AREA_MEASURES = (
    ("status", "string"),
    ("lsoa11", "string"),
    ("lsoa21", "string"),
    ("lad", "string"),
    ("imd_decile", "tinyint"),
    ("imd_quintile", "tinyint"),
    ("idaci_decile", "tinyint"),
    ("polar4_quintile", "tinyint"),
)

# Indexes loaded on this worker, by path (each Python worker loads an index once).
_INDEXES: Dict[str, Any] = {}


def _udf(function: Callable[..., Any], returns: str) -> Callable[..., Any]:
    """A vectorised Spark UDF of ``function`` (Arrow arrays in and out)."""
    from pyspark.sql import functions as F

    if hasattr(F, "arrow_udf"):  # pyspark 4.1 and later: Arrow arrays, no pandas in between

        def on_arrow(*arrays):  # type: ignore[no-untyped-def]  # no hints: the type is given
            return function(*arrays)

        import warnings

        with warnings.catch_warnings():  # pyspark prefers type hints to the type given; same UDF
            warnings.simplefilter("ignore", UserWarning)
            return F.arrow_udf(on_arrow, returns, F.ArrowUDFType.SCALAR)  # type: ignore[no-any-return,attr-defined]

    import pyarrow as pa

    def on_pandas(*series):  # type: ignore[no-untyped-def]
        out = function(*(pa.array(s, from_pandas=True) for s in series))
        return out.to_pandas()

    return F.pandas_udf(on_pandas, returns, F.PandasUDFType.SCALAR)  # type: ignore[no-any-return]


def _column(column: Any) -> Any:
    from pyspark.sql import functions as F

    return F.col(column) if isinstance(column, str) else column


def normalise_postcode(
    column: Any, *, fix: bool = False, level: str = "district", errors: str = "null", row_id: Any = None
) -> Any:
    """Postcodes as ``"SW1A 1AA"`` (NULL where a value is not one); ``fix=True`` also repairs
    O/0, I/1 and S/5 slips. ``column`` is a column name or a ``Column``. With ``errors="raise"``
    the first value that is not a postcode fails the job, naming its row by ``row_id`` (a column
    name or ``Column``, required then)."""
    import heatkit

    if _raising(errors, row_id):

        def checked(values: Any, ids: Any) -> Any:
            return _naming_row(ids, lambda: heatkit.normalise_postcodes(values, fix=fix, level=level, errors="raise"))  # type: ignore[arg-type]

        return _udf(checked, "string")(_column(column), _column(row_id))

    def run(values: Any) -> Any:
        return plain_array(heatkit.normalise_postcodes(values, fix=fix, level=level))  # type: ignore[arg-type]

    return _udf(run, "string")(_column(column))


def fix_postcode(column: Any, *, level: str = "district", errors: str = "null", row_id: Any = None) -> Any:
    """:func:`normalise_postcode` with ``fix=True``."""
    return normalise_postcode(column, fix=True, level=level, errors=errors, row_id=row_id)


def _raising(errors: str, row_id: Any) -> bool:
    """Whether ``errors`` asks to raise; refuses an unknown value, and raising without a row id
    (an executor only knows a row's place in its batch, which names nothing in the DataFrame)."""
    from .errors import ArgumentError

    if errors not in ("null", "raise"):
        raise ArgumentError(f"errors must be 'null' or 'raise', not {errors!r}", "unknown_value", detail="errors")
    if errors == "raise" and row_id is None:
        raise ArgumentError("errors='raise' needs row_id: the column that names each row (a student reference)",
                            "missing_argument", detail="row_id")
    return errors == "raise"


def _naming_row(ids: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` as a plain array; a heatkit error it raises names the row by its id instead
    of its place in the batch (the first item of a batch is row 2)."""
    from .errors import HeatError

    try:
        return plain_array(compute())
    except HeatError as e:
        if e.row is None or not 2 <= e.row < len(ids) + 2:
            raise
        row_id = ids[e.row - 2]
        row_id = row_id.as_py() if hasattr(row_id, "as_py") else row_id
        message = str(e)
        prefix = f"row {e.row}: "
        message = message[len(prefix):] if message.startswith(prefix) else message
        raise type(e)(f"row_id {row_id!r}: {message}", e.code, detail=e.detail, row=None) from None


def is_valid_postcode(column: Any, *, level: str = "district") -> Any:
    """Whether each value is a postcode (NULL stays NULL)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    import heatkit

    def run(values: Any) -> Any:
        found = plain_array(heatkit.normalise_postcodes(values, level=level))  # type: ignore[arg-type]
        return pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), pc.is_valid(found))

    return _udf(run, "boolean")(_column(column))


def year_group(
    column: Any,
    *,
    academic_year: Optional[str] = None,
    on: Any = None,
    nation: str = "england",
    errors: str = "null",
    row_id: Any = None,
) -> Any:
    """Year groups of dates of birth (a date column or date text), as ``heatkit.year_groups``;
    ``errors`` and ``row_id`` as in :func:`normalise_postcode`."""
    import heatkit

    if _raising(errors, row_id):

        def checked(values: Any, ids: Any) -> Any:
            return _naming_row(ids, lambda: heatkit.year_groups(values, academic_year=academic_year, on=on,
                                                                nation=nation, errors="raise"))

        return _udf(checked, "string")(_column(column), _column(row_id))

    def run(values: Any) -> Any:
        return plain_array(heatkit.year_groups(values, academic_year=academic_year, on=on, nation=nation))

    return _udf(run, "string")(_column(column))


def _index(path: str) -> Any:
    """The index at ``path`` (or, when only its file name is given, the copy Spark shipped)."""
    import heatkit

    if path not in _INDEXES:
        found = path
        if not os.path.exists(found):
            from pyspark import SparkFiles

            found = SparkFiles.get(os.path.basename(path))
        _INDEXES[path] = heatkit.AreaIndex.load(found)
    return _INDEXES[path]


def area_measures(column: Any, index: Union[str, os.PathLike]) -> Any:
    """A struct of area measures per postcode (see :data:`AREA_MEASURES`) from the saved
    :class:`heatkit.AreaIndex` at ``index``; NULL for a NULL postcode."""
    import pyarrow as pa
    import pyarrow.compute as pc

    import heatkit

    path = os.fspath(index)
    fields = [(name, {"string": pa.string(), "tinyint": pa.int8()}[kind]) for name, kind in AREA_MEASURES]

    def run(values: Any) -> Any:
        table = heatkit.enrich_postcodes(values, _index(path))
        arrays = [plain_array(table.column(name)).cast(typ) for name, typ in fields]
        return pa.StructArray.from_arrays(arrays, names=[n for n, _ in fields], mask=pc.is_null(values))

    schema = "struct<" + ", ".join(f"{name}: {kind}" for name, kind in AREA_MEASURES) + ">"
    return _udf(run, schema)(_column(column))
