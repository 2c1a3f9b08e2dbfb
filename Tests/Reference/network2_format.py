#!/usr/bin/env python3
"""Fixtures for the network2.py JSON format, made independently of the Swift code.

  python3 Tests/Reference/network2_format.py write DIR   # writes DIR/network2-fixture.json and
                                                          # DIR/network2-fixture-expected.json
  python3 Tests/Reference/network2_format.py check FILE x1,x2,...
                                                          # loads FILE as network2.load does and
                                                          # prints the output for input x as JSON

`write` saves a [3, 4, 2] cross-entropy network exactly as network2.py's Network.save does
(json.dump of sizes, weights as lists of rows, biases as lists of one-element lists, and the
cost class's name), with weights from Python's own seeded generator, and the network's output
for one input computed as network2.py's feedforward does. Plain Python: no numpy needed.
"""
import json
import math
import random
import sys


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def feedforward(sizes, weights, biases, x):
    a = x
    for w, b in zip(weights, biases):
        a = [sigmoid(sum(wjk * ak for wjk, ak in zip(row, a)) + bj[0]) for row, bj in zip(w, b)]
    return a


def write(directory):
    rng = random.Random(2026)
    sizes = [3, 4, 2]
    weights = [[[rng.gauss(0, 1) / math.sqrt(k) for _ in range(k)] for _ in range(n)] for k, n in zip(sizes[:-1], sizes[1:])]
    biases = [[[rng.gauss(0, 1)] for _ in range(n)] for n in sizes[1:]]
    data = {"sizes": sizes, "weights": weights, "biases": biases, "cost": "CrossEntropyCost"}
    with open(f"{directory}/network2-fixture.json", "w") as f:
        json.dump(data, f)
    x = [0.25, 0.5, 0.75]
    with open(f"{directory}/network2-fixture-expected.json", "w") as f:
        json.dump({"input": x, "output": feedforward(sizes, weights, biases, x)}, f)


def check(path, x):
    # As network2.load: read the JSON, look the cost up by name, take sizes, weights and biases.
    with open(path) as f:
        data = json.load(f)
    cost = {"QuadraticCost": "quadratic", "CrossEntropyCost": "cross-entropy"}[data["cost"]]
    sizes, weights, biases = data["sizes"], data["weights"], data["biases"]
    for (k, n), w, b in zip(zip(sizes[:-1], sizes[1:]), weights, biases):
        assert len(w) == n and all(len(row) == k for row in w), "weights shape"
        assert len(b) == n and all(len(v) == 1 for v in b), "biases shape"
    print(json.dumps({"cost": cost, "output": feedforward(sizes, weights, biases, x)}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        check(sys.argv[2], [float(v) for v in sys.argv[3].split(",")])
