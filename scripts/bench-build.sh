#!/usr/bin/env bash
# Build cost of the generated crate (azure-mgmt); figures go to BENCHMARKS.md.
#
#   scripts/bench-build.sh                 everything below, 3 runs of each timed build
#   scripts/bench-build.sh --runs 5        more runs
#   scripts/bench-build.sh --quick         CI smoke run: (f) and a `cargo check` of the 100-op crate
#   scripts/bench-build.sh --only a,e      some parts only (g: dependency variants, ~20 min;
#                                          t: the TLS features, ~15 min a round)
#   scripts/bench-build.sh --features service-bus,storage-classic   the services for (e)
#
# Parts:
#   (a) clean build of azure-mgmt with its dependencies (`cargo build --timings`): wall time,
#       the slowest units, and the crate's own share
#   (b) azure-mgmt alone with dependencies built: full crate build (`cargo clean -p`) and a
#       no-change rebuild after touching a generated file
#   (c) the same for a crate of 100 synthetic operations (generator/benches/codegen.rs --synthesize)
#   (d) incremental rebuild after one spec changes (an optional property added to or removed
#       from one schema; regenerate, then build), real five and 100
#   (e) one service feature against all (`--no-default-features --features <service>,rustls-aws-lc`), when
#       generated/Cargo.toml has per-service features
#   (f) generated lines per operation, real five and 100 synthetic
#   (g) dependency variants (not in the default set: --only g): clean builds of azure-mgmt as it
#       is, without gzip/deflate, and with regex without its `perf` features (regex-lean);
#       VARIANTS="baseline regex-lean" for fewer
#   (t) the crate's TLS features (not in the default set: --only t): clean builds of azure-mgmt,
#       all services, on rustls-aws-lc (the default), native-tls and rustls-ring, one after
#       another, each from an empty target dir of its own, --runs rounds; wall, CPU and the
#       number of crates cargo compiled (its `Compiling` lines). native-tls needs libssl-dev
#       and pkg-config. TLS="native-tls rustls-ring" for fewer
#
# Everything builds in throw-away copies of the workspace under target/bench-build/ (the real
# generated/ is never touched) with CARGO_TARGET_DIR=target/bench-build/target, so the main
# target/ is not thrashed. Dev profile, as `cargo build`. Times are wall-clock seconds:
# median [min .. max] of the runs. The machine is shared and noisy: compare medians.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
RUNS=3
ONLY="a,b,c,d,e,f"
FEATURES="service-bus"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; RUNS=1; ONLY="f,check" ;;
    --runs) RUNS="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --features) FEATURES="$2"; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

WORK=$ROOT/target/bench-build
export CARGO_TARGET_DIR=$WORK/target
if [ "$QUICK" = 1 ]; then
  # CI: reuse the dependencies the main target dir already has.
  export CARGO_TARGET_DIR=$ROOT/target
fi
mkdir -p "$WORK"
export CARGO_TERM_COLOR=never

log() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
# stats T1 T2 ... -> "median [min .. max]"
stats() {
  python3 -c 'import sys,statistics as s; v=sorted(map(float,sys.argv[1:])); print(f"{s.median(v):.1f} [{v[0]:.1f} .. {v[-1]:.1f}] s ({len(v)} runs)")' "$@"
}
# timed VAR cmd...: runs cmd (output to $WORK/last.log), appends its wall time to array VAR
# and its CPU time (user + sys of the whole process tree) to array VAR_cpu
timed() {
  local var=$1; shift
  local real user sys
  if ! { TIMEFORMAT='%R %U %S'; time "$@" >"$WORK/last.log" 2>&1; } 2>"$WORK/time.txt"; then
    cat "$WORK/last.log" >&2
    echo "failed: $*" >&2
    exit 1
  fi
  read -r real user sys <"$WORK/time.txt"
  eval "$var+=(\"$real\")"
  eval "${var}_cpu+=(\"$(python3 -c "print(f'{$user+$sys:.2f}')")\")"
}
# both VAR: "wall median [min .. max] s (k runs), CPU median [min .. max] s"
both() {
  local -n w=$1 c=${1}_cpu
  echo "wall $(stats "${w[@]}"); CPU $(stats "${c[@]}" | sed 's/ ([0-9]* runs)//')"
}

