#!/usr/bin/env bash
# Python benchmarks: heatkit against the Python postcode peers and heat_helper, in one run, in a separate venv.
# The peers are installed here only (never dependencies of heatkit). Needs ../shared beside the repo.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${HEATKIT_BENCH_VENV:-.venv-bench}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q "maturin>=1.5,<2" "pyarrow>=14" py-uk-postcode==1.0.2 uk-postcodes-parsing==2.1.0 ukpostcodeparser==1.1.2 heat-helper==0.3.0
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" maturin develop --release -q -m heat-py/Cargo.toml
"$VENV/bin/python" benches/python/bench_postcodes.py "$@"
"$VENV/bin/python" benches/python/bench_cohorts.py
