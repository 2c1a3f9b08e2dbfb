#!/usr/bin/env bash
# Benchmarks/run.sh: seconds per epoch of backprop beside numpy, PyTorch and JAX doing the same
# work, interleaved in one session; large networks on two cores against OpenBLAS's sgemm rate;
# loading, evaluation, and full `backprop train` runs' wall time and peak memory; OpenBLAS alone
# on the large network's products and one core's cache bandwidth, the floors the epochs are
# measured against. Prints the README's Markdown tables.
#
#   MNIST_DIR=../shared/data/mnist Benchmarks/run.sh [--rounds N] [--quick]
#
# The environment is left as it is (OPENBLAS_CORETYPE included): the table names the BLAS core,
# the CPU and the kernels' instruction set. BACKPROP_ISA=avx2 (or portable) measures the kernels a
# machine without AVX-512 (or without AVX2) would run.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=1; quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "usage: Benchmarks/run.sh [--rounds N] [--quick]" >&2; exit 2 ;;
  esac
done
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
MNIST_DIR=$(cd "$MNIST_DIR" && pwd)  # the peers run from Benchmarks/peers
export MNIST_DIR

scripts/install-dependencies
source scripts/mpi-setting  # whether Open MPI is installed, for Package.swift
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install -q numpy
python3 -c 'import torch' 2>/dev/null || python3 -m pip install -q torch
python3 -c 'import jax' 2>/dev/null || python3 -m pip install -q jax
swift build -c release --product backprop >/dev/null
swift build -c release --product BackpropBenchmark >/dev/null
bin=$(swift build -c release --show-bin-path)
bandwidth="$bin/memory_bandwidth"
clang -O3 -march=native -o "$bandwidth" Benchmarks/tools/memory_bandwidth.c

results=$(mktemp)
# One-core runs are pinned to core 0: thread settings alone left JAX's runtime threads free to use
# the other core (its lax.scan epochs took 0.116-0.124 s unpinned, 0.124-0.155 s pinned).
one_core=(taskset -c 0)
command -v taskset >/dev/null || one_core=()
ours() { "$bin/BackpropBenchmark" "$@" >>"$results"; }
ours_one_core() { "${one_core[@]}" "$bin/BackpropBenchmark" "$@" >>"$results"; }
peer() {  # peer SCRIPT ARGS...: one peer run on one core
  (cd Benchmarks/peers && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 "${one_core[@]}" python3 "$@") >>"$results"
}
epochs=5; slow=2
[ "$quick" = 1 ] && epochs=2 && slow=1
ours machine  # the CPU and the instruction set, for the table's first line
for round in $(seq "$rounds"); do
  # The book's networks, one core: ours (kernels, then the matrix path over BLAS) and the peers.
  for layers in 784,30,10 784,100,10; do
    for mb in 10 100; do
      echo "round $round: [$layers] mini-batch $mb" >&2
      ours_one_core epoch --layers "$layers" --mini-batch-size "$mb" --epochs "$epochs"
      ours_one_core epoch --layers "$layers" --mini-batch-size "$mb" --epochs "$slow" --engine blas
      peer numpy_matrix.py --layers "$layers" --mini-batch-size "$mb" --epochs "$slow"
      peer pytorch_manual.py --layers "$layers" --mini-batch-size "$mb" --epochs "$slow"
      peer pytorch_autograd.py --layers "$layers" --mini-batch-size "$mb" --epochs "$slow"
      peer jax_sgd.py --mode step --layers "$layers" --mini-batch-size "$mb" --epochs "$slow"
      peer jax_sgd.py --mode scan --layers "$layers" --mini-batch-size "$mb" --epochs "$slow"
    done
  done
  # Large networks on both cores, against OpenBLAS's rate on large squares measured right before
  # and right after each of them (this machine's speed drifts: see tabulate.py).
  ours sgemm --size 2048 --threads 2
  for layers in 784,1000,10 784,1000,1000,10; do
    echo "round $round: [$layers] mini-batch 100, two threads" >&2
    ours epoch --layers "$layers" --mini-batch-size 100 --epochs 2 --threads 2
    ours sgemm --size 2048 --threads 2
    ours epoch --layers "$layers" --mini-batch-size 100 --epochs 2 --threads 2 --engine blas
    ours sgemm --size 2048 --threads 2
  done
  # OpenBLAS alone on the products of [784, 1000, 1000, 10]'s epoch: what the matrix path could reach.
  ours products --layers 784,1000,1000,10 --mini-batch-size 100 --threads 2
  ours sgemm --size 2048 --threads 2
  ours_one_core sgemm --size 2048 --threads 1
  "${one_core[@]}" "$bandwidth" >>"$results"  # one core's cache bandwidth: the floor of the kernels' first layer
  ours_one_core load
  ours_one_core evaluate
  ours_one_core evaluate --engine blas
  # The book's first experiment end to end: data loading, 30 epochs, evaluation after each.
  for run in 1 2 3; do
    echo "round $round: full run $run, backprop train" >&2
    /usr/bin/time -f '{"impl":"full-run","wall_s":%e,"peak_rss_mb":%M}' -o "$results.time" \
      "${one_core[@]}" "$bin/backprop" train >"$results.train"
    sed 's/"peak_rss_mb":\([0-9]*\)}/"peak_rss_mb":\1,"kb":1}/' "$results.time" >>"$results"
    grep '^Best' "$results.train" | sed 's/^/    /' >&2
  done
done

python3 Benchmarks/tabulate.py "$results"
[ -n "${KEEP_RESULTS:-}" ] && cp "$results" "$KEEP_RESULTS"
echo
Benchmarks/allocations.sh
rm -f "$results" "$results.time" "$results.train"
