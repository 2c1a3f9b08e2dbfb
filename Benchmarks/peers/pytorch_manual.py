#!/usr/bin/env python3
"""The book's network in PyTorch with backpropagation written out by hand (BP1–BP4 as matrix
products over the mini-batch, examples as rows), float32, one thread, no autograd."""
import time

import torch

import mnist_data

torch.set_num_threads(1)
torch.manual_seed(1)
args = mnist_data.options()
train_x, train_y, test_x, test_y = (torch.from_numpy(v) for v in mnist_data.load())
sizes = args.layers
w = [torch.randn(n, k) for k, n in zip(sizes[:-1], sizes[1:])]
b = [torch.randn(n) for n in sizes[1:]]
eye = torch.eye(sizes[-1])
m = args.mini_batch_size

seconds = []
with torch.no_grad():
    for epoch in range(args.epochs):
        order = torch.randperm(len(train_x))
        start = time.perf_counter()
        for k in range(0, len(order), m):
            batch = order[k:k + m]
            a = train_x[batch]
            activations, sps = [a], []
            for wl, bl in zip(w, b):
                a = torch.sigmoid(torch.addmm(bl, a, wl.T))
                activations.append(a)
                sps.append(a * (1 - a))
            delta = (a - eye[train_y[batch]]) * sps[-1]             # BP1
            scale = -args.eta / len(batch)
            for l in range(len(w) - 1, -1, -1):
                nabla_b = delta.sum(dim=0)                          # BP3
                previous = (delta @ w[l]) * sps[l - 1] if l > 0 else None  # BP2
                w[l].addmm_(delta.T, activations[l], alpha=scale)   # BP4, applied in place
                b[l].add_(nabla_b, alpha=scale)
                delta = previous
        seconds.append(time.perf_counter() - start)

    a = test_x
    for wl, bl in zip(w, b):
        a = torch.sigmoid(a @ wl.T + bl)
    accuracy = float((a.argmax(dim=1) == test_y).float().mean())
mnist_data.report("pytorch-manual", args, seconds, accuracy)
