#!/usr/bin/env bash
# Mutation testing of the runtime: cargo-mutants over the hand-written support module of the
# generated crate (generated/src/support/, without its test-only files), each mutant tested
# with the tests of azure-mgmt and of the end-to-end crate (e2e). The record of the last full
# run, and every surviving mutant with why it changes nothing a user can observe, is
# docs/mutants.md.
#
#   scripts/mutants.sh                       every mutant (hours on a 2-core machine)
#   scripts/mutants.sh -f lro.rs             one file's mutants (a glob under generated/src/support/,
#                                            rotation/protocol.rs say)
#   scripts/mutants.sh -f lro.rs -- --re sleep   more cargo-mutants arguments after --
#   scripts/mutants.sh --list                list the mutants, run nothing
#   scripts/mutants.sh -f error.rs -- --iterate   resume: skip the mutants a previous run in
#                                            target/mutants caught or found unviable
#
# Needs cargo-mutants (`cargo install cargo-mutants --locked`; the record says which version)
# and cargo-nextest: nextest runs each test in its own process, on every core, and stops at
# the first failure, which is what a mutant needs.
#
# Output: target/mutants/mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt,
# outcomes.json, and a log per mutant), then the counts. The builds go to
# target/mutants/target, kept between runs so dependencies are built once. One mutant at a
# time (--jobs 1): the build of a mutant already uses both cores.
#
# The baseline (the tests on the unmutated tree) is run here, not by cargo-mutants: its own
# baseline runs only the mutated package's tests, not e2e's, and would set the time limit
# per mutant from those few seconds. A test that fails once and passes on its retry counts
# as passing, so that load on a shared machine cannot make a surviving mutant look caught.
#
# Exit status: 0 when every surviving mutant is one that docs/mutants.md writes down as
# equivalent, 1 when another survives (each is printed), 2 for a usage error, else
# cargo-mutants' own failure status.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SUPPORT=generated/src/support
FILES=()
LIST=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    -f|--file) FILES+=("$SUPPORT/$2"); shift ;;
    --list) LIST=1 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# Every file of the runtime, the rotation module's included.
[ ${#FILES[@]} -gt 0 ] || FILES=("$SUPPORT/*.rs" "$SUPPORT/rotation/*.rs")

command -v cargo-mutants >/dev/null || {
  echo "cargo-mutants is not installed: cargo install cargo-mutants --locked" >&2
  exit 2
}

TEST_PACKAGES=(azure-mgmt e2e)
ARGS=(
  --package azure-mgmt
  --test-package "$(IFS=,; echo "${TEST_PACKAGES[*]}")"
  --test-tool nextest
  --profile mutants
  --cargo-test-arg=--retries=1
  --jobs 1
  --output target/mutants
  # The test-only files: helpers of the tests, not runtime.
  --exclude "$SUPPORT/*_tests.rs"
  --exclude "$SUPPORT/rotation/tests.rs"
  --exclude "$SUPPORT/body_strategies.rs"
)
for file in "${FILES[@]}"; do ARGS+=(--file "$file"); done

if [ "$LIST" = 1 ]; then
  exec cargo mutants "${ARGS[@]}" --list "${EXTRA[@]}"
fi

mkdir -p target/mutants
export CARGO_TARGET_DIR=$ROOT/target/mutants/target
# Lints never make a mutant unviable (the crate denies missing docs, say); set here rather
# than with --cap-lints so the baseline below builds with the same flags as the mutants.
export CARGO_ENCODED_RUSTFLAGS=--cap-lints=warn
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never
started=$(date +%s)

echo "baseline: the tests of ${TEST_PACKAGES[*]}, unmutated"
PACKAGE_ARGS=()
for package in "${TEST_PACKAGES[@]}"; do PACKAGE_ARGS+=(-p "$package"); done
# An interrupted run leaves its last mutant's build in the shared target folder, newer than
# the sources, and cargo would take it for the clean build: make the sources newer.
touch generated/src/lib.rs tests/src/lib.rs
cargo nextest run --cargo-profile mutants --no-run "${PACKAGE_ARGS[@]}"
baseline_started=$(date +%s)
cargo nextest run --cargo-profile mutants --retries=1 "${PACKAGE_ARGS[@]}" >target/mutants/baseline.log 2>&1 || {
  tail -40 target/mutants/baseline.log >&2
  echo "the tests fail without any mutation: see target/mutants/baseline.log" >&2
  exit 1
}
baseline=$(($(date +%s) - baseline_started))
# Five times the baseline, and never under three minutes: a mutant may make a test wait for
# a local server's deliberate delay (up to a minute) before it fails.
limit=$((baseline * 5 > 180 ? baseline * 5 : 180))
echo "baseline: ${baseline}s; time limit per mutant's tests: ${limit}s"

status=0
cargo mutants "${ARGS[@]}" --baseline skip --timeout "$limit" "${EXTRA[@]}" || status=$?
elapsed=$(($(date +%s) - started))

OUT=target/mutants/mutants.out
count() { if [ -f "$OUT/$1.txt" ]; then grep -c . "$OUT/$1.txt" || true; else echo 0; fi; }
caught=$(count caught)
missed=$(count missed)
timeout=$(count timeout)
unviable=$(count unviable)
echo
echo "cargo-mutants $(cargo mutants --version | awk '{print $2}'), $(date -u +%Y-%m-%d), $((elapsed / 3600))h $((elapsed / 60 % 60))m"
echo "mutants: $((caught + missed + timeout + unviable)), caught: $caught, missed: $missed, timeout: $timeout, unviable: $unviable"
echo "lists and logs: $OUT/"

# cargo-mutants exits 2 when a mutant survives and 3 when one timed out (a timeout counts as
# caught here: the tests did not pass); anything else is its own failure.
case $status in
  0|2|3) ;;
  *) echo "cargo-mutants failed (status $status)" >&2; exit "$status" ;;
esac

# Every survivor must be written down in docs/mutants.md: its mutation text (cargo-mutants'
# name without the line and column) on a line that names its file.
undocumented=0
if [ -s "$OUT/missed.txt" ]; then
  while IFS= read -r mutant; do
    file=$(basename "${mutant%%:*}")
    mutation=$(sed -E 's/^[^:]+:[0-9]+:[0-9]+: //' <<<"$mutant")
    if ! grep -F "$file" docs/mutants.md | grep -qF -- "$mutation"; then
      [ $undocumented = 1 ] || echo "survivors docs/mutants.md does not explain:"
      echo "  $mutant"
      undocumented=1
    fi
  done <"$OUT/missed.txt"
fi
if [ $undocumented = 1 ]; then
  exit 1
fi
echo "every survivor is a written-down equivalent"
