#!/usr/bin/env bash
# Benchmarks/data-parallel.sh: `backprop train --data-parallel` on 2 processes (mpirun -np 2)
# against one process, on networks and mini-batch sizes where splitting may pay; prints a Markdown
# table of training seconds, the speed-up, and where the data-parallel steps' time went
# (computing, exchanging gradient sums in the all-gather, adding them and updating), as the
# first process reports it. Each configuration runs --rounds times, interleaved; the table gives
# the median. Seconds are `train`'s own "training took" (the epochs, not loading or start-up).
# The machine should be otherwise idle: two processes on two cores leave nothing for a third. Figures and their discussion: docs/scale-out.md and Benchmarks/RESULTS.md.
#
#   MNIST_DIR=../shared/data/mnist Benchmarks/data-parallel.sh [--rounds N] [--quick]
#
# Baselines: plain `train` in one process on one BLAS thread (what one core does), the same on
# two BLAS threads (what one process gets from both cores), and --data-parallel in one process
# (the same sums as two processes, so the same model). The two processes share the machine's
# cores, so their exchange goes through shared memory: a floor on what a network would cost.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3; quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "usage: Benchmarks/data-parallel.sh [--rounds N] [--quick]" >&2; exit 2 ;;
  esac
done
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
scripts/install-dependencies --mpi
source scripts/mpi-setting  # whether Open MPI is installed, for Package.swift
swift build -c release --scratch-path .build-release --product backprop >/dev/null
bin=.build-release/release/backprop
export BACKPROP_RUNS=none
mpirun=(mpirun -np 2 --allow-run-as-root --bind-to core)

# name | --layers | mini-batch | training images | --shards
configs=(
  "[784, 1000, 10], mini-batch 100|784,1000,10|100|10000|4"
  "[784, 1000, 10], mini-batch 100, --shards 2|784,1000,10|100|10000|2"
  "[784, 1000, 10], mini-batch 1000|784,1000,10|1000|10000|4"
  "[784, 30, 10], mini-batch 10|784,30,10|10|10000|4"
  "chapter 6's conv net, mini-batch 100|conv:20x5x5,pool:2,conv:40x5x5,pool:2,fc:100,softmax:10|100|2000|4"
)
[ "$quick" = 1 ] && { configs=("${configs[0]}"); rounds=1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
seconds() { sed -n 's/.*[Tt]raining took \([0-9.]*\) s.*/\1/p' "$1" | tail -1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| network (1 epoch) | train, 1 thread | train, 2 threads | --data-parallel, 1 process | mpirun -np 2 --data-parallel | 2 processes against 1 | against the faster train | exchanging (share of the steps) | MB sent per step |"
echo "|---|---|---|---|---|---|---|---|---|"
for config in "${configs[@]}"; do
  IFS='|' read -r name layers batch size shards <<<"$config"
  common=(train --data "$MNIST_DIR" --layers "$layers" --mini-batch-size "$batch" --training-size "$size"
          --epochs 1 --evaluate-on none --eta 0.1 --seed 3)
  out=$(mktemp -d)
  for round in $(seq "$rounds"); do
    "$bin" "${common[@]}" --threads 1 >"$out/one.$round"
    "$bin" "${common[@]}" --threads 2 >"$out/two.$round"
    "$bin" "${common[@]}" --data-parallel --shards "$shards" --save "$out/dp1.json" >"$out/dp1.$round"
    "${mpirun[@]}" "$bin" "${common[@]}" --data-parallel --shards "$shards" --save "$out/dp2.json" >"$out/dp2.$round"
    cmp -s "$out/dp1.json" "$out/dp2.json" || { echo "the 1- and 2-process models differ for $name" >&2; exit 1; }
  done
  one=$(for r in $(seq "$rounds"); do seconds "$out/one.$r"; done | median)
  two=$(for r in $(seq "$rounds"); do seconds "$out/two.$r"; done | median)
  dp1=$(for r in $(seq "$rounds"); do seconds "$out/dp1.$r"; done | median)
  dp2=$(for r in $(seq "$rounds"); do seconds "$out/dp2.$r"; done | median)
  # "exchanging them 0.21 s (14%)" and "(0.954 MB sent per step)" from the median round's report.
  for r in $(seq "$rounds"); do [ "$(seconds "$out/dp2.$r")" = "$dp2" ] && report="$out/dp2.$r"; done
  exchange=$(sed -n 's/.*exchanging them \([0-9.]* s ([0-9]*%)\).*/\1/p' "$report")
  megabytes=$(sed -n 's/.*(\([0-9.]*\) MB sent per step).*/\1/p' "$report")
  against1=$(awk -v a="$dp1" -v b="$dp2" 'BEGIN { printf "%.2f×", a / b }')
  againstTrain=$(awk -v a="$one" -v t="$two" -v b="$dp2" 'BEGIN { printf "%.2f×", (a < t ? a : t) / b }')
  echo "| $name | $one s | $two s | $dp1 s | $dp2 s | $against1 | $againstTrain | $exchange | $megabytes |"
  rm -rf "$out"
done
echo
# The all-gather alone: the latency and bandwidth of the model in docs/scale-out.md.
mpicc -O2 -o .build-release/allgather_rate Benchmarks/tools/allgather_rate.c
"${mpirun[@]}" .build-release/allgather_rate
echo
echo "Load average before and after: $load_before; $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$bin" --version 2>/dev/null | head -1); $(mpirun --version | head -1)"
