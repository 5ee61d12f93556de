"""Duplicate students: find_duplicates, link_students, cluster_duplicates, explain,
model_parameters, and matching in parts (match_context, score_pairs, finish_pairs).

Only conversion lives here: the columns are picked out of the caller's table, the compiled matcher
does the work with the GIL released, and the scored pairs come back as a table of the same kind.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union


from ._workers import resolve as _resolve_workers
from ._batch import RowIssue
from ._columns import as_table, encodable, new_table, table_kind
from ._heatkit import _bad_argument, _check_ids, _cluster, _default_match_settings, _find_duplicates
from ._heatkit import _finish_pairs, _link_students, _match_context, _model_parameters, _score_pairs
from ._heatkit import _unknown_value

_LOG = logging.getLogger("heatkit")


class MatchingWarning(UserWarning):
    """A matching run left candidate pairs uncompared (a blocking group too large to compare
    even after splitting): the warning gives the counts; the run summary
    (``summary=True``) gives them per rule."""

_FIELDS = ("first_name", "last_name", "dob", "gender", "school", "postcode")
_Progress = Union[None, bool, Callable[[str, int], None]]
_STAGES = ("preparing", "blocking", "estimating_u", "training_em", "scoring", "done")


class _StageBar:
    """``progress=True``: one tqdm bar stepping through a run's stages (a notebook widget in
    Jupyter, a text bar elsewhere), or a line per stage on stderr when tqdm is not installed."""

    def __init__(self, what: str) -> None:
        self._bar: Any = None
        self._what = what
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        self._bar = tqdm(total=len(_STAGES) - 1, desc=what, unit="stage", leave=True)

    def __call__(self, stage: str, items: int) -> None:
        if self._bar is None:
            import sys

            print(f"heatkit: {self._what}: {stage.replace('_', ' ')} ({items:,})", file=sys.stderr)
            return
        self._bar.set_postfix_str(f"{stage.replace('_', ' ')} {items:,}")
        if stage == "done":
            self._bar.update(self._bar.total - self._bar.n)
        elif stage != "preparing":
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress_callable(progress: _Progress, what: str) -> Tuple[Optional[Callable[[str, int], None]], Any]:
    """The callable the compiled run calls at each stage, and what to close after it."""
    if progress is True:
        bar = _StageBar(what)
        return bar, bar
    if progress is None or progress is False:
        return None, None
    if not callable(progress):
        raise _bad_argument("progress", f"expected True, False, None or a callable(stage, items), got {type(progress).__name__}")
    return progress, None


def _table_kind(table: Any) -> str:
    kind = table_kind(table)
    if kind == "records":
        raise _bad_argument("table", "expected a pandas or polars DataFrame, a pyarrow Table or a dict of columns, got a list")
    return kind


def _names(table: Any, kind: str) -> List[str]:
    if kind == "pandas":
        return [str(c) for c in table.columns]
    if kind == "polars":
        return list(table.columns)
    if kind == "pyarrow":
        return list(table.schema.names)
    return list(table.keys())


def _length(table: Any, kind: str) -> int:
    if kind == "pyarrow":
        return int(table.num_rows)
    if kind in ("pandas", "polars"):
        return len(table)
    lengths = {len(v) for v in table.values()}
    if len(lengths) > 1:
        raise _bad_argument("table", "the columns of the dict have different lengths")
    return lengths.pop() if lengths else 0


def _as_text(column: Any, kind: str) -> Any:
    """A column as Arrow text (ids and school numbers may arrive as integers)."""
    if kind == "dict":
        return [None if v is None or v != v else str(v) for v in column]
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "pandas":
        try:
            array = pa.array(column, from_pandas=True)
        except UnicodeError:
            array = pa.array(encodable(column), from_pandas=True)
    elif kind == "polars":
        array = column.to_arrow()
    else:
        array = column
    if pa.types.is_floating(array.type):
        # Whole numbers read as floats (a pandas column with gaps): "100001", not "100001.0".
        array = pc.cast(array, pa.int64(), safe=False) if pc.all(pc.equal(array, pc.floor(array))).as_py() else array
    if pa.types.is_dictionary(array.type):
        array = pc.cast(array, array.type.value_type)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pc.cast(array, pa.string())
    return array


def _as_dates(column: Any, kind: str) -> Any:
    if kind == "dict":
        return list(column)
    if kind == "pandas":
        import pyarrow as pa

        try:
            return pa.array(column, from_pandas=True)
        except UnicodeError:
            return pa.array(encodable(column), from_pandas=True)
    if kind == "polars":
        return column.to_arrow()
    return column


def _columns(table: Any, kind: str, names: Dict[str, Optional[str]]) -> Tuple[int, List[Any]]:
    present = set(_names(table, kind))
    for role, name in names.items():
        if name is not None and name not in present:
            raise _unknown_value(role, str(name), f"a column of the table ({', '.join(map(str, present))}), or None to go without it")

    def get(name: Optional[str]) -> Any:
        if name is None:
            return None
        if kind == "pyarrow":
            return table.column(name)
        return table[name]

    cols: List[Any] = []
    for role in _FIELDS:
        column = get(names[role])
        if column is None:
            cols.append(None)
        elif role == "dob":
            cols.append(_as_dates(column, kind))
        else:
            cols.append(_as_text(column, kind))
    return _length(table, kind), cols


def _settings_json(settings: Optional[Mapping[str, Any]], **overrides: Any) -> str:
    merged: Dict[str, Any] = json.loads(_default_match_settings())
    merged.update(settings or {})  # an unknown name is refused by the compiled settings reader
    merged.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return json.dumps(merged)
    except (TypeError, ValueError) as e:
        raise _bad_argument("settings", str(e)) from e


def _model_arg(model: Union[None, str, Path, Mapping[str, Any]]) -> Optional[str]:
    """A model as the compiled matcher takes it: JSON text, or the path of a model file."""
    if model is None:
        return None
    if isinstance(model, Mapping):
        try:
            return json.dumps(model)
        except (TypeError, ValueError) as e:
            raise _bad_argument("model", str(e)) from e
    return str(model)


def _result_table(columns: Dict[str, Any], ids_l: Any, ids_r: Any, kind: str, extra: Optional[Dict[str, Any]] = None) -> Any:
    data = {"id_l": ids_l, "id_r": ids_r}
    data.update(extra or {})
    data.update(columns)
    return new_table(data, kind)


def _ids(table: Any, kind: str, name: Optional[str], n: int, check: bool = False) -> Any:
    """The id column as something ``_take`` can index (row numbers when ``name`` is None). A
    pandas column mixing numbers and text is read as text. With ``check``, every row must have an
    id of its own (``MatchingError`` ``missing_id`` / ``duplicate_id`` naming the row)."""
    if name is None:
        import pyarrow as pa

        return pa.array(range(n), pa.int64()) if kind != "dict" else list(range(n))
    if name not in _names(table, kind):
        raise _unknown_value("id", str(name), "a column of the table, or None to use row positions")
    if kind == "dict":
        ids: Any = list(table[name])
        if check:
            _check_ids([None if v is None or v != v else str(v) for v in ids])
        return ids
    import pyarrow as pa

    if kind == "pandas":
        try:
            ids = pa.array(table[name], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            # Numbers and text in one column (an export edited by hand), or text that cannot be
            # UTF-8: all read as text.
            ids = pa.array(
                encodable([None if v is None or v != v else str(v) for v in table[name]]), pa.string()
            )
    elif kind == "polars":
        ids = table[name].to_arrow()
    else:
        ids = table.column(name)
    if check:
        _check_ids(_as_text(ids, "pyarrow"))
    return ids


def _take(ids: Any, rows: Any) -> Any:
    import pyarrow as pa

    if isinstance(ids, list):
        return [ids[i] for i in pa.chunked_array(rows).to_pylist()]
    return ids.take(pa.chunked_array(rows).combine_chunks())


def _options(
    settings: Optional[Mapping[str, Any]],
    threshold: Optional[float],
    model: Union[None, str, Path, Mapping[str, Any]],
    min_probability: Optional[float],
    workers: Optional[int],
    progress: Optional[Callable[[str, int], None]],
) -> Dict[str, Any]:
    """The keyword arguments every compiled matching call takes."""
    return dict(settings=_settings_json(settings, threshold=threshold), model=_model_arg(model),
                min_probability=min_probability, workers=_resolve_workers(workers), progress=progress)


def _finish(result: Tuple[Dict[str, Any], str, str, int, List[Tuple[int, str, str, str]]],
            save_model: Union[None, str, Path]) -> Tuple[Dict[str, Any], Dict[str, Any], List[Tuple[int, str, str, str]]]:
    """Save the model when asked, warn when pairs were left uncompared, and return the pair
    columns and the run summary (row issues were raised or kept as missing by the compiled
    matcher, as ``errors`` said)."""
    columns, model_json, summary_json, _candidates, issues = result
    if save_model is not None:
        Path(save_model).write_text(model_json, encoding="utf-8")
    summary: Dict[str, Any] = json.loads(summary_json)
    summary["model"] = model_json
    _LOG.info("duplicate matching: %s candidate pairs compared, %s skipped",
              summary.get("candidate_pairs"), summary.get("skipped_pairs"))
    if summary["skipped_pairs"]:
        rules = [r["rule"] for r in summary["blocking"] if r["skipped_pairs"] and not r["small_groups_only"]]
        warnings.warn(MatchingWarning(
            f"{summary['skipped_pairs']:,} candidate pairs of up to {summary['skipped_records']:,} records "
            f"were too many to compare under {', '.join(rules)} even after splitting the groups; "
            "other rules may still have found some of them (summary=True gives the counts per rule)"),
            stacklevel=4)
    return columns, summary, issues


def _with_issues(result: Any, issues: List[Tuple[int, str, str, str]], errors: str) -> Any:
    """The result as ``errors`` says (``"raise"`` raised in the compiled matcher already): with
    ``"report"``, ``(result, issues)``; with ``"null"``, the result, and a MatchingWarning when
    dates of birth could not be read (they were compared as missing, which lowers the scores)."""
    found = [RowIssue(row, row - 2, code, message) for row, _field, code, message in issues]
    if errors == "report":
        return result, found
    if found:
        first = found[0]
        warnings.warn(MatchingWarning(
            f"{len(found):,} date{'s' if len(found) > 1 else ''} of birth could not be read and "
            f"{'were' if len(found) > 1 else 'was'} compared as missing (the first: {first.message}); "
            "errors='report' lists them, errors='raise' stops at the first"), stacklevel=4)
    return result


def find_duplicates(
    table: Any,
    *,
    id: Optional[str] = "record_id",
    first_name: Optional[str] = "first_name",
    last_name: Optional[str] = "last_name",
    dob: Optional[str] = "dob",
    gender: Optional[str] = "gender",
    school: Optional[str] = "school_id",
    postcode: Optional[str] = "postcode",
    threshold: Optional[float] = None,
    min_probability: Optional[float] = None,
    workers: Optional[int] = None,
    model: Union[None, str, Path, Mapping[str, Any]] = None,
    save_model: Union[None, str, Path] = None,
    settings: Optional[Mapping[str, Any]] = None,
    errors: Literal["raise", "null", "report"] = "null",
    progress: _Progress = None,
    summary: bool = False,
) -> Any:
    """Likely duplicate students within one table, as scored pairs (the GIL is released).

    ``table`` is a pandas or polars DataFrame, a pyarrow Table or a dict of columns; the result is
    the same kind with columns ``id_l, id_r, match_probability, match_weight``, then one column per
    field giving the level it reached (``first_name, last_name, dob, postcode, school, gender``,
    e.g. ``"nickname"`` or ``"day_month_swap"``), each field's weight in bits (``<field>_weight``),
    ``twin_guard``, ``guard`` (``different_names``, ``twin``, ``possible_twin`` or missing),
    ``household_weight``, ``guard_weight`` and ``prior_weight`` (the prior and the weights add up
    to ``match_weight``; :func:`explain` lists them in order). Pairs come strongest first.

    Ids must be unique and present (``MatchingError`` ``duplicate_id`` / ``missing_id`` naming
    the row; ``id=None`` numbers the rows instead); a pandas id column mixing numbers and text is
    read as text. A date of birth column with no readable date leaves dates out of the
    comparison. ``summary=True`` returns ``(pairs, summary)``: a dict with the run's sizes, how
    the model was obtained (``model_source``, training ``sessions`` and any fallback), what each
    blocking rule found, split and skipped, how the twin guards held (``twins``,
    ``possible_twins``) and the ``model`` as JSON (for :func:`model_parameters`). Pairs too many to compare even after splitting raise a
    :class:`MatchingWarning` with the counts.

    ``threshold=None`` uses the default threshold (0.9); ``min_probability`` lowers the cut for the
    returned pairs (0.0 returns every candidate pair, e.g. for evaluation). Column keywords name
    the table's columns (None: the table has no such column). Dates of birth may be ISO or
    ``DD/MM/YYYY`` text (any form heatkit reads, Excel serials too) or a date column; unreadable
    ones raise CohortError naming the first such row (``errors="raise"``) or are compared as
    missing (``errors="null"``). ``model`` reuses a trained model (a path, JSON text
    or dict) instead of training; ``save_model`` writes the trained model as JSON. ``settings``
    overrides matching settings by name (e.g. ``{"twin_guard": False}``); ``workers`` sets the
    number of threads (-1: all cores); ``progress(stage, items)`` is called as each stage starts
    (``progress=True``: a tqdm bar when tqdm is installed, else a line per stage on stderr).

    >>> import heatkit
    >>> students = {
    ...     "record_id": [1, 2, 3],
    ...     "first_name": ["Chioma", "CHIOMA", "Adaeze"],
    ...     "last_name": ["Okafor", "Okafor", "Okafor"],
    ...     "dob": ["2009-03-04", "04/03/2009", "2009-03-04"],
    ...     "gender": ["F", "F", "F"], "school_id": ["100001"] * 3, "postcode": ["LS1 4AP"] * 3,
    ... }
    >>> pairs = heatkit.find_duplicates(students)
    >>> pairs["id_l"], pairs["id_r"], pairs["dob"]
    ([1], [2], ['exact'])
    """
    table = as_table(table)
    kind = _table_kind(table)
    names = dict(zip(_FIELDS, (first_name, last_name, dob, gender, school, postcode)))
    n, cols = _columns(table, kind, names)
    ids = _ids(table, kind, id, n, check=True)
    callback, bar = _progress_callable(progress, "find_duplicates")
    options = _options(settings, threshold, model, min_probability, workers, callback)
    try:
        columns, run, issues = _finish(_find_duplicates(n, cols, errors=errors, **options), save_model)
    finally:
        if bar is not None:
            bar.close()
    rows_l, rows_r = columns.pop("row_l"), columns.pop("row_r")
    pairs = _result_table(columns, _take(ids, rows_l), _take(ids, rows_r), kind)
    return _with_issues((pairs, run) if summary else pairs, issues, errors)


_FIELD_NAMES = ("first_name", "last_name", "dob", "postcode", "school", "gender")


class MatchContext:
    """What scoring a pair needs from the whole file: its size, how often each name and school
    occurs, the model, and the settings. Made once by :func:`match_context`; then pairs scored
    apart by :func:`score_pairs` (each part with only its own records, e.g. on Spark executors)
    and put together by :func:`finish_pairs` equal :func:`find_duplicates` on the whole file.
    Picklable (a Spark broadcast); ``to_json``/``from_json`` save it.

    >>> import heatkit
    >>> students = {"record_id": [1, 2], "first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"]}
    >>> context = heatkit.match_context(students, dob=None, gender=None, school=None, postcode=None)
    >>> context.records, heatkit.MatchContext.from_json(context.to_json()).records
    (2, 2)
    """

    def __init__(self, context: str, settings: str, min_probability: Optional[float] = None) -> None:
        self._context = context
        self._settings = settings
        self._min_probability = min_probability
        self.records: int = int(json.loads(context)["records"])

    def to_json(self) -> str:
        """The context, settings and cut as one JSON text."""
        return json.dumps({"context": json.loads(self._context), "settings": json.loads(self._settings),
                           "min_probability": self._min_probability})

    @classmethod
    def from_json(cls, text: str) -> "MatchContext":
        """Reads what :meth:`to_json` wrote."""
        try:
            saved = json.loads(text)
            return cls(json.dumps(saved["context"]), json.dumps(saved["settings"]), saved.get("min_probability"))
        except (ValueError, KeyError, TypeError) as e:
            raise _bad_argument("context", f"not a saved match context ({e})") from e

    def __reduce__(self) -> Tuple[Any, Tuple[str, str, Optional[float]]]:
        return (MatchContext, (self._context, self._settings, self._min_probability))

    def __repr__(self) -> str:
        return f"MatchContext(records={self.records})"


def match_context(
    table: Any,
    *,
    first_name: Optional[str] = "first_name",
    last_name: Optional[str] = "last_name",
    dob: Optional[str] = "dob",
    gender: Optional[str] = "gender",
    school: Optional[str] = "school_id",
    postcode: Optional[str] = "postcode",
    threshold: Optional[float] = None,
    min_probability: Optional[float] = None,
    model: Union[None, str, Path, Mapping[str, Any]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> MatchContext:
    """The :class:`MatchContext` of a whole file: its value counts, and the model trained on it
    (or ``model``), with the settings every part is then scored with. Keywords as in
    :func:`find_duplicates`.

    >>> import heatkit
    >>> students = {"first_name": ["Ann", "Ann", "Bo"], "last_name": ["Lee"] * 3}
    >>> heatkit.match_context(students, dob=None, gender=None, school=None, postcode=None)
    MatchContext(records=3)
    """
    table = as_table(table)
    kind = _table_kind(table)
    names = dict(zip(_FIELDS, (first_name, last_name, dob, gender, school, postcode)))
    n, cols = _columns(table, kind, names)
    settings_json = _settings_json(settings, threshold=threshold)
    context, issues = _match_context(n, cols, settings=settings_json, model=_model_arg(model), errors=errors, workers=_resolve_workers(workers))
    return _with_issues(MatchContext(context, settings_json, min_probability), issues, errors)


def _pair_rows(pairs: Any) -> Tuple[List[int], List[int]]:
    if isinstance(pairs, tuple) and len(pairs) == 2:
        left, right = pairs
    else:
        table = as_table(pairs)
        kind = _table_kind(table)
        if not {"row_l", "row_r"} <= set(_names(table, kind)):
            raise _bad_argument("pairs", "a table with columns row_l and row_r, or a (left, right) tuple of row positions")
        left, right = (table.column(c) if kind == "pyarrow" else table[c] for c in ("row_l", "row_r"))
    as_list = lambda v: v.to_pylist() if hasattr(v, "to_pylist") else list(v)  # noqa: E731
    return as_list(left), as_list(right)


def score_pairs(
    table: Any,
    pairs: Any,
    context: MatchContext,
    *,
    first_name: Optional[str] = "first_name",
    last_name: Optional[str] = "last_name",
    dob: Optional[str] = "dob",
    gender: Optional[str] = "gender",
    school: Optional[str] = "school_id",
    postcode: Optional[str] = "postcode",
    errors: Literal["raise", "null", "report"] = "null",
    workers: Optional[int] = None,
) -> Any:
    """Scores ``pairs`` of rows of ``table`` (any part of the file ``context`` was made from) as
    a run over the whole file would, and returns the pairs a run keeps as a pyarrow Table of plain
    columns: ``row_l, row_r`` (positions in ``table``), ``match_weight``, ``<field>_level`` (the
    level's number) and ``<field>_weight`` for each field, ``household_weight``, ``guard`` (-1:
    none) and ``guard_weight``. ``pairs`` is a table with columns ``row_l`` and ``row_r`` or a
    ``(left, right)`` tuple of positions from 0; a position outside ``table`` is a
    ``MatchingError`` (``bad_pair``) naming the pair. Put the parts together with
    :func:`finish_pairs` (after moving ``row_l``/``row_r`` to the whole file's positions).

    >>> import heatkit
    >>> students = {"first_name": ["Ann", "Ann", "Bo"], "last_name": ["Lee"] * 3}
    >>> none = dict(dob=None, gender=None, school=None, postcode=None)
    >>> context = heatkit.match_context(students, **none)
    >>> part = {"first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"]}
    >>> heatkit.score_pairs(part, ([0], [1]), context, **none)["first_name_level"].to_pylist()
    [1]
    """
    table = as_table(table)
    kind = _table_kind(table)
    names = dict(zip(_FIELDS, (first_name, last_name, dob, gender, school, postcode)))
    n, cols = _columns(table, kind, names)
    left, right = _pair_rows(pairs)
    columns, issues = _score_pairs(n, cols, left, right, context._context, settings=context._settings,
                                   min_probability=context._min_probability, errors=errors,
                                   workers=_resolve_workers(workers))
    return _with_issues(new_table(columns, "pyarrow"), issues, errors)


def finish_pairs(scored: Any, context: MatchContext, *, ids: Any = None, summary: bool = False, workers: Optional[int] = None) -> Any:
    """The result of :func:`find_duplicates` (as a pyarrow Table) from pairs scored apart by
    :func:`score_pairs`, with ``row_l``/``row_r`` the whole file's positions: the twin guards are
    settled over all of them and the kept pairs come strongest first. ``scored`` is one table or
    a list of them; ``ids`` gives each row's id (by position; None: row numbers).
    ``summary=True`` returns ``(pairs, summary)`` as :func:`find_duplicates` does.

    >>> import heatkit
    >>> students = {"record_id": [7, 8], "first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"]}
    >>> none = dict(dob=None, gender=None, school=None, postcode=None)
    >>> context = heatkit.match_context(students, **none)
    >>> scored = heatkit.score_pairs(students, ([0], [1]), context, **none)
    >>> heatkit.finish_pairs(scored, context, ids=[7, 8])["id_l"].to_pylist()
    [7]
    """
    import pyarrow as pa

    parts = scored if isinstance(scored, list) else [scored]
    tables = [as_table(p) for p in parts]
    table = pa.concat_tables([t if isinstance(t, pa.Table) else pa.table(t) for t in tables]) if tables else None
    if table is None or table.num_rows == 0:
        empty: Dict[str, List[Any]] = {"row_l": [], "row_r": [], "match_weight": [], "household_weight": [], "guard": [], "guard_weight": []}
        for f in _FIELD_NAMES:
            empty[f"{f}_level"], empty[f"{f}_weight"] = [], []
        table = pa.table(empty)
    col = lambda name: table.column(name).to_pylist()  # noqa: E731
    result = _finish_pairs(
        context._context, col("row_l"), col("row_r"), col("match_weight"),
        [col(f"{f}_level") for f in _FIELD_NAMES], [col(f"{f}_weight") for f in _FIELD_NAMES],
        col("household_weight"), col("guard"), col("guard_weight"),
        settings=context._settings, min_probability=context._min_probability, workers=_resolve_workers(workers))
    columns, run, _issues = _finish(result, None)
    id_values: Any = pa.array(range(context.records), pa.int64()) if ids is None else pa.array(
        ids.to_pylist() if hasattr(ids, "to_pylist") else list(ids))
    rows_l, rows_r = columns.pop("row_l"), columns.pop("row_r")
    pairs = _result_table(columns, _take(id_values, rows_l), _take(id_values, rows_r), "pyarrow")
    return (pairs, run) if summary else pairs


def link_students(
    new: Any,
    existing: Any,
    *,
    id: Optional[str] = "record_id",
    existing_id: Optional[str] = None,
    existing_cluster: Optional[str] = None,
    first_name: Optional[str] = "first_name",
    last_name: Optional[str] = "last_name",
    dob: Optional[str] = "dob",
    gender: Optional[str] = "gender",
    school: Optional[str] = "school_id",
    postcode: Optional[str] = "postcode",
    threshold: Optional[float] = None,
    min_probability: Optional[float] = None,
    best_only: bool = True,
    workers: Optional[int] = None,
    model: Union[None, str, Path, Mapping[str, Any]] = None,
    save_model: Union[None, str, Path] = None,
    settings: Optional[Mapping[str, Any]] = None,
    errors: Literal["raise", "null", "report"] = "null",
    progress: _Progress = None,
    summary: bool = False,
) -> Any:
    """Each new student's likely match(es) in an existing table (e.g. a HEAT export).

    Both tables use the same column names (``existing_id`` names the existing table's id column
    when it differs from ``id``). The result has the columns of :func:`find_duplicates`, with
    ``id_l`` from ``new`` and ``id_r`` from ``existing``; with ``best_only=True`` (default) only
    each new row's strongest match is kept. New rows with no match at or above the threshold are
    absent: they are new students. A trained ``model`` scores without retraining (incremental);
    ``existing_cluster`` names a column of ``existing`` holding each record's cluster (e.g. from
    :func:`cluster_duplicates` or the HEAT student id), copied as ``cluster_id`` so each new row
    is placed in the cluster of its best match. Ids must be unique and present within each table;
    ``summary=True`` returns ``(pairs, summary)`` as :func:`find_duplicates` does.

    >>> import heatkit
    >>> existing = {"record_id": ["H1", "H2"], "first_name": ["Ruby", "Ruben"], "last_name": ["Hall", "Diaz"],
    ...             "dob": ["2008-06-07", "2008-06-07"], "postcode": ["M1 1AE", "M1 1AE"]}
    >>> new = {"record_id": ["n1", "n2"], "first_name": ["RUBY", "Amir"], "last_name": ["HALL", "Khan"],
    ...        "dob": ["07/06/2008", "2010-01-01"], "postcode": ["M11AE", "B1 1AA"]}
    >>> heatkit.link_students(new, existing, gender=None, school=None)["id_r"]
    ['H1']
    >>> existing["student"] = ["S9", "S4"]
    >>> heatkit.link_students(new, existing, gender=None, school=None, existing_cluster="student")["cluster_id"]
    ['S9']
    """
    new, existing = as_table(new), as_table(existing)
    kind = _table_kind(new)
    existing_kind = _table_kind(existing)
    names = dict(zip(_FIELDS, (first_name, last_name, dob, gender, school, postcode)))
    n_new, new_cols = _columns(new, kind, names)
    n_existing, existing_cols = _columns(existing, existing_kind, names)
    ids_new = _ids(new, kind, id, n_new, check=True)
    ids_existing = _ids(existing, existing_kind, existing_id or id, n_existing, check=True)
    callback, bar = _progress_callable(progress, "link_students")
    options = _options(settings, threshold, model, min_probability, workers, callback)
    try:
        result = _link_students(n_new, new_cols, n_existing, existing_cols, errors=errors, best_only=best_only,
                                **options)
    finally:
        if bar is not None:
            bar.close()
    columns, run, issues = _finish(result, save_model)
    rows_l, rows_r = columns.pop("row_l"), columns.pop("row_r")
    extra = None
    if existing_cluster is not None:
        clusters = _ids(existing, existing_kind, existing_cluster, n_existing)
        extra = {"cluster_id": _take(clusters, rows_r)}
    pairs = _result_table(columns, _take(ids_new, rows_l), _take(ids_existing, rows_r), kind, extra)
    return _with_issues((pairs, run) if summary else pairs, issues, errors)


def _plain_list(values: Any) -> List[Any]:
    """A column (list, pyarrow array, pandas/polars series, numpy array) as Python values, so
    ids compare equal to the ids in a pairs table."""
    for method in ("to_pylist", "to_list", "tolist"):
        if hasattr(values, method):
            return list(getattr(values, method)())
    return list(values)


def cluster_duplicates(
    pairs: Any,
    *,
    threshold: Optional[float] = None,
    records: Optional[Any] = None,
    max_cluster_size: int = 50,
) -> Any:
    """Clusters (students) from scored pairs: ``record_id, cluster_id`` for every record.

    ``pairs`` is a table with ``id_l, id_r, match_probability`` (e.g. from
    :func:`find_duplicates`, same kinds accepted and returned). Pairs at or above ``threshold`` join
    their records, strongest first (``None``: the default cluster threshold, 0.95, stricter than
    the pair threshold because one weak link joins two whole clusters); a link that would make a cluster larger than
    ``max_cluster_size`` is refused, so chains of weak links cannot build a giant cluster.
    ``records`` lists every record id (a list or any column: pyarrow, pandas, polars, numpy), so
    records in no pair come back as clusters of one (otherwise only records that appear in
    ``pairs`` are listed). Cluster ids count from 0 in
    order of each cluster's first record.

    >>> import heatkit
    >>> pairs = {"id_l": ["a", "b", "d"], "id_r": ["b", "c", "e"], "match_probability": [0.99, 0.95, 0.2]}
    >>> heatkit.cluster_duplicates(pairs, threshold=0.9, records=["a", "b", "c", "d", "e", "f"])["cluster_id"]
    [0, 0, 0, 1, 2, 3]
    """
    pairs = as_table(pairs)
    kind = _table_kind(pairs)
    for c in ("id_l", "id_r", "match_probability"):
        if c not in _names(pairs, kind):
            raise _unknown_value("pairs", c, "a table with columns id_l, id_r and match_probability")

    def values(name: str) -> List[Any]:
        if kind == "pandas":
            return pairs[name].tolist()
        if kind == "polars":
            return pairs[name].to_list()
        if kind == "pyarrow":
            return pairs.column(name).to_pylist()
        return list(pairs[name])

    if threshold is None:
        threshold = float(json.loads(_default_match_settings())["cluster_threshold"])
    left, right, prob = values("id_l"), values("id_r"), values("match_probability")
    order: Dict[Any, int] = {}
    for r in _plain_list(records) if records is not None else []:
        order.setdefault(r, len(order))
    for a, b in zip(left, right):
        order.setdefault(a, len(order))
        order.setdefault(b, len(order))
    labels, _largest, _refused = _cluster(
        len(order),
        [order[a] for a in left],
        [order[b] for b in right],
        [float(p) for p in prob],
        threshold=threshold,
        max_size=max_cluster_size,
    )
    ids = list(order)
    return new_table({"record_id": ids, "cluster_id": labels}, kind)


_STEPS = ("first_name", "last_name", "dob", "postcode", "school", "gender")


def _one_row(pairs: Any, row: Optional[int]) -> Mapping[str, Any]:
    """One pair as a mapping of column to value: a row of a pairs table (``row`` given), or a row
    already picked out (a dict, a pandas Series, a polars or pyarrow one-row table)."""
    if row is None:
        if hasattr(pairs, "to_dict") and not isinstance(pairs, Mapping) and hasattr(pairs, "index"):
            return pairs.to_dict()  # pandas Series
        if isinstance(pairs, Mapping):
            return pairs
        row = 0
    kind = _table_kind(pairs)
    n = _length(pairs, kind)
    if not isinstance(row, int) or isinstance(row, bool):
        raise _bad_argument("row", f"expected a row number, got {type(row).__name__}")
    if not -n <= row < n:
        raise _bad_argument("row", f"row {row} is not in a table of {n} pairs")
    if kind == "pandas":
        return pairs.iloc[row].to_dict()
    if kind == "polars":
        return pairs.row(row, named=True)
    if kind == "pyarrow":
        return {k: v[0] for k, v in pairs.slice(row % n, 1).to_pydict().items()}
    return {k: v[row] for k, v in pairs.items()}


def explain(pairs: Any, row: Optional[int] = None) -> List[Dict[str, Any]]:
    """One pair's explanation in the order a waterfall chart draws it: the prior, each field's
    level and weight in bits, then the household correction and the guard when they applied.
    The weights add up to the pair's ``match_weight``.

    ``pairs`` is a table from :func:`find_duplicates` or :func:`link_students` with ``row`` the
    pair's position, or one pair already picked out (a dict or a pandas row).

    >>> import heatkit
    >>> students = {"record_id": [1, 2], "first_name": ["Chioma", "CHIOMA"], "last_name": ["Okafor"] * 2,
    ...             "dob": ["2009-03-04", "04/03/2009"], "postcode": ["LS1 4AP", "ls14ap"]}
    >>> pairs = heatkit.find_duplicates(students, gender=None, school=None)
    >>> steps = heatkit.explain(pairs, 0)
    >>> [(s["step"], s["level"]) for s in steps][:3]
    [('prior', 'prior'), ('first_name', 'exact'), ('last_name', 'exact')]
    >>> abs(sum(s["weight"] for s in steps) - pairs["match_weight"][0]) < 1e-3
    True
    """
    pair = _one_row(pairs, row)
    missing = [c for c in ("prior_weight", "match_weight", *(f"{f}_weight" for f in _STEPS)) if c not in pair]
    if missing:
        raise _unknown_value("pairs", missing[0], "a pair from find_duplicates or link_students")
    steps: List[Dict[str, Any]] = [{"step": "prior", "level": "prior", "weight": float(pair["prior_weight"])}]
    for f in _STEPS:
        steps.append({"step": f, "level": pair.get(f), "weight": float(pair[f"{f}_weight"])})
    household = float(pair.get("household_weight") or 0.0)
    if household:
        steps.append({"step": "household", "level": "household", "weight": household})
    guard = pair.get("guard")
    if isinstance(guard, str) and guard:
        steps.append({"step": "guard", "level": guard, "weight": float(pair.get("guard_weight") or 0.0)})
    return steps


def model_parameters(model: Union[str, Path, Mapping[str, Any]]) -> Dict[str, Any]:
    """A model's parameters as a table (a dict of columns, e.g. for ``pandas.DataFrame``): one row
    per field and level with ``m`` (how often one student's two records reach it), ``u`` (how
    often two different students do) and ``weight`` (``log2(m / u)`` bits; 0 for ``missing``),
    then one row for the prior (``field="prior"``, ``m`` the probability two records are one
    student) and one per household correction (``field="household"``, ``level`` the fields,
    ``weight`` its bits). ``model`` is a saved model file, its JSON text or a dict, e.g. the
    ``model`` of a run summary.

    >>> import heatkit
    >>> students = {"record_id": [1, 2], "first_name": ["Ola", "Ola"], "last_name": ["Nowak"] * 2}
    >>> _, run = heatkit.find_duplicates(students, dob=None, gender=None, school=None, postcode=None, summary=True)
    >>> table = heatkit.model_parameters(run["model"])
    >>> table["field"][:2], table["level"][:2]
    (['first_name', 'first_name'], ['missing', 'exact'])
    >>> table["field"][-5]
    'prior'
    """
    text = _model_arg(model)
    if text is None:
        raise _bad_argument("model", "expected a model file, its JSON text or a dict")
    rows, prior, interactions = _model_parameters(text)
    table: Dict[str, List[Any]] = {"field": [], "level": [], "m": [], "u": [], "weight": []}

    def add(field: str, level: str, m: Optional[float], u: Optional[float], weight: float) -> None:
        for key, value in zip(table, (field, level, m, u, weight)):
            table[key].append(value)

    for field, level, m, u, weight in rows:
        add(field, level, m, u, weight)
    import math

    add("prior", "prior", prior, None, math.log2(prior / (1 - prior)) if 0 < prior < 1 else 0.0)
    for fields, adjustment in interactions:
        add("household", fields, None, None, adjustment)
    return table