# The codegen bench binary drives the generator (`--synthesize N DIR`, `--generate SPECS DIR`,
# `--change-spec SPECS`).
# Built in the main target dir: it is not what is measured.
codegen() {
  if [ "$QUICK" = 1 ]; then
    CARGO_TARGET_DIR=$ROOT/target cargo test -q -p generator --bench codegen -- "$@"
  else
    CARGO_TARGET_DIR=$ROOT/target cargo bench -q -p generator --bench codegen -- "$@"
  fi
}

# make_workspace NAME: a copy of the workspace holding only azure-mgmt (generated/ copied,
# then regenerated from specs/ with the current generator) and testkit (its dev-dependency),
# with the root manifest, lock file and profiles. Prints nothing; the crate is at
# $WORK/NAME/azure-mgmt and a private copy of the specs at $WORK/NAME/specs.
make_workspace() {
  local ws=$WORK/$1
  rm -rf "$ws"
  mkdir -p "$ws"
  sed -E 's/^members = .*/members = ["azure-mgmt", "testkit"]/' Cargo.toml >"$ws/Cargo.toml"
  cp Cargo.lock "$ws/"
  cp -r generated "$ws/azure-mgmt"
  cp -r testkit "$ws/testkit"
  cp -r specs "$ws/specs"
  [ -f rustfmt.toml ] && cp rustfmt.toml "$ws/"
  codegen --generate "$ws/specs" "$ws/azure-mgmt" >/dev/null
}

# make_synthetic NAME N: like make_workspace, with only the support module kept and the
# generated files of N synthetic operations.
make_synthetic() {
  local ws=$WORK/$1
  make_workspace "$1"
  find "$ws/azure-mgmt/src" -mindepth 1 -maxdepth 1 ! -name support -exec rm -rf {} +
  rm -rf "$ws/azure-mgmt/tests" "$ws/azure-mgmt/examples"
  # Hand-written examples use the real services: drop their [[example]] sections.
  python3 - "$ws/azure-mgmt/Cargo.toml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"(?ms)^(#[^\n]*\n)*\[\[example\]\].*?(?=^\[|\Z)", "", s)
open(p, "w").write(s)
PY
  rm -rf "$ws/specs"
  codegen --synthesize "$2" "$ws/specs"
  codegen --generate "$ws/specs" "$ws/azure-mgmt" >/dev/null
}

# lines CRATE_DIR OPS: generated lines (src/ without support/, and tests/) per operation
lines() {
  local dir=$1 ops=$2 src tests support
  src=$(find "$dir/src" -name '*.rs' -not -path '*/support/*' -print0 | xargs -0 cat | wc -l)
  support=$(find "$dir/src/support" -name '*.rs' -print0 | xargs -0 cat | wc -l)
  tests=0
  if [ -d "$dir/tests" ]; then
    tests=$(find "$dir/tests" -name '*.rs' -print0 | xargs -0 cat | wc -l)
  fi
  python3 -c "print(f'  {$ops} ops: src (generated) {$src} lines = {$src/$ops:.0f} per op; tests (generated) {$tests} = {$tests/$ops:.0f} per op; hand-written support {$support} lines (once)')"
}

# build_in WS ARGS...: cargo build -p azure-mgmt in workspace WS
build_in() {
  local ws=$1; shift
  (cd "$WORK/$ws" && cargo build -p azure-mgmt "$@")
}

# timings_summary: the key numbers of the last `cargo build --timings`
timings_summary() {
  local html
  html=$(ls -t "$CARGO_TARGET_DIR"/cargo-timings/cargo-timing-*.html 2>/dev/null | head -1 || true)
  [ -n "$html" ] || { echo "  (no --timings report found)"; return; }
  python3 - "$html" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S)
units = json.loads(m.group(1)) if m else []
total = re.search(r"<td>Total time:</td><td>([^<]*)</td>", text)
print(f"  cargo's total: {total.group(1) if total else '?'}; {len(units)} units")
def name(u):
    kind = " (build script)" if u.get("target", "").strip() == "build-script" or "build-script" in u.get("target","") else ""
    return f"{u['name']} {u['version']}{u.get('target','')}"
cpu = sum(u["duration"] for u in units)
print(f"  sum of unit times (CPU-ish): {cpu:.1f} s")
for u in sorted(units, key=lambda u: -u["duration"])[:12]:
    print(f"  {u['duration']:7.1f} s  {name(u)}")
mgmt = [u for u in units if u["name"] == "azure-mgmt"]
for u in mgmt:
    print(f"  azure-mgmt itself: {u['duration']:.1f} s (starts at {u['start']:.1f} s)")
PY
}

log "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(rustc --version)"
log "workspace copies in $WORK, CARGO_TARGET_DIR=$CARGO_TARGET_DIR, runs=$RUNS"

