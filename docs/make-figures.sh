#!/usr/bin/env bash
# Makes the figures of the DocC catalog (Sources/Backprop/Backprop.docc/Resources/) from real
# MNIST runs, with the commands its Pictures article shows beside them. Needs MNIST_DIR and the
# release build (swift build -c release --product backprop).
set -euo pipefail
cd "$(dirname "$0")/.."
backprop="$(swift build -c release --show-bin-path)/backprop"
out=Sources/Backprop/Backprop.docc/Resources
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Chapter 3's comparison of learning rates: [784, 30, 10], cross-entropy, λ = 5, 30 epochs.
for eta in 0.025 0.25 2.5; do
  "$backprop" train --cost cross-entropy --lambda 5 --initialization scaled-normal --eta "$eta" --epochs 30 \
    --evaluate-on validation --monitor evaluation-accuracy,training-cost --history "$work/eta-$eta.json" >/dev/null
done
"$backprop" plot "$work/eta-0.025.json" "$work/eta-0.25.json" "$work/eta-2.5.json" \
  --labels "η = 0.025,η = 0.25,η = 2.5" --title "Three learning rates: [784, 30, 10], cross-entropy, λ = 5" \
  -o "$out/learning-curves.png"

# One trained network: its first-layer weights, its mistakes and its confusion matrix.
"$backprop" train --cost cross-entropy --eta 0.5 --lambda 5 --initialization scaled-normal --save "$work/model.json" >/dev/null
"$backprop" draw weights "$work/model.json" -o "$out/first-layer-weights.png"
"$backprop" draw mistakes "$work/model.json" --limit 40 -o "$out/mistakes.png"
"$backprop" draw confusion "$work/model.json" -o "$out/confusion.png"

# Chapter 5's unstable gradient: four hidden layers learning at different speeds.
"$backprop" train --layers 784,30,30,30,30,10 --epochs 10 --learning-speed --history "$work/deep.json" >/dev/null
"$backprop" plot "$work/deep.json" --learning-speed -o "$out/learning-speed.png"

# The lab's screenshots, made by its browser tests: into docs/images (the README shows them) and
# the catalog (The lab article).
LAB_SCREENSHOTS=docs/images Tests/Browser/run.sh "$backprop" >/dev/null
cp docs/images/lab-draw.png docs/images/lab-backprop.png docs/images/lab-train.png "$out/"

# Chapter 6: network3.py's ReLU network (15 epochs, about 3 minutes on two threads), its learned
# kernels and its feature maps for test image 7, into docs/images (the README) and the catalog.
"$backprop" train --layers conv:20x5x5,pool:2,conv:40x5x5,pool:2,fc:100,softmax:10 --activation relu \
  --eta 0.03 --lambda 0.1 --epochs 15 --threads 2 --keep best --save "$work/conv.json" >/dev/null
"$backprop" draw weights "$work/conv.json" -o docs/images/chapter6-kernels.png
"$backprop" draw feature-maps "$work/conv.json" --index 7 -o docs/images/chapter6-feature-maps.png
cp docs/images/chapter6-kernels.png docs/images/chapter6-feature-maps.png "$out/"
