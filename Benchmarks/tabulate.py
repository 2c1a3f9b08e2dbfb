#!/usr/bin/env python3
"""Turns the JSON lines of Benchmarks/run.sh into the README's Markdown tables."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
for r in rows:  # ours on the matrix path over BLAS is its own column
    if r["impl"] == "backprop" and r.get("kernels") == "blas":
        r["impl"] = "backprop-blas"
epochs = defaultdict(list)
for r in rows:
    if "median_s" in r:
        epochs[(r["layers"], r["mb"], r["impl"], r["threads"])].append(r["median_s"])

# Two-core runs against OpenBLAS's 2-core sgemm measured right before and right after each: this
# machine's speed drifts by ±30% over minutes, and both move together, so each run's share is its
# rate over the higher of its two neighbours' (the higher, because now and then a single sgemm run
# gets about one core's rate, 88 instead of 140-170 GFLOP/s, which would flatter the share).
for i, r in enumerate(rows):
    if r.get("threads") == 2 and r["impl"] in ("backprop", "backprop-blas", "products"):
        before = [x["gflops"] for x in rows[:i] if x["impl"] == "sgemm" and x["threads"] == 2][-1:]
        after = [x["gflops"] for x in rows[i + 1:] if x["impl"] == "sgemm" and x["threads"] == 2][:1]
        if before + after:
            r["sgemm_beside"] = max(before + after)


def median(layers, mb, impl, threads=1):
    runs = epochs.get((layers, mb, impl, threads))
    return statistics.median(runs) if runs else None


def shown(layers):
    """"784,30,10" as the README writes it: 784, 30, 10."""
    return layers.replace(",", ", ")


def each(impl):
    return [r for r in rows if r["impl"] == impl]


core = next((r["core"] for r in rows if "core" in r), "?")
kernels = next((r["kernels"] for r in each("backprop") if r["threads"] == 1), "?")
sgemm = {r["threads"]: statistics.median(x["gflops"] for x in each("sgemm") if x["threads"] == r["threads"])
         for r in each("sgemm")}
machine = next(iter(each("machine")), {})
if machine:
    chosen = (f"forced by BACKPROP_ISA={machine['backprop_isa']}" if machine["kernels"] != machine["cpu_best"]
              else "the best this CPU has")
    print(f"Measured on: {machine['cpu']}; the kernels' instruction set: {machine['kernels']} ({chosen}).")
print(f"Kernels in use: {kernels}. BLAS: {core}; its sgemm on 2048×2048 matrices: {sgemm.get(1, 0):.0f} GFLOP/s "
      f"on one core, {sgemm.get(2, 0):.0f} on two.\n")

peers = [("backprop-blas", "backprop, BLAS path"), ("numpy", "numpy"), ("pytorch-manual", "PyTorch hand-written"),
         ("pytorch-autograd", "PyTorch autograd"), ("jax-step", "JAX jit per step"), ("jax-scan", "JAX lax.scan")]
print("| network | mini-batch | backprop | GFLOP/s | " + " | ".join(name for _, name in peers) + " |")
print("|---|---:|---:|---:|" + "---:|" * len(peers))
small = sorted({(k[0], k[1]) for k in epochs if k[3] == 1 and k[2] == "backprop"}, key=lambda k: (len(k[0]), k[0], k[1]))
gflop = {(r["layers"], r["mb"]): r["gflop_per_epoch"] for r in rows if "gflop_per_epoch" in r}
for layers, mb in small:
    ours = median(layers, mb, "backprop")

    def cell(impl):
        seconds = median(layers, mb, impl)
        return "–" if seconds is None else f"{seconds:.3f} s ({seconds / ours:.1f}×)"
    print(f"| [{shown(layers)}] | {mb} | **{ours:.3f} s** | {gflop[(layers, mb)] / ours:.0f} | "
          + " | ".join(cell(impl) for impl, _ in peers) + " |")
print("\nSeconds per epoch of 50,000 images, one core (median); in brackets, how many times longer than "
      "backprop. GFLOP/s counts the dense products' arithmetic (forward, BP2, BP4) per second, "
      "the skipped zero inputs included, so it can exceed what the core can do.")


def shares(layers, impl):
    """Each two-core run's rate over the sgemm rate measured beside it, in run order."""
    return [gflop[(layers, 100)] / r["median_s"] / r["sgemm_beside"] for r in rows
            if r["impl"] == impl and r.get("threads") == 2 and r.get("layers") == layers and "sgemm_beside" in r]


