"""Hand-written pure-JAX twins of :mod:`workloads`: the floor facade aims at.

Each twin is one ``jax.jit`` of ``jax.value_and_grad`` plus the SGD update
(parameters donated, so the update is in place), started from the same
numpy weights as the PyTorch-API version.  ``step()`` blocks until the loss
is ready and returns it (a JAX scalar; ``float()`` it outside the timing).
"""

import math
import types

import jax
import jax.numpy as jnp

try:
    from . import workloads as W
except ImportError:  # imported as a top-level module by bench/run.py
    import workloads as W


def _twin(loss_fn, params, *data, lr=W.LR):
    def update(params, *data):
        loss, grads = jax.value_and_grad(loss_fn)(params, *data)
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss

    update = jax.jit(update, donate_argnums=0)
    state = {"params": jax.tree.map(jnp.asarray, params)}
    data = [jnp.asarray(a) for a in data]

    def step():
        state["params"], loss = update(state["params"], *data)
        return loss.block_until_ready()

    return step, state


def tutorial():
    d = W.init_tutorial()

    def loss_fn(p, x, y):
        z = x @ p["w"] + p["b"]
        return jnp.mean(jax.nn.softplus(z) - z * y)  # BCE with logits

    return _twin(loss_fn, {"w": d["w"], "b": d["b"]}, d["x"], d["y"])


def _mlp(d):
    def loss_fn(params, x, y):
        h = x
        for i in range(0, len(params) - 2, 2):
            h = jax.nn.relu(h @ params[i] + params[i + 1])
        logits = h @ params[-2] + params[-1]
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    return _twin(loss_fn, d["params"], d["x"], d["y"].astype("int32"))


def mlp():
    return _mlp(W.init_mlp())


def mlp_large():
    return _mlp(W.init_mlp_large())


def chain():
    # The same op cycle as the torch version, from a torch-like namespace.
    ops = W.chain_ops(types.SimpleNamespace(
        sin=jnp.sin, cos=jnp.cos, tanh=jnp.tanh, exp=jnp.exp, sigmoid=jax.nn.sigmoid))

    def loss_fn(x):
        h = x
        for i in range(W.CHAIN_LEN):
            h = ops[i % len(ops)](h)
        return h.sum()

    return _twin(loss_fn, W.init_chain()["x"])


def scalar_loop():
    """The micrograd MLP as matrices, jitted over one flat parameter vector."""
    d = W.init_scalar_loop()
    shapes = [p.shape for p in d["params"]]
    flat = jnp.concatenate([jnp.ravel(p) for p in d["params"]])

    def loss_fn(flat, xs, ys):
        ps, k = [], 0
        for s in shapes:
            n = math.prod(s)
            ps.append(flat[k:k + n].reshape(s))
            k += n
        h = xs
        for i in range(0, len(ps), 2):
            h = h @ ps[i] + ps[i + 1]
            if i < len(ps) - 2:
                h = jnp.tanh(h)
        return jnp.sum((h[:, 0] - ys) ** 2)

    return _twin(loss_fn, flat, jnp.array(d["xs"], jnp.float32), jnp.array(d["ys"], jnp.float32),
                 lr=W.SCALAR_LR)


def dynamic():
    """What a JAX user writes for a changing length: the cell scanned over the full 48
    steps, masked past the step's length, the halving steps as an input array -- one
    program for every step."""
    d = W.init_dynamic()
    seqs = jnp.asarray(d["seqs"][:, :, 0, :])

    def loss_fn(p, xs, n, halve):
        def cell(h, inp):
            t, x, hv = inp
            h2 = jnp.tanh(h @ p["W"] + x[None] @ p["U"])
            h2 = jnp.where(hv, h2 * 0.5, h2)
            return jnp.where(t < n, h2, h), None
        h0 = jnp.zeros((1, W.DYN_HIDDEN), jnp.float32)
        h, _ = jax.lax.scan(cell, h0, (jnp.arange(W.DYN_MAX_LEN), xs, halve))
        return jnp.mean(h * h)

    def update(params, xs, n, halve):
        loss, grads = jax.value_and_grad(loss_fn)(params, xs, n, halve)
        return jax.tree.map(lambda p, g: p - W.LR * g, params, grads), loss

    update = jax.jit(update, donate_argnums=0)
    state = {"params": {"W": jnp.asarray(d["W"]), "U": jnp.asarray(d["U"])}, "i": 0}

    def step():
        i = state["i"]
        state["i"] += 1
        n, halve = W.dynamic_schedule(i)
        mask = jnp.asarray(list(halve) + [False] * (W.DYN_MAX_LEN - n))
        state["params"], loss = update(state["params"], seqs[i % W.DYN_SEQS], n, mask)
        return loss.block_until_ready()

    return step, state


TWINS = {
    "tutorial": tutorial,
    "mlp": mlp,
    "mlp_large": mlp_large,
    "chain": chain,
    "scalar_loop": scalar_loop,
    "mlp_nn": mlp,  # same math and weights as mlp
    "dynamic": dynamic,
}


def build(name):
    return TWINS[name]()
