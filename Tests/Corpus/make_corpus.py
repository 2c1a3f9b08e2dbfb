#!/usr/bin/env python3
"""Writes the hostile-input corpus: malformed IDX, gzip and model files, and nonsense command
lines, each with the error and exit status `backprop` must give. Rerun after changing a case:

    python3 Tests/Corpus/make_corpus.py

Files go to Tests/Corpus/files/, the list to Tests/Corpus/cases.tsv (name, kind, exit status,
a fragment the error message must contain). Kinds: images and labels (put in place of MNIST's
training file in an otherwise valid folder), model (a model file), cli (arguments).
"""
import gzip
import json
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
files = os.path.join(here, "files")
os.makedirs(files, exist_ok=True)
cases = []


def idx(dims, data=b"", type_code=0x08):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + data


def images(count, side=28, rows=None):
    return idx([count, rows or side, side], bytes((i * 7) % 256 for i in range(count * (rows or side) * side)))


def add(name, kind, content, status, message):
    if content is not None:
        with open(os.path.join(files, name), "wb") as f:
            f.write(content)
    cases.append((name, kind, status, message))


# IDX images.
add("empty", "images", b"", 1, "truncated")
add("three-bytes", "images", b"\x00\x00\x08", 1, "truncated")
add("bad-magic", "images", b"\x01" + images(2)[1:], 1, "not an IDX file")
add("float-type", "images", idx([2, 28, 28], bytes(2 * 784), 0x0D), 1, "not an IDX file")
add("one-dimension", "images", idx([5], bytes(5)), 1, "has 1 dimensions, expected 3")
add("four-dimensions", "images", idx([1, 1, 28, 28], bytes(784)), 1, "has 4 dimensions, expected 3")
add("header-cut", "images", idx([2, 28, 28])[:9], 1, "truncated")
add("overflowing-dimensions", "images", idx([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF]), 1, "overflow")
add("claims-4-billion-images", "images", idx([0xFFFFFFFF, 28, 28], bytes(100)), 1, "truncated")
add("data-cut", "images", images(12)[:16 + 784 * 11 + 300], 1, "truncated")
add("trailing-garbage", "images", images(12) + b"extra", 1, "has data beyond")
add("no-images", "images", idx([0, 28, 28]), 1, "has 0 images but")
add("27-rows", "images", images(12, rows=27), 1, "are not images of 28×28")
add("zero-size-images", "images", idx([12, 0, 0]), 1, "are not images of 28×28")
add("plain.gz", "images", images(12), 1, "not a gzip file")
add("cut.gz", "images", gzip.compress(images(12))[:300], 1, "corrupt gzip data")
add("garbage-after.gz", "images", gzip.compress(images(12)) + b"garbage", 1, "bytes follow the end of the gzip stream")
data = bytearray(gzip.compress(images(12)))
data[-4:] = struct.pack("<I", 20)  # the trailer's size: 20 bytes
add("small-trailer.gz", "images", bytes(data), 1, "gzip trailer records only 20")
data = bytearray(gzip.compress(images(12)))
for i in range(30, 60):
    data[i] ^= 0x5A
add("scrambled.gz", "images", bytes(data), 1, "corrupt gzip data")
add("header-only.gz", "images", gzip.compress(b"")[:10], 1, "corrupt gzip data")
add("empty.gz", "images", b"", 1, "not a gzip file")
add("wrong-count.gz", "images", gzip.compress(images(11)), 1, "has 11 images but")

# IDX labels (the images beside them are 12 valid ones).
add("label-10", "labels", idx([12], bytes([1] * 11 + [10])), 1, "label 11 is 10")
add("label-255", "labels", idx([12], bytes([255] + [1] * 11)), 1, "label 0 is 255")
add("eleven-labels", "labels", idx([11], bytes(11)), 1, "12 images but")
add("labels-3-dimensions", "labels", idx([12, 1, 1], bytes(12)), 1, "has 3 dimensions, expected 1")
add("labels-cut", "labels", idx([12], bytes(5)), 1, "truncated")
add("labels-plain.gz", "labels", idx([12], bytes(12)), 1, "not a gzip file")
add("labels-trailing", "labels", idx([12], bytes(13)), 1, "has data beyond")

# Model files.
def layer(weights, biases, activation=None, **extra):
    value = {"weights": weights, "biases": biases, **extra}
    if activation:
        value["activation"] = activation
    return value


def model(layers, cost="quadratic", sizes=None, version=1, **extra):
    return json.dumps({"format": "backprop-model", "version": version, "layerSizes": sizes or [len(layers[0]["weights"][0])] + [len(l["weights"]) for l in layers] if layers else sizes or [1, 1],
                       "network": {"layers": layers, "cost": cost}, **extra}).encode()


