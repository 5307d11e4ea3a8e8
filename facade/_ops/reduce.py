"""Reductions."""
from __future__ import annotations

import jax
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


def _mean_rule(x, dims, keepdim, dtype, name="mean"):
    out = dtype if dtype is not None else x.dtype
    if not (out.is_floating_point or out.is_complex):
        raise RuntimeError(
            f"{name}(): could not infer output dtype. "
            f"{'Input' if dtype is None else 'Optional'} dtype must be either a floating point "
            f"or complex dtype. Got: {D.scalar_name(out)}")
    return _reduced_shape(x.shape, dims, keepdim), out, out




def _acc(x, dtype):
    """x in the dtype a reduction accumulates in: `dtype`, but a half-precision `dtype` of a
    wider input accumulates in float32 (as PyTorch's kernels), cast at the end."""
    if dtype is None:
        return x, None
    if dtype.np in (jnp.float16, jnp.bfloat16) and x.dtype.itemsize >= 4 and \
            jnp.issubdtype(x.dtype, jnp.inexact):
        return x.astype(jnp.float32), dtype.np
    return x.astype(dtype.np), None


def _sum(x, dims, keepdim, dtype):
    x, out = _acc(x, dtype)
    r = jnp.sum(x, axis=dims, keepdims=keepdim)
    return r if out is None else r.astype(out)


def _mean(x, dims, keepdim, dtype):
    x, out = _acc(x, dtype)
    r = jnp.mean(x, axis=dims, keepdims=keepdim)
    return r if out is None else r.astype(out)


SUM = defop("sum", _sum, _sum_rule, "SumBackward0", saves=False, vjp_name="ExpandBackward0")
SUM_DIM = defop("sum_dim", _sum, _sum_rule, "SumBackward1", saves=False,
                vjp_name="ExpandBackward0")
MEAN = defop("mean", _mean, _mean_rule, "MeanBackward0", saves=False,
             vjp_name="DivBackward0")
MEAN_DIM = defop("mean_dim", _mean, _mean_rule, "MeanBackward1", saves=False,
                 vjp_name="DivBackward0")


_NO = object()   # "argument not given": PyTorch picks another overload (another grad_fn)


def _dims(dim, nd, empty_is_all=True):
    """The sorted dims a `dim` argument names: None for all of them (None, or an empty list
    when `empty_is_all`), () for a 0-d tensor (its dim 0 / -1 reduces nothing)."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None if empty_is_all else ()
        ds = [wrap_dim(d, nd) for d in dim]
        for i, d in enumerate(ds):
            if d in ds[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return () if nd == 0 else tuple(sorted(ds))
    d = wrap_dim(dim, nd)
    return () if nd == 0 else (d,)


def _grad_dtype_check(input, dt):
    """An integer `dtype=` on a tensor that requires grad: PyTorch's error."""
    if dt is not None and not (dt.is_floating_point or dt.is_complex) and \
            input.requires_grad and _is_grad_enabled():
        raise RuntimeError(f"Autograd not support dtype: {D.scalar_name(dt)}")


def _is_grad_enabled():
    from .._dispatch import STATE
    return STATE.enabled


def _reduction(full_op, dim_op, name):
    def front(input, dim=_NO, keepdim=_NO, *, dtype=None, out=None):
        if isinstance(dim, D.dtype):  # sum(x, torch.float64)
            dim, dtype = _NO, dim
        dt = D.as_dtype(dtype) if dtype is not None else None
        if name == "sum":   # (mean's rule refuses an integer dtype first)
            _grad_dtype_check(input, dt)
        if dim is _NO:
            if keepdim is not _NO:
                raise TypeError(
                    f"{name}() received an invalid combination of arguments - got (keepdim="
                    f"{type(keepdim).__name__}, ), but expected one of:\n * (*, torch.dtype "
                    f"dtype = None)\n * (tuple of ints dim, bool keepdim = False, *, "
                    f"torch.dtype dtype = None)\n")
            return apply(full_op, (input,), (("dims", None), ("keepdim", False), ("dtype", dt)))
        return apply(dim_op, (input,), (("dims", _dims(dim, input.dim())),
                                        ("keepdim", keepdim is not _NO and bool(keepdim)),
                                        ("dtype", dt)))
    front.__name__ = name
    return front


sum = _reduction(SUM, SUM_DIM, "sum")
mean = _reduction(MEAN, MEAN_DIM, "mean")
expose(sum, "sum", "sum")
expose(mean, "mean", "mean")


# ------------------------------------------------------------------ nansum / nanmean
def _nansum(x, dims, keepdim, dtype):
    if jnp.issubdtype(x.dtype, jnp.inexact):
        x = jnp.where(jnp.isnan(x), jnp.zeros((), x.dtype), x)   # gradient 0 at nan
    return _sum(x, dims, keepdim, dtype)


def _nansum_rule(x, dims, keepdim, dtype):
    if x.dtype.is_complex:
        raise RuntimeError("nansum does not support complex inputs")
    return _sum_rule(x, dims, keepdim, dtype)


