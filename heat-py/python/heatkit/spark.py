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
from typing import Any, Callable, Dict, Literal, Optional, Union

from ._columns import plain_array

__all__ = ["area_measures", "clusters", "find_duplicates", "fix_postcode", "is_valid_postcode", "normalise_postcode", "year_group"]

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
    typing slips to the one nearest live postcode. ``column`` is a column name or a ``Column``.
    With ``errors="raise"``
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


def find_duplicates(
    df: Any,
    *,
    id: str = "record_id",
    first_name: Optional[str] = "first_name",
    last_name: Optional[str] = "last_name",
    dob: Optional[str] = "dob",
    gender: Optional[str] = "gender",
    school: Optional[str] = "school_id",
    postcode: Optional[str] = "postcode",
    threshold: Optional[float] = None,
    min_probability: Optional[float] = None,
    model: Any = None,
    settings: Optional[Dict[str, Any]] = None,
    errors: Literal["raise", "null"] = "null",
) -> Any:
    """:func:`heatkit.find_duplicates` on a Spark DataFrame, with the same pairs and
    probabilities as one machine gives for the same rows in the same order.

    How the work is shared: the driver reads the match columns once (about 100 bytes a record) to
    train the model and count how often each name and school occurs (a
    :class:`heatkit.MatchContext`, broadcast to the executors); Spark makes the candidate pairs by
    joins on each blocking rule's keys (computed by heatkit on the executors, with oversized groups
    split as one run splits them), the executors score the pairs with heatkit
    (:func:`heatkit.score_pairs`), and the driver settles the twin guards over the pairs kept
    (:func:`heatkit.finish_pairs`). Returns a DataFrame with the columns of
    :func:`heatkit.find_duplicates` (levels and guards as text); :func:`clusters` groups them.
    """
    import pyarrow as pa
    from pyspark.sql import functions as F

    import heatkit

    from ._matching import _FIELDS, _check_ids

    spark = df.sparkSession
    names = dict(zip(_FIELDS, (first_name, last_name, dob, gender, school, postcode)))
    used = [c for c in names.values() if c is not None]
    local = _to_arrow(df.select(*[F.col(c).cast("string").alias(c) for c in [id, *used]]))
    _check_ids(local.column(id).to_pylist())
    context = heatkit.match_context(local, first_name=first_name, last_name=last_name, dob=dob, gender=gender,
                                    school=school, postcode=postcode, threshold=threshold,
                                    min_probability=min_probability, model=model, settings=settings, errors=errors)
    n = local.num_rows
    local = local.append_column("_pos", pa.array(range(n), pa.int64()))
    records = _from_arrow(spark, local)
    shared = spark.sparkContext.broadcast(context)
    # The rules' caps and how many refinement values there are (no records needed), under the
    # settings the context was made with.
    plans, _, refinements = heatkit._heatkit._text_keys(0, [None] * 6, settings=context._settings)
    keys = _blocking_keys(records, names, plans, len(refinements), context._settings).cache()
    pairs = _candidate_pairs(_split_oversized(keys, plans, len(refinements)), plans)
    scored = _scored(records, pairs, names, shared)
    kept = _to_arrow(scored)
    result = heatkit.finish_pairs(kept, context, ids=local.column(id))
    return _from_arrow(spark, pa.table({name: plain_array(result.column(name)) for name in result.column_names}))


def _to_arrow(df: Any) -> Any:
    """The DataFrame's rows on the driver as a pyarrow Table, in the DataFrame's order."""
    if hasattr(df, "toArrow"):
        return df.toArrow()
    import pyarrow as pa

    return pa.Table.from_pandas(df.toPandas(), preserve_index=False)


def _from_arrow(spark: Any, table: Any) -> Any:
    try:
        return spark.createDataFrame(table)
    except TypeError:  # pyspark before 4.0 takes pandas, not Arrow
        return spark.createDataFrame(table.to_pandas())


def _match_columns(batch: Any, columns: Dict[str, Optional[str]]) -> list:
    """The six columns the compiled matcher takes, from an Arrow batch (None where absent)."""
    return [batch.column(c) if c is not None else None for c in columns.values()]


