"""torch.autograd.Function: user-defined ops with a hand-written backward, on jax.custom_vjp.

`MyFn.apply(*args)` runs `forward` once, eagerly and under no_grad, as PyTorch does (so it
may read values, call NumPy, print). Its tensor results are then recorded as one op each
whose implementation is a `jax.custom_vjp` function: the primal passes the forward's results
through, the backward runs `backward` as facade code on the cotangents inside the program's
trace (see facade.func.to_jax). So a Function works eagerly, in backward(), with create_graph
(backward is differentiable facade code: tensors saved from the inputs or outputs stay
differentiable, intermediates saved from forward are constants, as in PyTorch), inside
facade.jit, and inside facade.func transforms that use reverse mode.

`backward` is traced when the program that differentiates the op is built; that program is
reused while the graph's structure (and ctx's non-tensor attributes) stay the same, so
Python side effects in `backward` happen once per structure, not once per call.

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
import jax.numpy as jnp
import numpy as np

from .._dispatch import STATE, record
from .._tensor import Tensor

__all__ = ["Function", "FunctionCtx", "once_differentiable", "InplaceFunction",
           "NestedIOFunction"]


class FunctionCtx:
    """The `ctx` passed to forward/backward: save_for_backward / saved_tensors,
    needs_input_grad, mark_non_differentiable, set_materialize_grads. Other attributes set
    in forward are visible in backward."""

    def save_for_backward(self, *tensors):
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{i} is of type {type(t).__name__}")
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
        from .. import _compile
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = _new_ctx(needs)
        out = _forward(cls, ctx, args, kwargs)    # once, eagerly, under no_grad
        single = not isinstance(out, tuple)
        items = [out] if single else list(out)
        # inside a JAX transform the custom backward must be used whatever requires grad
        in_trace = not _compile.outside_traces()
        if not in_trace and not (STATE.enabled and any(needs)):
            # an input returned as it is comes back as an alias outside the graph
            ins = [a for a in args if isinstance(a, Tensor)]
            items = [o.detach() if any(o is a for a in ins) else o for o in items]
            return items[0] if single else tuple(items)
        results = _record_outputs(cls, ctx, args, items,
                                  getattr(ctx, "_non_differentiable", ()))
        return results[0] if single else tuple(results)


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass


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


def _backward_of(cls):
    """The user's backward (or vjp, PyTorch's other name for it)."""
    for c in cls.__mro__:
        if c is Function:
            break
        if "backward" in c.__dict__:
            return cls.backward
        if "vjp" in c.__dict__:
            return cls.vjp
    return cls.backward


def _forward(cls, ctx, args, kwargs):
    """Run cls.forward under no_grad (as PyTorch does)."""
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
    return out


def _record_outputs(cls, ctx, args, items, ndiff):
    """The forward's tensor results as ops of the graph (one per result) whose backward is
    cls.backward; non-tensor results pass through."""
    from ..func import _Static
    # op inputs: the tensor arguments (differentiable), then residuals: the forward's
    # tensor results, then other tensors saved or stored on ctx
    arg_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    outs = [i for i, o in enumerate(items) if isinstance(o, Tensor)]
    residuals = [items[i] for i in outs]

    def where(t):
        for k, i in enumerate(arg_pos):
            if args[i] is t:
                return ("in", k)
        for j, i in enumerate(outs):
            if items[i] is t:
                return ("out", j)
        for r, x in enumerate(residuals):
            if x is t:
                return ("res", r)
        residuals.append(t)
        return ("res", len(residuals) - 1)

    saved = tuple(None if t is None else where(t) for t in getattr(ctx, "_to_save", ()))
    attrs, statics = [], []
    for k, v in list(vars(ctx).items()):
        if k in _INTERNAL:
            continue
        if isinstance(v, Tensor):
            attrs.append((k, where(v)))
        else:
            statics.append((k, _Static(v)))
    avals = tuple((o._base_sync().shape, o._base_sync().dtype) for o in residuals[:len(outs)])
    nd = tuple(any(items[i] is m for m in ndiff) for i in outs)
    params = (("n_args", len(args)), ("arg_pos", tuple(arg_pos)), ("avals", avals),
              ("out_pos", tuple(outs)), ("n_items", len(items)),
              ("saved", saved), ("attrs", tuple(attrs)), ("statics", tuple(statics)),
              ("needs", ctx.needs_input_grad), ("materialize", bool(ctx.materialize_grads)),
              ("nd", nd))
    op = _op_for(cls)
    nodes = tuple(args[i]._base_sync() for i in arg_pos) + tuple(
        _detached(t) for t in residuals)
    results = list(items)
    for j, i in enumerate(outs):
        if nd[j] or not (avals[j][1].is_floating_point or avals[j][1].is_complex):
            results[i] = items[i].detach()
            continue
        node = record(op, nodes, params + (("index", j),))
        results[i] = Tensor._wrap(node)
    return results


def _detached(t):
    n = t._base_sync()
    if n.requires_grad:
        from .._ops import core as C
        n = record(C.DETACH, (n,))
    return n


def _op_for(cls):
    op = cls.__dict__.get("_op")
    if op is None:
        from .._ops.table import OpDef
        op = OpDef(f"function:{cls.__qualname__}", _impl_for(cls), _rule,
                   f"{cls.__name__}Backward", saves=False, vjp_name="AddBackward0",
                   visible=_visible)
        cls._op = op
    return op


def _visible(params):
    """next_functions: one entry per tensor argument (PyTorch lists no others)."""
    return tuple(range(len(dict(params)["arg_pos"])))


def _rule(*nodes, index, avals, **_):
    shape, dtype = avals[index]
    return shape, dtype, None


def _impl_for(cls):
    def impl(*arrays, index, **p):
        return _custom_vjp(cls, **p)(*arrays)[index]
    return impl


def _custom_vjp(cls, n_args, arg_pos, avals, out_pos, n_items, saved, attrs, statics, needs,
                materialize, nd):
    """The JAX function of one call: pass the forward's results through; its vjp runs
    cls.backward as facade code on the cotangents (inside the caller's trace)."""
    from ..func import _values, tensor_of
    n_in, n_out = len(arg_pos), len(avals)
    backward = _backward_of(cls)

    def primal(*arrays):
        return tuple(arrays[n_in:n_in + n_out])

    f = jax.custom_vjp(primal)

    def fwd(*arrays):
        if not materialize:   # symbolic zeros: the primals come wrapped
            arrays = tuple(a.value for a in arrays)
        return primal(*arrays), arrays

    def bwd(arrays, cts):
        def value(w):
            kind, k = w
            if kind == "in":
                return tensor_of(arrays[k])
            if kind == "out":   # the output itself: differentiable through this op again
                return tensor_of(f(*arrays)[k])
            return tensor_of(arrays[n_in + k])
        ctx = FunctionCtx()
        ctx.needs_input_grad = needs
        ctx.materialize_grads = materialize
        for k, v in statics:
            setattr(ctx, k, v.value)
        for k, w in attrs:
            setattr(ctx, k, value(w))
        ctx._saved = tuple(None if w is None else value(w) for w in saved)
        grads_out = [None] * n_items    # None for results that are not tensors
        for i, c, (shape, dtype) in zip(out_pos, cts, avals):
            if isinstance(c, jax.custom_derivatives.SymbolicZero):
                continue
            if c.dtype == jax.dtypes.float0:
                c = np.zeros(shape, dtype.np)
            grads_out[i] = tensor_of(c)
        prev = STATE.enabled
        STATE.enabled = False
        try:
            g = backward(ctx, *grads_out)
        finally:
            STATE.enabled = prev
        g = _check_count(cls, g, n_args, arg_pos)
        out = _input_cotangents(cls, g, arrays, arg_pos, _values)
        # the residuals get no cotangent
        for a in arrays[n_in:]:
            out.append(jnp.zeros(a.shape, a.dtype) if np.issubdtype(a.dtype, np.inexact)
                       else np.zeros(a.shape, jax.dtypes.float0))
        return tuple(out)

    f.defvjp(fwd, bwd, symbolic_zeros=not materialize)
    return f


def _check_count(cls, g, n_args, arg_pos):
    """PyTorch's checks on what backward returned: one gradient per forward argument
    (extra trailing Nones allowed), None for arguments that are not tensors."""
    name = f"{cls.__name__}Backward"
    g = tuple(g) if isinstance(g, (tuple, list)) else (g,)
    if len(g) > n_args and all(x is None for x in g[n_args:]):
        g = g[:n_args]
    if len(g) != n_args:
        raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                           f"(expected {n_args}, got {len(g)})")
    tensor_args = set(arg_pos)
    for i, x in enumerate(g):
        if x is None:
            continue
        if not isinstance(x, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(x).__name__})")
        if i not in tensor_args:
            raise RuntimeError(f"function {name} returned a gradient different than None at "
                               f"position {i + 1}, but the corresponding forward input was "
                               "not a Variable")
    return g


