#!/usr/bin/env bash
# Benchmarks/compare-revisions.sh: the same benchmark cases built from two git revisions and run
# interleaved in one session (A, B, A, B, …), one core each, printing each case's medians and the
# ratio B/A. For checking that a change to the code keeps its speed; machines are noisy, so only
# the ratio within one run means anything.
#
#   MNIST_DIR=../shared/data/mnist Benchmarks/compare-revisions.sh REV_A REV_B [--rounds N]
#
# Each revision is checked out into .build-compare/<rev> and built in release mode there.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: Benchmarks/compare-revisions.sh REV_A REV_B [--rounds N]" >&2; exit 2; }
a=$(git rev-parse --short "$1"); b=$(git rev-parse --short "$2"); shift 2
rounds=5
[ "${1:-}" = "--rounds" ] && rounds="$2"
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
MNIST_DIR=$(cd "$MNIST_DIR" && pwd); export MNIST_DIR
root=$(pwd)/.build-compare
mkdir -p "$root"
for rev in "$a" "$b"; do
  [ -d "$root/$rev" ] || git worktree add --detach -f "$root/$rev" "$rev" >/dev/null
  (cd "$root/$rev" && swift build -c release --product BackpropBenchmark >/dev/null)
done
bench() {  # bench REV ARGS...: one run of REV's benchmark, engine flag spelled as REV spells it
  local rev=$1; shift
  local flag=--engine
  grep -q 'option("engine"' "$root/$rev/Benchmarks/Sources/BackpropBenchmark/main.swift" || flag=--kernels
  local args=("${@//--engine/$flag}")
  local pin=(taskset -c 0); command -v taskset >/dev/null || pin=()
  "${pin[@]}" "$root/$rev/.build/release/BackpropBenchmark" "${args[@]}"
}
cases=(
  "epoch --layers 784,30,10 --mini-batch-size 10 --epochs 3"
  "epoch --layers 784,100,10 --mini-batch-size 10 --epochs 2"
  "epoch --layers 784,30,10 --mini-batch-size 10 --epochs 1 --engine blas"
  "epoch --layers 784,100,10 --mini-batch-size 100 --epochs 1 --engine blas"
  "evaluate"
  "evaluate --engine blas"
)
results=$(mktemp)
for round in $(seq "$rounds"); do
  for i in "${!cases[@]}"; do
    for rev in "$a" "$b"; do
      # shellcheck disable=SC2086
      seconds=$(bench "$rev" ${cases[$i]} | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r.get("median_s", r.get("seconds")))')
      echo "$i $rev $seconds" >>"$results"
    done
  done
  echo "round $round done" >&2
done
python3 - "$results" "$a" "$b" "${cases[@]}" <<'PY'
import statistics, sys
path, a, b, *cases = sys.argv[1:]
rows = [line.split() for line in open(path)]
print(f"| case | {a} (s) | {b} (s) | {b}/{a} |")
print("|---|---:|---:|---:|")
for i, case in enumerate(cases):
    ma = statistics.median(float(s) for c, r, s in rows if int(c) == i and r == a)
    mb = statistics.median(float(s) for c, r, s in rows if int(c) == i and r == b)
    print(f"| `{case}` | {ma:.4f} | {mb:.4f} | {mb / ma:.3f} |")
PY
