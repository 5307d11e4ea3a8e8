"""The lazy trace: Nodes are plain data (op, inputs, static params, aval, cached value).

A node's `sig` is a small int interned from (op, params, shape, dtype, compute dtype), so a
graph's structural key is a tuple of (sig, input slots) entries that is cheap to build and
hash, and from which the program can be rebuilt (see `_compile.build`).
"""
from __future__ import annotations

import threading

from jax.core import Tracer

# sig -> (op, params, shape, dtype, cdtype); the inverse of _SIG_IDS
SIGS: list = []
_SIG_IDS: dict = {}
_sig_lock = threading.Lock()


def intern_sig(op, params, shape, dtype, cdtype) -> int:
    k = (op, params, shape, dtype, cdtype)
    s = _SIG_IDS.get(k)
    if s is None:
        with _sig_lock:
            s = _SIG_IDS.get(k)
            if s is None:
                s = len(SIGS)
                SIGS.append(k)
                _SIG_IDS[k] = s
    return s


class Node:
    """One recorded op (or a concrete input when `op` is None and `value` is set).

    inputs: Nodes, or Python scalars (which become program arguments, never constants).
    requires_grad: this node is part of the autograd graph (depends on a leaf that
    requires grad through differentiable ops, or is such a leaf itself).
    over: set when an in-place write replaced this value in its tensor; backward through an
    op that saved it then raises PyTorch's "modified by an inplace operation" error.
    meta: the AutogradMeta of the tensor this node is a leaf of, or that registered hooks
    or retain_grad on it.
    """

    __slots__ = ("op", "inputs", "params", "shape", "dtype", "sig", "value",
                 "requires_grad", "meta", "freed", "gradfn", "over", "mark", "slot", "inf", "tb",
                 "dev", "__weakref__")

    def __init__(self, op, inputs, params, shape, dtype, sig, requires_grad, value=None):
        self.op = op
        self.inputs = inputs
        self.params = params
        self.shape = shape
        self.dtype = dtype
        self.sig = sig
        self.value = value
        self.requires_grad = requires_grad
        self.meta = None
        self.freed = False
        self.gradfn = None
        self.over = None    # (tensor weakref, version, op, kind) once an in-place op replaced it
        self.inf = False    # created in inference_mode
        self.mark = 0       # the last walk that visited this node, and its slot there
        self.slot = 0
        self.dev = None     # placement: None on JAX's default device (see _device.py)

    def __repr__(self):
        name = self.op.name if self.op is not None else "const"
        return f"Node({name}, shape={self.shape}, dtype={self.dtype!r})"


def const_node(value, dtype, sig=None) -> Node:
    """A concrete array as a graph input (`sig`: its input sig, where the caller has it)."""
    shape = tuple(value.shape)
    n = Node(None, (), (), shape, dtype,
             intern_sig(None, (), shape, dtype, None) if sig is None else sig, False, value)
    if value.__class__ is Packed or (not isinstance(value, Tracer)
                                     and getattr(value, "committed", False)):
        n.dev = placement_of(value)   # an array committed to a device (not the default one)
    return n


placement_of = None   # set by _device: the placement of a committed array


class PackBuffer:
    """One flat device array holding many small outputs of a program (a step's gradients
    and parameter values), so they cost one program argument and result, not hundreds."""

    __slots__ = ("array", "host")

    def __init__(self, array):
        self.array = array
        self.host = None


class Packed:
    """A node value stored as a slice of a PackBuffer (sliced inside the next program)."""

    __slots__ = ("buf", "off", "size", "shape")

    def __init__(self, buf, off, size, shape):
        self.buf, self.off, self.size, self.shape = buf, off, size, shape

    def materialize(self):
        import numpy as np
        b = self.buf
        if b.host is None:
            b.host = np.asarray(b.array)
            b.host.flags.writeable = False  # shared by many values, like a JAX array's view
        return b.host[self.off:self.off + self.size].reshape(self.shape)


PACK_MAX = 16384   # larger results stay separate: copying them into a buffer costs more


def pack_layout(avals):
    """Group small (shape, dtype) items by dtype: per item (group, offset, size), group -1
    for an item returned on its own; and the groups' dtypes."""
    groups, order, places = {}, [], []
    for shape, dt in avals:
        size = 1
        for d in shape:
            size *= d
        if size > PACK_MAX:
            places.append((-1, 0, size))
            continue
        g = groups.get(dt)
        if g is None:
            g = groups[dt] = [len(order), 0]
            order.append(dt)
        places.append((g[0], g[1], size))
        g[1] += size
    return order, places
