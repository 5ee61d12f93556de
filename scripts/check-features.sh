#!/usr/bin/env bash
# heat-core's Cargo features (docs/features.md): the postcode-only build's dependency tree stays
# small, and every feature builds and passes its tests alone (cargo hack, the `features`
# profile: quick to build, fast enough to run; warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-hack > /dev/null || cargo install cargo-hack --locked --version 0.6.37

crates="$(cargo tree -p heat-core -e normal --no-default-features --features postcode --prefix none \
  | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)"
echo "heat-core with only the postcode feature: $crates crates (heat-core included)"
if [ "$crates" -gt 12 ]; then
  cargo tree -p heat-core -e normal --no-default-features --features postcode
  echo "more than 12 crates: a postcode check must not compile the world"; exit 1
fi

RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo hack test --profile features --each-feature \
  --exclude-features default -p heat-core --lib --tests
