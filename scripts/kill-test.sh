#!/usr/bin/env bash
# scripts/kill-test.sh [N]: starts a training run that writes a checkpoint every epoch and a
# model at the end, kills it with SIGKILL at a random moment, and checks that whatever is on
# disk loads; N times (default 100). A file may be missing (killed before its first write) but
# never broken, and once a checkpoint exists it must survive every later kill.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MNIST_DIR:?set MNIST_DIR to the folder with the MNIST files}"
runs="${1:-100}"
swift build -c release --product backprop >&2
backprop="$(swift build -c release --show-bin-path)/backprop"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
survived=0; broken=0; lost=0; loaded=0
for i in $(seq "$runs"); do
  "$backprop" train --layers 784,30,10 --epochs 4 --training-size 20000 --evaluate-on none --seed "$i" \
    --checkpoint "$work/checkpoint.json" --save "$work/model.json" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v seed="$i" 'BEGIN { srand(seed); printf "%.3f", rand() * 0.9 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ok=1
  for file in checkpoint.json model.json; do
    [ -e "$work/$file" ] || continue
    if "$backprop" trace --network "$work/$file" --input "$(python3 -c 'print(",".join(["0.5"] * 784))')" \
         --target 0,0,0,0,0,1,0,0,0,0 --json >/dev/null 2>&1; then
      loaded=$((loaded + 1))
    else
      echo "kill $i: $file does not load" >&2
      broken=$((broken + 1)); ok=0
    fi
  done
  if [ -n "${had_checkpoint:-}" ] && [ ! -e "$work/checkpoint.json" ]; then lost=$((lost + 1)); ok=0; fi
  [ -e "$work/checkpoint.json" ] && had_checkpoint=1
  survived=$((survived + ok))
done
leftovers=$(find "$work" -name '.*.tmp' | wc -l)
echo "kills: $runs, runs whose files all loaded: $survived, files loaded: $loaded, broken files: $broken, checkpoints lost: $lost, temporary files left by killed writes: $leftovers"
[ "$broken" -eq 0 ] && [ "$lost" -eq 0 ]
