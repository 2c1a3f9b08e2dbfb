#!/usr/bin/env bash
# The lab's HTTP and browser tests, against a built backprop:
#
#     Tests/Browser/run.sh .build/debug/backprop
#
# Starts `backprop lab --port 0` on the page files in this tree (Sources/Lab/Page) with a fresh
# runs store; when MNIST_DIR is set, first trains a small model (one epoch on 1,000 images, which
# also records a run) and opens the lab on it. Runs test_http.py (standard library only) and
# test_page.py (playwright, headless Chromium; CHROMIUM overrides /usr/bin/chromium), stops the
# lab, and exits non-zero when any test fails. Screenshots go to a temporary folder, or, to
# refresh the documentation's, to the folder LAB_SCREENSHOTS names:
#
#     LAB_SCREENSHOTS=docs/images MNIST_DIR=../shared/data/mnist Tests/Browser/run.sh .build/debug/backprop
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$(realpath "${1:?usage: Tests/Browser/run.sh BACKPROP_BINARY}")
work=$(mktemp -d)
lab_pid=
cleanup() {
  if [ -n "$lab_pid" ]; then kill "$lab_pid" 2>/dev/null || true; wait "$lab_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export BACKPROP_RUNS="$work/runs.sqlite"
model_args=()
if [ -n "${MNIST_DIR:-}" ]; then
  if ! "$binary" train --epochs 1 --training-size 1000 --save "$work/small.json" > "$work/train.log" 2>&1; then
    cat "$work/train.log"; exit 1
  fi
  model_args=(--model "$work/small.json")
  export LAB_MODEL="$work/small.json"
else
  echo "MNIST_DIR is not set: the tests that need MNIST images (and a trained model) are skipped."
fi

"$binary" lab --port 0 --page "$root/Sources/Lab/Page" --models "$work/models" ${model_args[@]+"${model_args[@]}"} > "$work/lab.log" 2>&1 &
lab_pid=$!
url=
for _ in $(seq 1 600); do
  url=$(sed -n 's|.*Lab: \(http://[^ ]*\).*|\1|p' "$work/lab.log" | head -1)
  [ -n "$url" ] && break
  if ! kill -0 "$lab_pid" 2>/dev/null; then echo "the lab did not start:"; cat "$work/lab.log"; exit 1; fi
  sleep 0.1
done
[ -n "$url" ] || { echo "the lab printed no 'Lab: http://…' line in 60 s:"; cat "$work/lab.log"; exit 1; }
echo "Lab at $url (pid $lab_pid)"

screenshots=$(realpath -m "${LAB_SCREENSHOTS:-$work/screenshots}")
mkdir -p "$screenshots"
export LAB_URL="$url" BACKPROP_BINARY="$binary" LAB_SCREENSHOTS="$screenshots" PYTHONDONTWRITEBYTECODE=1
status=0
(cd "$here" && timeout 1200 python3 -m unittest -v test_http test_page) || status=$?
if [ "$status" -ne 0 ]; then echo "--- lab log (last 40 lines)"; tail -40 "$work/lab.log"; fi
exit "$status"
