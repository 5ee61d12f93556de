"""Exceptions raised by heatkit. Every failure caused by the caller's data or arguments is a
:class:`HeatError` (a ``ValueError``) carrying a stable ``code``; the codes and messages are the
Rust core's. Every exception pickles, so it crosses ``multiprocessing`` and Spark workers."""

from __future__ import annotations

from typing import Any, Optional, Tuple

__all__ = [
    "ActivityError",
    "AreaLookupError",
    "ArgumentError",
    "CohortError",
    "FieldError",
    "HeatError",
    "ImportFileError",
    "InvalidPostcodeError",
    "MatchingError",
]


def _rebuild(cls: type, message: str, code: str, detail: Optional[str], row: Optional[int]) -> "HeatError":
    return cls(message, code, detail=detail, row=row)


class HeatError(ValueError):
    """Base class of heatkit's errors.

    Attributes:
        code: a stable snake_case code (e.g. ``"bad_letter_position"``).
        detail: machine-readable detail (the character, length, shape, rule, area or argument),
            or None.
        row: the spreadsheet row the error is about (the header is row 1, so the first item of a
            batch is row 2), or None.

    >>> import heatkit, pickle
    >>> try:
    ...     heatkit.normalise_postcode("SW1A 1AC")
    ... except heatkit.HeatError as e:
    ...     print(e.code, e.detail)
    ...     again = pickle.loads(pickle.dumps(e))
    ...     print(type(again).__name__, again.code, str(again) == str(e))
    bad_letter_position inward_letter_cikmov
    InvalidPostcodeError bad_letter_position True
    """

    code: str
    detail: Optional[str]
    row: Optional[int]

    def __init__(
        self, message: str, code: str, *, detail: Optional[str] = None, row: Optional[int] = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail
        self.row = row

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), self.code, self.detail, self.row))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, code={self.code!r})"


class InvalidPostcodeError(HeatError):
    """A value is not a valid UK postcode; ``code`` says which check failed.

    >>> import heatkit
    >>> try:
    ...     heatkit.normalise_postcode("SW1A")
    ... except heatkit.InvalidPostcodeError as e:
    ...     print(e.code, e.detail, str(e))
    too_short 4 postcode is too short: 4 letters and digits, a full postcode has 5 to 7
    """


class CohortError(HeatError):
    """A date, academic year, year group, nation or phase adjustment could not be read; ``code``
    says which (``bad_date``, ``missing_date``, ``date_out_of_range``, ``bad_academic_year``,
    ``unknown_year_group``, ``year_group_not_in_nation``, ``unknown_nation``,
    ``bad_phase_adjustment``, ``bad_changes_file``).

    >>> import heatkit
    >>> try:
    ...     heatkit.clean_year_group("FE Level 3")
    ... except heatkit.CohortError as e:
    ...     print(e.code)
    unknown_year_group
    """


class FieldError(HeatError):
    """One field of a student or activity could not be read: ``not_yes_no``,
    ``unknown_gender``, ``not_a_whole_number``, ``not_a_number``, ``unknown_delivery_mode``,
    ``bad_vocabulary``."""


class MatchingError(HeatError):
    """Duplicate matching could not run: a bad setting (``bad_setting``) or a saved model that is
    not one (``bad_model``) or does not fit this version (``model_mismatch``).

    >>> import heatkit
    >>> try:
    ...     heatkit.find_duplicates({"record_id": [1]}, first_name=None, last_name=None, dob=None,
    ...                             gender=None, school=None, postcode=None, threshold=2.0)
    ... except heatkit.MatchingError as e:
    ...     print(e.code)
    bad_setting
    """


class ActivityError(HeatError):
    """An activity typology, nickname table or sharing decision could not be read or made
    (``bad_typology_row``, ``missing_column``, ``duplicate_type``, ``empty_typology``,
    ``bad_nickname_row``, ``not_a_member`` ...).

    >>> import heatkit
    >>> try:
    ...     heatkit.load_typology("no/such/typology.csv")
    ... except heatkit.HeatError as e:
    ...     print(type(e).__name__, e.code)
    ImportFileError unreadable_file
    """


class ImportFileError(HeatError):
    """A file cannot be imported at all: ``empty_file``, ``binary_file``, ``file_too_large``,
    ``bad_encoding``, ``bad_header``, ``missing_columns`` (the message names them and suggests
    near misses) or ``unreadable_file``.

    >>> import heatkit
    >>> try:
    ...     heatkit.validate_import(b"Frist Name,Surname,DOB,Postcode\\n")
    ... except heatkit.ImportFileError as e:
    ...     print(e.code, "|", e)
    missing_columns | students file is missing required columns: first_name (is "Frist Name" meant to be first_name?)
    """


class AreaLookupError(HeatError):
    """An area look-up file or saved area index cannot be used: ``unknown_area_file`` (a header
    heatkit does not know; the message lists what each kind needs), ``conflicting_postcode``,
    ``conflicting_area``, ``rank_count`` (a ranks file that does not rank every area of its
    nation), ``bad_zip``, ``no_rows``, ``bad_index_file`` or ``unreadable_file``.

    >>> import heatkit
    >>> try:
    ...     heatkit.AreaIndex.load("no/such/areas.idx")
    ... except heatkit.AreaLookupError as e:
    ...     print(e.code)
    unreadable_file
    """


class ArgumentError(HeatError, TypeError):
    """An argument heatkit cannot use: ``wrong_type`` (also a ``TypeError``), ``out_of_range``
    or ``unknown_value``; ``detail`` names the argument.

    >>> import heatkit
    >>> try:
    ...     heatkit.normalise_postcodes(["LS1 4AP"], errors="ignore")
    ... except heatkit.ArgumentError as e:
    ...     print(e.code, e.detail)
    unknown_value errors
    """
