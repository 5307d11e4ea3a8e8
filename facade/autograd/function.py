"""torch.autograd.Function: user-defined ops with a hand-written backward, on jax.custom_vjp.

`MyFn.apply(*args)` records one op (one per output) whose implementation is a
`jax.custom_vjp` function: its primal runs `forward` on facade tensors over the JAX input
values, its backward runs `backward` the same way (facade code evaluated inside the trace,
see facade.func.to_jax). So a Function works eagerly, in backward(), with create_graph
(backward is differentiable facade code), inside facade.jit and facade.func transforms that
use reverse mode.

    >>> class Round(torch.autograd.Function):       # a straight-through estimator
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return x.round()
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         return g
    >>> y = Round.apply(x)
"""
from __future__ import annotations

import jax
import numpy as np

from .._dispatch import STATE, record
from .._tensor import Tensor

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The `ctx` passed to forward/backward: save_for_backward / saved_tensors,
    needs_input_grad, mark_non_differentiable, set_materialize_grads. Other attributes set
    in forward are visible in backward."""

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self._to_save = tensors

    @property
    def saved_tensors(self):
        return tuple(getattr(self, "_saved", getattr(self, "_to_save", ())))

    def save_for_forward(self, *tensors):
        self._to_save_forward = tensors

    def mark_non_differentiable(self, *args):
        self._non_differentiable = args

    def mark_dirty(self, *args):
        self._dirty = args

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


_INTERNAL = ("_to_save", "_saved", "_non_differentiable", "_dirty", "_to_save_forward",
             "needs_input_grad", "materialize_grads")


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._op = None


class Function(metaclass=_FunctionMeta):
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grad_outputs)` (or
    `forward(*args)` plus `setup_context(ctx, inputs, output)`), then call `apply`.
    backward returns one gradient per forward argument (None for non-tensors or inputs
    that need none)."""

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself. "
                      "Instantiating an autograd function will raise an error in a future "
                      "version of PyTorch.", DeprecationWarning, stacklevel=2)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from ..func import split_args
        tensors, treedef, spec = split_args((args, kwargs))
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        # forward runs now on the real tensors, under no_grad, only to learn the results'
        # structure (recording is free: nothing is computed)
        ctx = _new_ctx(needs)
        outs, single = _forward(cls, ctx, args, kwargs)
        avals = tuple((o._base_sync().shape, o._base_sync().dtype) for o in outs)
        ndiff = getattr(ctx, "_non_differentiable", ())
        nd = tuple(any(o is m for m in ndiff) for o in outs)
        op = _op_for(cls)
        nodes = tuple(t._base_sync() for t in tensors)
        res = []
        for i in range(len(outs)):
            params = (("treedef", treedef), ("spec", spec), ("index", i), ("avals", avals),
                      ("needs", needs))
            node = record(op, nodes, params, grad=False if nd[i] else None)
            res.append(Tensor._wrap(node))
        return res[0] if single else tuple(res)


def once_differentiable(fn):
    """PyTorch's decorator for backward functions that are not differentiable twice: here
    backward is facade code and stays differentiable, so this returns `fn` unchanged."""
    return fn


def _new_ctx(needs):
    ctx = FunctionCtx()
    ctx.needs_input_grad = needs
    ctx.materialize_grads = True
    return ctx


def _uses_setup_context(cls):
    return any("setup_context" in c.__dict__ for c in cls.__mro__
               if c is not Function and issubclass(c, Function))


def _forward(cls, ctx, args, kwargs):
    """Run cls.forward under no_grad; (outputs as a list of tensors, single output?)."""
    prev = STATE.enabled
    STATE.enabled = False
    try:
        if _uses_setup_context(cls):
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    finally:
        STATE.enabled = prev
    single = not isinstance(out, (tuple, list))
    outs = [out] if single else list(out)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{cls.__name__}.forward must return tensors (or a tuple of "
                            f"tensors), got {type(o).__name__}")
    return outs, single


def _op_for(cls):
    op = cls.__dict__.get("_op")
    if op is None:
        from .._ops.table import OpDef
        op = OpDef(f"function:{cls.__qualname__}", _impl_for(cls), _rule,
                   f"{cls.__name__}Backward", saves=False, vjp_name="AddBackward0")
        cls._op = op
    return op


def _rule(*nodes, treedef, spec, index, avals, needs):
    shape, dtype = avals[index]
    return shape, dtype, None


