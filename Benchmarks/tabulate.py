#!/usr/bin/env python3
"""Turns the JSON lines of Benchmarks/run.sh into the README's Markdown tables."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
epochs = defaultdict(list)
for r in rows:
    if "median_s" in r:
        epochs[(r["layers"], r["mb"], r["impl"], r["threads"])].append(r)

core = next((r["core"] for r in rows if "core" in r), "?")
sgemm = {r["threads"]: r["gflops"] for r in rows if r["impl"] == "sgemm"}
print(f"BLAS: {core}; sgemm 2048×2048: {sgemm.get(1, 0):.0f} GFLOP/s on one core, "
      f"{sgemm.get(2, 0):.0f} on two.\n")
print("| network | mini-batch | backprop, 1 core | backprop, 2 cores | GFLOP/s (1 core) | numpy | PyTorch hand-written | PyTorch autograd |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for layers, mb in sorted({(k[0], k[1]) for k in epochs}, key=lambda k: (len(k[0]), k[0], k[1])):
    def median(impl, threads=1):
        runs = epochs.get((layers, mb, impl, threads), [])
        return statistics.median(r["median_s"] for r in runs) if runs else None
    ours = median("backprop")
    ours2 = median("backprop", 2)
    gflop = epochs[(layers, mb, "backprop", 1)][0]["gflop_per_epoch"]

    def cell(seconds):
        if seconds is None:
            return "–"
        return f"{seconds:.3f} s ({seconds / ours:.1f}×)" if ours else f"{seconds:.3f} s"
    print(f"| [{layers.replace(',', ', ')}] | {mb} | {ours:.3f} s | {ours2:.3f} s | {gflop / ours:.0f} | "
          f"{cell(median('numpy'))} | {cell(median('pytorch-manual'))} | {cell(median('pytorch-autograd'))} |")
print("\nSeconds per epoch of 50,000 images (median); in brackets, how many times longer than backprop on one core.")

full = next((r for r in rows if r["impl"] == "full-run"), None)
if full:
    peaks = {r["impl"]: r["peak_rss_mb"] for r in rows if "peak_rss_mb" in r and r["impl"] != "full-run"}
    peer_peaks = ", ".join(f"{impl} {mb:.0f} MB" for impl, mb in sorted(peaks.items()))
    print(f"\n`backprop train` (the book's first experiment: loading, 30 epochs, evaluation after each): "
          f"{full['wall_s']:.2f} s wall, peak memory {full['peak_rss_mb'] / 1024:.0f} MB "
          f"(the peers' benchmark runs peaked at: {peer_peaks}).")
