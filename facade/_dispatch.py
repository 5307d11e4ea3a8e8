"""dispatch: the ONLY place that reads grad mode and requires_grad.

Recording an op costs one dict lookup for its shape/dtype rule (cached by op, params and
input avals), a Node and a Tensor: no JAX call, no computation.
"""
from __future__ import annotations

import dataclasses
import threading

import jax
import numpy as np

from ._graph import Node, intern_sig


class _GradState(threading.local):
    """Per-thread grad mode, as in PyTorch."""
    enabled = True
    inference = False
    anomaly = False
    anomaly_nan = True


STATE = _GradState()

_RULES: dict = {}
Tensor = None  # set by _tensor (the class wraps nodes; imported late to avoid a cycle)



def _rule(op, inputs, params):
    k = (op, params)
    for x in inputs:
        k += (x.shape, x.dtype) if x.__class__ is Node else (x.__class__,)
    hit = _RULES.get(k)
    if hit is None:
        hit = _RULES[k] = _new_rule(op, inputs, params)
    return hit


def _new_rule(op, inputs, params):
    """Run an op's shape/dtype rule (it raises PyTorch's errors); cached by the caller.

    (shape, dtype, sig, differentiable, sig of the op's stop-gradient twin): an op recorded
    on inputs that require grad, where the result does not (no_grad, a non-differentiable
    op), is a constant for autograd, and the program must not differentiate through it."""
    shape, dtype, cdtype = op.rule(*inputs, **dict(params))
    return (shape, dtype, intern_sig(op, params, shape, dtype, cdtype),
            op.grad_fn is not None and (dtype.is_floating_point or dtype.is_complex),
            intern_sig(stopped(op), params, shape, dtype, cdtype))


_STOPPED: dict = {}


def stopped(op):
    """The op with its result cut from differentiation (what the program runs for it)."""
    s = _STOPPED.get(op)
    if s is None:
        impl = op.impl

        def stopped_impl(*args, **params):
            return jax.lax.stop_gradient(impl(*args, **params))
        s = _STOPPED[op] = dataclasses.replace(op, impl=stopped_impl, nograd=True)
    return s


def record(op, inputs, params=(), grad=None) -> Node:
    """Record `op` on Nodes / Python scalars; `grad` overrides the grad mode (views).

    The hot path of every op: one pass over the inputs builds the rule's cache key and
    notes requires_grad and inference inputs."""
    k = (op, params)
    rg = inf = False
    dev = None
    for x in inputs:
        if x.__class__ is Node:
            k += (x.shape, x.dtype)
            if x.requires_grad:
                rg = True
            if x.inf:
                inf = True
            if x.dev is not None:   # off the default device: checked below (slow path)
                dev = x.dev
        else:
            k += (x.__class__,)
    hit = _RULES.get(k)
    if hit is None:
        hit = _RULES[k] = _new_rule(op, inputs, params)
    st = STATE
    enabled = st.enabled if grad is None else grad
    if rg and (enabled and hit[3]):
        n = Node(op, inputs, params, hit[0], hit[1], hit[2], True)
    else:   # a constant for autograd, even where its inputs require grad
        n = Node(op, inputs, params, hit[0], hit[1], hit[4] if rg else hit[2], False)
        rg = False
    if dev is not None:
        n.dev = _join(inputs)   # raises PyTorch's error for inputs on different devices
    if rg:
        if inf:
            _check_inference_saved(n)
    elif not enabled and st.inference:
        n.inf = True
    if st.anomaly:
        from .autograd.anomaly_mode import forward_stack
        n.tb = forward_stack()
    return n


INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead "
    "of `torch.inference_mode()`.")


def _check_inference_saved(n):
    saves = n.op.saves
    if not saves or saves == "output":
        return
    saved = saves(n) if callable(saves) else n.inputs
    if any(x.__class__ is Node and x.inf for x in saved):
        raise RuntimeError(INFERENCE_SAVED)


from ._device import join as _join  # noqa: E402


def unwrap(x):
    """Tensor -> its current Node; Python numbers pass through."""
    c = x.__class__
    if c is float or c is int or c is bool:
        return x
    if isinstance(x, Tensor):
        return x._node if x._base is None else x._base_sync()
    if isinstance(x, np.generic) and x.ndim == 0:
        return x.item()
    if isinstance(x, (int, float)):  # subclasses of numbers (e.g. IntEnum)
        return float(x) if isinstance(x, float) else int(x)
    raise TypeError(f"expected Tensor as element, but got {type(x).__name__}")


def apply(op, args, params=()):
    """Record `op` on Tensors / numbers and wrap the result in a Tensor.

    `record` inlined, for the hot path of every op written as a Tensor method or function."""
    k = (op, params)
    ins = []
    rg = inf = False
    dev = None
    for a in args:
        c = a.__class__
        if c is Tensor:
            x = a._node if a._base is None else a._base_sync()
        elif c is float or c is int or c is bool:
            ins.append(a)
            k += (c,)
            continue
        else:
            x = unwrap(a)
            if x.__class__ is not Node:
                ins.append(x)
                k += (x.__class__,)
                continue
        ins.append(x)
        k += (x.shape, x.dtype)
        if x.requires_grad:
            rg = True
        if x.inf:
            inf = True
        if x.dev is not None:
            dev = x.dev
    ins = tuple(ins)
    hit = _RULES.get(k)
    if hit is None:
        hit = _RULES[k] = _new_rule(op, ins, params)
    st = STATE
    if rg and st.enabled and hit[3]:
        node = Node(op, ins, params, hit[0], hit[1], hit[2], True)
        if inf:
            _check_inference_saved(node)
    else:   # a constant for autograd, even where its inputs require grad
        node = Node(op, ins, params, hit[0], hit[1], hit[4] if rg else hit[2], False)
        if st.inference and not st.enabled:
            node.inf = True
    if dev is not None:
        node.dev = _join(ins)   # raises PyTorch's error for inputs on different devices
    if st.anomaly:
        from .autograd.anomaly_mode import forward_stack
        node.tb = forward_stack()
    if op.view:
        return Tensor._view_of(args[0], node, op, params)
    t = object.__new__(Tensor)
    t._node = node
    t._base = None
    return t
