"""More reductions (var/std, logsumexp, norms, all/any/count_nonzero), scans (cumsum,
cumprod) and sorting (sort, argsort, topk)."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .reduce import _dims, _reduced_shape, _return_type
from .table import defop, expose, wrap_dim


def _is_float(dt):
    return dt.is_floating_point or dt.is_complex


# ------------------------------------------------------------------ var / std
def _var_rule(x, dims, correction, keepdim):
    if not _is_float(x.dtype):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return _reduced_shape(x.shape, dims, keepdim), x.dtype, x.dtype


def _var(x, dims, correction, keepdim):
    return jnp.var(x, axis=dims, ddof=correction, keepdims=keepdim)


def _std(x, dims, correction, keepdim):
    # PyTorch's derivative where std == 0 is 0 (sqrt's would be inf * 0 = nan)
    return _safe_root(_var(x, dims, correction, keepdim), 2)


VAR = defop("var", _var, _var_rule, "VarBackward0")
STD = defop("std", _std, _var_rule, "StdBackward0")


def _var_front(op, name):
    def front(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
        if isinstance(dim, bool):          # var(x, unbiased)
            dim, unbiased = None, dim
        if correction is None:
            correction = 1 if unbiased is None else int(bool(unbiased))
        elif unbiased is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"(correction={type(correction).__name__}, unbiased=bool, )")
        dims = _dims(dim, input.dim())
        c = correction if isinstance(correction, float) and not correction.is_integer() \
            else int(correction)
        return apply(op, (input,), (("dims", dims), ("correction", c),
                                    ("keepdim", bool(keepdim))))
    front.__name__ = name
    expose(front, name, name)
    return front


var = _var_front(VAR, "var")
std = _var_front(STD, "std")


# ------------------------------------------------------------------ logsumexp
def _float_reduce_rule(x, dims, keepdim, **_):
    dt = x.dtype if _is_float(x.dtype) else D.get_default_dtype()
    return _reduced_shape(x.shape, dims, keepdim), dt, dt


def _logsumexp(x, dims, keepdim):
    if x.ndim == 0:
        return x
    return jax.nn.logsumexp(x, axis=dims, keepdims=keepdim)


LOGSUMEXP = defop("logsumexp", _logsumexp, _float_reduce_rule, "LogsumexpBackward0",
                  promote=True)


def logsumexp(input, dim=(), keepdim=False, *, out=None):
    return apply(LOGSUMEXP, (input,), (("dims", _dims(dim, input.dim())),
                                       ("keepdim", bool(keepdim))))


expose(logsumexp, "logsumexp", "logsumexp")


# ------------------------------------------------------------------ norms
def _abs(x):
    # |x| with PyTorch's derivative sign(x) (0 at 0)
    return x * jax.lax.stop_gradient(jnp.sign(x))


def _safe_root(s, p):
    """s ** (1/p) with derivative 0 where s == 0 (PyTorch's norm gradient at the origin)."""
    zero = s == 0
    r = jnp.where(zero, 1.0, s) ** (1.0 / p)
    return jnp.where(zero, 0.0, r)


def _vector_norm(x, ord, dims, keepdim):
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        x = jnp.abs(x)
    kw = dict(axis=dims, keepdims=keepdim)
    if ord == float("inf"):
        return jnp.max(_abs(x), **kw)
    if ord == float("-inf"):
        return jnp.min(_abs(x), **kw)
    if ord == 0:
        return jnp.sum((x != 0).astype(x.dtype), **kw)
    if ord == 1:
        return jnp.sum(_abs(x), **kw)
    if ord == 2:
        return _safe_root(jnp.sum(x * x, **kw), 2)
    return _safe_root(jnp.sum(_abs(x) ** ord, **kw), ord)


def _norm_rule(x, ord, dims, keepdim):
    if not _is_float(x.dtype):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {D.scalar_name(x.dtype)}")
    dt = D.float32 if x.dtype is D.complex64 else D.float64 if x.dtype is D.complex128 \
        else x.dtype
    return _reduced_shape(x.shape, dims, keepdim), dt, x.dtype


VECTOR_NORM = defop("linalg_vector_norm", _vector_norm, _norm_rule,
                    "LinalgVectorNormBackward0")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if dtype is not None:
        x = x.to(D.as_dtype(dtype))
    return apply(VECTOR_NORM, (x,), (("ord", float(ord)), ("dims", _dims(dim, x.dim())),
                                     ("keepdim", bool(keepdim))))


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    if p is None or p == "fro":
        p = 2
    if isinstance(p, str):
        raise NotImplementedError(f"norm(p={p!r}) is not supported")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


expose(norm, "norm", "norm")


# ------------------------------------------------------------------ all / any / count_nonzero
def _bool_reduce_rule(x, dims, keepdim):
    out = D.uint8 if x.dtype is D.uint8 else D.bool_
    return _reduced_shape(x.shape, dims, keepdim), out, None


def _bool_reduce(red):
    def impl(x, dims, keepdim):
        r = red(x != 0, axis=dims, keepdims=keepdim)
        return r.astype(jnp.uint8) if x.dtype == jnp.uint8 else r
    return impl


for _name, _red in (("all", jnp.all), ("any", jnp.any)):
    _op = defop(_name, _bool_reduce(_red), _bool_reduce_rule, None, saves=False)

    def _front(input, dim=None, keepdim=False, *, out=None, _op=_op):
        return apply(_op, (input,), (("dims", _dims(dim, input.dim())),
                                     ("keepdim", bool(keepdim))))
    _front.__name__ = _name
    expose(_front, _name, _name)

COUNT_NONZERO = defop(
    "count_nonzero", lambda x, dims: jnp.sum(x != 0, axis=dims, dtype=jnp.int64),
    lambda x, dims: (_reduced_shape(x.shape, dims, False), D.int64, None), None, saves=False)


def count_nonzero(input, dim=None):
    return apply(COUNT_NONZERO, (input,), (("dims", _dims(dim, input.dim())),))


expose(count_nonzero, "count_nonzero", "count_nonzero")


# ------------------------------------------------------------------ cumsum / cumprod
def _scan_rule(x, dim, dtype):
    out = dtype if dtype is not None else (D.int64 if D.is_integral(x.dtype, True) else x.dtype)
    return x.shape, out, out


def _scan(fn):
    def impl(x, dim, dtype):
        x = x.astype(dtype.np) if dtype is not None else x
        return fn(x, axis=dim) if x.ndim else x
    return impl


CUMSUM = defop("cumsum", _scan(jnp.cumsum), _scan_rule, "CumsumBackward0", promote=True,
               saves=False)
CUMPROD = defop("cumprod", _scan(jnp.cumprod), _scan_rule, "CumprodBackward0", promote=True)


def _scan_front(op, name):
    def front(input, dim, *, dtype=None, out=None):
        d = wrap_dim(dim, input.dim())
        dt = D.as_dtype(dtype) if dtype is not None else None
        return apply(op, (input,), (("dim", d), ("dtype", dt)))
    front.__name__ = name
    expose(front, name, name)
    return front


cumsum = _scan_front(CUMSUM, "cumsum")
cumprod = _scan_front(CUMPROD, "cumprod")


# ------------------------------------------------------------------ sort / argsort / topk
def _order(x, dim, descending):
    """Stable sort order along dim (PyTorch puts nan last ascending, first descending)."""
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return jnp.argsort(x, axis=dim, stable=True, descending=descending).astype(jnp.int64)


def _take(x, i, dim):
    return jnp.take_along_axis(x, i, axis=dim) if x.ndim else x


def _sort_rule(x, dim, descending, k=None, idx=False):
    shape = x.shape if k is None else x.shape[:dim] + (k,) + x.shape[dim + 1:]
    return shape, (D.int64 if idx else x.dtype), (None if idx else x.dtype)


def _topk_order(x, dim, descending, k):
    i = _order(x, dim, descending)
    return jax.lax.slice_in_dim(i, 0, k, axis=dim) if x.ndim else i


SORT = defop("sort", lambda x, dim, descending: _take(x, _order(x, dim, descending), dim),
             _sort_rule, "SortBackward0", saves=False)
ARGSORT = defop("argsort", _order, lambda x, dim, descending: _sort_rule(x, dim, descending,
                                                                            idx=True),
                None, saves=False)
TOPK = defop("topk", lambda x, dim, descending, k: _take(x, _topk_order(x, dim, descending, k),
                                                          dim),
             _sort_rule, "TopkBackward0", saves=False)
TOPK_INDICES = defop("topk_indices", _topk_order,
                     lambda x, dim, descending, k: _sort_rule(x, dim, descending, k, True),
                     None, saves=False)

SortResult = _return_type("sort")
TopkResult = _return_type("topk")


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    p = (("dim", wrap_dim(dim, input.dim())), ("descending", bool(descending)))
    return SortResult(apply(SORT, (input,), p), apply(ARGSORT, (input,), p))


def argsort(input, dim=-1, descending=False, stable=False):
    p = (("dim", wrap_dim(dim, input.dim())), ("descending", bool(descending)))
    return apply(ARGSORT, (input,), p)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002
    d = wrap_dim(dim, input.dim())
    size = input.shape[d] if input.dim() else 1
    k = int(k)
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    p = (("dim", d), ("descending", bool(largest)), ("k", k))
    return TopkResult(apply(TOPK, (input,), p), apply(TOPK_INDICES, (input,), p))


expose(sort, "sort", "sort")
expose(argsort, "argsort", "argsort")
expose(topk, "topk", "topk")