def _blocking_keys(records: Any, columns: Dict[str, Optional[str]], plans: list, n_refinements: int,
                   settings: str) -> Any:
    """Each record's position, its key under every rule (``k0``, ``k1``, …) and the values
    oversized groups are split on (``r0``, ``r1``, …), computed by heatkit on the executors."""
    import pyarrow as pa

    import heatkit

    schema = "_pos long, " + ", ".join(f"k{i} string" for i in range(len(plans))) + ", " + ", ".join(
        f"r{i} string" for i in range(n_refinements))

    def keys_of(batches: Any) -> Any:
        for batch in batches:
            _, per_rule, refinements = heatkit._heatkit._text_keys(
                batch.num_rows, _match_columns(batch, columns), settings=settings)
            arrays = [_array(batch.column("_pos")), *[_array(k) for k in per_rule]]
            arrays += [_array(v) for _, v in refinements]
            yield pa.RecordBatch.from_arrays(arrays, names=["_pos", *[f"k{i}" for i in range(len(plans))],
                                                            *[f"r{i}" for i in range(n_refinements)]])

    return records.mapInArrow(keys_of, schema)


def _split_oversized(keys: Any, plans: list, n_refinements: int) -> Any:
    """Every record's final key under every rule, one row per (record, rule) with a key:
    ``_pos, rule, key``. Groups over their rule's cap get the next refinement value added to
    their key, in turn, as one run splits them (a rule that only takes small groups keeps its
    oversized ones whole; they make no pairs)."""
    from pyspark.sql import functions as F

    refinements = [F.col(f"r{i}") for i in range(n_refinements)]
    long = keys.select("_pos", F.explode(F.array(*[
        F.struct(F.lit(i).alias("rule"), F.col(f"k{i}").alias("key"), *[r.alias(f"r{j}") for j, r in enumerate(refinements)])
        for i in range(len(plans))])).alias("k")).select("_pos", "k.*").where(F.col("key").isNotNull()).cache()
    caps = _rule_table(keys.sparkSession, plans)
    depth = 0
    while True:
        sizes = long.groupBy("rule", "key").count().join(F.broadcast(caps), "rule")
        oversized = sizes.where((F.col("count") > F.col("cap")) & F.col("split") & (F.col("steps") > depth))
        found = oversized.select("rule", "key").collect()
        if not found:
            return long
        flagged = F.broadcast(keys.sparkSession.createDataFrame([(r["rule"], r["key"]) for r in found],
                                                                 "rule int, key string").withColumn("_over", F.lit(True)))
        refine = F.col("r0")
        for i, plan in enumerate(plans):
            if depth < len(plan[3]):
                refine = F.when(F.col("rule") == i, F.col(f"r{plan[3][depth]}")).otherwise(refine)
        old = long
        long = (long.join(flagged, ["rule", "key"], "left")
                .withColumn("key", F.when(F.col("_over"), F.concat(F.col("key"), F.lit(f"\u001d{depth}:"), refine))
                            .otherwise(F.col("key"))).drop("_over").cache())
        long.count()
        old.unpersist()
        depth += 1


def _rule_table(spark: Any, plans: list) -> Any:
    """Each rule's number, cap, whether its oversized groups are split, and in how many steps."""
    return spark.createDataFrame([(i, cap, split, len(refine)) for i, (_, cap, split, refine) in enumerate(plans)],
                                 "rule int, cap long, split boolean, steps int")


def _candidate_pairs(long: Any, plans: list) -> Any:
    """Every candidate pair once (``row_l`` < ``row_r``): two records in one group of a rule,
    within its cap, that share no key under an earlier rule (a skipped group's key included)."""
    from pyspark.sql import functions as F

    caps = _rule_table(long.sparkSession, plans)
    sizes = long.groupBy("rule", "key").count().join(F.broadcast(caps), "rule")
    fitting = sizes.where((F.col("count") >= 2) & (F.col("count") <= F.col("cap"))).select("rule", "key")
    members = long.select("_pos", "rule", "key").join(fitting, ["rule", "key"])
    a, b = members.alias("a"), members.alias("b")
    pairs = (a.join(b, (F.col("a.rule") == F.col("b.rule")) & (F.col("a.key") == F.col("b.key"))
                    & (F.col("a._pos") < F.col("b._pos")))
             .groupBy(F.col("a._pos").alias("row_l"), F.col("b._pos").alias("row_r"))
             .agg(F.min("a.rule").alias("rule")))
    # Each record's final keys side by side, to see whether a pair shared one under an earlier rule.
    wide = long.groupBy("_pos").pivot("rule", list(range(len(plans)))).agg(F.first("key"))
    wide = wide.select("_pos", *[F.col(str(i)).alias(f"k{i}") for i in range(len(plans))])
    left = wide.select(F.col("_pos").alias("row_l"), *[F.col(f"k{i}").alias(f"a{i}") for i in range(len(plans))])
    right = wide.select(F.col("_pos").alias("row_r"), *[F.col(f"k{i}").alias(f"b{i}") for i in range(len(plans))])
    seen = F.lit(False)
    for j in range(len(plans)):
        seen = seen | ((F.lit(j) < F.col("rule")) & F.coalesce(F.col(f"a{j}") == F.col(f"b{j}"), F.lit(False)))
    return pairs.join(left, "row_l").join(right, "row_r").where(~seen).select("row_l", "row_r")


