#!/usr/bin/env python3
"""The book's network in PyTorch with autograd and torch.optim.SGD (float32, one thread)."""
import time

import numpy as np
import torch

import mnist_data

torch.set_num_threads(1)
torch.manual_seed(1)
args = mnist_data.options()
train_x, train_y, test_x, test_y = (torch.from_numpy(v) for v in mnist_data.load())
sizes = args.layers
layers = [torch.nn.Linear(k, n) for k, n in zip(sizes[:-1], sizes[1:])]
for layer in layers:
    torch.nn.init.normal_(layer.weight)
    torch.nn.init.normal_(layer.bias)
model = torch.nn.Sequential(*[part for layer in layers for part in (layer, torch.nn.Sigmoid())])
# The book's cost is the mean over the batch of ½‖a − y‖², so its gradient is (1/m) Σₓ ∂Cₓ/∂w.
optimizer = torch.optim.SGD(model.parameters(), lr=args.eta)
eye = torch.eye(sizes[-1])
m = args.mini_batch_size

seconds = []
for epoch in range(args.epochs):
    order = torch.randperm(len(train_x))
    start = time.perf_counter()
    for k in range(0, len(order), m):
        batch = order[k:k + m]
        output = model(train_x[batch])
        loss = 0.5 * ((output - eye[train_y[batch]]) ** 2).sum() / len(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds.append(time.perf_counter() - start)

with torch.no_grad():
    accuracy = float((model(test_x).argmax(dim=1) == test_y).float().mean())
mnist_data.report("pytorch-autograd", args, seconds, accuracy)
