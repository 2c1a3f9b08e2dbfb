#!/usr/bin/env python3
"""Reads a safetensors network written by backprop with the `safetensors` package and numpy,
independently of the Swift code, and runs its forward pass.

  python3 Tests/Reference/safetensors_format.py check FILE x1,x2,...
      loads FILE with safetensors.numpy, reads the layout from the metadata as
      Sources/Backprop/Backprop.docc/ModelFiles.md describes it, and prints as JSON the output for input x, computed
      in float64, with each tensor's dtype and shape.
  python3 Tests/Reference/safetensors_format.py write FILE
      writes a [3, 4, 2] network with numpy's own seeded generator as float64, no metadata
      (so backprop reads it as sigmoid layers with the quadratic cost), and prints as JSON its
      output for x = [0.25, 0.5, 0.75].

Needs numpy and safetensors (scripts/install-dependencies installs both).
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def activate(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "linear":
        return z
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    raise ValueError(f"unknown activation {name}")


def feedforward(tensors, metadata, x):
    sizes = json.loads(metadata["layer_sizes"]) if "layer_sizes" in metadata else None
    count = len(sizes) - 1 if sizes else len([k for k in tensors if k.endswith(".weight")])
    activations = json.loads(metadata.get("activations", json.dumps(["sigmoid"] * count)))
    a = np.asarray(x, dtype=np.float64)
    for i in range(count):
        w = tensors[f"layers.{i}.weight"].astype(np.float64)  # [neurons, inputs], row-major
        b = tensors[f"layers.{i}.bias"].astype(np.float64)    # [neurons]
        z = w @ a + b
        modified = json.loads(metadata.get(f"layers.{i}.neuron_activations", "{}"))
        if modified:
            a = np.array([activate(modified.get(str(j), activations[i]), z[j:j + 1])[0] for j in range(len(z))])
        else:
            a = activate(activations[i], z)
    return a


def check(path, x):
    tensors = load_file(path)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    output = feedforward(tensors, metadata, x)
    print(json.dumps({
        "output": output.tolist(),
        "cost": metadata.get("cost"),
        "tensors": {name: {"dtype": str(t.dtype), "shape": list(t.shape)} for name, t in sorted(tensors.items())},
    }))


def write(path):
    rng = np.random.default_rng(2026)
    sizes = [3, 4, 2]
    tensors = {}
    for i, (k, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        tensors[f"layers.{i}.weight"] = rng.standard_normal((n, k)) / np.sqrt(k)
        tensors[f"layers.{i}.bias"] = rng.standard_normal(n)
    save_file(tensors, path)
    x = [0.25, 0.5, 0.75]
    print(json.dumps({"input": x, "output": feedforward(tensors, {}, x).tolist()}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        check(sys.argv[2], [float(v) for v in sys.argv[3].split(",")])
