"""Turning user columns (list, pandas, polars, pyarrow) into what the compiled kernels take, and
results back into the caller's kind. No rules live here: only conversion."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple


def _module_of(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def kind_of(values: Any) -> str:
    """One of "pandas", "polars", "pyarrow", "arrow" (other capsule objects) or "list"."""
    module = _module_of(values)
    if module == "pandas" and type(values).__name__ == "Series":
        return "pandas"
    if module == "polars" and type(values).__name__ == "Series":
        return "polars"
    if module == "pyarrow" and (hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__")):
        return "pyarrow"
    if hasattr(values, "__arrow_c_stream__") or hasattr(values, "__arrow_c_array__"):
        return "arrow"
    return "list"


def _pyarrow() -> Optional[Any]:
    try:
        import pyarrow

        return pyarrow
    except ImportError:  # pragma: no cover - exercised only without pyarrow
        return None


def encodable(values: Any) -> list:
    """Values with any text that cannot be UTF-8 (a lone surrogate, as a file read with
    ``errors="surrogateescape"`` gives) read as the compiled module reads it: each unpaired
    surrogate becomes U+FFFD, so the value is refused by its field's rules like any bad value."""
    return [
        v.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if isinstance(v, str) else v
        for v in values
    ]


def to_kernel_input(values: Any) -> Tuple[Any, str]:
    """What to hand the Rust kernel, and the input's kind."""
    kind = kind_of(values)
    if kind == "pandas":
        pa = _pyarrow()
        if pa is not None:
            try:
                return pa.array(values, from_pandas=True), kind
            except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
                pass  # mixed objects, or text that is not valid Unicode: go value by value
        return list(values), kind
    if kind == "polars" and (not hasattr(values, "__arrow_c_stream__") or values.dtype.__class__.__name__ in ("Categorical", "Enum")):
        return values.to_arrow(), kind  # a Categorical as an Arrow dictionary, read once per value
    return values, kind


def text_dictionary(data: Any) -> Optional[Tuple[Any, Any]]:
    """For a dictionary-encoded text column (an Arrow dictionary, which a pandas ``category`` or a
    polars ``Categorical`` becomes): the column with one dictionary shared by all its chunks, and
    that dictionary. None for any other column."""
    pa = _pyarrow()
    typ = getattr(data, "type", None)
    if pa is None or not isinstance(typ, pa.DictionaryType):
        return None
    value = typ.value_type
    if not (pa.types.is_string(value) or pa.types.is_large_string(value) or value == pa.string_view()):
        return None
    chunked = data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])
    if chunked.num_chunks == 0:
        return None
    chunked = chunked.unify_dictionaries()
    return chunked, chunked.chunk(0).dictionary


def expand_dictionary(result: Any, chunked: Any) -> Any:
    """A text result computed once per dictionary value, as a dictionary column over the rows of
    ``chunked``: equal results share one entry (so a pandas category stays valid), a missing
    result or row is missing."""
    pa = _pyarrow()
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pa.chunked_array(result).combine_chunks())  # type: ignore[union-attr]
    return pa.chunked_array([  # type: ignore[union-attr]
        pa.DictionaryArray.from_arrays(pc.take(encoded.indices, c.indices), encoded.dictionary)  # type: ignore[union-attr]
        for c in chunked.chunks
    ])


def expand_by_dictionary(result: Any, chunked: Any) -> Any:
    """A result computed once per dictionary value, over the rows of ``chunked``: text as a
    dictionary column (see :func:`expand_dictionary`), anything else taken row by row (a
    missing row is missing)."""
    pa = _pyarrow()
    import pyarrow.compute as pc

    values = pa.chunked_array(result).combine_chunks()  # type: ignore[union-attr]
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):  # type: ignore[union-attr]
        return expand_dictionary(values, chunked)
    return pa.chunked_array([pc.take(values, c.indices) for c in chunked.chunks], values.type)  # type: ignore[union-attr]


def plain_array(column: Any) -> Any:
    """An Arrow column as one plain array, dictionaries decoded and chunks joined (what DuckDB
    and Spark UDFs hand back)."""
    pa = _pyarrow()
    if isinstance(column, pa.ChunkedArray):  # type: ignore[union-attr]
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):  # type: ignore[union-attr]
        column = column.cast(column.type.value_type)
    return column


def _same_text_type(result: Any, original_type: Any) -> Any:
    """A text result in the text type of the input (``large_string``, ``string_view``)."""
    pa = _pyarrow()
    if original_type is None or not isinstance(result, pa.ChunkedArray) or not pa.types.is_string(result.type):  # type: ignore[union-attr]
        return result
    if pa.types.is_large_string(original_type) or original_type == pa.string_view():  # type: ignore[union-attr]
        return result.cast(original_type)
    return result


