#!/usr/bin/env bash
# Benchmarks/sweep-speed.sh: the throughput of `backprop sweep` with one training at a time
# against two at once (--jobs 1 and --jobs 2), and, when Open MPI's mpirun is installed, against
# two MPI ranks (mpirun -np 2 backprop sweep --jobs 1). Eight trainings of [784, 100, 10] on
# MNIST's 50,000 training images, 3 epochs each, evaluated on the validation images, seeds 1–8;
# each configuration writes a fresh runs store, and the script checks that all of them recorded
# the same accuracies run for run. Rounds are interleaved; the medians and their ratios are printed.
#
#   MNIST_DIR=../shared/data/mnist Benchmarks/sweep-speed.sh [--rounds N] [--epochs N]
#
# BACKPROP names the binary to time (default: a release build in .build-release).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3; epochs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "usage: Benchmarks/sweep-speed.sh [--rounds N] [--epochs N]" >&2; exit 2 ;;
  esac
done
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
if [ -z "${BACKPROP:-}" ]; then
  scripts/install-dependencies --mpi
  source scripts/mpi-setting  # whether Open MPI is installed, for Package.swift
  swift build -c release --scratch-path .build-release --product backprop >/dev/null
  BACKPROP=$(pwd)/.build-release/release/backprop
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/speed.sweep" <<EOF
name: speed
layers: 784,100,10
epochs: $epochs
evaluate-on: validation
seed: 1 2 3 4 5 6 7 8
EOF

configurations=("jobs1" "jobs2")
mpi=()
if command -v mpirun >/dev/null; then
  configurations+=("mpi2")
  mpi=(mpirun -np 2 --oversubscribe --allow-run-as-root)
fi

# "wall user system" seconds for one sweep of the eight runs into a fresh store.
run() {
  local name=$1 round=$2 store="$work/$1-$2.sqlite"
  local TIMEFORMAT="%R %U %S"
  { time case "$name" in
      jobs1) "$BACKPROP" sweep "$work/speed.sweep" --jobs 1 --store "$store" >/dev/null ;;
      jobs2) "$BACKPROP" sweep "$work/speed.sweep" --jobs 2 --store "$store" >/dev/null ;;
      mpi2) "${mpi[@]}" "$BACKPROP" sweep "$work/speed.sweep" --jobs 1 --store "$store" >/dev/null ;;
    esac; } 2>&1
}

# The sweep's accuracies, "seed accuracy" per line, from a store.
accuracies() {
  "$BACKPROP" sweep --report speed --json --store "$1" \
    | python3 -c 'import json,sys; [print(r["settings"]["seed"], r["bestAccuracy"]) for r in sorted(json.load(sys.stdin), key=lambda r: int(r["settings"]["seed"]))]'
}

# The CPU time shows whether other work shared the cores: with the machine to itself, a round's
# user + system time is about the same in every configuration.
declare -A times
for round in $(seq 1 "$rounds"); do
  for name in "${configurations[@]}"; do
    read -r wall user system < <(run "$name" "$round" | tail -1)
    times[$name]="${times[$name]:-} $wall"
    printf 'round %d %-6s %6.2f s wall, %6.2f s CPU, load %s\n' "$round" "$name" "$wall" "$(echo "$user + $system" | bc -l)" \
      "$(cut -d' ' -f1 /proc/loadavg)"
  done
done

reference=$(accuracies "$work/jobs1-1.sqlite")
for name in "${configurations[@]}"; do
  if [ "$(accuracies "$work/$name-1.sqlite")" != "$reference" ]; then
    echo "the accuracies recorded by $name differ from those of jobs1" >&2
    exit 1
  fi
done
echo "All configurations recorded the same accuracies, run for run."

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
base=$(echo "${times[jobs1]}" | median)
echo
echo "| configuration | median wall time (s) | runs per minute | throughput against --jobs 1 |"
echo "|---|---:|---:|---:|"
for name in "${configurations[@]}"; do
  m=$(echo "${times[$name]}" | median)
  case "$name" in
    jobs1) label="one process, --jobs 1" ;;
    jobs2) label="one process, --jobs 2" ;;
    mpi2) label="mpirun -np 2, --jobs 1 per rank" ;;
  esac
  printf '| %s | %.2f | %.1f | %.2f× |\n' "$label" "$m" "$(echo "8 * 60 / $m" | bc -l)" "$(echo "$base / $m" | bc -l)"
done
echo
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $rounds rounds; $epochs epochs per run"
