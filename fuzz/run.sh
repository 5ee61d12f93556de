#!/usr/bin/env bash
# The fuzzing campaign: seeds each target's corpus with real files, then runs the targets one
# after the other with libFuzzer, each to a number of executions, and appends a line per run to
# fuzz/campaign.tsv (target, executions, seconds, coverage, features, corpus size, outcome).
#
#   bash fuzz/run.sh                      every target to its goal (10M scalar, 1M file runs)
#   bash fuzz/run.sh postcode names       only these
#   RUNS_SCALAR=100000 RUNS_FILE=10000 bash fuzz/run.sh    a short campaign
#   CSV_MAX_LEN=65536 bash fuzz/run.sh csv_import           longer CSV inputs (default 16 KiB)
#
# Needs the nightly toolchain (rustup toolchain install nightly) and cargo-fuzz (installed here
# from crates.io when missing); ../shared beside the repository for the seeds. A crash, hang
# (-timeout) or out-of-memory input (-rss_limit_mb) is saved under fuzz/artifacts/<target>/: fix
# it, then copy it into fuzz/regressions/<target>/ so the normal test command replays it.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --version 0.13.2
SHARED=../../shared
SCALAR=(postcode dates_and_year_groups names typology model_json context_json area_index)
FILES=(csv_import workbook_import activities_import)
RUNS_SCALAR="${RUNS_SCALAR:-10000000}"
RUNS_FILE="${RUNS_FILE:-1000000}"
MAX_SECONDS="${MAX_SECONDS:-14400}"

seed() {  # seed TARGET FILE... : copies files into the target's corpus
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/seed-$(basename "$f")" || true; done
}
seed_lines() {  # seed_lines TARGET COLUMN CSV : one corpus file per value of a CSV column
  local dir="corpus/$1" column="$2" file="$3"
  mkdir -p "$dir"
  [ -f "$file" ] || return 0
  python3 - "$dir" "$column" "$file" <<'EOF'
import csv, hashlib, sys
out, column, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, newline="", encoding="utf-8-sig") as f:
    for row in list(csv.reader(f))[1:2000]:
        if len(row) > column and row[column]:
            v = row[column].encode()
            open(f"{out}/line-{hashlib.sha1(v).hexdigest()[:12]}", "wb").write(v)
EOF
}

make_seeds() {
  for f in "$SHARED"/cases/postcodes/*.csv; do seed_lines postcode 0 "$f"; done
  seed_lines postcode 0 ../examples/data/messy_postcodes.csv
  for c in 1 2 3; do seed_lines dates_and_year_groups "$c" ../examples/data/students.csv; done
  for c in 1 2; do seed_lines names "$c" "$SHARED/data/students/students_10k_records.csv"; done
  seed names ../heat-core/data/names/name_case.csv
  mkdir -p corpus/csv_import
  head -300 "$SHARED/data/students/students_10k_records.csv" > corpus/csv_import/seed-shared-10k-head.csv 2>/dev/null || true
  seed csv_import ../examples/data/students.csv ../examples/data/messy_postcodes.csv
  seed activities_import ../examples/data/activities.csv
  seed typology ../heat-core/data/typology/typology.csv
  seed model_json ../heat-core/data/matching/default_model.json
  mkdir -p corpus/context_json corpus/area_index
  [ -f corpus/context_json/seed-min.json ] || printf '{"records":0}' > corpus/context_json/seed-min.json
  [ -f corpus/area_index/seed-magic ] || printf 'HEATAREA\x01\x00\x00\x00' > corpus/area_index/seed-magic
  # A real saved index: the bundled 37-postcode ONS sample, built by the project's own example.
  [ -f corpus/area_index/seed-bundled.idx ] || (cd .. && cargo run -q --release --example build_area_index -- \
    fuzz/corpus/area_index/seed-bundled.idx examples/data/areas/ons_postcode_lookup_leeds_sample.csv > /dev/null)
  # Workbooks: the published SIMD workbook and NIMDM .xls, and small hostile files.
  seed workbook_import "$SHARED/data/areas/SIMD+2020v2+-+ranks.xlsx" "$SHARED/data/areas/NIMDM17_SOAresults.xls"
  if [ ! -d corpus/hostile ]; then
    python3 ../benches/python/hostile_files.py corpus/hostile > /dev/null
  fi
  for f in corpus/hostile/*; do
    case "$f" in
      *.csv) [ "$(stat -c %s "$f")" -lt 4000000 ] && seed csv_import "$f" ;;
      *) [ "$(stat -c %s "$f")" -lt 4000000 ] && seed workbook_import "$f" ;;
    esac
  done
  # Saved regressions are seeds too.
  for d in regressions/*/; do
    t="$(basename "$d")"; mkdir -p "corpus/$t"; cp -n "$d"* "corpus/$t/" 2>/dev/null || true
  done
}

run() {  # run TARGET RUNS MAX_LEN [TIMEOUT]
  local target="$1" runs="$2" max_len="$3" timeout="${4:-10}" log="logs/$1.log"
  mkdir -p logs "artifacts/$target"
  local start=$SECONDS outcome=ok
  # No sanitizer: the code is safe Rust, and the build runs about three times as fast; panics,
  # timeouts and the memory limit are still caught.
  cargo +nightly fuzz run -O --sanitizer none "$target" "corpus/$target" -- \
    -runs="$runs" -max_total_time="$MAX_SECONDS" -timeout="$timeout" -rss_limit_mb=1024 \
    -max_len="$max_len" -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
    > "$log" 2>&1 || outcome=failed
  # Stopped by hand (SIGINT): not a finding; the executions so far still count.
  if grep -q "libFuzzer: run interrupted" "$log"; then outcome=stopped; fi
  local execs cov ft
  execs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)"
  cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')"
  ft="$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "${execs:-0}" \
    "$((SECONDS - start))" "${cov:-?}" "${ft:-?}" "$(ls "corpus/$target" | wc -l)" "$outcome" >> campaign.tsv
  echo "$target: ${execs:-0} runs in $((SECONDS - start)) s, cov ${cov:-?}, $outcome"
}

make_seeds
[ -f campaign.tsv ] || printf 'when\ttarget\texecutions\tseconds\tcoverage\tfeatures\tcorpus\toutcome\n' > campaign.tsv
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${SCALAR[@]}" "${FILES[@]}")
for t in "${targets[@]}"; do
  if [ "$t" = workbook_import ]; then
    # Room for a real workbook (a zip cut short is only damaged). The timeout is wall-clock and
    # the campaign runs at the lowest priority beside other work: a 1 MB workbook that takes 0.3 s
    # can take over 10 s when starved, so file targets wait 60 s (a real hang never ends).
    run "$t" "$RUNS_FILE" 1048576 60
  elif [[ " ${FILES[*]} " == *" $t "* ]]; then
    # 16 KiB: room for every CSV shape but a header past 16,384 columns (tests/hostile.rs),
    # at 394 runs/s against 168 at 64 KiB; size itself is the hostile-file benchmark's.
    run "$t" "$RUNS_FILE" "${CSV_MAX_LEN:-16384}" 60
  else
    run "$t" "$RUNS_SCALAR" 4096
  fi
done
