"""What an analyst sees in a notebook and a log: short reprs, HTML summaries, the `heatkit`
logger (counts and file names only, never a student's values), and the package's metadata."""

import importlib.metadata
import logging

import heatkit

CSV = b"Forename,Surname,Date of Birth,Home Postcode\nZoe,Quill,2011-01-02,ls14ap\nAnn,,2011-09-01,M1 1AE\n"


def test_results_show_as_short_text_and_html():
    out = heatkit.clean(CSV, on="2026-12-01", kind="dict")
    assert repr(out) == "CleanResult(2 rows in = 1 ok + 0 fixed + 0 needs attention + 1 rejected; 0 skipped)"
    page = out._repr_html_()
    assert page.startswith("<table><caption>heatkit clean: upload</caption>")
    assert "<th style='text-align:left'>Rows read</th><td>2</td>" in page
    assert "Zoe" not in page and "Quill" not in page
    imported = heatkit.validate_import(CSV, on="2026-12-01", kind="dict")
    assert repr(imported).startswith("ImportResult(students: 2 rows in = ")
    assert "<th style='text-align:left'>rows_in</th><td>2</td>" in imported._repr_html_()
    assert "Quill" not in imported._repr_html_()


def test_the_heatkit_logger_says_what_ran_without_personal_values(caplog):
    with caplog.at_level(logging.DEBUG, logger="heatkit"):
        heatkit.clean(CSV, on="2026-12-01", kind="dict")
        heatkit.find_duplicates({"record_id": [1, 2], "first_name": ["Zoe", "Zoe"], "last_name": ["Quill", "Quill"],
                                 "dob": ["2011-01-02", "2011-01-02"], "postcode": ["LS1 4AP", "LS1 4AP"]},
                                gender=None, school=None)
    messages = [r.getMessage() for r in caplog.records if r.name == "heatkit"]
    assert messages[0] == ("cleaned upload: 2 rows in = 1 ok + 0 fixed + 0 needs attention + 1 rejected; "
"0 skipped")
    assert any(m.startswith("duplicate matching: ") and "candidate pairs compared" in m for m in messages)
    assert not any("Zoe" in m or "Quill" in m or "LS1" in m for m in messages)
    # Silent by default: the library adds only a NullHandler.
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("heatkit").handlers)


def test_metadata_declares_pyarrow_and_the_pythons():
    meta = importlib.metadata.metadata("heatkit")
    assert any(r.startswith("pyarrow>=14") for r in importlib.metadata.requires("heatkit") or [])
    classifiers = meta.get_all("Classifier")
    for v in ("3.9", "3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {v}" in classifiers
    assert meta["Requires-Python"] == ">=3.9"
