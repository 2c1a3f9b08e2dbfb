#!/usr/bin/env bash
# Benchmarks/allocations.sh: calls to malloc per epoch of training ([784, 30, 10], 5,000
# mini-batches of 10), from the difference between a 1-epoch and a 3-epoch run.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
shim=$(mktemp -d)/count_malloc.so
cc -shared -fPIC -O2 -o "$shim" Benchmarks/tools/count_malloc.c -ldl
swift build -c release --product BackpropBenchmark >/dev/null
bin="$(swift build -c release --show-bin-path)/BackpropBenchmark"
count() { LD_PRELOAD="$shim" "$bin" epoch --epochs "$1" 2>&1 >/dev/null | sed -n 's/^mallocs: //p'; }
one=$(count 1); three=$(count 3)
echo "mallocs: $one for 1 epoch, $three for 3 epochs: $(( (three - one) / 2 )) per epoch of 5,000 mini-batches"
rm -f "$shim"
