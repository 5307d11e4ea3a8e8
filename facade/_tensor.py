"""Tensor: metadata, the Python protocol and method sugar; no math (that is in _ops).

A Tensor points at the Node holding its current value. Views and aliases (`.data`,
`detach()`, slices, `view`) point at their root tensor plus the chain of view ops from it;
an in-place op replaces the root's node (functional update) and every alias re-derives its
node when it sees that the root's node changed.
"""
from __future__ import annotations

import warnings
import weakref

import numpy as np

from . import _compile, _dispatch
from . import _dtype as D
from . import _device
from ._compile import realize
from ._dispatch import STATE, apply, record
from ._graph import Node, const_node
from ._ops import core as C
from ._ops.table import METHODS
from ._ops.elementwise import INPLACE
from ._ops.shape import EXPAND, strides_of


device = _device.device   # torch.device (re-exported)


class Size(tuple):
    """torch.Size: a tuple that prints as `torch.Size([2, 3])`."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n



NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")


class AutogradMeta:
    """Per-tensor autograd state: .grad, hooks, retain_grad, the AccumulateGrad object."""

    __slots__ = ("grad", "hooks", "retains_grad", "acc", "tensor_ref", "__weakref__")

    def __init__(self, tensor=None):
        self.grad = None
        self.hooks = {}
        self.retains_grad = False
        self.acc = None
        self.tensor_ref = weakref.ref(tensor) if tensor is not None else None


def _leaf(value_node: Node, meta) -> Node:
    """Wrap a value as a leaf that requires grad (the variable autograd differentiates)."""
    shape, dtype, sig = _dispatch._rule(C.LEAF, (value_node,), ())[:3]
    v = value_node.value
    n = Node(C.LEAF, () if v is not None else (value_node,), (), shape, dtype, sig, True, v)
    n.meta = meta
    n.dev = value_node.dev
    if value_node.inf:
        n.inf = True
    return n


class Tensor:
    __slots__ = ("_node", "_base", "__dict__", "__weakref__")
    # rarely used state lives in __dict__, with these class-level defaults
    _vchain = ()          # view ops from the base (for views and aliases)
    _detached = False     # an alias with its own autograd identity (see _alias_of)
    _seen = None          # the base node this view's node was derived from
    _version = 0          # bumped by each in-place write (root tensors)
    _meta = None          # AutogradMeta
    _cm = None            # a view's creation: "no_grad", "inference", "multi" (PyTorch's
    _cv = 0               #   CreationMeta), and the storage version when it was made
    _onr = 0              # which output of a multi-output view op
    _data = False         # a .data alias (writes through it are version-checked apart)
    _epoch = 0            # bumped by `t.data = ...`: views of the old storage keep it

    # ------------------------------------------------------------ construction
    def __new__(cls, *args, **kwargs):
        """The legacy constructor: Tensor(2, 3) (zeros: facade has no uninitialised memory)
        or Tensor(data), in the default float dtype."""
        return _legacy_new(D.get_default_dtype(), args, kwargs.get("device"))

    @classmethod
    def _wrap(cls, node):
        t = object.__new__(cls)
        t._node = node
        t._base = None
        return t

    # Views and aliases. A view's value is derived from its base's by its chain of view ops
    # (re-derived when the base is written); its base is a root tensor, or an alias with an
    # autograd identity of its own, which is not looked through:
    # - detach() and .data: the base's value through DETACH; they may get their own history
    #   (an in-place op with grad, requires_grad_()), while writes into them reach the
    #   base's storage without its history;
    # - a view made under no_grad (or inference_mode) of a tensor that requires grad: it
    #   requires grad as a leaf whose gradient goes nowhere (PyTorch's no_grad view).
    @classmethod
    def _view_of(cls, src, node, op=None, params=()):
        """A view of `src` whose value is `node` (= op(src's node))."""
        t = object.__new__(cls)
        if src._base is None or src._detached:
            root, chain = src, ()
        else:
            root, chain = src._base, src._vchain
        t._base = root
        t._vchain = chain + ((op, params),)
        t._seen = root._node
        if root._epoch:
            t._epoch = root._epoch
        st = STATE
        if not st.enabled:
            cm = "inference" if st.inference or src._cm == "inference" else "no_grad"
            t._cm, t._cv = cm, _storage(root)._version
            if node.inputs and node.inputs[0].requires_grad:
                t._detached = True
                node = _leaf(node, SINK)
        elif src._cm is not None:   # views of views inherit it
            t._cm, t._cv = src._cm, _storage(root)._version
        t._node = node
        inf = root._node.inf   # a view is an inference tensor if its base is (only)
        if node.inf is not inf:
            node.inf = inf
        return t

    @classmethod
    def _alias_of(cls, src, node, data=False):
        """detach() / .data of `src`: `node` is DETACH(src's node)."""
        t = object.__new__(cls)
        if src._base is None or src._detached:
            root = src
        else:
            root = src._base
            t._vchain = src._vchain
        t._base = root
        t._node = node
        t._detached = True
        t._seen = root._node
        if root._epoch:
            t._epoch = root._epoch
        if data:
            t._data = True
        inf = root._node.inf
        if node.inf is not inf:
            node.inf = inf
        return t

    def _base_sync(self):
        """The current node; a view re-derives it if its base was written since."""
        b = self._base
        if b is None:
            return self._node
        bn = b._node if b._base is None else b._base_sync()
        if self._seen is bn:
            return self._node
        if self._epoch != b._epoch:   # `base.data = ...` replaced the storage: keep the old
            self._base = None
            self.__dict__.pop("_vchain", None)
            return self._node
        old, seen = self._node, self._seen
        if self._detached:
            n = record(C.DETACH, (bn,))
            for op, params in self._vchain:
                n = record(op, (n,), params, grad=True)
            if old.requires_grad:   # its own autograd identity stays
                if old.op is not C.LEAF:
                    n = record(C.REBASE, (n, _history(old)), grad=True)
                elif old.meta is not SINK or bn.requires_grad:
                    n = _leaf(n, old.meta)
        else:
            n = bn
            for op, params in self._vchain:
                n = record(op, (n,), params, grad=True)
            if seen.over is not None and n.requires_grad:
                # the base was changed in place: PyTorch regenerates the view's grad_fn
                from .autograd.graph import as_strided
                n.gradfn = as_strided(n, bn)
        if seen.over is not None and old.over is None:   # views share the version counter
            old.over = seen.over
        if old.meta is not None and n.requires_grad:
            _new_version_meta(old, n)
        if n.inf is not bn.inf:
            n.inf = bn.inf
        self._node, self._seen = n, bn
        return n

    # ------------------------------------------------------------ in-place writes
    def _check_inplace(self, cur, rg):
        """PyTorch's checks before an in-place op (`rg`: its result requires grad)."""
        if cur.inf and not STATE.inference:
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You "
                "can make a clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details.")
        if not (rg and STATE.enabled):
            return
        if self._cm is not None:
            raise RuntimeError(_view_rebase_message(self, cur, True))
        b = self._base
        if b is not None and not self._detached:
            bn = b._node if b._base is None else b._base_sync()
            if bn.op is C.LEAF and bn.requires_grad and bn.meta is not SINK:
                raise RuntimeError(
                    "a view of a leaf Variable that requires grad is being used in an in-place "
                    "operation.")
        elif cur.op is C.LEAF and cur.requires_grad and cur.meta is not SINK:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation.")

    def _check_view_version(self, n):
        """A no_grad / multi-output / inference view whose storage was changed in place
        since it was made: PyTorch raises where it would regenerate its grad_fn."""
        root = _storage(self)
        if root._version != self._cv and (root._node.requires_grad or n.requires_grad):
            raise RuntimeError(_view_rebase_message(self, n, False))

    def _write_result(self, result, overlap_ok=False):
        """Make `result` (a Tensor computed from self) the new value of self, in place."""
        cur = self._base_sync()
        new = by = result._node if result._base is None else result._base_sync()
        self._check_inplace(cur, new.requires_grad)
        if new.shape != cur.shape:
            raise RuntimeError(
                f"output with shape {list(cur.shape)} doesn't match the broadcast shape "
                f"{list(new.shape)}")
        if new.dtype is not cur.dtype:
            if not _can_cast(new.dtype, cur.dtype):
                raise RuntimeError(f"result type {D.scalar_name(new.dtype)} can't be cast to the desired "
                                   f"output type {D.scalar_name(cur.dtype)}")
            new = record(C.INPLACE_CAST, (new,), (("dtype", cur.dtype),))
        if not overlap_ok and self._vchain:
            _check_overlap(self._vchain, cur)
        self._write(new, by)
        return self

    def _write(self, new, by=None, kind=None):
        """Make `new` this tensor's value; `by` is the in-place op that computed it (it may
        use the value it replaces, as PyTorch keeps the original for it)."""
        b = self._base
        if b is None:
            self._set_root(new, by, kind)
            return
        cur = self._base_sync()
        if self._data:
            kind = "data"
        bn = b._node if b._base is None else b._base_sync()
        if self._detached:
            # an alias with its own autograd identity: its value (with the history the op
            # recorded), and its base's storage without that history (the base keeps its
            # own: see _set_root)
            self._set_root(new, by, kind)
            v = record(C.DETACH, (new,)) if new.requires_grad else new
            if self._vchain:
                src = record(C.DETACH, (bn,)) if bn.requires_grad else bn
                v = record(C.VIEW_SCATTER, (src, v), (("chain", self._vchain),), grad=True)
            b._write(v, by, kind)
            self._seen = b._node
            return
        if cur.over is None:
            cur.over = _over(b, by, None, kind)
        # a write under no_grad leaves the autograd graph as it was
        detached = not STATE.enabled
        if detached and new.requires_grad:
            new = record(C.DETACH, (new,))
        src = record(C.DETACH, (bn,)) if detached and bn.requires_grad else bn
        new = record(C.VIEW_SCATTER, (src, new), (("chain", self._vchain),), grad=True)
        b._write(new, by, kind)

    def _set_root(self, new, by=None, kind=None):
        old = self._node
        if old.requires_grad and not new.requires_grad:
            # no_grad / .data writes keep a leaf a leaf, and a non-leaf its history (and
            # its hooks, on that history)
            if old.op is C.LEAF:
                new = _leaf(new, old.meta)
            else:
                new = record(C.REBASE, (new, old), grad=True)
        elif old.meta is not None and new.requires_grad and old.op is not C.LEAF:
            _new_version_meta(old, new)
        if new.inf and not old.inf:   # an in-place op keeps a normal tensor normal
            new.inf = False
        if not new.requires_grad and new.value is None:
            # state written lazily outside autograd (a momentum buffer, running stats): the
            # next program also computes it, so its chain of updates never grows
            _compile.STATES.append(weakref.ref(self))
        if old.over is None:
            old.over = _over(self, by, new, kind)
            if old.op is C.VIEW_SCATTER and old.inputs:
                # the value an in-place op wrote through a view lives in this storage too
                x = old.inputs[1]
                if x.op is C.DETACH or x.op is C.INPLACE_CAST:
                    x = x.inputs[0]
                if x.over is None:
                    ov = old.over
                    x.over = ov if ov[3] != "data" else ov[:3] + ("data_scattered",) + ov[4:]
        self._node = new
        if kind != "data" or self._data:   # .data has a version counter of its own
            self._version += 1
        if _compile.CAPTURE is not None:   # facade.jit writes this tensor back
            _compile.CAPTURE.wrote(self)

    # ------------------------------------------------------------ metadata
    @property
    def shape(self):
        return Size(self._base_sync().shape)

    def size(self, dim=None):
        shape = self._base_sync().shape
        if dim is None:
            return Size(shape)
        from ._ops.table import wrap_dim
        return shape[wrap_dim(dim, len(shape))]

    @property
    def dtype(self):
        return self._base_sync().dtype

    @property
    def device(self):
        return _device.torch_device(self._base_sync().dev)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    def get_device(self):
        d = self.device
        return -1 if d.type == "cpu" else (d.index or 0)

    @property
    def ndim(self):
        return len(self._base_sync().shape)

    def dim(self):
        return len(self._base_sync().shape)

    ndimension = dim

    def numel(self):
        n = 1
        for s in self._base_sync().shape:
            n *= s
        return n

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    def is_inference(self):
        return self._base_sync().inf

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def type(self, dtype=None):
        if dtype is None:
            return "torch." + D.scalar_name(self.dtype) + "Tensor"
        return self.to(dtype)

    @property
    def is_leaf(self):
        n = self._base_sync()
        if self._cm is not None:
            self._check_view_version(n)
        return not n.requires_grad or n.op is C.LEAF

    @property
    def requires_grad(self):
        return self._base_sync().requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self._set_requires_grad(flag, "only Tensors of floating point and complex dtype can "
                                      "require gradients")

    def requires_grad_(self, requires_grad=True):
        self._set_requires_grad(requires_grad, "only Tensors of floating point dtype can require "
                                               "gradients")
        return self

    def _set_requires_grad(self, flag, int_msg):
        n = self._base_sync()
        if n.requires_grad and n.op is not C.LEAF:
            if flag:
                return
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if flag and not (n.dtype.is_floating_point or n.dtype.is_complex):
            raise RuntimeError(int_msg)
        if flag and n.inf and not STATE.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        if bool(flag) == n.requires_grad:
            return
        if self._base is not None and not self._detached:
            # a view that becomes a leaf of its own: still an alias of its base's storage
            self._detached = True
        if flag:
            if self._meta is None:
                self._meta = AutogradMeta(self)
            self._node = _leaf(n, self._meta)
        else:
            self._node = n.inputs[0] if n.value is None else const_node(n.value, n.dtype)

    @property
    def grad_fn(self):
        from .autograd.graph import grad_fn_of
        n = self._base_sync()
        if self._cm is not None:
            self._check_view_version(n)
        return None if n.op is C.LEAF or not n.requires_grad else grad_fn_of(n)

    @property
    def grad(self):
        meta = self._meta
        g = meta.grad if meta is not None else None
        if g is None:
            n = self._base_sync()
            if n.requires_grad and n.op is not C.LEAF and not (meta is not None
                                                             and meta.retains_grad):
                warnings.warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return g

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{D.cpp_name(value.dtype)}' to a "
                    f"tensor with grad_dtype '{D.scalar_name(self.dtype)}'. The gradient must match the "
                    "tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
            if tuple(value.shape) != tuple(self.shape):
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size")
        if self._meta is None:
            self._meta = AutogradMeta(self)
        self._meta.grad = value

    @grad.deleter
    def grad(self):
        if self._meta is not None:
            self._meta.grad = None

    @property
    def retains_grad(self):
        return self._meta is not None and self._meta.retains_grad

    def retain_grad(self):
        n = self._base_sync()
        if not n.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if n.op is C.LEAF:
            return
        if self._meta is None:
            self._meta = AutogradMeta(self)
        self._meta.retains_grad = True
        _history(n).meta = self._meta

    def register_hook(self, hook):
        """Call hook(grad) when the gradient w.r.t. this tensor is computed; it may return a
        replacement. Returns a handle with .remove()."""
        n = self._base_sync()
        if not n.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._meta is None:
            self._meta = AutogradMeta(self)
        meta = self._meta
        if n.op is not C.LEAF:
            _history(n).meta = meta
        return _HookHandle(meta.hooks, hook)

    @property
    def data(self):
        return Tensor._alias_of(self, record(C.DETACH, (self._base_sync(),)), data=True)

    @data.setter
    def data(self, value):
        """`t.data = v`: t takes v's value (and storage: views made before keep the old)."""
        n = value._base_sync()
        if n.requires_grad:
            n = record(C.DETACH, (n,))
        old = self._base_sync()
        if old.op is C.LEAF:
            self._node = _leaf(n, old.meta)
        elif old.requires_grad:   # a non-leaf keeps its history
            self._node = record(C.REBASE, (n, _history(old)), grad=True)
        else:
            self._node = n
        if self._base is not None:
            self._base = None
            for k in ("_vchain", "_detached", "_cm", "_data"):
                self.__dict__.pop(k, None)
        self._version += 1
        self._epoch += 1
        if _compile.CAPTURE is not None:
            _compile.CAPTURE.wrote(self)

    @property
    def _version_counter(self):
        return self._version if self._data else _storage(self)._version

    def detach(self):
        return Tensor._alias_of(self, record(C.DETACH, (self._base_sync(),)))

    def detach_(self):
        if self._base is not None and not (self._detached and self._cm is None):
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        n = self._base_sync()
        if n.requires_grad:
            if n.op is C.LEAF:
                # the graphs that used it no longer accumulate into its .grad
                old, meta = self._meta, AutogradMeta(self)
                meta.grad = old.grad
                old.grad, old.tensor_ref = None, None
                self._meta = meta
            elif n.over is None:   # a backward that saved it raises
                n.over = _over(self, None, None, "detach_")
            self._node = record(C.DETACH, (n,))
        return self

    def clone(self, *, memory_format=None):
        return apply(C.CLONE, (self,))

    # ------------------------------------------------------------ values
    def _value(self):
        return realize(self._base_sync())

    def numpy(self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return np.asarray(self._value())

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._value())
        return a.astype(dtype) if dtype is not None else a

    def tolist(self):
        return np.asarray(self._value()).tolist()

    # JAX interop (facade.func): the value as a jax.Array, no copy
    def jax(self):
        from .func import array_of
        return array_of(self)

    def __jax_array__(self):
        return self.jax()

    def __dlpack__(self, *args, **kwargs):
        return self.jax().__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self.jax().__dlpack_device__()

    def item(self):
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        return np.asarray(self._value()).reshape(()).item()

    def __bool__(self):
        n = self.numel()
        if n != 1:
            raise RuntimeError("Boolean value of Tensor with "
                               f"{'no values' if n == 0 else 'more than one value'} is ambiguous")
        return bool(self.item())

    def _python_scalar(self):
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self):
        _warn_scalar(self)
        return float(self._python_scalar())

    def __int__(self):
        return int(self._python_scalar())

    def __index__(self):
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self):
        _warn_scalar(self)
        return complex(self.item())

    def __len__(self):
        shape = self._base_sync().shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self):
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter([self[i] for i in range(len(self))])

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from ._format import tensor_repr
        n = self._base_sync()
        vals = np.asarray(realize(n))
        suffixes = []
        if n.requires_grad:
            try:
                fn = type(self.grad_fn).__name__ if self.grad_fn is not None else None
            except RuntimeError:   # a no_grad view changed in place (as PyTorch shows it)
                fn = "Invalid"
            suffixes.append(f"grad_fn=<{fn}>" if fn is not None else "requires_grad=True")
        dev = _device.torch_device(n.dev)
        return tensor_repr(vals, n.dtype.name, suffixes,
                           device_suffix=f"device='{dev}'" if dev.type != "cpu" else None)

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __reduce_ex__(self, proto):
        return (_rebuild, (np.asarray(self._value()), self.dtype.name, self.requires_grad))

    def __deepcopy__(self, memo):
        t = _device.move(tensor(np.array(self._value()), dtype=self.dtype),
                         self._base_sync().dev)
        if self.requires_grad and self.is_leaf:
            t.requires_grad_(True)
        memo[id(self)] = t
        return t

    # ------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------ conversions
    def to(self, *args, **kwargs):
        """to(device=None, dtype=None, non_blocking=False, copy=False), to(dtype, ...) or
        to(other, ...): this tensor on that device (JAX device, see facade/_device.py) and
        with that dtype; itself when it already is."""
        p, dtype, copy = _device.parse_to(args, kwargs)
        t = self if p is _device.KEEP else _device.move(self, p)
        if (dtype is not None and D.as_dtype(dtype) is not t.dtype) or (copy and t is self):
            return apply(C.CAST, (t,), (("dtype", t.dtype if dtype is None
                                         else D.as_dtype(dtype)),))
        return t

    def cpu(self, memory_format=None):
        return _device.move(self, _device.placement("cpu"))

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        if device is None:
            device = "cuda"
        elif isinstance(device, (int, np.integer)):
            device = _device.device(int(device))   # PyTorch: the accelerator's device i
        if _device.as_device(device).type != "cuda":
            raise RuntimeError("Invalid device, must be cuda device")
        return _device.move(self, _device.placement(device))

    def float(self):
        return self.to(D.float32)

    def double(self):
        return self.to(D.float64)

    def half(self):
        return self.to(D.float16)

    def bfloat16(self):
        return self.to(D.bfloat16)

    def long(self):
        return self.to(D.int64)

    def int(self):
        return self.to(D.int32)

    def short(self):
        return self.to(D.int16)

    def bool(self):
        return self.to(D.bool_)

    def type_as(self, other):
        return self.to(other.dtype)

    @property
    def T(self):
        from ._ops.shape import PERMUTE
        nd = self.dim()
        if nd == 0:
            warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the "
                          "identity in these cases.", UserWarning, stacklevel=2)
        elif nd != 2:
            warnings.warn(
                "The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                "is deprecated and it will throw an error in a future release. Consider `x.mT` "
                "to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, "
                "-1))` to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
        return apply(PERMUTE, (self,), (("dims", tuple(range(nd))[::-1]),))

    @property
    def mT(self):
        from ._ops.shape import transpose
        if self.dim() < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of "
                               f"matrices. Got {self.dim()}-D tensor.")
        return transpose(self, -2, -1)

    @property
    def mH(self):
        if self.dim() < 2:
            raise RuntimeError("tensor.mH is only supported on matrices or batches of "
                               f"matrices. Got {self.dim()}-D tensor.")
        t = self.mT
        return t.conj() if self.is_complex() else t

    @property
    def H(self):
        nd = self.dim()
        if nd == 0:
            warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().",
                          UserWarning, stacklevel=2)
            return self.conj() if self.is_complex() else self
        if nd != 2:
            raise RuntimeError(
                f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor."
                + (" For batches of matrices, consider using tensor.mH" if nd > 2 else ""))
        return self.mH

    # ------------------------------------------------------------ in-place basics
    def zero_(self):
        return self._write_result(apply(C.ZERO, (self,)), overlap_ok=True)

    def fill_(self, value):
        if isinstance(value, Tensor) and value.dim() != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.dim()} dimensions.")
        return self._write_result(apply(C.FILL, (self, value),
                                        (("tensor", isinstance(value, Tensor)),)),
                                  overlap_ok=True)

    def copy_(self, src, non_blocking=False):
        if not isinstance(src, Tensor):
            src = tensor(src)
        dev = self._base_sync().dev
        if src._base_sync().dev is not dev:   # copy_ is PyTorch's copy across devices
            src = _device.move(src, dev)
        return self._write_result(apply(C.COPY, (self, src)))

    # ------------------------------------------------------------ operators
    # binary operators are bound to their op front-ends in _install_methods
    def __rsub__(self, other):
        from ._ops.elementwise import rsub
        return rsub(self, other)

    def __rtruediv__(self, other):
        return METHODS["reciprocal"](self) * other

    def __floordiv__(self, other):
        return METHODS["floor_divide"](self, other)

    def __rmod__(self, other):
        return METHODS["remainder"](other, self)

    def __iand__(self, other):
        return self.bitwise_and_(other)

    def __ior__(self, other):
        return self.bitwise_or_(other)

    def __ixor__(self, other):
        return self.bitwise_xor_(other)

    def __imod__(self, other):
        return self.remainder_(other)

    def __ifloordiv__(self, other):
        return self.floor_divide_(other)

    def __rfloordiv__(self, other):
        return METHODS["floor_divide"](other, self)

    def __rpow__(self, base):
        from ._ops.elementwise import pow
        return pow(base, self)

    def __pos__(self):
        return self

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __ipow__(self, other):
        return self.pow_(other)

    # new_* factories
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return self._new(tensor(data, dtype=dtype or self.dtype), device, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._factory import zeros
        return self._new(zeros(*size, dtype=dtype or self.dtype), device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._factory import ones
        return self._new(ones(*size, dtype=dtype or self.dtype), device, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._factory import full
        return self._new(full(size, fill_value, dtype=dtype or self.dtype), device,
                         requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def _new(self, t, device, requires_grad):
        """A new_* factory's result: on `device`, by default on this tensor's."""
        t = _device.place(t, device, like=self)
        if requires_grad:
            _require_grad_at_creation(t)
        return t


_warned_scalar = []


def _warn_scalar(t):
    """PyTorch warns once per process that float()/complex() of a tensor requiring grad
    drops the graph."""
    if not _warned_scalar and t.requires_grad:
        _warned_scalar.append(True)
        warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to "
                      "unexpected behavior.\nConsider using tensor.detach() first.",
                      UserWarning, stacklevel=3)


class _HookHandle:
    """What register_hook returns: .remove() unregisters the hook."""
    _next_id = 0

    def __init__(self, hooks, fn):
        _HookHandle._next_id += 1
        self.id = _HookHandle._next_id
        self._hooks = hooks
        hooks[self.id] = fn

    def remove(self):
        self._hooks.pop(self.id, None)


# The AutogradMeta of no_grad views of tensors that require grad: they are leaves whose
# gradient goes nowhere (PyTorch gives them no grad accumulator).
SINK = AutogradMeta()


def _storage(t):
    """The root tensor whose storage `t` aliases (its version counter is t's)."""
    while t._base is not None:
        t = t._base
    return t


def _view_rebase_message(t, n, direct):
    """PyTorch's handle_view_on_rebase error for a no_grad / inference / multi-output view."""
    import re
    cm = t._cm
    name = None
    if t._vchain and not t._detached and n.requires_grad:
        op, params = t._vchain[-1]
        name = op.grad_fn(params) if callable(op.grad_fn) else op.grad_fn
        name = re.sub(r"Backward\d*$", "", name)
    modified = "is being" if direct else "its base or another view of its base has been"
    if cm in ("inference", "no_grad") or name is None:
        prefix = (f"Output {t._onr} of {name} is a view of a view which was created in"
                  if name is not None else "A view was created in")
        if cm == "inference":
            msg = f"{prefix} inference mode and {modified} modified inplace in normal mode."
        else:
            msg = f"{prefix} no_grad mode and {modified} modified inplace with grad mode enabled."
    else:
        msg = f"Output {t._onr} of {name} is a view and {modified} modified inplace."
    if cm == "multi":
        msg += (" This view is the output of a function that returns multiple views. Such "
                "functions do not allow the output views to be modified inplace. You should "
                "replace the inplace operation by an out-of-place one.")
    else:
        where = "inference_mode" if cm == "inference" else "no_grad"
        msg += (" Given that this use case is ambiguous and error-prone, it is forbidden. You "
                "can clarify your code by moving both the view and the inplace either both "
                f"inside the {where} block (if you don't want the inplace to be tracked) or "
                "both outside (if you want the inplace to be tracked).")
    return msg


def _check_overlap(chain, cur):
    """An in-place write into an expanded view (several elements, one memory location)."""
    for op, _ in chain:
        if op is EXPAND:
            break
    else:
        return
    if any(st == 0 and sz > 1 for st, sz in zip(strides_of(cur), cur.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location. Please clone() the tensor before performing the "
            "operation.")


def _history(n):
    """The node whose grad_fn a tensor's value has (a no_grad write keeps the old one)."""
    while n.op is C.REBASE:
        n = n.inputs[1]
    return n


def _new_version_meta(old, new):
    """A tensor's value replaced by an in-place op (or a view's, after a write to its base):
    the hooks registered so far stay with the old version, retain_grad moves to the new one
    (PyTorch's update_tensor_hooks_on_new_gradfn)."""
    meta = old.meta
    if meta.hooks:
        kept = AutogradMeta()
        kept.hooks, kept.tensor_ref = meta.hooks, meta.tensor_ref
        old.meta = kept
        meta.hooks = {}
    else:
        old.meta = None
    if meta.retains_grad:
        new.meta = meta


def _over(t, by, new, kind=None):
    """What a node replaced in tensor `t` remembers (see autograd/saved.py): the tensor, its
    version then, the op that replaced it, the kind of write, and the grad_fn name of the
    new value (the version error names it, even once the tensor is gone)."""
    name = None
    if new is not None and new.requires_grad and new.op is not C.LEAF:
        from .autograd.graph import fn_name
        name = fn_name(new)
    # a write through .data holds its tensor: the backward may read the storage's new value
    ref = weakref.ref(t) if kind != "data" else (lambda: t)
    return (ref, t._version_counter, by, kind, name)


def _can_cast(src, dst):
    """c10::canCast: no float->int, complex->real, or non-bool->bool in-place results."""
    if src.is_complex and not dst.is_complex:
        return False
    if src.is_floating_point and D.is_integral(dst, True):
        return False
    if src is not D.bool_ and dst is D.bool_:
        return False
    return True






def _make_inplace(fn):
    def method(self, *args, **kwargs):
        return self._write_result(fn(self, *args, **kwargs))
    method.__name__ = fn.__name__ + "_"
    return method


_OPERATORS = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__mul__": "mul",
              "__rmul__": "mul", "__truediv__": "div", "__pow__": "pow",
              "__neg__": "neg", "__abs__": "abs", "__eq__": "eq",
              "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge",
              "__mod__": "remainder", "__and__": "bitwise_and", "__rand__": "bitwise_and",
              "__or__": "bitwise_or", "__ror__": "bitwise_or", "__xor__": "bitwise_xor",
              "__rxor__": "bitwise_xor"}


def _install_methods():
    for name, fn in METHODS.items():
        setattr(Tensor, name, fn)
    for dunder, name in _OPERATORS.items():
        setattr(Tensor, dunder, METHODS[name])
    for name, fn in INPLACE.items():
        setattr(Tensor, name, _make_inplace(fn))


# ------------------------------------------------------------------ tensor()
def _infer_dtype(data):
    """PyTorch's dtype inference for nested Python data."""
    kinds = set()

    def visit(x):
        if isinstance(x, Tensor):
            kinds.add(x.dtype)
        elif isinstance(x, (list, tuple)):
            for y in x:
                visit(y)
        elif isinstance(x, (bool, np.bool_)):
            kinds.add(D.bool_)
        elif isinstance(x, (int, np.integer)):
            kinds.add(D.int64)
        elif isinstance(x, complex):
            kinds.add(D.complex64)
        else:
            kinds.add(D.get_default_dtype())
    visit(data)
    if not kinds:
        return D.get_default_dtype()
    out = None
    for k in kinds:
        out = k if out is None else D.promote_types(out, k)
    return out


def _to_numpy(data, dtype):
    if isinstance(data, Tensor):
        return np.asarray(data._value()).astype(dtype.np)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _tensors_to_lists(data)
    return np.asarray(data, dtype=dtype.np)


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def from_array(arr, dtype=None, requires_grad=False, device=None):
    """A concrete tensor from a NumPy or JAX array (device_put once, then a program input),
    on JAX's default device or on `device` (a facade device or string)."""
    import jax
    if dtype is None:
        dtype = D.from_numpy_dtype(arr.dtype) if np.dtype(arr.dtype) in D._BY_NP \
            else D.as_dtype(arr.dtype)
    if isinstance(arr, np.ndarray) or np.isscalar(arr):
        # a copy: on CPU, device_put shares a suitably aligned array's memory (may_alias=False
        # does not prevent it in jax 0.10), and a later write into that array (by NumPy, or
        # by PyTorch through `t.numpy()`) would change this tensor
        arr = np.array(arr, dtype=dtype.np, copy=True)
    p = _device.default_placement() if device is None else _device.placement(device)
    with jax.enable_x64(True):
        val = jax.device_put(arr) if p is None or p.__class__ in _device.NOT_A_DEVICE else \
            jax.device_put(arr, p)
        if val.dtype != dtype.np:
            val = val.astype(dtype.np)
    t = Tensor._wrap(const_node(val, dtype))
    t._node.inf = STATE.inference
    if p is not None and p.__class__ in _device.NOT_A_DEVICE:
        t = _device.move(t, p)
    if requires_grad:
        _require_grad_at_creation(t)
    return t


def _require_grad_at_creation(t):
    if not (t.dtype.is_floating_point or t.dtype.is_complex):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    t.requires_grad_(True)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: copy `data` (nested lists, numbers, NumPy arrays, tensors)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    if dtype is not None:
        dt = D.as_dtype(dtype)
    elif isinstance(data, np.ndarray):
        dt = D.as_dtype(data.dtype)
    elif isinstance(data, np.generic):
        dt = D.as_dtype(data.dtype)
    elif isinstance(data, Tensor):
        dt = data.dtype
    else:
        dt = _infer_dtype(data)
    if requires_grad and not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    if device is None and isinstance(data, Tensor) and data._base_sync().dev is not None:
        return _device.move(from_array(_to_numpy(data, dt), dt), data._base_sync().dev) \
            .requires_grad_(requires_grad)
    return from_array(_to_numpy(data, dt), dt, requires_grad, device)


def _legacy_new(dtype, args, device=None):
    return _device.place(_legacy_data(dtype, args), device)


def _legacy_data(dtype, args):
    from ._factory import zeros
    if not args:
        return tensor([], dtype=dtype)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return zeros(*args, dtype=dtype)
    if len(args) == 1 and isinstance(args[0], Size):
        return zeros(*args[0], dtype=dtype)
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)):
        return tensor(args[0], dtype=dtype)
    raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")


class _LegacyType(type):
    """torch.FloatTensor and friends: constructors, and isinstance checks by dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        return _legacy_new(cls.dtype, args, device)


def _legacy_type(name, dtype):
    return _LegacyType(name, (), {"dtype": dtype, "__module__": "torch"})


LEGACY_TYPES = {n: _legacy_type(n, d) for n, d in (
    ("FloatTensor", D.float32), ("DoubleTensor", D.float64), ("HalfTensor", D.float16),
    ("BFloat16Tensor", D.bfloat16), ("LongTensor", D.int64), ("IntTensor", D.int32),
    ("ShortTensor", D.int16), ("CharTensor", D.int8), ("ByteTensor", D.uint8),
    ("BoolTensor", D.bool_))}


def _rebuild(arr, dtype_name, requires_grad):
    return tensor(arr, dtype=D._BY_NAME[dtype_name], requires_grad=requires_grad)


_dispatch.Tensor = Tensor
