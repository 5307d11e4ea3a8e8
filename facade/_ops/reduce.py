"""Reductions."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .table import FUNCTIONS, defop, expose, wrap_dim


def _reduced_shape(shape, dims, keepdim):
    if dims is None:
        return tuple(1 for _ in shape) if keepdim else ()
    if keepdim:
        return tuple(1 if i in dims else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _sum_rule(x, dims, keepdim, dtype):
    out = dtype if dtype is not None else (D.int64 if D.is_integral(x.dtype, True) else x.dtype)
    return _reduced_shape(x.shape, dims, keepdim), out, out


def _mean_rule(x, dims, keepdim, dtype):
    out = dtype if dtype is not None else x.dtype
    if not (out.is_floating_point or out.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {D.scalar_name(out)}")
    return _reduced_shape(x.shape, dims, keepdim), out, out




def _sum(x, dims, keepdim, dtype):
    return jnp.sum(x.astype(dtype.np) if dtype is not None else x, axis=dims, keepdims=keepdim)


def _mean(x, dims, keepdim, dtype):
    return jnp.mean(x.astype(dtype.np) if dtype is not None else x, axis=dims, keepdims=keepdim)


SUM = defop("sum", _sum, _sum_rule, "SumBackward0", saves=False, vjp_name="ExpandBackward0")
SUM_DIM = defop("sum_dim", _sum, _sum_rule, "SumBackward1", saves=False,
                vjp_name="ExpandBackward0")
MEAN = defop("mean", _mean, _mean_rule, "MeanBackward0", saves=False,
             vjp_name="DivBackward0")
MEAN_DIM = defop("mean_dim", _mean, _mean_rule, "MeanBackward1", saves=False,
                 vjp_name="DivBackward0")


def _dims(dim, nd):
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        return tuple(sorted({wrap_dim(d, nd) for d in dim}))
    return (wrap_dim(dim, nd),)


def _reduction(full_op, dim_op):
    def front(input, dim=None, keepdim=False, *, dtype=None, out=None):
        if isinstance(dim, D.dtype):  # sum(x, torch.float64)
            dim, dtype = None, dim
        dims = _dims(dim, input.dim())
        dt = D.as_dtype(dtype) if dtype is not None else None
        if dims is None and dim is None:
            return apply(full_op, (input,), (("dims", None), ("keepdim", False), ("dtype", dt)))
        return apply(dim_op, (input,), (("dims", dims), ("keepdim", bool(keepdim)),
                                        ("dtype", dt)))
    return front


sum = _reduction(SUM, SUM_DIM)
mean = _reduction(MEAN, MEAN_DIM)
expose(sum, "sum", "sum")
expose(mean, "mean", "mean")


# ------------------------------------------------------------------ max / min / prod / arg*
class _ReturnType(tuple):
    """torch.return_types.max and friends: a (values, indices) named tuple."""
    _name = "max"

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


def _return_type(name):
    return type(name, (_ReturnType,), {"_name": name, "__module__": "torch.return_types"})


def _full_reduce_rule(x, **_):
    return (), x.dtype, x.dtype


def _dim_reduce_rule(x, dim, keepdim, **_):
    return _reduced_shape(x.shape, (dim,), keepdim), x.dtype, x.dtype


def _arg_rule(x, dim, keepdim, **_):
    return _reduced_shape(x.shape, None if dim is None else (dim,), keepdim), D.int64, None


def _pick(x, dim, keepdim, arg):
    """values at arg(x) along dim: the gradient goes to that one index, as in PyTorch."""
    i = jnp.expand_dims(arg(x, axis=dim), dim)
    v = jnp.take_along_axis(x, i, axis=dim)
    return v if keepdim else jnp.squeeze(v, dim)


def _argpick(x, dim, keepdim, arg):
    i = arg(x, axis=dim)
    return jnp.expand_dims(i, dim) if keepdim else i


def _arg_impl(x, dim, keepdim, arg):
    if dim is None:
        i = arg(x.ravel())
        return jnp.reshape(i, (1,) * x.ndim) if keepdim else i
    return _argpick(x, dim, keepdim, arg)


_EXTREMES = {}
for _name, _red, _arg in (("max", jnp.max, jnp.argmax), ("min", jnp.min, jnp.argmin)):
    _full = defop(_name, lambda x, red=_red: red(x), _full_reduce_rule,
                  f"{_name.capitalize()}Backward1")
    _vals = defop(f"{_name}_dim", lambda x, dim, keepdim, arg=_arg: _pick(x, dim, keepdim, arg),
                  _dim_reduce_rule, f"{_name.capitalize()}Backward0")
    _idx = defop(f"arg{_name}", lambda x, dim, keepdim, arg=_arg: _arg_impl(x, dim, keepdim, arg),
                 _arg_rule, None, saves=False)
    _EXTREMES[_name] = (_full, _vals, _idx, _return_type(_name))


def _extreme(name):
    full, vals, idx, rtype = _EXTREMES[name]

    def front(input, dim=None, keepdim=False, *, out=None):
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument.")
            return apply(full, (input,))
        if hasattr(dim, "_base_sync"):   # max(a, b): elementwise
            return FUNCTIONS["maximum" if name == "max" else "minimum"](input, dim)
        d = wrap_dim(dim, input.dim())
        p = (("dim", d), ("keepdim", bool(keepdim)))
        return rtype(apply(vals, (input,), p), apply(idx, (input,), p))

    def arg(input, dim=None, keepdim=False):
        d = None if dim is None else wrap_dim(dim, input.dim())
        return apply(idx, (input,), (("dim", d), ("keepdim", bool(keepdim))))
    front.__name__, arg.__name__ = name, "arg" + name
    expose(front, name, name)
    expose(arg, "arg" + name, "arg" + name)


def _amax(red, name):
    op = defop(name, lambda x, dims, keepdim: red(x, axis=dims, keepdims=keepdim),
               lambda x, dims, keepdim: (_reduced_shape(x.shape, dims, keepdim), x.dtype,
                                         x.dtype),
               f"{name.capitalize()}Backward0")

    def front(input, dim=(), keepdim=False, *, out=None):
        dims = _dims(dim, input.dim())
        return apply(op, (input,), (("dims", dims), ("keepdim", bool(keepdim))))
    front.__name__ = name
    expose(front, name, name)


_extreme("max")
_extreme("min")
_amax(jnp.max, "amax")
_amax(jnp.min, "amin")

def _prod(x, dims, keepdim, dtype):
    return jnp.prod(x.astype(dtype.np) if dtype is not None else x, axis=dims, keepdims=keepdim)


PROD = defop("prod", _prod, _sum_rule, "ProdBackward0")
PROD_DIM = defop("prod_dim", _prod, _sum_rule, "ProdBackward1")


def prod(input, dim=None, keepdim=False, *, dtype=None):
    dt = D.as_dtype(dtype) if dtype is not None else None
    if dim is None:
        return apply(PROD, (input,), (("dims", None), ("keepdim", False), ("dtype", dt)))
    return apply(PROD_DIM, (input,), (("dims", (wrap_dim(dim, input.dim()),)),
                                      ("keepdim", bool(keepdim)), ("dtype", dt)))


expose(prod, "prod", "prod")
