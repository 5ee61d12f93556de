"""examples/heatkit_tour.ipynb runs from start to end (nbclient, a fresh kernel) on the bundled
upload, and shows what it says it shows."""

import shutil

import pytest

from conftest import REPO

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def test_the_example_notebook_runs(tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    notebook = nbformat.read(REPO / "examples" / "heatkit_tour.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("rows" in h.lower() for h in html)             # the clean result's summary table
    assert any("<svg" in h for h in html)                     # the report's charts
    assert (tmp_path / "students_report.html").stat().st_size > 10_000