OPS_REAL=$(find specs -mindepth 2 -name '*.yaml' ! -name service.yaml | wc -l)

if want f || want a || want b || want d || want e || want check; then
  make_workspace real
fi
if want f || want c || want d || want check; then
  make_synthetic synth100 100
fi

if want f; then
  log "(f) generated lines per operation"
  lines "$WORK/real/azure-mgmt" "$OPS_REAL"
  lines "$WORK/synth100/azure-mgmt" 100
fi

if want check; then
  log "(check) the 100-operation crate compiles (cargo check)"
  t=(); t_cpu=()
  timed t bash -c "cd '$WORK/synth100' && cargo check -q -p azure-mgmt"
  echo "  cargo check -p azure-mgmt (100 ops, in target/): $(both t)"
fi

if want a; then
  log "(a) clean build of azure-mgmt with its dependencies"
  t=(); t_cpu=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$CARGO_TARGET_DIR"
    timed t build_in real --timings
  done
  echo "  cargo build -p azure-mgmt --timings, from an empty target dir: $(both t)"
  echo "  last run's --timings report:"
  timings_summary
fi

if want b; then
  log "(b) azure-mgmt alone, dependencies built (real five)"
  build_in real --quiet
  t=(); t_cpu=(); for _ in $(seq "$RUNS"); do
    (cd "$WORK/real" && cargo clean -q -p azure-mgmt)
    timed t build_in real
  done
  echo "  after cargo clean -p azure-mgmt: $(both t)"
  t=(); t_cpu=(); for _ in $(seq "$RUNS"); do
    touch "$WORK/real/azure-mgmt/src/service_bus/client.rs"
    timed t build_in real
  done
  echo "  after touching one generated file (no change): $(both t)"
fi

if want c; then
  log "(c) 100 synthetic operations, dependencies built"
  build_in real --quiet
  t=(); t_cpu=(); for _ in $(seq "$RUNS"); do
    (cd "$WORK/synth100" && cargo clean -q -p azure-mgmt)
    timed t build_in synth100
  done
  echo "  after cargo clean -p azure-mgmt: $(both t)"
  t=(); t_cpu=(); for _ in $(seq "$RUNS"); do
    touch "$(find "$WORK/synth100/azure-mgmt/src" -name client.rs | head -1)"
    timed t build_in synth100
  done
  echo "  after touching one generated file (no change): $(both t)"
fi

# change_one_spec WS: adds (or removes) an optional property in one operation's schema
# (codegen --change-spec), regenerates (timed into GEN), then builds (timed into BUILD)
change_one_spec() {
  local ws=$WORK/$1
  codegen --change-spec "$ws/specs" >/dev/null
  timed GEN codegen --generate "$ws/specs" "$ws/azure-mgmt"
  timed BUILD build_in "$1"
}

if want d; then
  log "(d) incremental rebuild after one spec changes (regenerate, then cargo build)"
  for ws in real synth100; do
    if [ ! -d "$WORK/$ws" ]; then
      if [ $ws = real ]; then make_workspace real; else make_synthetic synth100 100; fi
    fi
    build_in $ws --quiet
    GEN=(); GEN_cpu=(); BUILD=(); BUILD_cpu=()
    for _ in $(seq "$RUNS"); do change_one_spec $ws; done
    echo "  $ws: regenerate: $(both GEN)"
    echo "  $ws: then cargo build: $(both BUILD)"
  done
fi

if want e; then
  log "(e) one service feature against all (cargo build -p azure-mgmt after cargo clean -p)"
  for ws in real synth100; do
    if [ ! -d "$WORK/$ws" ]; then
      if [ $ws = real ]; then make_workspace real; else make_synthetic synth100 100; fi
    fi
    manifest=$WORK/$ws/azure-mgmt/Cargo.toml
    if ! grep -q '^\[features\]' "$manifest"; then
      echo "  $ws: the crate's Cargo.toml has no [features] section: skipped"
      continue
    fi
    one=$FEATURES
    if [ $ws = synth100 ]; then
      # the first synthetic service
      one=$(sed -n 's/^all-services = \["\([^"]*\)".*/\1/p' "$manifest")
    fi
    build_in $ws --quiet
    for f in "$one" ""; do
      t=(); t_cpu=(); for _ in $(seq "$RUNS"); do
        (cd "$WORK/$ws" && cargo clean -q -p azure-mgmt)
        if [ -n "$f" ]; then
          timed t build_in $ws --no-default-features --features "$f,rustls-aws-lc"
        else
          timed t build_in $ws
        fi
      done
      echo "  $ws, ${f:-all services (default features)}: $(both t)"
    done
  done