NANSUM = defop("nansum", _nansum, _nansum_rule, "NansumBackward0")


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    dt = D.as_dtype(dtype) if dtype is not None else None
    _grad_dtype_check(input, dt)
    return apply(NANSUM, (input,), (("dims", _dims(dim, input.dim())),
                                    ("keepdim", bool(keepdim)), ("dtype", dt)))


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """nansum / the number of non-nan elements (PyTorch's composite: grad_fn DivBackward0)."""
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {D.scalar_name(input.dtype)}")
    dims = _dims(dim, input.dim())
    _mean_rule(input, dims, keepdim, D.as_dtype(dtype) if dtype is not None else None,
               "nanmean")
    count = FUNCTIONS["logical_not"](FUNCTIONS["isnan"](input))
    n = sum(count, dim if dim is not None else _NO, keepdim if dim is not None else _NO)
    return nansum(input, dim, keepdim, dtype=dtype).div(n)


expose(nansum, "nansum", "nansum")
expose(nanmean, "nanmean", "nanmean")


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
    if x.ndim == 0:
        return x
    i = jnp.expand_dims(arg(x, axis=dim), dim)
    v = jnp.take_along_axis(x, i, axis=dim)
    return v if keepdim else jnp.squeeze(v, dim)


def _argpick(x, dim, keepdim, arg):
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    i = arg(x, axis=dim)
    return jnp.expand_dims(i, dim) if keepdim else i


def _arg_impl(x, dim, keepdim, arg):
    if dim is None:
        i = arg(x.ravel())
        return jnp.reshape(i, (1,) * x.ndim) if keepdim else i
    return _argpick(x, dim, keepdim, arg)


def _nan_arg(arg):
    """argmax/argmin where a nan wins (PyTorch's max/min propagate nan; so do their indices)."""
    def f(x, axis=None):
        if not jnp.issubdtype(x.dtype, jnp.inexact):
            return arg(x, axis=axis)
        nan = jnp.isnan(x)
        return jnp.where(jnp.any(nan, axis=axis), jnp.argmax(nan, axis=axis),
                         arg(x, axis=axis))
    return f


def _make_even(red, nan_aware=True):
    """max()/min()/amax/amin: PyTorch spreads the gradient evenly over tied extremes; for a
    nan result max()/min() send it to the nans, amax/amin give nan (no element equals it)."""
    def f(x, dims, keepdim):
        return red(x, axis=dims, keepdims=keepdim)

    g = jax.custom_jvp(f, nondiff_argnums=(1, 2))

    def jvp(dims, keepdim, primals, tangents):
        (x,), (t,) = primals, tangents
        out = f(x, dims, keepdim)
        axes = tuple(range(x.ndim)) if dims is None else dims
        o = out if keepdim else jnp.expand_dims(out, axes)
        hit = (x == o) | (jnp.isnan(x) & jnp.isnan(o)) if nan_aware else x == o
        n = jnp.sum(hit, axis=axes, keepdims=True).astype(x.dtype)
        # nan where nothing equals the result (a nan amax), as PyTorch's 0 / 0 (written as a
        # select: XLA would fold convert(hit) / n into one)
        w = jnp.where(n == 0, jnp.nan, hit.astype(x.dtype) / jnp.where(n == 0, 1, n))
        return out, jnp.sum(t * w, axis=axes, keepdims=keepdim)
    g.defjvp(jvp)

    def impl(x, dims, keepdim):
        if not jnp.issubdtype(x.dtype, jnp.inexact) or x.size == 0:
            return f(x, dims, keepdim)
        return g(x, dims, keepdim)
    return impl


