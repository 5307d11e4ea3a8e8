"""PyTorch's checks on the values a backward node saved: a freed graph, a saved value changed
in place since (the version counter), a saved tensor detached in place.

A node's `over` is set when an in-place op replaced its value in its tensor (see
Tensor._set_root): (tensor weakref, version then, the op that replaced it, kind), kind None
for an ordinary in-place op, "detach_" for detach_(). The walk propagates it to views and
detach() aliases of the replaced value (they share the version counter) and notes the nodes to
check; the engine checks those its backward runs through (`check`).
"""
from __future__ import annotations

import re

from .._graph import Node
from .._ops import core as C

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")

DETACHED_SAVED = (
    "Trying to use a saved tensor that has been detached in-place, i.e. with .detach_().This "
    "is not supported, please use out-of-place `.detach()` instead")


DATA_SAVED = (
    "facade: a tensor saved for backward was changed through .data, where PyTorch's "
    "backward would read the new values (.data has a version counter of its own); facade "
    "can do so only for a saved input of the op itself, not for a saved output or a value "
    "written through a view (see the README). Change it before the forward or after the "
    "backward, or change it out of place.")


def check(w, slots, subs=None):
    """Check the noted stale nodes among `slots` (a predicate on slots: the nodes that run).
    With `subs` (a list), saved inputs changed only through .data are collected there as
    (node, {input: its current value}) instead of raising: PyTorch's backward reads them."""
    for s in reversed(w.stale):   # nearest the roots first, as PyTorch's engine runs
        if slots(s):
            check_saved(w.nodes[s], subs)


def check_saved(n, subs=None):
    """The checks on one node about to be differentiated."""
    saves = n.op.saves
    if n.freed and saves:
        raise RuntimeError(SECOND_BACKWARD)
    if saves:
        output = saves == "output"
        saved = (n,) if output else saves(n) if callable(saves) else n.inputs
        found = {}
        for x in saved:
            # the in-place op that replaced a value may use it (PyTorch keeps the original)
            if x.__class__ is Node and x.over is not None and x.over[2] is not n:
                cur = None if output or subs is None else current_value(x)
                if cur is None:
                    raise RuntimeError(stale_message(x, output))
                found[x] = cur
        if found:
            subs.append((n, found))


def current_value(x):
    """The value a saved tensor's storage holds now, where it was changed only through
    .data since it was saved (PyTorch's backward then reads the new values: .data has
    a version counter of its own); None otherwise."""
    ov = x.over
    ref, ver, _, kind = ov[:4]
    t = ref()
    if kind != "data" or t is None or t._version_counter != ver:
        return None
    chain, m = [], x   # views / detach() of the value the write replaced
    while m.op is not None and (m.op.view or m.op is C.DETACH) and m.inputs \
            and m.inputs[0].__class__ is Node and m.inputs[0].over is ov:
        chain.append((m.op, m.params))
        m = m.inputs[0]
    from .._dispatch import record
    cur = record(C.DETACH, (t._base_sync(),))
    if cur.shape != m.shape:
        return None
    for op, params in reversed(chain):
        cur = record(op, (cur,), params, grad=False)
    return cur


def _name(name):
    return re.sub(r"Backward\d*$", "", name)


def stale_message(x, output):
    from .graph import fn_name
    ref, ver, _, kind, new_name = x.over
    if kind == "detach_":
        return DETACHED_SAVED
    t = ref()
    now = t._version_counter if t is not None else ver + 1
    if kind in ("data", "data_scattered") and now == ver:
        return DATA_SAVED
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16"}
    what = f"[torch.{names.get(x.dtype.name, x.dtype.name)}Tensor {list(x.shape)}]"
    name = None
    if not output and x.op is not None and x.op.view:
        name = "AsStrided"   # a saved view whose base changed: now an AsStridedBackward0
    elif output or (t is None and new_name is None):
        if x.requires_grad and x.op is not C.LEAF:
            name = _name(fn_name(x))
    elif t is None:   # the tensor is gone: its grad_fn after the in-place op
        name = _name(new_name)
    else:   # the tensor's grad_fn now
        cur = t._base_sync()
        if cur.requires_grad and cur.op is not C.LEAF:
            name = _name(fn_name(cur))
    if name is not None:
        what += f", which is output 0 of {name},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} is at version {now}; expected version {ver} instead. "
            "Hint: enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
