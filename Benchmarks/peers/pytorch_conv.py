"""network3.py's two-conv-pool ReLU network in PyTorch on the CPU, as `backprop-benchmark chapter6`
and `backprop train --layers conv:20x5x5,pool:2,conv:40x5x5,pool:2,fc:100,softmax:10` train it.

conv 20×5×5, max-pool 2, conv 40×5×5, max-pool 2, FC 100, softmax 10, ReLU; log-likelihood cost
(the mean over a mini-batch) with L2 weight decay λ/n on the weights (not the biases), plain SGD,
the training images shuffled each epoch. Prints one JSON line per epoch: its training seconds,
the test accuracy after it, and the training seconds so far; then a summary line with the median
epoch, the seconds to the first epoch at or above --target, and the peak resident memory.

    MNIST_DIR=… python3 pytorch_conv.py --threads 2 --epochs 1 [--training-size 10000]
"""
import argparse
import json
import resource
import time

import numpy as np
import torch
from torch import nn

from mnist_data import load

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--training-size", type=int, default=50000)
parser.add_argument("--mini-batch-size", type=int, default=10)
parser.add_argument("--eta", type=float, default=0.03)
parser.add_argument("--lmbda", type=float, default=0.1)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--target", type=float, default=0.99, help="stop after the first epoch at or above this test accuracy")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
train_x, train_y, test_x, test_y = load()
n = min(args.training_size, len(train_x))
train_x = torch.from_numpy(train_x[:n]).reshape(-1, 1, 28, 28)
train_y = torch.from_numpy(train_y[:n])
test_x = torch.from_numpy(test_x).reshape(-1, 1, 28, 28)
test_y = torch.from_numpy(test_y)

model = nn.Sequential(
    nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(20, 40, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(40 * 4 * 4, 100), nn.ReLU(), nn.Linear(100, 10))
weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
# network3.py's cost: mean log-likelihood + (λ/2n)·Σw², so each step subtracts η·(λ/n)·w.
optimizer = torch.optim.SGD([{"params": weights, "weight_decay": args.lmbda / n}, {"params": biases}], lr=args.eta)
loss_function = nn.CrossEntropyLoss()
generator = np.random.default_rng(args.seed)


def accuracy():
    model.eval()
    with torch.no_grad():
        correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                      for i in range(0, len(test_x), 1000))
    model.train()
    return correct / len(test_x)


seconds, total, reached = [], 0.0, None
for epoch in range(args.epochs):
    order = torch.from_numpy(generator.permutation(n))
    start = time.perf_counter()
    for i in range(0, n, args.mini_batch_size):
        batch = order[i:i + args.mini_batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss_function(model(train_x[batch]), train_y[batch]).backward()
        optimizer.step()
    elapsed = time.perf_counter() - start
    seconds.append(elapsed)
    total += elapsed
    test = accuracy()
    print(json.dumps({"impl": "pytorch", "epoch": epoch, "seconds": elapsed, "training_seconds_so_far": total,
                      "test_accuracy": test}), flush=True)
    if reached is None and test >= args.target:
        reached = total
        break
print(json.dumps({
    "impl": "pytorch", "network": "chapter6", "images": n, "threads": args.threads, "mb": args.mini_batch_size,
    "median_s": float(np.median(seconds)), "per_50000_s": float(np.median(seconds)) * 50000 / n,
    "seconds_to_target": reached, "target": args.target, "torch": torch.__version__,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
