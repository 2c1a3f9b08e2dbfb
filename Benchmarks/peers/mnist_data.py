"""Loads MNIST from the gzipped IDX files for the peer benchmarks (the book's split)."""
import gzip
import os

import numpy as np


def load(directory=None):
    """Returns (train_x, train_y, test_x, test_y): float32 images as rows scaled to [0, 1] and
    integer labels; training is the first 50,000 of the training file."""
    directory = directory or os.environ.get("MNIST_DIR", "")

    def read(name, offset):
        with gzip.open(os.path.join(directory, name + ".gz"), "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)

    train_x = read("train-images-idx3-ubyte", 16).reshape(-1, 784)[:50000].astype(np.float32) / 255
    train_y = read("train-labels-idx1-ubyte", 8)[:50000].astype(np.int64)
    test_x = read("t10k-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float32) / 255
    test_y = read("t10k-labels-idx1-ubyte", 8).astype(np.int64)
    return train_x, train_y, test_x, test_y


def options():
    """--layers 784,30,10 --mini-batch-size 10 --epochs 3, as for the Swift benchmark."""
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", default="784,30,10")
    parser.add_argument("--mini-batch-size", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--eta", type=float, default=3.0)
    args = parser.parse_args()
    args.layers = [int(v) for v in args.layers.split(",")]
    return args


def report(impl, args, seconds, accuracy):
    import json
    import resource
    print(json.dumps({
        "impl": impl, "layers": ",".join(map(str, args.layers)), "mb": args.mini_batch_size,
        "threads": 1, "median_s": float(np.median(seconds)), "min_s": float(min(seconds)),
        "test_accuracy": accuracy,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
