#!/usr/bin/env python3
"""The book's network with fully matrix-based mini-batch backpropagation in numpy (float32):
the same work as `backprop train`, one mini-batch as one matrix (examples as columns)."""
import time

import numpy as np

import mnist_data

args = mnist_data.options()
rng = np.random.default_rng(1)
train_x, train_y, test_x, test_y = mnist_data.load()
sizes = args.layers
w = [rng.standard_normal((n, k)).astype(np.float32) for k, n in zip(sizes[:-1], sizes[1:])]
b = [rng.standard_normal((n, 1)).astype(np.float32) for n in sizes[1:]]
eye = np.eye(sizes[-1], dtype=np.float32)
m, eta = args.mini_batch_size, np.float32(args.eta)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


seconds = []
for epoch in range(args.epochs):
    order = rng.permutation(len(train_x))
    start = time.perf_counter()
    for k in range(0, len(order), m):
        batch = order[k:k + m]
        a = train_x[batch].T
        y = eye[:, train_y[batch]]
        activations, sps = [a], []
        for wl, bl in zip(w, b):
            a = sigmoid(wl @ a + bl)
            activations.append(a)
            sps.append(a * (1 - a))
        delta = (a - y) * sps[-1]                                   # BP1
        for l in range(len(w) - 1, -1, -1):
            nabla_w = delta @ activations[l].T                      # BP4
            nabla_b = delta.sum(axis=1, keepdims=True)              # BP3
            if l > 0:
                delta = (w[l].T @ delta) * sps[l - 1]               # BP2
            w[l] -= (eta / len(batch)) * nabla_w
            b[l] -= (eta / len(batch)) * nabla_b
    seconds.append(time.perf_counter() - start)

a = test_x.T
for wl, bl in zip(w, b):
    a = sigmoid(wl @ a + bl)
mnist_data.report("numpy", args, seconds, float((a.argmax(axis=0) == test_y).mean()))
