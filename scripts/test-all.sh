#!/usr/bin/env bash
# Set up and run every test: Rust (fmt, clippy, unit, golden, property, exhaustive, doctests) and
# Python (extension built fresh into a venv, stubs checked with mypy.stubtest, pytest + doctests).
# Needs: the Rust toolchain, python3 (3.9+), and ../shared beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${HEATKIT_VENV:-.venv}"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets --release -- -D warnings

step "cargo test (release: unit, golden, property, exhaustive, accuracy)"
cargo test -p heat-core --release --lib --tests

step "cargo test --doc (doctests, README included; debug: each doctest links quickly)"
cargo test -p heat-core --doc

step "cargo package -p heat-core (the published crate builds on its own)"
cargo package -p heat-core --allow-dirty -q 2>&1 | grep -v "^warning: ignoring" || true
test -f target/package/heat-core-0.1.0.crate

step "main job on the bundled data, and bad input files (scripts/check-main-job.sh)"
bash scripts/check-main-job.sh

step "Python venv ($VENV) and test dependencies"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "maturin>=1.5,<2" "pytest>=7" "pyarrow>=14" "pandas>=2" "polars>=1" "mypy>=1.10" "hypothesis>=6" "holidays>=0.60" \
  "xlsxwriter>=3" "xlwt>=1.3" "odfpy>=1.4" "msoffcrypto-tool>=5" "tqdm>=4.60"

step "headless Chromium for the report test (Debian's chromium)"
if ! command -v chromium > /dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  fi
fi

step "build the extension (maturin develop --release)"
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" maturin develop --release -q -m heat-py/Cargo.toml

step "check the stubs (mypy.stubtest)"
"$VENV/bin/python" -m mypy.stubtest heatkit --mypy-config-file heat-py/mypy.ini --allowlist heat-py/stubtest-allowlist.txt

step "pytest (tests and doctests)"
"$VENV/bin/python" -m pytest -q heat-py/tests --doctest-modules heat-py/python/heatkit
