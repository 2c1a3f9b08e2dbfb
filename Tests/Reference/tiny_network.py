#!/usr/bin/env python3
"""Golden values for GoldenValueTests.swift, computed independently of the Swift code.

Plain Python (no numpy), written from the book's equations: a [2, 3, 2] sigmoid network with
fixed weights, the quadratic cost, one example, and the first outputs of xoshiro256** seeded
through SplitMix64. Rerun with `python3 Tests/Reference/tiny_network.py` and paste the output
into Tests/BackpropTests/GoldenValueTests.swift if the network or the example changes.
"""
import math

w = [
    [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]],          # w² (3 neurons × 2 inputs)
    [[0.7, -0.8, 0.2], [-0.3, 0.5, 0.9]],            # w³ (2 neurons × 3 inputs)
]
b = [[0.1, -0.1, 0.2], [-0.2, 0.3]]
x = [0.5, 0.9]
y = [1.0, 0.0]

sigmoid = lambda z: 1.0 / (1.0 + math.exp(-z))
sigmoid_prime = lambda z: sigmoid(z) * (1.0 - sigmoid(z))

activations, zs = [x], []
for wl, bl in zip(w, b):
    z = [sum(wjk * ak for wjk, ak in zip(row, activations[-1])) + bj for row, bj in zip(wl, bl)]
    zs.append(z)
    activations.append([sigmoid(v) for v in z])

deltas = [None, None]
deltas[1] = [(a - t) * sigmoid_prime(z) for a, t, z in zip(activations[2], y, zs[1])]   # BP1
deltas[0] = [sum(w[1][j][k] * deltas[1][j] for j in range(2)) * sigmoid_prime(zs[0][k])  # BP2
             for k in range(3)]
nabla_w = [[[d * a for a in activations[l]] for d in deltas[l]] for l in range(2)]       # BP4
cost = 0.5 * sum((a - t) ** 2 for a, t in zip(activations[2], y))

print("z", [repr(v) for l in zs for v in l])
print("a", [repr(v) for l in activations[1:] for v in l])
print("delta", [repr(v) for l in deltas for v in l])
print("nablaW", [repr(v) for l in nabla_w for row in l for v in row])
print("cost", repr(cost))

MASK = (1 << 64) - 1
def rotl(v, k):
    return ((v << k) | (v >> (64 - k))) & MASK

def xoshiro(seed, count):
    s, state = seed, []
    for _ in range(4):
        s = (s + 0x9E3779B97F4A7C15) & MASK
        z = s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        state.append(z ^ (z >> 31))
    out = []
    for _ in range(count):
        out.append((rotl((state[1] * 5) & MASK, 7) * 9) & MASK)
        t = (state[1] << 17) & MASK
        state[2] ^= state[0]; state[3] ^= state[1]; state[1] ^= state[2]; state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
    return out

print("xoshiro seed 1", xoshiro(1, 3))
print("xoshiro seed 42", xoshiro(42, 3))