def _text_dtype(original: Any) -> Any:
    """The pandas dtype a text result takes for this input: the input's own for ``string``
    (``string[pyarrow]``, ``string[python]``) and ``ArrowDtype`` inputs, else None (object)."""
    dtype = getattr(original, "dtype", None)
    return dtype if type(dtype).__name__ in ("StringDtype", "ArrowDtype") else None


def column_like(result: Any, original: Any, kind: str, name: Optional[str] = None) -> Any:
    """A kernel result (Arrow chunked array or list) as the same kind as ``original``: text
    results keep the input's text type (pandas ``string``/``ArrowDtype``, Arrow ``large_string``
    and ``string_view``), and dictionary results come back as dictionaries (pandas ``category``,
    polars ``Categorical``)."""
    if kind == "list":
        return result
    if kind == "pandas":
        import pandas as pd

        series_name = name if name is not None else original.name
        if isinstance(result, list):
            return pd.Series(result, index=original.index, name=series_name, dtype=object)
        pa = _pyarrow()
        chunked = pa.chunked_array(result)  # type: ignore[union-attr]
        dtype = _text_dtype(original)
        if dtype is not None and (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):  # type: ignore[union-attr]
            if type(dtype).__name__ == "ArrowDtype":
                target = dtype.pyarrow_dtype
                if not (pa.types.is_string(target) or pa.types.is_large_string(target) or target == pa.string_view()):  # type: ignore[union-attr]
                    target = chunked.type
                return pd.Series(pd.arrays.ArrowExtensionArray(chunked.cast(target)), index=original.index, name=series_name)
            return pd.Series(pd.array(chunked.to_pandas(), dtype=dtype), index=original.index, name=series_name)
        nullable_ints = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}  # type: ignore[union-attr]
        data = chunked.to_pandas(types_mapper=nullable_ints.get)
        return pd.Series(data.array, index=original.index, name=series_name)
    if kind == "polars":
        import polars as pl

        series_name = name if name is not None else original.name
        try:
            series = pl.Series(series_name, result)
        except Exception:  # older polars: go through pyarrow
            series = pl.Series(series_name, _pyarrow().chunked_array(result))  # type: ignore[union-attr]
        return series.alias(series_name)
    if kind == "pyarrow":
        pa = _pyarrow()
        chunked = _same_text_type(pa.chunked_array(result), getattr(original, "type", None))  # type: ignore[union-attr]
        if type(original).__name__ == "ChunkedArray":
            return chunked
        if chunked.num_chunks == 1:  # the kernels return one chunk per input chunk: no copy
            return chunked.chunk(0)
        return chunked.combine_chunks()
    return result


def table_like(columns: Dict[str, Any], original: Any, kind: str) -> Any:
    """Named kernel columns as a table of the caller's family (pandas/polars DataFrame, pyarrow Table)."""
    if kind == "pandas":
        import pandas as pd

        data = {k: column_like(v, original, "pandas", name=k) for k, v in columns.items()}
        return pd.DataFrame(data, index=original.index)
    if kind == "polars":
        import polars as pl

        return pl.DataFrame([column_like(v, original, "polars", name=k) for k, v in columns.items()])
    pa = _pyarrow()
    if pa is None:  # pragma: no cover
        raise ImportError("pyarrow is needed to return an Arrow table")
    return pa.table({k: pa.chunked_array(v) for k, v in columns.items()})


def apply(values: Any, kernel: Callable[[Any], Any]) -> Tuple[Any, str]:
    """Run ``kernel`` on the column form of ``values``; returns (raw result, kind)."""
    data, kind = to_kernel_input(values)
    return kernel(data), kind


def as_table(table: Any) -> Any:
    """A table as a table function reads it: a polars ``LazyFrame`` is collected (a polars
    DataFrame), and any other Arrow stream (a ``pyarrow.RecordBatchReader`` such as DuckDB
    returns, or any object with ``__arrow_c_stream__`` that is not a DataFrame or Table) is read
    into a pyarrow Table. Anything else is returned as it is."""
    module, name = _module_of(table), type(table).__name__
    if module == "polars" and name == "LazyFrame":
        return table.collect()
    if module in ("pandas", "polars") or (module == "pyarrow" and name in ("Table", "RecordBatch")):
        return table
    if isinstance(table, Mapping) or not hasattr(table, "__arrow_c_stream__"):
        return table
    pa = _pyarrow()
    if pa is None:  # pragma: no cover
        raise ImportError("pyarrow is needed to read an Arrow stream")
    if isinstance(table, pa.RecordBatchReader):
        return table.read_all()
    return pa.RecordBatchReader.from_stream(table).read_all()


