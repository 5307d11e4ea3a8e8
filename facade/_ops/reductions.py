"""More reductions (var/std, logsumexp, norms, all/any/count_nonzero), scans (cumsum,
cumprod) and sorting (sort, argsort, topk)."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .elementwise import INPLACE
from .reduce import _NO, _dims, _empty_checks, _int_dim, _reduced_shape, _return_type
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


def _var_front(op, name, expose_it=True):
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
    if expose_it:
        expose(front, name, name)
    return front


var = _var_front(VAR, "var")
std = _var_front(STD, "std")


def _mean_of(x, dims, correction, keepdim):
    return jnp.mean(x, axis=dims, keepdims=keepdim)


# torch.var_mean / std_mean: one PyTorch node with two outputs, here one op per output
# (both named VarMeanBackward0 / StdMeanBackward0)
VAR_MEAN = (defop("var_mean", _var, _var_rule, "VarMeanBackward0"),
            defop("var_mean_mean", _mean_of, _var_rule, "VarMeanBackward0", saves=False))
STD_MEAN = (defop("std_mean", _std, _var_rule, "StdMeanBackward0"),
            defop("std_mean_mean", _mean_of, _var_rule, "StdMeanBackward0", saves=False))


def _moments_front(ops, name):
    single = _var_front(ops[0], name, expose_it=False)

    def front(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
        """(var or std, mean) over `dim` in one call."""
        v = single(input, dim, unbiased, keepdim, correction=correction)
        node = v._base_sync()
        return v, apply(ops[1], (input,), node.params)
    front.__name__ = name
    expose(front, name)
    return front


var_mean = _moments_front(VAR_MEAN, "var_mean")
std_mean = _moments_front(STD_MEAN, "std_mean")


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


def logsumexp(input, dim, keepdim=False, *, out=None):
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' (position 2) must be tuple of ints, not "
                        "NoneType")
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
    """torch.norm: a vector norm, or (p='fro'/'nuc' over two dims) a matrix norm."""
    if isinstance(p, (tuple, list)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, "
                        f"not {type(p).__name__}")
    if p == "nuc" or (p == "fro" and isinstance(dim, (tuple, list)) and len(dim) == 2):
        from .linalg import matrix_norm
        if dim is None:
            dim = (-2, -1)
        if not isinstance(dim, (tuple, list)) or len(dim) != 2:
            n = 1 if not isinstance(dim, (tuple, list)) else len(dim)
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {n}")
        return matrix_norm(input, p, tuple(dim), keepdim, dtype=dtype)
    if p is None or p == "fro":
        p = 2
    if isinstance(p, str):
        raise RuntimeError(f"norm: invalid norm type {p!r}")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


expose(norm, "norm", "norm")


def _dist_rule(a, b, p):
    from .table import broadcast_shapes, promoted
    dt = promoted((a, b))
    if not _is_float(dt):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {D.scalar_name(dt)}")
    broadcast_shapes(a.shape, b.shape)
    return (), dt, dt


DIST = defop("dist", lambda a, b, p: _vector_norm(a - b, p, None, False), _dist_rule,
             "DistBackward0", promote=True)


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast)."""
    return apply(DIST, (input, other), (("p", float(p)),))


