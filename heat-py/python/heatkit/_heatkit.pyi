"""Type stubs for the compiled module heatkit._heatkit."""

from os import PathLike
from pathlib import Path
from datetime import date
from typing import Any, Callable, Dict, List, Literal, Optional, Sequence, Tuple, Union, final

_Level = Literal["shape", "area", "district", "live"]

__version__: str

@final
class Postcode:
    """A valid UK postcode and its parts."""

    def __new__(cls, postcode: str) -> Postcode: ...
    def __getnewargs__(self) -> Tuple[str]: ...
    @property
    def postcode(self) -> str: ...
    @property
    def outward(self) -> str: ...
    @property
    def inward(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def district(self) -> str: ...
    @property
    def sub_district(self) -> Optional[str]: ...
    @property
    def sector(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def area_name(self) -> Optional[str]: ...
    @property
    def liveness(self) -> Literal["live", "not_live", "not_covered"]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __lt__(self, value: Postcode, /) -> bool: ...
    def __le__(self, value: Postcode, /) -> bool: ...
    def __gt__(self, value: Postcode, /) -> bool: ...
    def __ge__(self, value: Postcode, /) -> bool: ...
    def __hash__(self) -> int: ...

_Edit = Tuple[str, int, Optional[str], Optional[str]]

@final
class PostcodeCandidate:
    """A live postcode a few typing slips from a value (see postcode_candidates)."""

    def __new__(
        cls,
        postcode: str,
        edits: Sequence[Tuple[str, int, Optional[str], Optional[str]]],
        context: Optional[str] = None,
        repairable: bool = True,
    ) -> PostcodeCandidate: ...
    def __getnewargs__(self) -> Tuple[str, List[_Edit], Optional[str], bool]: ...
    @property
    def postcode(self) -> str: ...
    @property
    def slip(self) -> Literal["look_alike", "keyboard_neighbour", "neighbour_digit", "transposed", "missing", "extra"]: ...
    @property
    def cost(self) -> int: ...
    @property
    def edits(self) -> List[_Edit]: ...
    @property
    def context(self) -> Optional[Literal["same_postcode", "same_district", "same_area"]]: ...
    @property
    def repairable(self) -> bool: ...

@final
class PostcodeCheck:
    """What check_postcode found about one value."""

    def __new__(
        cls,
        input: Optional[str],
        postcode: Optional[str],
        status: str,
        code: Optional[str],
        message: str,
        edits: Sequence[Tuple[str, int, Optional[str], Optional[str]]],
        candidates: Sequence[PostcodeCandidate] = ...,
    ) -> PostcodeCheck: ...
    def __getnewargs__(
        self,
    ) -> Tuple[Optional[str], Optional[str], str, Optional[str], str, List[_Edit], List[PostcodeCandidate]]: ...
    @property
    def input(self) -> Optional[str]: ...
    @property
    def postcode(self) -> Optional[str]: ...
    @property
    def status(self) -> Literal["valid", "fixed", "check", "special", "invalid"]: ...
    @property
    def code(self) -> Optional[str]: ...
    @property
    def message(self) -> str: ...
    @property
    def edits(self) -> List[_Edit]: ...
    @property
    def candidates(self) -> List[PostcodeCandidate]: ...

def normalise_postcode(s: Optional[str], *, level: _Level = "district") -> str: ...
def is_valid_postcode(s: object, *, level: _Level = "district") -> bool: ...
def fix_postcode(
    s: Optional[str], *, postcodes: Sequence[str] = ..., districts: Sequence[str] = ..., areas: Sequence[str] = ...
) -> str: ...
def postcode_candidates(
    s: Optional[str], *, postcodes: Sequence[str] = ..., districts: Sequence[str] = ..., areas: Sequence[str] = ...
) -> List[PostcodeCandidate]: ...
def parse_postcode(s: Optional[str], *, level: _Level = "district") -> Postcode: ...
def check_postcode(s: Optional[str], *, level: _Level = "district") -> PostcodeCheck: ...
def _bad_argument(name: str, reason: str) -> Exception: ...
def _unknown_value(name: str, value: str, expected: str) -> Exception: ...
def data_version() -> str: ...
def load_live_postcodes(
    path: Union[str, "PathLike[str]"],
) -> Tuple[int, int, List[Tuple[int, str]]]: ...
_RowIssue = Tuple[int, int, str, str]

def _normalise_postcodes(
    values: Any, *, level: str = "district", fix: bool = False, report: bool = True, workers: Optional[int] = None
) -> Tuple[Any, List[_RowIssue]]: ...
def _check_postcodes(values: Any, *, level: str = "district", workers: Optional[int] = None) -> Union[List[PostcodeCheck], Dict[str, Any]]: ...

_DateLike = Union[date, str]

@final
class TrackCohort:
    """Exam, HE-ready and tracking years of a pupil."""

    def __new__(
        cls,
        cohort_year: int,
        ks4_exam_year: int,
        ks5_exam_year: int,
        he_ready_year: str,
        tracking_data_year: int,
        ks4_extract_deadline: Optional[date],
        ks5_extract_deadline: Optional[date],
    ) -> TrackCohort: ...
    def __getnewargs__(self) -> Tuple[int, int, int, str, int, Optional[date], Optional[date]]: ...
    @property
    def cohort_year(self) -> int: ...
    @property
    def ks4_exam_year(self) -> int: ...
    @property
    def ks5_exam_year(self) -> int: ...
    @property
    def he_ready_year(self) -> str: ...
    @property
    def tracking_data_year(self) -> int: ...
    @property
    def ks4_extract_deadline(self) -> Optional[date]: ...
    @property
    def ks5_extract_deadline(self) -> Optional[date]: ...

def year_group(
    dob: _DateLike, *, academic_year: Optional[str] = None, on: Optional[_DateLike] = None, nation: str = "england"
) -> str: ...
def year_group_number(
    dob: _DateLike, *, academic_year: Optional[str] = None, on: Optional[_DateLike] = None, nation: str = "england"
) -> int: ...
def academic_year(d: _DateLike) -> str: ...
def dob_range(year_group: Union[int, str], academic_year: str, *, nation: str = "england") -> Tuple[date, date]: ...
def clean_year_group(s: str, *, nation: str = "england") -> str: ...
def track_cohort(dob: _DateLike, *, nation: str = "england", phase_adjustment: Optional[int] = None) -> TrackCohort: ...
def in_tracking_age(
    dob: _DateLike,
    on: _DateLike,
    *,
    ehcp: bool = False,
    ehcp_rule: Literal["until_25th_birthday", "end_of_academic_year_turning_25"] = "until_25th_birthday",
    leap_day: Literal["march_1", "february_28"] = "march_1",
) -> bool: ...
def check_year_group(
    dob: _DateLike,
    year_group: Union[int, str],
    *,
    academic_year: Optional[str] = None,
    on: Optional[_DateLike] = None,
    nation: str = "england",
) -> Tuple[str, int, Optional[date]]: ...
def last_working_day(year: int, month: int, *, nation: str = "england") -> date: ...
def heat_track_deadline(year: int) -> date: ...
def next_heat_track_deadline(d: _DateLike) -> date: ...
def bank_holidays(year: int, *, nation: str = "england") -> List[date]: ...
def _year_groups(
    dobs: Any, *, academic_year: Optional[str] = None, on: Any = None, nation: str = "england", workers: Optional[int] = None
) -> Tuple[Any, List[_RowIssue]]: ...
def _track_cohorts(
    dobs: Any, *, nation: str = "england", phase_adjustment: Optional[int] = None, workers: Optional[int] = None
) -> Tuple[Any, List[_RowIssue]]: ...

_Columns = Dict[str, Any]
_Issue = Tuple[int, str, str, str]

def _find_duplicates(
    n: int,
    columns: Sequence[Any],
    *,
    settings: Optional[str] = None,
    model: Optional[str] = None,
    min_probability: Optional[float] = None,
    workers: Optional[int] = None,
    progress: Optional[Callable[[str, int], None]] = None,
    errors: str = "null",
) -> Tuple[_Columns, str, str, int, List[_Issue]]: ...
def _link_students(
    n_new: int,
    new_columns: Sequence[Any],
    n_existing: int,
    existing_columns: Sequence[Any],
    *,
    settings: Optional[str] = None,
    model: Optional[str] = None,
    min_probability: Optional[float] = None,
    workers: Optional[int] = None,
    progress: Optional[Callable[[str, int], None]] = None,
    errors: str = "null",
    best_only: bool = True,
) -> Tuple[_Columns, str, str, int, List[_Issue]]: ...
def _cluster(
    n: int, left: Sequence[int], right: Sequence[int], probability: Sequence[float], *, threshold: float, max_size: int
) -> Tuple[List[int], int, int]: ...
def _match_context(
    n: int,
    columns: Sequence[Any],
    *,
    settings: Optional[str] = None,
    model: Optional[str] = None,
    errors: str = "null",
    workers: Optional[int] = None,
) -> Tuple[str, List[_Issue]]: ...
def _text_keys(
    n: int, columns: Sequence[Any], *, settings: Optional[str] = None, workers: Optional[int] = None
) -> Tuple[List[Tuple[str, int, bool, List[int]]], List[Any], List[Tuple[str, Any]]]: ...
def _score_pairs(
    n: int,
    columns: Sequence[Any],
    left: Sequence[int],
    right: Sequence[int],
    context: str,
    *,
    settings: Optional[str] = None,
    min_probability: Optional[float] = None,
    errors: str = "null",
    workers: Optional[int] = None,
) -> Tuple[_Columns, List[Tuple[int, str, str, str]]]: ...
def _finish_pairs(
    context: str,
    left: Sequence[int],
    right: Sequence[int],
    weight: Sequence[float],
    levels: Sequence[Sequence[int]],
    field_weights: Sequence[Sequence[float]],
    household_weight: Sequence[float],
    guard: Sequence[int],
    guard_weight: Sequence[float],
    *,
    settings: Optional[str] = None,
    min_probability: Optional[float] = None,
    workers: Optional[int] = None,
) -> Tuple[_Columns, str, str, int, List[_Issue]]: ...
def _default_match_settings() -> str: ...
def _check_ids(ids: Any) -> None: ...
def _model_parameters(
    model: str,
) -> Tuple[List[Tuple[str, str, float, float, float]], float, List[Tuple[str, float]]]: ...

@final
class Typology:
    """An activity typology (from :func:`load_typology`), passed to the activity functions as
    ``typology=``."""

    @property
    def version(self) -> str: ...
    def __len__(self) -> int: ...

def _typology_columns(typology: Optional[Typology] = None) -> Dict[str, List[Any]]: ...
def load_typology(path: Optional[Union[str, PathLike[str]]] = None, *, version: Optional[str] = None) -> Typology:
    """Reads a typology CSV (``path=None``: the embedded default) and returns it; pass it as
    ``typology=`` to :func:`validate_activities`, :func:`validate_activity`, :func:`can_share`,
    :func:`validate_import` and :func:`typology`. Nothing is put in force process-wide.

    >>> import heatkit
    >>> t = heatkit.load_typology()
    >>> t.version, len(t) > 10
    ('heatkit-2026.11', True)
    """
def _validate_activities(
    names: Sequence[str], columns: Sequence[Any], n: int, *, options: Optional[Dict[str, Any]] = None,
    typology: Optional[Typology] = None, workers: Optional[int] = None
) -> Dict[str, Any]: ...
def _can_share(
    names: Sequence[str], columns: Sequence[Any], recipient: str, *, options: Optional[Dict[str, Any]] = None,
    typology: Optional[Typology] = None
) -> Tuple[bool, Optional[str], Optional[str]]: ...
def _student_tracking_status(
    names: Sequence[str], columns: Sequence[Any], n: int, *, on: Optional[_DateLike] = None, nation: str = "england", workers: Optional[int] = None
) -> Tuple[Dict[str, Any], Dict[str, Any], List[Tuple[int, int, str, str, str]]]: ...
def _validate_import(
    *,
    template: str,
    path: Optional[Union[str, PathLike[str]]] = None,
    data: Optional[bytes] = None,
    names: Optional[Sequence[str]] = None,
    columns: Optional[Sequence[Any]] = None,
    n: int = 0,
    academic_year: Optional[str] = None,
    on: Optional[_DateLike] = None,
    nation: str = "england",
    options: Optional[Dict[str, Any]] = None,
    typology: Optional[Typology] = None,
    check_duplicates: bool = True,
    sheet: Optional[str] = None,
    workers: Optional[int] = None,
) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]: ...

@final
class _CleanOutcome:
    def students(self) -> Dict[str, Any]: ...
    def problems(self) -> Dict[str, Any]: ...
    def summary(self) -> Dict[str, Any]: ...
    def summary_lines(self) -> List[Tuple[str, str]]: ...
    def report_html(self, title: str) -> str: ...
    def write_files(self, out_dir: Union[str, PathLike[str]], *, csv: bool = False, xlsx: bool = False,
                    report_title: Optional[str] = None, bom: bool = True) -> Tuple[List[Path], int]: ...

def _clean(
    *,
    path: Optional[Union[str, PathLike[str]]] = None,
    data: Optional[bytes] = None,
    on: Optional[_DateLike] = None,
    academic_year: Optional[str] = None,
    nation: str = "england",
    sheet: Optional[str] = None,
    schools: Optional[Union[str, PathLike[str]]] = None,
    heat_institutions: Optional[Union[str, PathLike[str]]] = None,
    tidy_names: bool = False,
    areas: Optional[Union[AreaIndex, str, PathLike[str]]] = None,
    workers: Optional[int] = None,
) -> _CleanOutcome: ...
def _upload_updates(
    *,
    upload: Optional[Union[str, PathLike[str]]] = None,
    upload_data: Optional[bytes] = None,
    export: Optional[Union[str, PathLike[str]]] = None,
    export_data: Optional[bytes] = None,
    on: Optional[_DateLike] = None,
    nation: str = "england",
    sheet: Optional[str] = None,
    export_sheet: Optional[str] = None,
    workers: Optional[int] = None,
) -> Tuple[
    List[str],
    List[Tuple[int, List[str]]],
    List[Tuple[int, int, str, float, List[Tuple[str, str, str]], List[str]]],
    List[int],
]: ...
def _read_table(data: bytes, sheet: Optional[str] = None) -> Tuple[str, str, List[Tuple[int, List[str]]]]: ...
def _neutralise_cells(cells: List[str]) -> Tuple[List[str], int]: ...

@final
class AreaIndex:
    """Postcodes, their areas and measures, built from a team's own look-up files."""

    @staticmethod
    def build(files: Sequence[Union[str, PathLike[str]]], *, sheets: Optional[Dict[str, str]] = None) -> AreaIndex: ...
    @staticmethod
    def load(path: Union[str, PathLike[str]]) -> AreaIndex: ...
    def save(self, path: Union[str, PathLike[str]]) -> None: ...
    @property
    def reports(self) -> List[Dict[str, Any]]: ...
    @property
    def sources(self) -> List[Tuple[str, str, str]]: ...
    def describe(self) -> str: ...
    def lookup(self, postcode: str) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

@final
class SchoolDirectory:
    """The schools of a GIAS extract (and a HEAT institution export), for finding typed names."""

    def __new__(
        cls,
        gias: Optional[Union[str, PathLike[str]]] = None,
        *,
        heat_institutions: Optional[Union[str, PathLike[str]]] = None,
    ) -> SchoolDirectory: ...
    def find(self, typed: str, *, home: Optional[str] = None) -> Dict[str, Any]: ...
    def find_all(
        self,
        typed: Sequence[str],
        *,
        homes: Optional[Sequence[Optional[str]]] = None,
        workers: Optional[int] = None,
    ) -> List[Dict[str, Any]]: ...
    def __len__(self) -> int: ...

def _enrich_postcodes(values: Any, index: AreaIndex, *, workers: Optional[int] = None) -> Dict[str, Any]: ...