large = sorted({(k[0], k[1]) for k in epochs if k[3] == 2}, key=lambda k: (len(k[0]), k[0]))
if large:
    print("\n| network (mini-batch 100, two threads) | backprop | GFLOP/s | share of 2-core sgemm | BLAS path | GFLOP/s | share |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for layers, mb in large:
        cells = []
        for impl in ("backprop", "backprop-blas"):
            seconds = median(layers, mb, impl, 2)
            if seconds is None:
                cells += ["(BLAS path)", "", ""]
                continue
            each_share = shares(layers, impl)
            cells += [f"{seconds:.3f} s", f"{gflop[(layers, mb)] / seconds:.0f}",
                      f"{100 * statistics.median(each_share):.0f}% ({', '.join(f'{100 * x:.0f}' for x in each_share)})"]
        print(f"| [{shown(layers)}] | " + " | ".join(cells) + " |")
    print("\nShare: the epoch's GFLOP/s over OpenBLAS's 2-core sgemm rate measured right before and right after "
          "that run (the higher of the two), median over the runs, each run's in brackets.")

products = each("products")
if products:
    layers = products[0]["layers"]
    seconds = statistics.median(r["seconds"] for r in products)
    rate = statistics.median(r["gflops"] for r in products)
    share = statistics.median(r["gflops"] / r["sgemm_beside"] for r in products if "sgemm_beside" in r)
    epoch = median(layers, 100, "backprop-blas", 2)
    print(f"\nOpenBLAS alone on the products of [{shown(layers)}]'s epoch (the same shapes and transposes, "
          f"two threads, random numbers): {seconds:.3f} s, {rate:.0f} GFLOP/s, {100 * share:.0f}% "
          f"of its 2-core sgemm on large squares measured beside it"
          + (f"; backprop's matrix path took {epoch:.3f} s for the whole epoch, {100 * seconds / epoch:.0f}% of it "
             f"those products alone." if epoch else "."))


def bandwidth_median(kind):  # GB/s per buffer size, median over the rounds
    sizes = {r["kilobytes"] for r in each("bandwidth")}
    return {kb: statistics.median(r[kind] for r in each("bandwidth") if r["kilobytes"] == kb) for kb in sizes}


read, update = bandwidth_median("read_gbs"), bandwidth_median("update_gbs")
nonzero = next((r["nonzero_per_image"] for r in each("load") if "nonzero_per_image" in r), None)
if read:
    print("\nOne core's cache bandwidth (`Benchmarks/tools/memory_bandwidth.c`, GB/s, reading / reading and writing "
          "back): " + "; ".join(f"{kb} KB {read[kb]:.0f} / {update[kb]:.0f}" for kb in sorted(read)) + ".")
if read and nonzero:
    # The kernels' first layer moves one row of weights (neurons padded to 16 floats) per nonzero
    # pixel: read in the forward pass, read and written back in BP4; evaluation only reads.
    def gigabytes(images, neurons):
        return images * nonzero * ((neurons + 15) // 16 * 16 * 4) / 1e9  # one padded row per nonzero pixel

    floors = []
    for neurons, kb in ((30, 100), (100, 352)):  # weights of 100 and 352 KB
        moved = gigabytes(50000, neurons)
        floors.append(f"[784, {neurons}, 10] {moved / read[kb] + moved / update[kb]:.3f} s per epoch")
    evaluation_floor = gigabytes(10000, 30) / read[100]
    print(f"The kernels' first layer at that bandwidth ({nonzero:.1f} nonzero pixels per image, a row of weights "
          f"moved per nonzero pixel) cannot take less than: " + ", ".join(floors)
          + f" (any mini-batch size); evaluating [784, 30, 10] on 10,000 images {1000 * evaluation_floor:.1f} ms.")

load = [r["seconds"] for r in each("load")]
evaluation = {r["kernels"]: [] for r in each("evaluate")}
for r in each("evaluate"):
    evaluation[r["kernels"]].append(r["seconds"])
full_runs = list(each("full-run"))
full = None
if full_runs:  # the median run by wall time, with its peak memory (the largest seen)
    full = dict(sorted(full_runs, key=lambda r: r["wall_s"])[len(full_runs) // 2])
    full["peak_rss_mb"] = max(r["peak_rss_mb"] for r in full_runs)
    full["walls"] = sorted(r["wall_s"] for r in full_runs)
print()
if load:
    print(f"- Loading MNIST from the gzipped files: {statistics.median(load):.3f} s.")
if evaluation:
    print("- Evaluating [784, 30, 10] on the 10,000 test images: " + ", ".join(
        f"{1000 * statistics.median(v):.1f} ms ({'BLAS path' if k == 'blas' else k})" for k, v in evaluation.items()) + ".")
if full:
    peaks = {r["impl"]: r["peak_rss_mb"] for r in rows if "peak_rss_mb" in r and r["impl"] != "full-run"}
    peer_peaks = ", ".join(f"{impl} {mb:.0f} MB" for impl, mb in sorted(peaks.items()))
    print(f"- `backprop train` (the book's first experiment: loading, 30 epochs, evaluation after each): "
          f"{full['wall_s']:.2f} s wall (median of {len(full['walls'])}: "
          f"{', '.join(f'{w:.2f}' for w in full['walls'])} s), peak memory {full['peak_rss_mb'] / 1024:.0f} MB "
          f"(the peers' benchmark runs peaked at: {peer_peaks}).")

# The speed goals. They are stated for a 2-core Zen 5 with AVX-512, in seconds; machines
# differ, so each per-epoch target is also read as the ratio to JAX's lax.scan it meant there
# (JAX-scan measured there: 0.11 / 0.058 s for [784, 30, 10], 0.20 / 0.116 s for [784, 100, 10]).
print("\n| goal (stated for a 2-core Zen 5) | as a ratio to JAX lax.scan | here | met here? |")
print("|---|---|---|---|")
# Each round times ours and JAX a minute or so apart, so the ratio is taken round by round (the
# machine's speed drifts between rounds) and its median compared with the target.
for layers, mb, target, jax_there in [("784,30,10", 10, 0.05, 0.11), ("784,100,10", 10, 0.10, 0.20),
                                      ("784,30,10", 100, 0.03, 0.058), ("784,100,10", 100, 0.06, 0.116)]:
    ours_runs, jax_runs = epochs.get((layers, mb, "backprop", 1)), epochs.get((layers, mb, "jax-scan", 1))
    if not ours_runs or not jax_runs:
        continue
    ratios = [jax / ours for ours, jax in zip(ours_runs, jax_runs)]
    ratio, need = statistics.median(ratios), jax_there / target
    print(f"| [{shown(layers)}], mini-batch {mb}: ≤ {target} s | ≥ {need:.2f}× faster | "
          f"{median(layers, mb, 'backprop'):.3f} s; {ratio:.2f}× faster than JAX "
          f"(round by round: {', '.join(f'{x:.2f}' for x in ratios)}) | {'yes' if ratio >= need else 'no'} |")
for layers, _ in large:  # the faster of the two paths (the matrix path alone for the largest)
    share = max(statistics.median(x) for x in (shares(layers, "backprop"), shares(layers, "backprop-blas")) if x)
    print(f"| [{shown(layers)}], mini-batch 100, two threads: ≥ 70% of 2-core sgemm | – | "
          f"{100 * share:.0f}% | {'yes' if share >= 0.7 else 'no'} |")
if full:
    print(f"| `backprop train` end to end ≤ 2 s | – | {full['wall_s']:.2f} s | {'yes' if full['wall_s'] <= 2 else 'no'} |")
if load:
    print(f"| loading MNIST ≤ 0.2 s | – | {statistics.median(load):.3f} s | {'yes' if statistics.median(load) <= 0.2 else 'no'} |")
if full:
    peak = full["peak_rss_mb"] / 1024
    print(f"| peak memory of that run ≤ 120 MB | – | {peak:.0f} MB | {'yes' if peak <= 120 else 'no'} |")
fast = [v for k, v in evaluation.items() if k != "blas"]
if fast:
    seconds = statistics.median(fast[0])
    print(f"| evaluating 10,000 test images ≤ 5 ms | – | {1000 * seconds:.1f} ms | {'yes' if seconds <= 0.005 else 'no'} |")