def _impl_for(cls):
    def impl(*arrays, treedef, spec, index, avals, needs):
        return _custom_vjp(cls, treedef, spec, avals, needs)(*arrays)[index]
    return impl


def _custom_vjp(cls, treedef, spec, avals, needs):
    """The JAX function of one call site: forward and backward as facade code evaluated in
    the caller's trace. Python attributes of ctx go from fwd to bwd through `holder` (both are
    traced within the same transform); tensors go through the residuals."""
    from ..func import evaluate_tensors, join_args, tensor_of
    holder = {}

    def run(arrays):
        args, kwargs = join_args([tensor_of(a) for a in arrays], treedef, spec)
        ctx = _new_ctx(needs)
        outs, _ = _forward(cls, ctx, args, kwargs)
        return ctx, outs

    @jax.custom_vjp
    def f(*arrays):
        _, outs = run(arrays)
        return tuple(evaluate_tensors(outs))

    def fwd(*arrays):
        ctx, outs = run(arrays)
        saved = list(getattr(ctx, "_to_save", ()))
        attrs = [k for k, v in vars(ctx).items() if isinstance(v, Tensor) and k not in _INTERNAL]
        tensors = outs + [t for t in saved if t is not None] + [getattr(ctx, k) for k in attrs]
        vals = evaluate_tensors(tensors) if tensors else []
        n = len(outs)
        for k in attrs + ["_to_save"]:
            ctx.__dict__.pop(k, None)
        holder["ctx"] = (ctx, [t is None for t in saved], attrs)
        return tuple(vals[:n]), (tuple(vals[n:]), tuple(a for a in arrays))

    def bwd(res, cts):
        ctx, none_mask, attrs = holder["ctx"]
        vals, arrays = res
        it = iter(vals)
        ctx._saved = tuple(None if is_none else tensor_of(next(it)) for is_none in none_mask)
        for k in attrs:
            setattr(ctx, k, tensor_of(next(it)))
        grads_out = []
        for c, (shape, dtype) in zip(cts, avals):
            if c.dtype == jax.dtypes.float0:
                c = np.zeros(shape, dtype.np)
            grads_out.append(tensor_of(c))
        prev = STATE.enabled
        STATE.enabled = False
        try:
            g = cls.backward(ctx, *grads_out)
        finally:
            STATE.enabled = prev
        g = tuple(g) if isinstance(g, (tuple, list)) else (g,)
        n_args = len(needs)
        if len(g) < n_args:
            raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number "
                               f"of gradients (expected {n_args}, got {len(g)})")
        # one gradient per positional argument; tensors among kwargs get none
        return _input_cotangents(cls, g[:n_args], spec, treedef, arrays)

    f.defvjp(fwd, bwd)
    return f


def _input_cotangents(cls, g, spec, treedef, arrays):
    from ..func import evaluate_tensors
    # positions of the tensor leaves among the positional arguments
    args_leaves = jax.tree_util.tree_unflatten(treedef, list(range(len(spec))))[0]
    by_leaf = {}
    for i, a in enumerate(args_leaves):
        if isinstance(a, int):
            by_leaf[a] = i
    out = [None] * len(arrays)
    todo = []
    k = 0
    for leaf, s in enumerate(spec):
        if s is not None:
            continue
        a = arrays[k]
        i = by_leaf.get(leaf)
        gi = g[i] if i is not None else None
        if gi is not None and not isinstance(gi, Tensor):
            raise TypeError(f"{cls.__name__}.backward returned a {type(gi).__name__} for a "
                            "tensor input: expected a Tensor or None")
        if gi is not None and tuple(gi.shape) != tuple(a.shape):
            raise RuntimeError(
                f"Function {cls.__name__}Backward returned an invalid gradient at index {i} - "
                f"got {list(gi.shape)} but expected shape compatible with {list(a.shape)}")
        if not np.issubdtype(np.dtype(a.dtype), np.inexact):
            out[k] = np.zeros(a.shape, jax.dtypes.float0)
        elif gi is None:
            out[k] = jax.numpy.zeros(a.shape, a.dtype)
        else:
            todo.append((k, gi))
        k += 1
    if todo:
        vals = evaluate_tensors([gi for _, gi in todo])
        for (k, _), v in zip(todo, vals):
            out[k] = v.astype(arrays[k].dtype)
    return tuple(out)
