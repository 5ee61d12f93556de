"""Exceptions raised by heatkit. Every one is a ``ValueError`` carrying a stable ``code``."""

from __future__ import annotations

from typing import Optional

__all__ = ["ActivityError", "CohortError", "HeatError", "ImportFileError", "InvalidPostcodeError", "MatchingError"]


class HeatError(ValueError):
    """Base class of heatkit's errors.

    Attributes:
        code: a stable snake_case code (e.g. ``"bad_letter_position"``).
        detail: machine-readable detail (the character, length, shape, rule or area), or None.
        row: the 0-based row of a batch input the error is about, or None.

    >>> import heatkit
    >>> try:
    ...     heatkit.normalise_postcode("SW1A 1AC")
    ... except heatkit.HeatError as e:
    ...     print(e.code, e.detail)
    bad_letter_position inward_letter_cikmov
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
    """A date, academic year, year group or nation could not be read; ``code`` says which
    (``bad_date``, ``missing_date``, ``bad_academic_year``, ``unknown_year_group``,
    ``year_group_not_in_nation``, ``unknown_nation``, ``date_out_of_range``).

    >>> import heatkit
    >>> try:
    ...     heatkit.clean_year_group("FE Level 3")
    ... except heatkit.CohortError as e:
    ...     print(e.code)
    unknown_year_group
    """


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
    """An activity, student or typology input could not be read (``bad_activity``,
    ``bad_student``, ``bad_setting``, ``unknown_template``, ``bad_typology_row``,
    ``missing_column``, ``duplicate_type``, ``empty_typology``, ``unreadable_file``).

    >>> import heatkit
    >>> try:
    ...     heatkit.load_typology("no/such/typology.csv")
    ... except heatkit.ActivityError as e:
    ...     print(e.code)
    unreadable_file
    """


class ImportFileError(HeatError):
    """A bulk-import file cannot be imported at all: ``empty_file``, ``binary_file``,
    ``file_too_large``, ``bad_encoding``, ``bad_header``, ``missing_columns`` (the message names
    them and suggests near misses) or ``unreadable_file``.

    >>> import heatkit
    >>> try:
    ...     heatkit.validate_import(b"Frist Name,Surname,DOB,Postcode\\n")
    ... except heatkit.ImportFileError as e:
    ...     print(e.code, "|", e)
    missing_columns | students file is missing required columns: first_name (is "Frist Name" meant to be first_name?)
    """
