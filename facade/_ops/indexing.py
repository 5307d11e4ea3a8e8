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
    if not x.shape:
        if n != 1:
            raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                               f"{n} value(s)")
        return (() if not index.shape else (n,)), x.dtype, None
    return x.shape[:dim] + (n,) + x.shape[dim + 1:], x.dtype, None


def _index_select(x, index, dim):
    if x.ndim == 0:
        return jnp.broadcast_to(x, index.shape)
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
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not supported")
    if src is None:
        src = value
    d = _scatter_check(input, dim, index)
    if _is_tensor(src):
        return apply(SCATTER, (input, index, src), (("dim", d), ("add", False)))
    return apply(SCATTER_VALUE, (input, index, src), (("dim", d), ("add", False)))


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