def table_kind(table: Any) -> str:
    """One of "pandas", "polars", "pyarrow" (DataFrames and Tables), "dict" (a mapping of columns) or
    "records" (a sequence of row mappings); TypeError for anything else."""
    module, name = _module_of(table), type(table).__name__
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "polars" and name == "DataFrame":
        return "polars"
    if module == "pyarrow" and name in ("Table", "RecordBatch"):
        return "pyarrow"
    if isinstance(table, Mapping):
        return "dict"
    if isinstance(table, Sequence) and not isinstance(table, (str, bytes)):
        return "records"
    from ._heatkit import _bad_argument

    raise _bad_argument(
        "table", f"expected a pandas or polars DataFrame, a pyarrow Table, a dict of columns or a list of rows, got {name}"
    )


def new_table(columns: Dict[str, Any], kind: str) -> Any:
    """Named columns (lists, or Arrow arrays from the kernels) as a new table of the caller's
    family: a dict of lists ("dict"), a list of row dicts ("records"), a pyarrow Table, or a pandas
    or polars DataFrame."""
    if kind in ("dict", "records"):
        lists = {k: v if isinstance(v, list) else _arrow_column(v).to_pylist() for k, v in columns.items()}
        if kind == "dict":
            return lists
        n = len(next(iter(lists.values()))) if lists else 0
        return [{k: lists[k][i] for k in lists} for i in range(n)]
    table = _pyarrow().table({k: v if isinstance(v, list) else _arrow_column(v) for k, v in columns.items()})  # type: ignore[union-attr]
    if kind == "pandas":
        return table.to_pandas()
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table


def _arrow_column(v: Any) -> Any:
    """A pyarrow Array or ChunkedArray as is; any other Arrow-capsule column as a ChunkedArray."""
    pa = _pyarrow()
    if isinstance(v, (pa.Array, pa.ChunkedArray)):  # type: ignore[union-attr]
        return v
    return pa.chunked_array(v)  # type: ignore[union-attr]


_KINDS = ("pyarrow", "pandas", "polars", "dict", "records")


def check_kind(kind: str) -> str:
    """``kind`` if it is a table kind heatkit returns, else ArgumentError."""
    if kind not in _KINDS:
        from ._heatkit import _unknown_value

        raise _unknown_value("kind", str(kind), "'pyarrow', 'pandas', 'polars', 'dict' or 'records'")
    return kind


def one_row(record: Mapping[str, Any]) -> Dict[str, list]:
    """A mapping of field values as a one-row dict of columns."""
    if not isinstance(record, Mapping):
        from ._heatkit import _bad_argument

        raise _bad_argument("record", f"expected a mapping of field names to values, got {type(record).__name__}")
    return {str(k): [v] for k, v in record.items()}


def table_columns(table: Any) -> Tuple[list, list, int]:
    """A table as (column names, columns, rows) for the compiled record readers: Arrow columns
    for pandas, polars and pyarrow tables (no per-value Python objects), lists for a dict of
    columns or a list of row mappings."""
    kind = table_kind(table)
    if kind == "pandas":
        pa = _pyarrow()
        if pa is not None:
            try:
                t = pa.Table.from_pandas(table, preserve_index=False)
                return [str(c) for c in t.column_names], list(t.columns), t.num_rows
            except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
                pass  # mixed objects in a column: go value by value
        return [str(c) for c in table.columns], [table[c].tolist() for c in table.columns], len(table)
    if kind == "polars":
        t = table.to_arrow()
        return list(t.column_names), list(t.columns), t.num_rows
    if kind == "pyarrow":
        return list(table.schema.names), list(table.columns), int(table.num_rows)
    if kind == "dict":
        names = [str(k) for k in table]
        columns = [_as_sequence(v) for v in table.values()]
        n = len(columns[0]) if columns else 0
        return names, columns, n
    keys: List[str] = []
    for r in table:
        for k in r:
            if str(k) not in keys:
                keys.append(str(k))
    rows = [{str(k): v for k, v in r.items()} for r in table]
    return keys, [[r.get(k) for r in rows] for k in keys], len(rows)


def _as_sequence(v: Any) -> Any:
    """A dict's column as something the compiled reader takes (Arrow columns pass as they are)."""
    if hasattr(v, "__arrow_c_array__") or hasattr(v, "__arrow_c_stream__"):
        return v
    if type(v).__name__ == "Series":  # pandas or polars
        return v.tolist() if hasattr(v, "tolist") else v.to_list()
    return v if isinstance(v, (list, tuple)) else list(v)


def to_list(v: Any) -> list:
    """A kernel result column (Arrow or list) as a list."""
    return v if isinstance(v, list) else _arrow_column(v).to_pylist()
