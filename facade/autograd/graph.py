"""grad_fn objects: views of recorded Nodes named as PyTorch names them.

`z.grad_fn` is an instance of a class called `AddBackward0` (created on demand), with
`name()`, `next_functions` (same structure as PyTorch's) and a call that returns the node's
input gradients, computed as the vjp of that one node (differentiable itself).
"""
from __future__ import annotations

from .._ops import core as C

_CLASSES: dict = {}


class Node:
    """Base of all grad_fn classes (torch.autograd.graph.Node)."""

    __slots__ = ("_node", "__weakref__")

    def name(self):
        return getattr(type(self), "_torch_name", type(self).__name__)

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        n = self._node
        if n.op is C.VIEW_SCATTER:
            # CopySlices: the base's history, then the in-place op's other inputs
            base, new = n.inputs
            rest = grad_fn_of(new).next_functions[1:] if new.requires_grad else ()
            return ((grad_fn_of(base) if base.requires_grad else None, 0),) + rest
        vis = n.op.visible
        if callable(vis):
            vis = vis(n.params)
        if vis is None:
            vis = range(len(n.inputs))
        out = []
        for i in vis:
            x = n.inputs[i] if i is not None and i < len(n.inputs) else None
            fn = grad_fn_of(x) if x is not None and hasattr(x, "requires_grad") \
                and x.requires_grad else None
            out.append((fn, 0))
        return tuple(out)

    @property
    def metadata(self):
        return {}

    def __call__(self, *grads):
        from .engine import node_vjp
        return node_vjp(self._node, grads)

    def register_hook(self, fn):
        raise NotImplementedError("grad_fn.register_hook is not supported; use "
                                  "Tensor.register_hook")


class AccumulateGrad(Node):
    """The grad_fn-graph node of a leaf that requires grad."""

    __slots__ = ("_meta",)

    @property
    def variable(self):
        ref = self._meta.tensor_ref
        return ref() if ref is not None else None

    @property
    def next_functions(self):
        return ()

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __call__(self, *grads):
        raise RuntimeError("AccumulateGrad cannot be called directly")


def _class(name):
    """The grad_fn class for a PyTorch name: "torch::autograd::CopySlices" is a class
    CopySlices whose name() is the full name, as PyTorch's."""
    cls = _CLASSES.get(name)
    if cls is None:
        attrs = {"__slots__": (), "__module__": "torch"}
        if "::" in name:
            attrs["_torch_name"] = name
        cls = _CLASSES[name] = type(name.rsplit("::", 1)[-1], (Node,), attrs)
    return cls


def grad_fn_of(n):
    """The grad_fn (or AccumulateGrad) object for a node in the autograd graph."""
    while n.op is not None and n.op.transparent and n.op is not C.LEAF:
        n = n.inputs[n.op.visible[0]] if n.op.visible else n.inputs[0]
        if not n.requires_grad:
            return None
    if n.op is C.LEAF:
        meta = n.meta
        from .._tensor import SINK
        if meta is SINK:   # a no_grad view: no grad accumulator
            return None
        if meta.acc is None:
            acc = object.__new__(AccumulateGrad)
            acc._node = n
            acc._meta = meta
            meta.acc = acc
        return meta.acc
    fn = n.gradfn
    if fn is None:
        name = n.op.grad_fn
        if callable(name):
            name = name(n.params)
        fn = object.__new__(_class(name))
        fn._node = n
        n.gradfn = fn
    return fn


def fn_name(n):
    """grad_fn_of(n).name(), without making the grad_fn object."""
    while n.op.transparent and n.op is not C.LEAF:
        n = n.inputs[n.op.visible[0]] if n.op.visible else n.inputs[0]
    if n.op is C.LEAF:
        return "torch::autograd::AccumulateGrad"
    name = n.op.grad_fn
    if callable(name):
        name = name(n.params)
    return name


class AsStridedBackward0(Node):
    """The grad_fn PyTorch gives a view once its base was changed in place: the view's
    gradient goes straight to the base's grad_fn."""

    __slots__ = ("_from",)

    @property
    def next_functions(self):
        b = self._from
        return ((grad_fn_of(b) if b.requires_grad else None, 0),)


AsStridedBackward0.__module__ = "torch"


def as_strided(n, base):
    fn = object.__new__(AsStridedBackward0)
    fn._node, fn._from = n, base
    return fn
