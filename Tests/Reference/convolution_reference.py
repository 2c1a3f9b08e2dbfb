#!/usr/bin/env python3
"""A convolution and a max-pooling layer forward and back, computed independently of the Swift
code for ConvolutionReferenceTests.swift, from chapter 6's definitions with plain loops.

Reads JSON on standard input: "input" [depth][height][width], "kernels" [maps][depth][k][k],
"biases" [maps], "activation" (sigmoid, tanh or relu), "pool" (the window side s) and
"deltaPooled" [maps][height'/s][width'/s] (∂C/∂ of the pooled outputs). Prints JSON: "z" and
"pooled" of the forward pass, and the backward pass's "deltaZ" (δ of the convolution, routed
through pooling to each window's first maximum in row-major order, times σ′(z)), "nablaB"
(BP3: δ summed over each map), "nablaW" (BP4: the input correlated with δ) and "deltaInput"
(BP2: δ correlated with the flipped kernels, the full correlation).
"""
import json, math, sys

def sigma(name, z):
    if name == "sigmoid":
        return 1 / (1 + math.exp(-z))
    if name == "tanh":
        return math.tanh(z)
    return z if z > 0 else 0.0

def sigma_prime(name, z):
    if name == "sigmoid":
        s = 1 / (1 + math.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - math.tanh(z) ** 2
    return 1.0 if z > 0 else 0.0

spec = json.load(sys.stdin)
x, w, b, act, s = spec["input"], spec["kernels"], spec["biases"], spec["activation"], spec["pool"]
depth, height, width = len(x), len(x[0]), len(x[0][0])
maps, k = len(w), len(w[0][0])
oh, ow = height - k + 1, width - k + 1

z = [[[b[m] + sum(w[m][d][p][q] * x[d][i + p][j + q] for d in range(depth) for p in range(k) for q in range(k))
       for j in range(ow)] for i in range(oh)] for m in range(maps)]
a = [[[sigma(act, z[m][i][j]) for j in range(ow)] for i in range(oh)] for m in range(maps)]

pooled, argmax = [], []
for m in range(maps):
    rows, where = [], []
    for u in range(oh // s):
        row, row_where = [], []
        for v in range(ow // s):
            best = (u * s, v * s)
            for i in range(u * s, u * s + s):
                for j in range(v * s, v * s + s):
                    if a[m][i][j] > a[m][best[0]][best[1]]:
                        best = (i, j)
            row.append(a[m][best[0]][best[1]])
            row_where.append(best)
        rows.append(row)
        where.append(row_where)
    pooled.append(rows)
    argmax.append(where)

delta_a = [[[0.0] * ow for _ in range(oh)] for _ in range(maps)]
for m in range(maps):
    for u in range(oh // s):
        for v in range(ow // s):
            i, j = argmax[m][u][v]
            delta_a[m][i][j] += spec["deltaPooled"][m][u][v]
delta_z = [[[delta_a[m][i][j] * sigma_prime(act, z[m][i][j]) for j in range(ow)] for i in range(oh)] for m in range(maps)]

nabla_b = [sum(delta_z[m][i][j] for i in range(oh) for j in range(ow)) for m in range(maps)]
nabla_w = [[[[sum(delta_z[m][i][j] * x[d][i + p][j + q] for i in range(oh) for j in range(ow))
              for q in range(k)] for p in range(k)] for d in range(depth)] for m in range(maps)]
delta_input = [[[sum(delta_z[m][yy - p][xx - q] * w[m][d][p][q]
                     for m in range(maps) for p in range(k) for q in range(k)
                     if 0 <= yy - p < oh and 0 <= xx - q < ow)
                 for xx in range(width)] for yy in range(height)] for d in range(depth)]

json.dump({"z": z, "pooled": pooled, "deltaZ": delta_z, "nablaB": nabla_b, "nablaW": nabla_w,
           "deltaInput": delta_input}, sys.stdout)
