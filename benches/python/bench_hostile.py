"""Hostile files through `heatkit clean`: per file, wall seconds, peak RSS, exit code and what
the command said, against the bound each must keep (30 s and 1 GiB on two cores, whatever the
file claims or expands to; a file over the 512 MiB limit refused at once).

    bash benches/python/run.sh hostile        (makes the files with --big: the 200 MB CSV field,
                                                the 6 GB zip bomb, the 1.5 GB shared string)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import hostile_files  # noqa: E402

BOUND_SECONDS, BOUND_MIB = 30.0, 1024.0


def run(path: Path, out: Path) -> dict:
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "heatkit", "--quiet", "clean", str(path), "--out", str(out),
           "--on", "2026-12-01"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    status = re.search(r"Exit status: (\d+)", done.stderr)
    h, m, s = wall.groups() if wall else (0, 0, 0)
    said = [line for line in (done.stdout + done.stderr).splitlines()
            if line.startswith("heatkit: error") or "rows in" in line]
    return {
        "seconds": int(h or 0) * 3600 + int(m) * 60 + float(s),
        "mib": int(rss.group(1)) / 1024 if rss else float("nan"),
        "exit": int(status.group(1)) if status else done.returncode,
        "said": said[0].strip() if said else (done.stderr.strip().splitlines() or ["?"])[-1],
    }


def main() -> None:
    big = "--small" not in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = hostile_files.make(tmp / "files", big=big)
        over = tmp / "files" / "over_the_size_limit.csv"
        with open(over, "wb") as f:  # sparse: 600 MiB on paper, nothing on disk
            f.write(b"First name,Surname,Date of birth,Postcode\n")
            f.truncate(600 << 20)
        files.append(over)
        # Two .xls files (made with xlwt, one record edited by hand), kept with the fuzz inputs.
        saved = Path(__file__).resolve().parents[2] / "fuzz" / "regressions" / "workbook_import"
        files.extend(sorted(saved.glob("hostile-xls-*.xls")))
        print(f"{'file':38} {'size':>14} {'seconds':>8} {'peak MiB':>9} exit  within bound  what it said")
        failed = 0
        for path in files:
            r = run(path, tmp / "out")
            ok = r["seconds"] <= BOUND_SECONDS and r["mib"] <= BOUND_MIB and r["exit"] in (0, 1)
            failed += not ok
            said = r["said"] if len(r["said"]) < 150 else r["said"][:110] + " ... " + r["said"][-30:]
            print(f"{path.name:38} {os.path.getsize(path):>14,} {r['seconds']:>8.2f} {r['mib']:>9.0f} {r['exit']:>4}  "
                  f"{'yes' if ok else 'NO':>12}  {said}")
        print(f"{len(files) - failed} passed, {failed} failed")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