def _input_cotangents(cls, g, arrays, arg_pos, values):
    """One cotangent per tensor argument: zeros for None, the gradient summed to the input's
    shape when it broadcasts to it (PyTorch's validate_outputs), cast to its dtype."""
    out, todo = [], []
    for k, i in enumerate(arg_pos):
        a = arrays[k]
        gi = g[i]
        if not np.issubdtype(np.dtype(a.dtype), np.inexact):
            out.append(np.zeros(a.shape, jax.dtypes.float0))
            continue
        if gi is None:
            out.append(jnp.zeros(a.shape, a.dtype))
            continue
        shape, want = tuple(gi.shape), tuple(a.shape)
        if shape != want:
            if not _expandable(want, shape):
                raise RuntimeError(
                    f"Function {cls.__name__}Backward returned an invalid gradient at index {i} "
                    f"- got {list(shape)} but expected shape compatible with {list(want)}")
            gi = _sum_to(gi, want)
        out.append(None)
        todo.append((len(out) - 1, k, gi))
    if todo:
        vals = values([gi for _, _, gi in todo])
        for (j, k, _), v in zip(todo, vals):
            out[j] = v.astype(arrays[k].dtype)
    return out


def _expandable(shape, to):
    """Whether `shape` broadcasts to `to` (PyTorch's is_expandable_to)."""
    if len(shape) > len(to):
        return False
    for a, b in zip(reversed(shape), reversed(to)):
        if a != b and a != 1:
            return False
    return True


def _sum_to(t, shape):
    lead = t.dim() - len(shape)
    dims = list(range(lead)) + [lead + i for i, s in enumerate(shape)
                                if s == 1 and t.shape[lead + i] != 1]
    if dims:
        t = t.sum(dim=dims, keepdim=True)
    return t.reshape(shape)
