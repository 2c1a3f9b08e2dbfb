#!/usr/bin/env bash
# Benchmarks/chapter6.sh: network3.py's two-conv-pool ReLU network (conv 20×5×5, pool 2, conv
# 40×5×5, pool 2, FC 100, softmax 10; η 0.03, λ 0.1, mini-batch 10) in backprop and in PyTorch on
# the CPU, both on two threads, interleaved in one session, as ratios:
#
#  1. seconds per epoch: `BackpropBenchmark chapter6` against Benchmarks/peers/pytorch_conv.py,
#     alternated --rounds times on --training-size images (scaled to 50,000), with the share of
#     the two-thread sgemm rate our epoch reaches;
#  2. time to 99.0% test accuracy: `backprop train` with RECIPE (the book's, unless --recipe
#     gives other train options, which may set their own --epochs, e.g. the fast recipe's
#     "--lambda 0.1 --initialization he --eta 0.15 --eta-schedule one-cycle --epochs 2") against
#     PyTorch with the book's recipe, each until the first
#     epoch at or above 99.0% (at most --epochs), its training seconds so far and its peak memory.
#
#   MNIST_DIR=../shared/data/mnist Benchmarks/chapter6.sh [--rounds 3] [--training-size 10000]
#       [--epochs 8] [--recipe "--eta 0.03 --lambda 0.1"] [--skip-epochs] [--skip-target]
#
# --skip-epochs leaves out part 1, --skip-target part 2. It installs the system packages it needs
# (scripts/install-dependencies) and PyTorch (pip) when missing, and builds the release products.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3; size=10000; epochs=8; recipe="--eta 0.03 --lambda 0.1"; skip_epochs=0; skip_target=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --training-size) size="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --recipe) recipe="$2"; shift 2 ;;
    --skip-epochs) skip_epochs=1; shift ;;
    --skip-target) skip_target=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | cut -c3-; exit 0 ;;
    *) echo "usage: MNIST_DIR=… Benchmarks/chapter6.sh [--rounds N (3)] [--training-size N (10000)] [--epochs N (8)] [--recipe OPTIONS] [--skip-epochs] [--skip-target]; --help explains" >&2; exit 2 ;;
  esac
done
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
MNIST_DIR=$(cd "$MNIST_DIR" && pwd)
export MNIST_DIR

scripts/install-dependencies
source scripts/mpi-setting  # whether Open MPI is installed, for Package.swift
python3 -c 'import torch' 2>/dev/null || python3 -m pip install -q torch
swift build -c release --product backprop >/dev/null
swift build -c release --product BackpropBenchmark >/dev/null
bin=$(swift build -c release --show-bin-path)
layers=conv:20x5x5,pool:2,conv:40x5x5,pool:2,fc:100,softmax:10
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.readlines()[-1])['$1'])"; }

if [ "$skip_epochs" = 0 ]; then
  echo "| round | backprop s/epoch | PyTorch s/epoch | ratio | backprop GFLOP/s | share of sgemm |"
  echo "|---:|---:|---:|---:|---:|---:|"
  ratios=()
  for round in $(seq "$rounds"); do
    ours=$("$bin/BackpropBenchmark" chapter6 --training-size "$size" --threads 2)
    theirs=$(cd Benchmarks/peers && python3 pytorch_conv.py --epochs 1 --training-size "$size" --threads 2 --target 2)
    a=$(echo "$ours" | field per_50000_s); b=$(echo "$theirs" | field per_50000_s)
    ratio=$(python3 -c "print(f'{$a / $b:.2f}')")
    ratios+=("$ratio")
    echo "| $round | $(printf %.1f "$a") | $(printf %.1f "$b") | $ratio | $(printf %.1f "$(echo "$ours" | field gflops)") | $(printf %.2f "$(echo "$ours" | field share)") |"
  done
  echo
  echo "Median ratio (backprop / PyTorch, per 50,000 images, $size-image epochs): $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  echo
fi

if [ "$skip_target" = 0 ]; then
  # shellcheck disable=SC2086  # the recipe is a list of options
  /usr/bin/time -f "%M" -o "$work/ours.rss" "$bin/backprop" train --layers "$layers" --activation relu \
    --epochs "$epochs" --threads 2 --history "$work/ours.csv" $recipe >"$work/ours.log" 2>&1
  ours=$(python3 - "$work/ours.csv" <<'EOF'
import csv, sys
total = 0.0
for row in csv.DictReader(open(sys.argv[1])):
    total += float(row["training_seconds"])
    if float(row["evaluation_accuracy"]) >= 0.99:
        print(f"{total:.1f} s (after epoch {row['epoch']}, {100 * float(row['evaluation_accuracy']):.2f}%)")
        break
else:
    print(f"not reached in {int(row['epoch']) + 1} epochs ({total:.1f} s)")
EOF
)
  theirs=$(cd Benchmarks/peers && /usr/bin/time -f "%M" -o "$work/theirs.rss" python3 pytorch_conv.py --epochs "$epochs" --threads 2 --target 0.99)
  echo "| to 99.0% test accuracy | recipe | training seconds | peak memory |"
  echo "|---|---|---|---:|"
  echo "| backprop | $recipe, mini-batch 10 unless given | $ours | $(( $(cat "$work/ours.rss") / 1024 )) MB |"
    reached=$(echo "$theirs" | python3 -c "import json,sys; lines=[json.loads(l) for l in sys.stdin]; e=[l for l in lines if 'epoch' in l]; s=lines[-1]['seconds_to_target']; print(f\"{s:.1f} s (after epoch {e[-1]['epoch']}, {100 * e[-1]['test_accuracy']:.2f}%)\" if s else f'not reached in {len(e)} epochs')")
  echo "| PyTorch $(echo "$theirs" | field torch) | η 0.03, λ 0.1, mini-batch 10 | $reached | $(( $(cat "$work/theirs.rss") / 1024 )) MB |"
fi