expose(dist, "dist", "dist")


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
        # all(x, ()) reduces nothing (unlike sum(x, ()))
        return apply(_op, (input,), (("dims", _dims(dim, input.dim(), empty_is_all=False)),
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
INPLACE.update(cumsum_=cumsum, cumprod_=cumprod)


def _logcumsumexp_rule(x, dim):
    if not _is_float(x.dtype):
        raise NotImplementedError(
            f'"logcumsumexp_out_cpu" not implemented for \'{D.scalar_name(x.dtype)}\'')
    return x.shape, x.dtype, x.dtype


def _logcumsumexp(x, dim):
    if x.ndim == 0:
        return x
    return jax.lax.cumlogsumexp(x, axis=dim)


LOGCUMSUMEXP = defop("logcumsumexp", _logcumsumexp, _logcumsumexp_rule,
                     "LogcumsumexpBackward0", saves="output")


def logcumsumexp(input, dim, *, out=None):
    return apply(LOGCUMSUMEXP, (input,), (("dim", wrap_dim(dim, input.dim())),))


expose(logcumsumexp, "logcumsumexp", "logcumsumexp")


def _cum_extreme_idx(x, dim, better):
    """Indices of the running max/min along dim (the last of tied extremes, as PyTorch)."""
    if x.ndim == 0 or x.size == 0:
        return jnp.zeros(x.shape, jnp.int64)
    n = x.shape[dim]
    shape = [1] * x.ndim
    shape[dim] = n
    pos = jnp.broadcast_to(jnp.arange(n, dtype=jnp.int64).reshape(shape), x.shape)
    xs = jnp.moveaxis(x, dim, 0)
    ps = jnp.moveaxis(pos, dim, 0)
    fl = jnp.issubdtype(x.dtype, jnp.inexact)

    def step(carry, item):
        bv, bi = carry
        v, i = item
        take = better(v, bv) | (v == bv)
        if fl:   # a nan wins and stays
            take = (take & ~jnp.isnan(bv)) | jnp.isnan(v)
        bv, bi = jnp.where(take, v, bv), jnp.where(take, i, bi)
        return (bv, bi), bi
    _, idx = jax.lax.scan(step, (xs[0], ps[0]), (xs, ps))
    return jnp.moveaxis(idx, 0, dim)


def _cum_extreme(better):
    def values(x, dim):
        i = jax.lax.stop_gradient(_cum_extreme_idx(x, dim, better))
        return jnp.take_along_axis(x, i, axis=dim) if x.ndim else x
    return values


CummaxResult = _return_type("cummax")
CumminResult = _return_type("cummin")
_CUM = {}
for _name, _better, _rt in (("cummax", jnp.greater, CummaxResult),
                            ("cummin", jnp.less, CumminResult)):
    _vals = defop(_name, _cum_extreme(_better), lambda x, dim: (x.shape, x.dtype, x.dtype),
                  _name.capitalize() + "Backward0", saves=False)
    _idx = defop(_name + "_indices", lambda x, dim, b=_better: _cum_extreme_idx(x, dim, b),
                 lambda x, dim: (x.shape, D.int64, None), None, saves=False)

    def _front(input, dim, *, out=None, _vals=_vals, _idx=_idx, _rt=_rt, _name=_name):
        if input.dim() == 0 and dim not in (0, -1):
            raise IndexError(f"{_name}(): Expected reduction dim -1 or 0 for scalar but got "
                             f"{dim}")
        p = (("dim", wrap_dim(dim, input.dim())),)
        return _rt(apply(_vals, (input,), p), apply(_idx, (input,), p))
    _front.__name__ = _name
    expose(_front, _name, _name)


# ------------------------------------------------------------------ sort / argsort / topk
def _order(x, dim, descending):
    """Stable sort order along dim (PyTorch puts nan last ascending, first descending)."""
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    return jnp.argsort(x, axis=dim, stable=True, descending=descending).astype(jnp.int64)


def _take(x, i, dim):
    return jnp.take_along_axis(x, i, axis=dim) if x.ndim else x


def _sort_rule(x, dim, descending, k=None, idx=False):
    shape = x.shape if k is None or not x.shape else x.shape[:dim] + (k,) + x.shape[dim + 1:]
    return shape, (D.int64 if idx else x.dtype), (None if idx else x.dtype)


def _topk_order(x, dim, descending, k):
    i = _order(x, dim, descending)
    return jax.lax.slice_in_dim(i, 0, k, axis=dim) if x.ndim else i


SORT = defop("sort", lambda x, dim, descending: _take(x, _order(x, dim, descending), dim),
             _sort_rule, "SortBackward0", saves=False)
SORT_STABLE = defop("sort_stable",
                    lambda x, dim, descending: _take(x, _order(x, dim, descending), dim),
                    _sort_rule, "SortBackward1", saves=False)
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


def sort(input, dim=-1, descending=False, stable=None, *, out=None):
    p = (("dim", wrap_dim(dim, input.dim())), ("descending", bool(descending)))
    # sort(stable=...) is PyTorch's other overload (SortBackward1); both sorts are stable here
    op = SORT if stable is None else SORT_STABLE
    return SortResult(apply(op, (input,), p), apply(ARGSORT, (input,), p))


def msort(input, *, out=None):
    return sort(input, 0).values


expose(msort, "msort", "msort")


def _median_rule(name):
    def rule(x, dim=None, keepdim=False, **_):
        if x.dtype is D.bool_:
            kernel = "median_cpu" if dim is None else "median_out"
            if name == "nanmedian" and dim is not None:
                kernel = "nanmedian_out"
            raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
        if dim is None:
            return (), x.dtype, x.dtype
        return _reduced_shape(x.shape, (dim,), keepdim), x.dtype, x.dtype
    return rule


def _median_index(x, dim, nan_policy, k=None):
    """The index of the (lower) median along dim (or of the k-th smallest, 1-based), in
    sort order; "propagate": a nan is the largest, and a row with a nan gives its nan."""
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    order = _order(x, dim, False)          # nan last (the largest)
    n = x.shape[dim]
    if k is not None:
        pos = jnp.full(x.shape[:dim] + (1,) + x.shape[dim + 1:], k - 1, jnp.int64)
    elif nan_policy == "omit":
        valid = jnp.sum(~jnp.isnan(x), axis=dim, keepdims=True) if \
            jnp.issubdtype(x.dtype, jnp.inexact) else jnp.full_like(order[..., :1], n)
        pos = jnp.maximum((valid - 1) // 2, 0).astype(jnp.int64)
    else:
        if jnp.issubdtype(x.dtype, jnp.inexact):
            has_nan = jnp.any(jnp.isnan(x), axis=dim, keepdims=True)
            first_nan = jnp.sum(~jnp.isnan(x), axis=dim, keepdims=True)
            pos = jnp.where(has_nan, first_nan, (n - 1) // 2).astype(jnp.int64)
        else:
            pos = jnp.full(x.shape[:dim] + (1,) + x.shape[dim + 1:], (n - 1) // 2, jnp.int64)
    return jnp.take_along_axis(order, pos, axis=dim)


def _median_dim(x, dim, keepdim, nan_policy, k=None):
    i = jax.lax.stop_gradient(_median_index(x, dim, nan_policy, k))
    v = jnp.take_along_axis(x, i, axis=dim) if x.ndim else x
    return v if keepdim or not x.ndim else jnp.squeeze(v, dim)


def _median_dim_idx(x, dim, keepdim, nan_policy, k=None):
    i = _median_index(x, dim, nan_policy, k)
    return i if keepdim or not x.ndim else jnp.squeeze(i, dim)


def _median_all(x, nan_policy):
    """The median of all elements (nan for none); the gradient is spread over the elements
    equal to it, as PyTorch's (like max())."""
    if x.size == 0:
        return jnp.full((), jnp.nan, x.dtype)
    flat = x.ravel()
    i = _median_index(flat, 0, nan_policy)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return flat[i[0]]
    return _spread_pick(flat, i)


@jax.custom_jvp
def _spread_pick(flat, i):
    return flat[i[0]]


def _spread_pick_jvp(primals, tangents):
    flat, i = primals
    t = tangents[0]
    m = flat[i[0]]
    hit = (flat == m) | (jnp.isnan(flat) & jnp.isnan(m))
    return m, jnp.sum(jnp.where(hit, t, jnp.zeros((), t.dtype))) / jnp.sum(hit).astype(t.dtype)


_spread_pick.defjvp(_spread_pick_jvp)


MedianResult = _return_type("median")
NanmedianResult = _return_type("nanmedian")
KthvalueResult = _return_type("kthvalue")
_MEDIAN = {}
for _name, _policy, _rt in (("median", "propagate", MedianResult),
                            ("nanmedian", "omit", NanmedianResult)):
    _cap = _name.capitalize()
    _MEDIAN[_name] = (
        defop(_name, lambda x, p=_policy: _median_all(x, p), _median_rule(_name),
              _cap + "Backward0"),
        defop(_name + "_dim", lambda x, dim, keepdim, p=_policy: _median_dim(x, dim, keepdim, p),
              _median_rule(_name), _cap + "Backward1"),
        defop(_name + "_indices",
              lambda x, dim, keepdim, p=_policy: _median_dim_idx(x, dim, keepdim, p),
              lambda x, dim, keepdim: (_median_rule(_name)(x, dim, keepdim)[0], D.int64, None),
              None, saves=False),
        _rt)

    def _front(input, dim=None, keepdim=False, *, out=None, _name=_name):
        full, vals, idx, rt = _MEDIAN[_name]
        if dim is None:
            return apply(full, (input,))   # nan for an empty tensor, as PyTorch
        _int_dim(_name, dim)
        _empty_checks(_name, input, dim)
        p = (("dim", wrap_dim(dim, input.dim())), ("keepdim", bool(keepdim)))
        return rt(apply(vals, (input,), p), apply(idx, (input,), p))
    _front.__name__ = _name
    expose(_front, _name, _name)

KTHVALUE = defop("kthvalue", lambda x, dim, keepdim, k: _median_dim(x, dim, keepdim, None, k),
                 lambda x, dim, keepdim, k: _median_rule("kthvalue")(x, dim, keepdim),
                 "KthvalueBackward0")
KTHVALUE_INDICES = defop(
    "kthvalue_indices", lambda x, dim, keepdim, k: _median_dim_idx(x, dim, keepdim, None, k),
    lambda x, dim, keepdim, k: (_reduced_shape(x.shape, (dim,), keepdim), D.int64, None),
    None, saves=False)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    d = wrap_dim(dim, input.dim())
    size = input.shape[d] if input.dim() else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    p = (("dim", d), ("keepdim", bool(keepdim)), ("k", int(k)))
    return KthvalueResult(apply(KTHVALUE, (input,), p), apply(KTHVALUE_INDICES, (input,), p))


expose(kthvalue, "kthvalue", "kthvalue")


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


# ------------------------------------------------------------------ mode
def _mode_index(x, dim, keepdim):
    """The index of the most frequent value along dim (the smallest on a tie in counts; its
    last occurrence, as PyTorch's CPU kernel)."""
    if x.ndim == 0:
        return jnp.zeros((), jnp.int64)
    if x.size == 0:
        shape = _reduced_shape(x.shape, (dim,), keepdim)
        return jnp.zeros(shape, jnp.int64)
    m = jnp.moveaxis(x, dim, -1)
    eq = m[..., :, None] == m[..., None, :]                   # (..., n, n)
    counts = jnp.sum(eq, -1)
    best = counts == jnp.max(counts, -1, keepdims=True)
    big = jnp.where(best, m, jnp.inf if jnp.issubdtype(m.dtype, jnp.inexact) else
                    jnp.iinfo(m.dtype).max if m.dtype != jnp.bool_ else True)
    value = jnp.min(big, -1, keepdims=True)
    n = m.shape[-1]
    pos = jnp.where(m == value, jnp.arange(n), -1)
    i = jnp.max(pos, -1).astype(jnp.int64)
    return jnp.expand_dims(i, dim) if keepdim else i


def _mode(x, dim, keepdim):
    i = jax.lax.stop_gradient(_mode_index(x, dim, True))
    if x.ndim == 0:
        return x
    v = jnp.take_along_axis(x, i, axis=dim) if x.size else jnp.zeros(i.shape, x.dtype)
    return v if keepdim else jnp.squeeze(v, dim)


def _mode_rule(x, dim, keepdim, idx=False):
    shape = _reduced_shape(x.shape, (dim,), keepdim) if x.shape else ()
    return shape, (D.int64 if idx else x.dtype), (None if idx else x.dtype)


MODE = defop("mode", _mode, _mode_rule, "ModeBackward0")
MODE_INDICES = defop("mode_indices", _mode_index,
                     lambda x, dim, keepdim: _mode_rule(x, dim, keepdim, True), None,
                     saves=False)
ModeResult = _return_type("mode")


def mode(input, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along dim (the smallest among equally
    frequent ones) and the index of its last occurrence."""
    p = (("dim", wrap_dim(dim, input.dim())), ("keepdim", bool(keepdim)))
    return ModeResult(apply(MODE, (input,), p), apply(MODE_INDICES, (input,), p))


expose(mode, "mode", "mode")