def _empty_checks(name, input, dim, arg=False, wrapped=True):
    """PyTorch's errors for a reduction over nothing (max, amax, argmax, median...)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        if input.numel() == 0:
            more = "" if arg else " Specify the reduction dim with the 'dim' argument."
            raise (IndexError if arg else RuntimeError)(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0.{more}")
        return
    for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
        w = wrap_dim(d, input.dim())
        if input.dim() and input.shape[w] == 0:   # (amax names the dim as given)
            raise IndexError(f"{name}(): Expected reduction dim {w if wrapped else d} to have "
                             "non-zero size.")


def _no_bool_arg(name, input):
    if input.dtype is D.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")


def _int_dim(name, dim, pos=2, method=False):
    if not isinstance(dim, int) and not hasattr(dim, "__index__"):
        raise TypeError(f"{name}(): argument 'dim' (position {pos - method}) must be int, "
                        f"not {type(dim).__name__}")


_EXTREMES = {}
for _name, _red, _arg in (("max", jnp.max, jnp.argmax), ("min", jnp.min, jnp.argmin)):
    _even = _make_even(_red)
    _full = defop(_name, lambda x, even=_even: even(x, None, False), _full_reduce_rule,
                  f"{_name.capitalize()}Backward1")
    _narg = _nan_arg(_arg)
    _vals = defop(f"{_name}_dim",
                  lambda x, dim, keepdim, arg=_narg: _pick(x, dim, keepdim, arg),
                  _dim_reduce_rule, f"{_name.capitalize()}Backward0")
    _idx = defop(f"arg{_name}",
                 lambda x, dim, keepdim, arg=_narg: _arg_impl(x, dim, keepdim, arg),
                 _arg_rule, None, saves=False)
    _EXTREMES[_name] = (_full, _vals, _idx, _return_type(_name), _even)


def _extreme(name):
    full, vals, idx, rtype, _ = _EXTREMES[name]

    def front(input, dim=None, keepdim=False, *, out=None):
        if dim is None:
            if input.numel() == 0:
                raise RuntimeError(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument.")
            return apply(full, (input,))
        if hasattr(dim, "_base_sync"):   # max(a, b): elementwise
            return FUNCTIONS["maximum" if name == "max" else "minimum"](input, dim)
        if isinstance(dim, (tuple, list)):
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got (Tensor, "
                f"{type(dim).__name__}, keepdim=bool), but expected one of:\n")
        _empty_checks(name, input, dim)
        d = wrap_dim(dim, input.dim())
        p = (("dim", d), ("keepdim", bool(keepdim)))
        return rtype(apply(vals, (input,), p), apply(idx, (input,), p))

    def arg(input, dim=None, keepdim=False):
        _no_bool_arg("arg" + name, input)
        if dim is not None:
            _int_dim("arg" + name, dim)
        _empty_checks("arg" + name, input, dim, arg=True)
        d = None if dim is None else wrap_dim(dim, input.dim())
        return apply(idx, (input,), (("dim", d), ("keepdim", bool(keepdim))))
    front.__name__, arg.__name__ = name, "arg" + name
    expose(front, name, name)
    expose(arg, "arg" + name, "arg" + name)


def _amax_rule(x, dims, keepdim):
    return _reduced_shape(x.shape, dims, keepdim), x.dtype, x.dtype


def _amax(name):
    even = _make_even(jnp.max if name == "amax" else jnp.min, nan_aware=False)
    op = defop(name, even, _amax_rule, f"{name.capitalize()}Backward0")

    def front(input, dim=(), keepdim=False, *, out=None):
        _empty_checks(name, input, dim, wrapped=False)
        dims = _dims(dim, input.dim())
        return apply(op, (input,), (("dims", dims), ("keepdim", bool(keepdim))))
    front.__name__ = name
    expose(front, name, name)
    return op


_extreme("max")
_extreme("min")
AMAX = _amax("amax")
AMIN = _amax("amin")
# torch.aminmax: one PyTorch node with two outputs (AminmaxBackward0), here one op each
AMINMAX = (defop("aminmax_min", _make_even(jnp.min, nan_aware=False), _amax_rule,
                 "AminmaxBackward0"),
           defop("aminmax_max", _make_even(jnp.max, nan_aware=False), _amax_rule,
                 "AminmaxBackward0"))


class AminmaxResult(tuple):
    """torch.return_types.aminmax: a (min, max) named tuple."""

    def __new__(cls, min, max):  # noqa: A002
        return tuple.__new__(cls, (min, max))

    min = property(lambda self: self[0])  # noqa: A003
    max = property(lambda self: self[1])  # noqa: A003

    def __repr__(self):
        return f"torch.return_types.aminmax(\nmin={self[0]!r},\nmax={self[1]!r})"


AminmaxResult.__name__ = AminmaxResult.__qualname__ = "aminmax"
AminmaxResult.__module__ = "torch.return_types"


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """(amin, amax) in one call: torch.return_types.aminmax(min=..., max=...)."""
    _empty_checks("aminmax", input, dim)
    dims = _dims(dim, input.dim())
    if dim is None and keepdim:
        dims = None
    p = (("dims", dims), ("keepdim", bool(keepdim)))
    return AminmaxResult(apply(AMINMAX[0], (input,), p), apply(AMINMAX[1], (input,), p))


expose(aminmax, "aminmax", "aminmax")


def _prod(x, dims, keepdim, dtype):
    x, out = _acc(x, dtype)
    r = jnp.prod(x, axis=dims, keepdims=keepdim)
    return r if out is None else r.astype(out)


PROD = defop("prod", _prod, _sum_rule, "ProdBackward0")
PROD_DIM = defop("prod_dim", _prod, _sum_rule, "ProdBackward1")


def prod(input, dim=_NO, keepdim=False, *, dtype=None, out=None):
    if isinstance(dim, D.dtype):   # prod(x, torch.float64)
        dim, dtype = _NO, dim
    dt = D.as_dtype(dtype) if dtype is not None else None
    _grad_dtype_check(input, dt)
    if dim is _NO:
        return apply(PROD, (input,), (("dims", None), ("keepdim", False), ("dtype", dt)))
    _int_dim("prod", dim)
    return apply(PROD_DIM, (input,), (("dims", _dims(dim, input.dim())),
                                      ("keepdim", bool(keepdim)), ("dtype", dt)))


expose(prod, "prod", "prod")
