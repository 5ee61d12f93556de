"""The data-quality report in a real browser: headless Chromium (Debian's ``chromium``, installed by
scripts/test-all.sh) loads the page from disk with no console errors, every chart is drawn, and its
screenshot is not blank."""

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

import heatkit

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ["reconcile", "chart-status", "chart-postcodes", "grid-year-groups", "chart-dob", "chart-funnel",
            "chart-duplicates", "chart-problems", "schools"]
CHARTS = ["chart-status", "chart-postcodes", "chart-dob", "chart-funnel", "chart-duplicates", "chart-problems"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is missing: scripts/test-all.sh installs it (apt-get install chromium)")
    return path


def png_pixels(data: bytes) -> bytes:
    """The decompressed image data of a PNG (its IDAT chunks)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat = 8, b""
    while i < len(data):
        n = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        if kind == b"IDAT":
            idat += data[i + 8:i + 8 + n]
        i += 12 + n
    return zlib.decompress(idat)


def test_the_report_loads_in_headless_chromium(tmp_path):
    result = heatkit.clean(REPO / "examples" / "data" / "students.csv", on="2026-11-23", kind="dict")
    page = result.report().save(tmp_path / "report.html")
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "src=" not in html and "href=" not in html
    for name in ("Zoë", result.students["postcode"][0], result.students["last_name"][0]):
        assert name not in html  # counts and row numbers only
    browser = chromium()
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
             "--v=0"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    for section in SECTIONS:
        assert f'id="{section}"' in dom.stdout, section
    for chart in CHARTS:
        body = dom.stdout.split(f'id="{chart}"', 1)[1].split("</section>", 1)[0]
        assert "<svg" in body and "<rect" in body, chart
    assert len(re.findall(r"<figure>", dom.stdout)) == min(6, result.summary["duplicates"])
    shot = tmp_path / "report.png"
    done = subprocess.run([browser, *flags, "--window-size=900,5200", f"--screenshot={shot}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    pixels = png_pixels(shot.read_bytes())
    # Not blank: many distinct byte values, and far from all white.
    assert len(set(pixels[::7])) > 40
    assert pixels.count(255) < 0.97 * len(pixels)


def test_report_command_and_notebook_view(tmp_path):
    from test_clean import heatkit_command

    src = REPO / "examples" / "data" / "students.csv"
    done = heatkit_command("report", str(src), "--out", str(tmp_path / "r.html"), "--on", "2026-11-23")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = heatkit.report(src, on="2026-11-23")
    assert r._repr_html_() == r.html and 'id="chart-duplicates"' in r.html