fi

# (g) dependency variants: the generated crate's azure_core line replaced by each variant's
# lines, in its own workspace copy; clean builds, interleaved, --timings kept per variant. The TLS
# backends are the crate's own features now: part (t).
variant_lines() {
  local core='azure_core = { workspace = true, features = ["reqwest", "reqwest_gzip", "reqwest_deflate", "tokio"] }'
  case "$1" in
    baseline) echo "$core" ;;
    no-decompression) echo 'azure_core = { workspace = true, features = ["reqwest", "tokio"] }' ;;
    regex-lean) printf '%s\n' "$core" \
      'regex = { version = "1", default-features = false, features = ["std", "unicode"] }' ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}
VARIANTS=${VARIANTS:-"baseline no-decompression regex-lean"}
if want g; then
  log "(g) dependency variants of azure-mgmt: clean builds (own target dir each), interleaved"
  for v in $VARIANTS; do
    make_workspace "deps-$v"
    python3 - "$WORK/deps-$v/azure-mgmt/Cargo.toml" "$(variant_lines "$v")" <<'PY'
import re, sys
p, lines = sys.argv[1], sys.argv[2]
s = open(p).read()
s, n = re.subn(r"(?m)^azure_core = \{ workspace = true.*$", lambda _: lines, s, count=1)
assert n == 1, "the manifest's azure_core line"
if "\nregex = " in lines:
    s = s.replace("regex.workspace = true\n", "", 1)
open(p, "w").write(s)
PY
    echo "  $v:"; variant_lines "$v" | sed 's/^/    /'
  done
  declare -A VT VC
  for _ in $(seq "$RUNS"); do
    for v in $VARIANTS; do
      t=(); t_cpu=()
      CARGO_TARGET_DIR=$WORK/target-$v; rm -rf "$CARGO_TARGET_DIR"
      timed t build_in "deps-$v" --timings
      VT[$v]="${VT[$v]:-} ${t[0]}"
      VC[$v]="${VC[$v]:-} ${t_cpu[0]}"
      echo "  $v: wall ${t[0]} s, CPU ${t_cpu[0]} s"
    done
  done
  for v in $VARIANTS; do
    CARGO_TARGET_DIR=$WORK/target-$v
    # shellcheck disable=SC2086  # word splitting of the lists is wanted
    echo "  $v: wall $(stats ${VT[$v]}); CPU $(stats ${VC[$v]}); $(du -sh "$CARGO_TARGET_DIR" | cut -f1) target dir; crates: $(cd "$WORK/deps-$v" && cargo tree -p azure-mgmt -e normal,build --prefix none | sed 's/ (\*)//' | sort -u | wc -l)"
    timings_summary | sed -n '1,8p'
  done
  export CARGO_TARGET_DIR=$WORK/target
fi

if want t; then
  log "(t) TLS features: clean builds of azure-mgmt (all services), one after another, own target dir each"
  make_workspace tls
  declare -A TW TC TN
  for run in $(seq "$RUNS"); do
    for tls in ${TLS:-rustls-aws-lc native-tls rustls-ring}; do
      t=(); t_cpu=()
      CARGO_TARGET_DIR=$WORK/target-tls-$tls; rm -rf "$CARGO_TARGET_DIR"
      timed t build_in tls --no-default-features --features "all-services,$tls"
      crates=$(grep -c '^ *Compiling ' "$WORK/last.log" || true)
      TW[$tls]="${TW[$tls]:-} ${t[0]}"
      TC[$tls]="${TC[$tls]:-} ${t_cpu[0]}"
      TN[$tls]="${TN[$tls]:-} $crates"
      echo "  round $run, $tls: wall ${t[0]} s, CPU ${t_cpu[0]} s, $crates crates compiled"
    done
  done
  for tls in ${TLS:-rustls-aws-lc native-tls rustls-ring}; do
    # shellcheck disable=SC2086  # word splitting of the lists is wanted
    echo "  $tls: wall $(stats ${TW[$tls]}); CPU $(stats ${TC[$tls]} | sed 's/ ([0-9]* runs)//'); crates compiled:${TN[$tls]}; $(du -sh "$WORK/target-tls-$tls" | cut -f1) target dir"
  done
  export CARGO_TARGET_DIR=$WORK/target
fi

log "done"
