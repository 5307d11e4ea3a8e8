"""Counters and views of what facade compiles, for tests, benchmarks and notebooks.

`jaxpr(t)` and `hlo(t)` show the functional twin of imperative code: the pure program that
realizing `t` (or, for a tensor that requires grad, `t.backward()`) will run.

    >>> loss = ((x @ w).relu() ** 2).mean()
    >>> print(facade.debug.jaxpr(loss))       # forward + vjp, the leaves' values as inputs
"""
from __future__ import annotations

import jax

from ._compile import (PROGRAMS, Walk, _x64, counters, evaluate, reset_counters, vjp_program,
                       wait_for_compiles)


def cache_size() -> int:
    """Number of compiled programs held in the program cache."""
    return len(PROGRAMS)


def _program(tensor, backward):
    """(pure function, its arguments) of what realizing / backward() of `tensor` runs."""
    n = tensor._base_sync()
    if backward is None:
        backward = n.requires_grad
    if backward:
        if not n.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have "
                               "a grad_fn")
        if n.shape != () and len(n.shape) and any(d != 1 for d in n.shape):
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        w = Walk("grad")
        root = w.add(n)
        slots = tuple(w.grad_leaves((root,)))
        lazy = tuple(s for s in dict.fromkeys(w.leaves) if w.nodes[s].value is None)
        fn = vjp_program(tuple(w.key), (root,), (-1,), slots, (False,) * len(slots), (),
                         lazy)
    else:
        w = Walk("value")
        if n.value is not None:  # already computed: show the program that computed nothing
            w.stop = {n}
        root = w.add(n)
        key = tuple(w.key)

        def fn(arrays, fs, is_, bufs=()):
            return [evaluate(key, arrays, fs, is_, bufs=bufs)[root]]
    with _x64(True):
        args = (w.arrays,) + w.scalar_args() + (w.bufs,)
    return fn, args


def jaxpr(tensor, backward=None):
    """The jaxpr of the program behind `tensor`: with backward (default: when it requires
    grad) the one `tensor.backward()` runs (forward + vjp, returning the loss, the leaves'
    gradients and the values of lazy leaves), else the one that computes its value. Its
    inputs are (leaf and constant arrays, float scalars, int scalars, packed buffers)."""
    fn, args = _program(tensor, backward)
    with _x64(True):
        return jax.make_jaxpr(fn)(*args)


def hlo(tensor, backward=None, compiled=True):
    """The program behind `tensor` (see `jaxpr`) as XLA HLO text: optimized for this
    machine's backend when `compiled`, else the StableHLO that JAX hands to XLA."""
    fn, args = _program(tensor, backward)
    with _x64(True):
        lowered = jax.jit(fn).lower(*args)
        return lowered.compile().as_text() if compiled else lowered.as_text()


__all__ = ["counters", "reset_counters", "cache_size", "wait_for_compiles", "jaxpr", "hlo"]
