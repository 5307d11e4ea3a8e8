"""Gather/scatter-family ops: index_select, gather, take_along_dim, scatter, scatter_add,
index_add, masked_select. Index values are checked on the host, as getitem does (JAX would
clamp an out-of-range index silently)."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._dispatch import apply
from .shape import _is_tensor, reshape
from .table import broadcast_shapes, defop, expose, wrap_dim

_INT = (D.int64, D.int32)




def _values(t):
    return np.asarray(t.numpy()).ravel()


def _check_range(index, size, msg):
    from .table import values_readable
    if not values_readable(index):
        return
    v = _values(index)
    bad = v[(v < -size) | (v >= size)] if msg is None else v[(v < 0) | (v >= size)]
    if bad.size:
        if msg is None:
            raise IndexError("index out of range in self")
        raise RuntimeError(msg.format(int(bad[0])))


# ------------------------------------------------------------------ index_select
def _index_select_rule(x, index, dim):
    if index.dtype not in _INT:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if len(index.shape) > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    n = index.shape[0] if index.shape else 1
    if not x.shape:   # a 0-d input gives a 0-d result, as PyTorch
        if n != 1:
            raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                               f"{n} value(s)")
        return (), x.dtype, None
    return x.shape[:dim] + (n,) + x.shape[dim + 1:], x.dtype, None


def _index_select(x, index, dim):
    if x.ndim == 0:
        return x
    return jnp.take(x, jnp.reshape(index, (-1,)), axis=dim)


INDEX_SELECT = defop("index_select", _index_select, _index_select_rule,
                     "IndexSelectBackward0", visible=(0,), saves=False)


def index_select(input, dim, index, *, out=None):
    d = wrap_dim(dim, input.dim())
    if index.dtype in _INT:
        _check_range(index, input.shape[d] if input.dim() else 1, None)
    return apply(INDEX_SELECT, (input, index), (("dim", d),))


expose(index_select, "index_select", "index_select")


# ------------------------------------------------------------------ gather
def _check_gather_shapes(what, x, index, dim, src=None):
    if index.dtype not in _INT:
        raise RuntimeError(f"{what}(): Expected dtype int32/int64 for index")
    nd = max(len(x.shape), 1)
    if max(len(index.shape), 1) != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           + ("input tensor" if what == "gather" else "self tensor"))
    for d in range(len(index.shape)):
        if d != dim and index.shape[d] > (x.shape[d] if x.shape else 1):
            raise RuntimeError(f"Size does not match at dimension {d} expected index "
                               f"{list(index.shape)} to be no larger than self "
                               f"{list(x.shape)} apart from dimension {dim}")
        if src is not None and index.shape[d] > (src.shape[d] if src.shape else 1):
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than "
                               f"self {list(x.shape)} apart from dimension {dim} and to be "
                               f"no larger size than src {list(src.shape)}")


def _gather_rule(x, index, dim):
    _check_gather_shapes("gather", x, index, dim)
    return index.shape, x.dtype, None


def _gather(x, index, dim):
    if x.ndim == 0:
        return jnp.broadcast_to(x, index.shape)
    x = x[tuple(slice(0, s) if d != dim else slice(None)
                for d, s in enumerate(index.shape))]
    return jnp.take_along_axis(x, index, axis=dim)


GATHER = defop("gather", _gather, _gather_rule, "GatherBackward0", visible=(0,), saves=False)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    d = wrap_dim(dim, input.dim())
    if index.dtype in _INT and index.numel():
        size = input.shape[d] if input.dim() else 1
        _check_range(index, size,
                     "index {} is out of bounds for dimension " + f"{d} with size {size}")
    return apply(GATHER, (input, index), (("dim", d),))


def take_along_dim(input, indices, dim=None, *, out=None):
    if indices.dtype is not D.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           + D.scalar_name(indices.dtype))
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    nd = input.dim()
    if nd == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, nd)
    if indices.dim() != nd:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {nd} dimensions for input, and "
                           f"{indices.dim()} dimensions for indices")
    s_in, s_ix = list(input.shape), list(indices.shape)
    s_in[d] = s_ix[d] = 1
    b = broadcast_shapes(tuple(s_in), tuple(s_ix))
    shape_in = b[:d] + (input.shape[d],) + b[d + 1:]
    shape_ix = b[:d] + (indices.shape[d],) + b[d + 1:]
    if tuple(input.shape) != shape_in:
        input = input.expand(*shape_in)
    if tuple(indices.shape) != shape_ix:
        indices = indices.expand(*shape_ix)
    return gather(input, d, indices)


expose(gather, "gather", "gather")
expose(take_along_dim, "take_along_dim", "take_along_dim")


# ------------------------------------------------------------------ scatter family
def _positions(index, dim):
    idx = list(jnp.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


def _scatter(x, index, *src, dim, add):
    if x.ndim == 0:
        x, index = x[None], jnp.reshape(index, (-1,))
        src = tuple(jnp.reshape(s, (-1,)) for s in src)
        return _scatter(x, index, *src, dim=0, add=add)[0]
    s = src[0] if src else None
    if s is not None and s.ndim:
        s = s[tuple(slice(0, n) for n in index.shape)]
    s = jnp.broadcast_to(s, index.shape).astype(x.dtype)
    pos = _positions(index, dim)
    return x.at[pos].add(s) if add else _scatter_set(x, s, pos)


@jax.custom_vjp
def _scatter_set(x, s, pos):
    return x.at[pos].set(s)


def _scatter_set_fwd(x, s, pos):
    return _scatter_set(x, s, pos), pos


def _scatter_set_bwd(pos, g):
    # PyTorch: src gets grad.gather(dim, index) at every position, duplicates included
    # (JAX's scatter would give a duplicated position's gradient to one update only)
    return g.at[pos].set(0), g[pos], None


_scatter_set.defvjp(_scatter_set_fwd, _scatter_set_bwd)


def _scatter_rule(x, index, *src, dim, add):
    what = "scatter_add" if add else "scatter"
    s = src[0] if src and hasattr(src[0], "shape") else None
    _check_gather_shapes(what, x, index, dim, s)
    if s is not None and s.dtype is not x.dtype:
        raise RuntimeError(f"{what}(): Expected self.dtype to be equal to src.dtype")
    return x.shape, x.dtype, None


SCATTER = defop("scatter", _scatter, _scatter_rule, "ScatterBackward0", visible=(0, 2),
                saves=False)
SCATTER_VALUE = defop("scatter_value", _scatter, _scatter_rule, "ScatterBackward1",
                      visible=(0,), saves=False)
SCATTER_ADD = defop("scatter_add", _scatter, _scatter_rule, "ScatterAddBackward0",
                    visible=(0, 2), saves=False)


def _scatter_check(input, dim, index):
    d = wrap_dim(dim, input.dim())
    if index.dtype in _INT and index.numel():
        size = input.shape[d] if input.dim() else 1
        _check_range(index, size, "index {} is out of bounds for dimension " +
                     f"{d} with size {size}")
    return d


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    if src is None:
        src = value
    if reduce is not None:
        return _scatter_legacy_reduce(input, dim, index, src, reduce)
    d = _scatter_check(input, dim, index)
    if _is_tensor(src):
        return apply(SCATTER, (input, index, src), (("dim", d), ("add", False)))
    return apply(SCATTER_VALUE, (input, index, src), (("dim", d), ("add", False)))


def _legacy_reduce(x, index, src, dim, reduce, tensor_src):
    if not hasattr(src, "shape") or not src.ndim:
        src = jnp.broadcast_to(jnp.asarray(src, x.dtype), index.shape)
    return _scatter_reduce(x, index, src, dim, reduce, True)


# scatter(..., reduce="add" | "multiply"): PyTorch records no derivative for it
SCATTER_LEGACY = defop("scatter_legacy_reduce", _legacy_reduce,
                       lambda x, index, src, dim, reduce, tensor_src: _scatter_rule(
                           x, index, src, dim=dim, add=False),
                       "torch::autograd::NotImplemented", saves=False,
                       visible=lambda p: (0, 2) if dict(p)["tensor_src"] else (0,))


def _scatter_legacy_reduce(input, dim, index, src, reduce):
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if _is_tensor(src):
        import warnings
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and "
                      "will be removed in a future PyTorch release. Use torch.scatter_reduce "
                      "instead for more reduction options.", UserWarning, stacklevel=3)
    d = _scatter_check(input, dim, index)
    return apply(SCATTER_LEGACY, (input, index, src),
                 (("dim", d), ("reduce", "sum" if reduce == "add" else "prod"),
                  ("tensor_src", _is_tensor(src))))


def scatter_add(input, dim, index, src):
    d = _scatter_check(input, dim, index)
    return apply(SCATTER_ADD, (input, index, src), (("dim", d), ("add", True)))


def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    return self._write_result(scatter(self, dim, index, src, value=value, reduce=reduce))


def scatter_add_(self, dim, index, src):
    return self._write_result(scatter_add(self, dim, index, src))


expose(scatter, "scatter", "scatter")
expose(scatter_add, "scatter_add", "scatter_add")
expose(scatter_, method="scatter_")
expose(scatter_add_, method="scatter_add_")


# ------------------------------------------------------------------ index_add
def _index_add(x, index, src, dim, alpha):
    if x.ndim == 0:
        return x + alpha * jnp.sum(src).astype(x.dtype)
    pos = (slice(None),) * dim + (jnp.reshape(index, (-1,)),)
    s = src if src.ndim else jnp.reshape(src, (1,))
    return x.at[pos].add((alpha * s).astype(x.dtype))


def _index_add_rule(x, index, src, dim, alpha):
    if index.dtype not in _INT:
        raise RuntimeError("index_add_(): Expected dtype int32/int64 for index")
    if len(index.shape) > 1:
        raise IndexError("index_add_(): Index is supposed to be a vector")
    if src.dtype is not x.dtype:
        raise RuntimeError("index_add_(): self (" + D.scalar_name(x.dtype) + ") and source ("
                           + D.scalar_name(src.dtype) + ") must have the same scalar type")
    n = index.shape[0] if index.shape else 1
    ns = (src.shape[dim] if dim < len(src.shape) else 1) if src.shape else 1
    if n != ns:
        raise RuntimeError(f"index_add_(): Number of indices ({n}) should be equal to "
                           f"source.size(dim): ({ns}), for dim: {dim}")
    want = x.shape[:dim] + (n,) + x.shape[dim + 1:] if x.shape else (n,) if index.shape else ()
    if tuple(src.shape) != tuple(want) and not (not x.shape and len(src.shape) <= 1):
        raise RuntimeError(f"index_add_(): Source/destination tensor must have same slice "
                           f"shapes. Destination slice shape: {list(x.shape)} at dimension "
                           f"{dim} and source slice shape: {list(src.shape)} at dimension 0.")
    return x.shape, x.dtype, None


INDEX_ADD = defop("index_add", _index_add, _index_add_rule, "IndexAddBackward0",
                  visible=(0, 2), saves=False)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    d = wrap_dim(dim, input.dim())
    if index.dtype in _INT and index.numel():
        size = input.shape[d] if input.dim() else 1
        _check_range(index, size, "index {} is out of bounds for dimension " +
                     f"{d} with size {size}")
    return apply(INDEX_ADD, (input, index, source), (("dim", d), ("alpha", alpha)))


def index_add_(self, dim, index, source, *, alpha=1):
    return self._write_result(index_add(self, dim, index, source, alpha=alpha))


expose(index_add, "index_add", "index_add")
expose(index_add_, method="index_add_")


# ------------------------------------------------------------------ masked_select
def _masked_select(x, *idx, shape):
    return jnp.broadcast_to(x, shape)[idx]


def _masked_select_rule(x, *idx, shape):
    n = idx[0].shape[0] if idx else 1
    return (n,), x.dtype, None


MASKED_SELECT = defop("masked_select", _masked_select, _masked_select_rule,
                      "MaskedSelectBackward0", visible=(0,), saves=False)


def masked_select(input, mask, *, out=None):
    from .._tensor import tensor
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    m = np.broadcast_to(np.asarray(mask.numpy()), shape)
    if not shape:   # 0-d: select the value or nothing
        idx = (tensor(np.zeros(int(bool(m)), np.int64)),)
        return apply(MASKED_SELECT, (reshape(input, 1),) + idx, (("shape", (1,)),))
    idx = tuple(tensor(a.astype(np.int64)) for a in np.nonzero(m))
    return apply(MASKED_SELECT, (input,) + idx, (("shape", shape),))


expose(masked_select, "masked_select", "masked_select")


# ------------------------------------------------------------------ scatter_reduce
def _scattered(x, index, src, dim):
    """(positions, src cut to the index's shape) of a scatter along dim."""
    s = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else jnp.broadcast_to(
        src, index.shape)
    return _positions(index, dim), s.astype(x.dtype)


def _extreme_or_prod(x, pos, s, reduce, include_self):
    """amax/amin/prod of the scattered values (and of x, with include_self), differentiable
    as PyTorch's: ties share the gradient evenly; prod's derivative is the product of the
    others (zeros handled by counting them)."""
    sg = jax.lax.stop_gradient
    xv, sv = sg(x), sg(s)
    hit = jnp.zeros(x.shape, bool).at[pos].set(True)
    if reduce == "prod":
        one = jnp.ones((), x.dtype)
        base = xv if include_self else jnp.where(hit, one, xv)
        r = base.at[pos].multiply(sv)
        keep = jnp.where(hit, include_self, True)     # does x take part in its position?
        nz_x = (keep & (xv == 0)).astype(jnp.int32)
        nz = nz_x.at[pos].add((sv == 0).astype(jnp.int32))
        pnz = jnp.where(keep & (xv != 0), xv, one).at[pos].multiply(jnp.where(sv != 0, sv, one))

        def coef(v, nzp, rp, pnzp):
            return jnp.where(v != 0, jnp.where(nzp == 0, rp / jnp.where(v != 0, v, one), 0),
                             jnp.where(nzp == 1, pnzp, 0))
        gx = jnp.where(keep, coef(xv, nz, r, pnz), 0)
        gs = coef(sv, nz[pos], r[pos], pnz[pos])
    else:
        big = jnp.asarray(-jnp.inf if reduce == "amax" else jnp.inf, x.dtype)
        base = xv if include_self else jnp.where(hit, big, xv)
        r = base.at[pos].max(sv) if reduce == "amax" else base.at[pos].min(sv)
        if not include_self:
            r = jnp.where(hit, r, xv)
        mx = jnp.where(hit, include_self & (xv == r), True)
        ms = sv == r[pos]
        n = mx.astype(x.dtype).at[pos].add(ms.astype(x.dtype))
        gx = mx / n
        gs = ms / n[pos]
    return r + (x - xv) * gx + jnp.zeros_like(x).at[pos].add((s - sv) * gs)


def _scatter_reduce(x, index, src, dim, reduce, include_self):
    if x.ndim == 0:
        return _scatter_reduce(x[None], jnp.reshape(index, (-1,)), jnp.reshape(src, (-1,)),
                               0, reduce, include_self)[0]
    pos, s = _scattered(x, index, src, dim)
    hit = jnp.zeros(x.shape, bool).at[pos].set(True)
    if reduce in ("sum", "mean"):
        base = x if include_self else jnp.where(hit, jnp.zeros((), x.dtype), x)
        total = base.at[pos].add(s)
        if reduce == "sum":
            return total
        # the number of values reduced into each position (x's own counts with include_self)
        count = jnp.where(hit, int(include_self), 1).astype(x.dtype).at[pos].add(
            jnp.ones((), x.dtype))
        if jnp.issubdtype(x.dtype, jnp.inexact):
            return total / count
        return (total // count).astype(x.dtype)
    return _extreme_or_prod(x, pos, s, reduce, include_self)


def _scatter_reduce_rule(x, index, src, dim, reduce, include_self):
    _check_gather_shapes("scatter_reduce", x, index, dim, src)
    if src.dtype is not x.dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    return x.shape, x.dtype, None


SCATTER_REDUCE = defop("scatter_reduce", _scatter_reduce, _scatter_reduce_rule,
                       "ScatterReduceBackward0", visible=(0, 2), saves=False)
_REDUCES = {"sum": "sum", "prod": "prod", "mean": "mean", "amax": "amax", "amin": "amin",
            "max": "amax", "min": "amin"}


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Reduce src into input at index along dim: sum, prod, mean, amax or amin."""
    if reduce not in _REDUCES:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    d = _scatter_check(input, dim, index)
    return apply(SCATTER_REDUCE, (input, index, src),
                 (("dim", d), ("reduce", _REDUCES[reduce]), ("include_self", bool(include_self))))


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return self._write_result(scatter_reduce(self, dim, index, src, reduce,
                                             include_self=include_self))


expose(scatter_reduce, "scatter_reduce", "scatter_reduce")
expose(scatter_reduce_, method="scatter_reduce_")


# ------------------------------------------------------------------ index_copy / index_fill
def _index_copy(x, index, src, dim):
    if x.ndim == 0:
        return jnp.reshape(src, ()).astype(x.dtype)
    pos = (slice(None),) * dim + (jnp.reshape(index, (-1,)),)
    return x.at[pos].set((src if src.ndim else jnp.reshape(src, (1,))).astype(x.dtype))


def _index_copy_rule(x, index, src, dim):
    if index.dtype is not D.int64:
        raise RuntimeError("index_copy_(): Expected a long tensor for index, but got "
                           + D.scalar_name(index.dtype))
    if src.dtype is not x.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {D.scalar_name(x.dtype)} and (source) "
                           f"{D.scalar_name(src.dtype)}")
    n = index.shape[0] if index.shape else 1
    want = x.shape[:dim] + (n,) + x.shape[dim + 1:] if x.shape else ()
    if tuple(src.shape) != tuple(want) and not (not x.shape and len(src.shape) <= 1):
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice "
                           f"shapes. Destination slice shape: {list(x.shape)} at dimension "
                           f"{dim} and source slice shape: {list(src.shape)} at dimension "
                           f"{dim}.")
    return x.shape, x.dtype, None


INDEX_COPY = defop("index_copy", _index_copy, _index_copy_rule, "IndexCopyBackward0",
                   visible=(0, 1), saves=False)


def index_copy(input, dim, index, source, *, out=None):
    d = wrap_dim(dim, input.dim())
    if index.numel():
        size = input.shape[d] if input.dim() else 1
        _check_range(index, size, "index_copy_(): index {} is out of bounds for dimension "
                     + f"{d} with size {size}")
    return apply(INDEX_COPY, (input, index, source), (("dim", d),))


def _index_fill(x, index, *value, dim, scalar):
    v = value[0] if value else scalar
    if x.ndim == 0:
        return jnp.broadcast_to(jnp.asarray(v, x.dtype), ())
    pos = (slice(None),) * dim + (jnp.reshape(index, (-1,)),)
    return x.at[pos].set(jnp.asarray(v).astype(x.dtype))


def _index_fill_rule(x, index, *value, dim, scalar):
    if index.dtype is not D.int64:
        raise RuntimeError("index_fill_(): Expected dtype int64 for index.")
    if value and value[0].shape:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {len(value[0].shape)} dimension(s).")
    return x.shape, x.dtype, None


INDEX_FILL = defop("index_fill", _index_fill, _index_fill_rule, "IndexFillBackward0",
                   visible=(0,), saves=False)
INDEX_FILL_TENSOR = defop("index_fill_tensor", _index_fill, _index_fill_rule,
                          "IndexFillBackward1", visible=(0, 2), saves=False)


def index_fill(input, dim, index, value):
    d = wrap_dim(dim, input.dim())
    if index.numel():
        size = input.shape[d] if input.dim() else 1
        _check_range(index, size, "index {} is out of bounds for dimension " +
                     f"{d} with size {size}")
    if _is_tensor(value):
        return apply(INDEX_FILL_TENSOR, (input, index, value), (("dim", d), ("scalar", None)))
    return apply(INDEX_FILL, (input, index), (("dim", d), ("scalar", value)))


for _n, _f in (("index_copy", index_copy), ("index_fill", index_fill)):
    expose(_f, _n, _n)
    expose((lambda f: lambda self, *a, **k: self._write_result(f(self, *a, **k)))(_f),
           method=_n + "_")


# ------------------------------------------------------------------ take / masked_scatter
TAKE = defop("take", lambda x, index: jnp.reshape(x, (-1,))[index],
             lambda x, index: (index.shape, x.dtype, None), "TakeBackward0", visible=(0,),
             saves=False)


def take(input, index):
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{D.scalar_name(index.dtype)}")
    n = input.numel()
    v = _values(index)
    bad = v[(v < -n) | (v >= n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor of "
                         f"{n} elements.")
    return apply(TAKE, (input, index))


expose(take, "take", "take")


def _masked_scatter(x, src, *idx, shape):
    n = idx[0].shape[0] if idx else 0
    vals = jnp.reshape(src, (-1,))[:n].astype(x.dtype)
    out = jnp.broadcast_to(x, shape)
    return out.at[idx].set(vals) if idx else out


MASKED_SCATTER = defop("masked_scatter", _masked_scatter,
                       lambda x, src, *idx, shape: (shape, x.dtype, None),
                       "MaskedScatterBackward0", visible=(0, 1), saves=False)


def masked_scatter(input, mask, source):
    """Copy source's first elements, in order, to where mask is True (reads the mask)."""
    from .._tensor import tensor
    if mask.dtype is not D.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {D.cpp_name(mask.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {D.scalar_name(input.dtype)} and "
                           f"{D.scalar_name(source.dtype)}")
    shape = broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    m = np.broadcast_to(np.asarray(mask.numpy()), shape)
    if int(m.sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    if not shape:
        m = m.reshape(1)
        out = apply(MASKED_SCATTER, (reshape(input, 1), source) + tuple(
            tensor(a.astype(np.int64)) for a in np.nonzero(m)), (("shape", (1,)),))
        return reshape(out)
    idx = tuple(tensor(a.astype(np.int64)) for a in np.nonzero(m))
    return apply(MASKED_SCATTER, (input, source) + idx, (("shape", shape),))


expose(masked_scatter, "masked_scatter", "masked_scatter")
expose(lambda self, mask, source: self._write_result(masked_scatter(self, mask, source)),
       method="masked_scatter_")


# ------------------------------------------------------------------ index_put
def index_put(input, indices, values, accumulate=False):
    """input with input[indices] = values (or += with accumulate), as a new tensor."""
    from .shape import INDEX, INDEX_PUT, getitem
    from .._tensor import Tensor
    probe = getitem(input, tuple(indices))
    node = probe._base_sync()
    if node.op is not INDEX:
        raise NotImplementedError("index_put with basic indices")
    if _is_tensor(values):
        try:
            ok = broadcast_shapes(tuple(values.shape), tuple(probe.shape)) == tuple(probe.shape)
        except RuntimeError:
            ok = False
        if not ok:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} "
                               f"cannot be broadcast to indexing result of shape "
                               f"{list(probe.shape)}")
    return apply(INDEX_PUT, (input, values) + tuple(Tensor._wrap(i) for i in node.inputs[1:]),
                 node.params + (("accumulate", bool(accumulate)),))


def index_put_(self, indices, values, accumulate=False):
    return self._write_result(index_put(self, indices, values, accumulate))


expose(index_put, "index_put", "index_put")
expose(index_put_, "index_put_", "index_put_")
