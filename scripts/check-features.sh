#!/usr/bin/env bash
# heat-core's Cargo features (docs/features.md): the postcode-only build's dependency tree stays
# small; every feature alone compiles every target (cargo hack, warnings are errors); and every
# feature alone passes its tests: the unit tests it compiles, and the integration tests that
# name it as their required feature (tests needing more features run under the default build).
# The `features` profile is quick to build and fast enough to run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-hack > /dev/null || cargo install cargo-hack --locked --version 0.6.37
export RUSTFLAGS="${RUSTFLAGS:-} -D warnings"

crates="$(cargo tree -p heat-core -e normal --no-default-features --features postcode --prefix none \
  | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)"
echo "heat-core with only the postcode feature: $crates crates (heat-core included)"
if [ "$crates" -gt 12 ]; then
  cargo tree -p heat-core -e normal --no-default-features --features postcode
  echo "more than 12 crates: a postcode check must not compile the world"; exit 1
fi

cargo hack check --profile features --each-feature --exclude-features default -p heat-core --all-targets

features="$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
pkg = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == "heat-core")
for f in sorted(pkg["features"]):
    # report turns on every other feature: alone it is the default build, tested in full before.
    if f in ("default", "report"):
        continue
    tests = [t["name"] for t in pkg["targets"]
             if "test" in t["kind"] and t.get("required-features") == [f]]
    print(f, *(f"--test={t}" for t in tests))
')"
while read -r feature tests; do
  echo "== feature $feature alone: unit tests ${tests:+and $tests}"
  # shellcheck disable=SC2086
  cargo test -q --profile features -p heat-core --no-default-features --features "$feature" --lib $tests
done <<< "$features"
