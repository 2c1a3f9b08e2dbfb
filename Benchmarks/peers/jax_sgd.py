#!/usr/bin/env python3
"""The book's network in JAX (float32, one CPU thread): the gradient of the quadratic cost by
jax.grad, one jit-compiled step per mini-batch (--mode step) or the whole epoch compiled as one
lax.scan over the mini-batches (--mode scan). The shuffled gather happens inside the compiled
code in both. A first, untimed epoch pays for compilation."""
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import mnist_data  # noqa: E402

mode = "scan"
if "--mode" in sys.argv:
    i = sys.argv.index("--mode")
    mode = sys.argv[i + 1]
    del sys.argv[i:i + 2]
args = mnist_data.options()
rng = np.random.default_rng(1)
train_x, train_y, test_x, test_y = mnist_data.load()
sizes = args.layers
params = [(jnp.asarray(rng.standard_normal((n, k)), jnp.float32), jnp.asarray(rng.standard_normal(n), jnp.float32))
          for k, n in zip(sizes[:-1], sizes[1:])]
x_all, y_all = jnp.asarray(train_x), jax.nn.one_hot(jnp.asarray(train_y), sizes[-1], dtype=jnp.float32)
m, eta = args.mini_batch_size, args.eta


def forward(params, x):
    for w, b in params:
        x = jax.nn.sigmoid(x @ w.T + b)
    return x


def cost(params, x, y):  # the mean over the mini-batch of ½‖a − y‖²
    return 0.5 * jnp.sum((forward(params, x) - y) ** 2) / x.shape[0]


def step(params, batch):
    grads = jax.grad(cost)(params, x_all[batch], y_all[batch])
    return [(w - eta * gw, b - eta * gb) for (w, b), (gw, gb) in zip(params, grads)]


jit_step = jax.jit(step)


@jax.jit
def epoch_scan(params, batches):
    return jax.lax.scan(lambda p, batch: (step(p, batch), None), params, batches)[0]


seconds = []
for epoch in range(args.epochs + 1):
    order = rng.permutation(len(train_x))[: len(train_x) // m * m].reshape(-1, m)
    batches = jnp.asarray(order, jnp.int32)
    start = time.perf_counter()
    if mode == "scan":
        params = epoch_scan(params, batches)
    else:
        for batch in batches:
            params = jit_step(params, batch)
    jax.block_until_ready(params)
    if epoch > 0:
        seconds.append(time.perf_counter() - start)

a = forward(params, jnp.asarray(test_x))
mnist_data.report("jax-" + mode, args, seconds, float((np.asarray(a).argmax(axis=1) == test_y).mean()))