good = [layer([[0.1, 0.2], [0.3, 0.4]], [0, 0]), layer([[1, -1]], [0])]
add("model-empty", "model", b"", 1, "not valid JSON")
add("model-text", "model", b"a network", 1, "not valid JSON")
add("model-array", "model", b"[1, 2, 3]", 1, "not a model file")
add("model-string", "model", b'"model"', 1, "not valid JSON")
add("model-other-format", "model", b'{"format": "keras", "version": 1}', 1, "not a model file")
add("model-no-version", "model", b'{"format": "backprop-model"}', 1, "missing format version")
add("model-future-version", "model", model(good, version=2), 1, "version 2 is newer")
add("model-version-0", "model", model(good, version=0), 1, "version 0 is newer")
add("model-ragged-rows", "model", model([layer([[0.1, 0.2], [0.3]], [0, 0])], sizes=[2, 2]), 1, "differ in length")
add("model-bias-count", "model", model([layer([[0.1, 0.2]], [0, 0])], sizes=[2, 1]), 1, "2 biases for a layer of 1 neurons")
add("model-sizes-mismatch", "model", model(good, sizes=[3, 2, 1]), 1, "do not match the weights")
add("model-unknown-activation", "model", model([layer([[1.0, 2.0]], [0], "swish")], sizes=[2, 1]), 1, "swish")
add("model-unknown-cost", "model", model(good, cost="hinge"), 1, "hinge")
add("model-softmax-hidden", "model", model([layer([[0.1, 0.2], [0.3, 0.4]], [0, 0], "softmax"), layer([[1, -1]], [0])]), 1, "softmax is for the output layer only")
add("model-cross-entropy-tanh", "model", model([layer([[0.1, 0.2]], [0], "tanh")], cost="crossEntropy", sizes=[2, 1]), 1, "needs outputs in (0, 1)")
add("model-no-layers", "model", model([], sizes=[1, 1]), 1, "at least one layer")
add("model-no-inputs", "model", model([layer([[]], [0])], sizes=[0, 1]), 1, "no neurons or no inputs")
add("model-huge-number", "model", model([layer([[1.0, 2.0]], [0])], sizes=[2, 1]).replace(b"2.0", b"1e999"), 1, "not valid JSON")
add("model-nan-string", "model", model([layer([[1.0, 2.0]], [0])], sizes=[2, 1]).replace(b"2.0", b'"NaN"'), 1, "expected")
add("model-neuron-outside", "model", model([layer([[1.0, 2.0]], [0], neuronActivations={"3": "tanh"})], sizes=[2, 1]), 1, "is not a neuron")
add("model-negative-size", "model", model(good, sizes=[-2, 2, 1]), 1, "do not match the weights")
add("network2-unknown-cost", "model", json.dumps({"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "HingeCost"}).encode(), 1, 'unknown cost "HingeCost"')
add("network2-zero-size", "model", json.dumps({"sizes": [2, 0], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost"}).encode(), 1, "positive")
add("network2-negative-size", "model", json.dumps({"sizes": [-2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost"}).encode(), 1, "positive")
add("network2-weights-shape", "model", json.dumps({"sizes": [2, 1], "weights": [[[1, 2, 3]]], "biases": [[[0]]], "cost": "QuadraticCost"}).encode(), 1, "weights[0] is not 1×2")
add("network2-flat-biases", "model", json.dumps({"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[0]], "cost": "QuadraticCost"}).encode(), 1, "not network2.py's format")
add("network2-layer-count", "model", json.dumps({"sizes": [2, 1, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "QuadraticCost"}).encode(), 1, "1 weight and 1 bias layers")
add("network2-no-cost", "model", json.dumps({"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]]}).encode(), 1, "missing \"cost\"")

# Command lines (exit status 2: usage errors).
for name, arguments, message in [
    ("cli-epochs-0", "train --epochs 0", "--epochs"),
    ("cli-eta-negative", "train --eta -1", "--eta"),
    ("cli-eta-infinite", "train --eta inf", "--eta"),
    ("cli-zero-layer", "train --layers 784,0,10", "at least one neuron"),
    ("cli-input-layer", "train --layers 100,10", "784"),
    ("cli-mini-batch-0", "train --mini-batch-size 0", "--mini-batch-size"),
    ("cli-threads-0", "train --threads 0", "--threads"),
    ("cli-momentum-2", "train --momentum 2", "--momentum"),
    ("cli-dropout-1", "train --dropout 1", "--dropout"),
    ("cli-lambda-negative", "train --lambda -0.1", "--lambda"),
    ("cli-huge-network", "train --layers 784,2000000000,10", "memory"),
    ("cli-unknown-option", "train --learning-rate 3", "learning-rate"),
    ("cli-gradcheck-epsilon", "gradcheck --epsilon 0", "--epsilon"),
    ("cli-probe-nothing", "probe", "exactly one of"),
    ("cli-reproduce-unknown", "reproduce --only ch9", "no experiment"),
    ("cli-download-mirror", "download --mirror ftp://example", "http or https"),
    ("cli-show-negative", "show --index -1", "--index"),
    ("cli-plot-nothing", "plot -o x.svg", "Missing expected argument"),
]:
    add(name, "cli", None, 2, message)
    cases[-1] = (arguments, "cli", 2, message)

with open(os.path.join(here, "cases.tsv"), "w") as f:
    f.write("# name or arguments\tkind\texit status\tmessage fragment\n")
    for name, kind, status, message in cases:
        f.write(f"{name}\t{kind}\t{status}\t{message}\n")
print(f"{len(cases)} cases")
