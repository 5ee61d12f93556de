"""Shared helpers: the golden cases live in the repository's tests/cases/ and are read by cargo too."""

import csv
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases"


def unescape(s: str) -> str:
    """Undo the ``input_escaped`` spelling: ``\\t``, ``\\n``, ``\\uXXXX``."""
    return re.sub(
        r"\\(t|n|u[0-9a-fA-F]{4})",
        lambda m: {"t": "\t", "n": "\n"}.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
        s,
    )


def read_cases(name: str, folder: str = "postcodes"):
    with open(CASES / folder / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    path = REPO.parent / "shared"
    if not path.is_dir():
        pytest.fail(f"{path} is missing: the shared folder must sit beside the repository")
    return path