def _scored(records: Any, pairs: Any, columns: Dict[str, Optional[str]], shared: Any) -> Any:
    """The pairs scored by heatkit on the executors with the broadcast context (plain columns
    of :func:`heatkit.score_pairs`, with the whole file's positions)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark.sql import functions as F

    import heatkit

    used = [c for c in columns.values() if c is not None]
    left = records.select(F.col("_pos").alias("row_l"), *[F.col(c).alias(f"l_{c}") for c in used])
    right = records.select(F.col("_pos").alias("row_r"), *[F.col(c).alias(f"r_{c}") for c in used])
    both = pairs.join(left, "row_l").join(right, "row_r")
    levels = ", ".join(f"{f}_level tinyint, {f}_weight float" for f in ("first_name", "last_name", "dob", "postcode",
                                                                           "school", "gender"))
    schema = f"row_l long, row_r long, match_weight double, {levels}, household_weight float, guard tinyint, guard_weight float"

    def score(batches: Any) -> Any:
        context = shared.value
        for batch in batches:
            m = batch.num_rows
            side = {c: pa.concat_arrays([_array(batch.column(f"l_{c}")), _array(batch.column(f"r_{c}"))]) for c in used}
            out = heatkit.score_pairs(pa.table(side), (list(range(m)), list(range(m, 2 * m))), context,
                                      errors="null", **columns)  # type: ignore[arg-type]
            rows_l, rows_r = _array(batch.column("row_l")), _array(batch.column("row_r"))
            local_l = out.column("row_l").combine_chunks()
            local_r = pc.subtract(out.column("row_r").combine_chunks().cast(pa.int64()), m)
            arrays = {"row_l": rows_l.take(local_l), "row_r": rows_r.take(local_r)}
            for name in out.column_names:
                if name not in arrays:
                    column = out.column(name).combine_chunks()
                    arrays[name] = column.cast(pa.int8()) if name.endswith("_level") else column
            yield pa.RecordBatch.from_pydict(arrays)

    return both.mapInArrow(score, schema)


def _array(column: Any) -> Any:
    """One pyarrow Array from any Arrow column (pyarrow or another library's)."""
    import pyarrow as pa

    if not isinstance(column, (pa.Array, pa.ChunkedArray)):
        column = pa.chunked_array(column)
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def clusters(pairs: Any, *, threshold: Optional[float] = None) -> Any:
    """Students from scored pairs, by connected components on Spark: ``record_id, cluster`` for
    every record in a pair at or above ``threshold`` (``None``: the default cluster threshold,
    0.95), ``cluster`` being the smallest record id (as text) of its component. ``pairs`` is a
    DataFrame with ``id_l, id_r, match_probability`` (from :func:`find_duplicates`). Unlike
    :func:`heatkit.cluster_duplicates` no cluster size cap applies: every link joins.
    Labels spread along the links until none changes (as many rounds as the longest chain).
    """
    import json

    from pyspark.sql import functions as F

    from ._matching import _default_match_settings

    if threshold is None:
        threshold = float(json.loads(_default_match_settings())["cluster_threshold"])
    links = pairs.where(F.col("match_probability") >= threshold).select(
        F.col("id_l").cast("string").alias("a"), F.col("id_r").cast("string").alias("b"))
    both = links.unionByName(links.select(F.col("b").alias("a"), F.col("a").alias("b"))).cache()
    labels = both.select(F.col("a").alias("record_id")).distinct().withColumn("cluster", F.col("record_id")).cache()
    while True:
        offered = (both.join(labels, both.a == labels.record_id).groupBy(F.col("b").alias("record_id"))
                   .agg(F.min("cluster").alias("offered")))
        updated = (labels.join(offered, "record_id", "left")
                   .select("record_id", F.least("cluster", F.coalesce("offered", "cluster")).alias("cluster"))
                   .localCheckpoint())
        changed = updated.join(labels.withColumnRenamed("cluster", "before"), "record_id").where(
            F.col("cluster") != F.col("before")).limit(1).count()
        labels.unpersist()
        labels = updated
        if changed == 0:
            return labels
