"""Every Python snippet in README.md and in the docs site's guides (docs/*.md) runs as written,
in order, from a copy of the repository's root (the bundled example data beside it), against the
installed heatkit."""

import re
import shutil
import warnings

import pytest

from conftest import REPO as ROOT

pytest.importorskip("pandas")
pytest.importorskip("tqdm")


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def run_blocks(path, tmp_path):
    """Runs a Markdown file's python blocks in one namespace, from a copy of the repository's
    root; returns the namespace."""
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    assert blocks, path
    if not (tmp_path / "examples").exists():
        shutil.copytree(ROOT / "examples", tmp_path / "examples")
    namespace = {"__name__": path.stem}
    for number, block in enumerate(blocks, 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a MatchingWarning is part of what a block shows
            try:
                exec(compile(block, f"{path.name} python block {number}", "exec"), namespace)
            except Exception as e:  # name the block, so a broken snippet is easy to find
                raise AssertionError(f"{path.name} python block {number} failed: {e!r}") from e
    return namespace


# The Python tour and the rules page are run by their own tests below, which check what they make.
TOURS = {"python.md", "rules.md"}


@pytest.mark.parametrize("guide", sorted(p.name for p in (ROOT / "docs").glob("*.md") if "```python" in p.read_text() and p.name not in TOURS))
def test_docs_python_snippets_run_as_written(guide, tmp_path, monkeypatch):
    pytest.importorskip("duckdb")
    pytest.importorskip("polars")
    monkeypatch.chdir(tmp_path)
    run_blocks(ROOT / "docs" / guide, tmp_path)


def test_readme_python_snippets_run_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(ROOT / "README.md", tmp_path)
    assert namespace["fixed"][0] == "PO36 8QF" and len(namespace["fixed"]) == len(namespace["df"])
    assert namespace["out"].summary["rows_in"] == len(namespace["df"])
    assert {"id_l", "id_r", "match_probability"} <= set(namespace["pairs"].columns)


def test_the_python_tour_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_blocks(ROOT / "docs" / "python.md", tmp_path)
    # What the snippets wrote is there.
    assert (tmp_path / "cleaned" / "students.xlsx").exists()
    assert (tmp_path / "model.json").exists()


def test_the_rules_page_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = run_blocks(ROOT / "docs" / "rules.md", tmp_path)
    assert (tmp_path / "areas.idx").exists()
    table = namespace["table"]
    assert list(table["status"].astype(str)) == ["live", "live", "terminated", "invalid"]
