"""Every Python snippet in README.md runs as written, in order, from a copy of the repository's
root (the bundled example data beside it), against the installed heatkit."""

import re
import shutil
import warnings

import pytest

from conftest import REPO as ROOT

pytest.importorskip("pandas")
pytest.importorskip("tqdm")


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_readme_python_snippets_run_as_written(tmp_path, monkeypatch):
    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    for number, block in enumerate(blocks, 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a MatchingWarning is part of what a block shows
            try:
                exec(compile(block, f"README.md python block {number}", "exec"), namespace)
            except Exception as e:  # name the block, so a broken snippet is easy to find
                raise AssertionError(f"README python block {number} failed: {e!r}") from e
    # What the snippets wrote is there.
    assert (tmp_path / "cleaned" / "students.xlsx").exists()
    assert (tmp_path / "model.json").exists() and (tmp_path / "areas.idx").exists()
    table = namespace["table"]
    assert list(table["status"].astype(str)) == ["live", "live", "terminated", "invalid"]
