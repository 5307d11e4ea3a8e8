"""Layout ops: flip, roll, narrow, movedim, tril/triu, diag, diagonal, repeat, tile,
repeat_interleave, hstack/vstack, unflatten. Those PyTorch implements by composition
(narrow, movedim, unflatten, repeat_interleave, hstack) are composed here the same way, so
their grad_fn graphs match."""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from .._dispatch import apply
from .core import CLONE
from .shape import (PERMUTE, SLICE, UNSQUEEZE, VIEW, _dims_arg, _is_tensor, cat, expand,
                    reshape)
from .table import defop, expose, wrap_dim


def _same(x, **_):
    return x.shape, x.dtype, x.dtype


def _dim_list(dims, nd):
    w = [wrap_dim(d, nd) for d in dims]
    for d in w:
        if w.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(w) if nd else ()   # a 0-d tensor's dim 0 is itself


# ------------------------------------------------------------------ flip / roll
FLIP = defop("flip", lambda x, dims: jnp.flip(x, dims) if dims else x, _same, "FlipBackward0",
             saves=False)


def flip(input, *dims):
    dims = _dims_arg(dims)
    return apply(FLIP, (input,), (("dims", _dim_list(dims, input.dim())),))


def _roll(x, shifts, dims):
    if dims is None:
        return jnp.reshape(jnp.roll(jnp.ravel(x), shifts[0]), x.shape)
    return jnp.roll(x, shifts, dims)


ROLL = defop("roll", _roll, _same, "RollBackward0", saves=False)


def roll(input, shifts, dims=None):
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (int(shifts),)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               "dims:0")
        return apply(ROLL, (input,), (("shifts", tuple(int(s) for s in shifts)),
                                      ("dims", None)))
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    nd = input.dim()
    return apply(ROLL, (input,), (("shifts", tuple(int(s) for s in shifts)),
                                  ("dims", tuple(wrap_dim(d, nd) for d in dims))))


expose(flip, "flip", "flip")
expose(roll, "roll", "roll")


# ------------------------------------------------------------------ narrow / movedim
def narrow(input, dim, start, length):
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, input.dim())
    size = input.shape[d]
    if _is_tensor(start):
        start = int(start.item())
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return apply(SLICE, (input,), (("dim", d), ("start", int(start)),
                                   ("stop", int(start + length)), ("step", 1)))


def movedim(input, source, destination):
    nd = input.dim()
    if nd == 0:
        for d in (tuple(source) if isinstance(source, (tuple, list)) else (source,)) + (
                tuple(destination) if isinstance(destination, (tuple, list)) else
                (destination,)):
            wrap_dim(d, 0)
        return apply(PERMUTE, (input,), (("dims", ()),))
    src = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    dst = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({list(src)} dims) should contain the same number of dims as "
                           f"destination ({list(dst)} dims)")
    s = [wrap_dim(d, nd) for d in src]
    t = [wrap_dim(d, nd) for d in dst]
    for name, w, orig in (("source", s, src), ("destination", t, dst)):
        if len(set(w)) != len(w):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(orig)})")
    perm = [-1] * nd
    for a, b in zip(s, t):
        perm[b] = a
    rest = iter(d for d in range(nd) if d not in s)
    perm = tuple(p if p != -1 else next(rest) for p in perm)
    return apply(PERMUTE, (input,), (("dims", perm),))


expose(narrow, "narrow", "narrow")
expose(movedim, ("movedim", "moveaxis"), ("movedim", "moveaxis"))


# ------------------------------------------------------------------ tril / triu
def _tri_rule(name):
    def rule(x, diagonal):
        if len(x.shape) < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return x.shape, x.dtype, x.dtype
    return rule


TRIL = defop("tril", lambda x, diagonal: jnp.tril(x, diagonal), _tri_rule("tril"),
             "TrilBackward0", saves=False)
TRIU = defop("triu", lambda x, diagonal: jnp.triu(x, diagonal), _tri_rule("triu"),
             "TriuBackward0", saves=False)


def _tri(op, name):
    def front(input, diagonal=0, *, out=None):
        return apply(op, (input,), (("diagonal", int(diagonal)),))

    def inplace(self, diagonal=0):
        return self._write_result(front(self, diagonal))
    front.__name__ = name
    expose(front, name, name)
    expose(inplace, method=name + "_")


_tri(TRIL, "tril")
_tri(TRIU, "triu")


# ------------------------------------------------------------------ diagonal / diag
def _diagonal(x, offset, dim1, dim2):
    return jnp.diagonal(x, offset, dim1, dim2)


def _diagonal_shape(shape, offset, dim1, dim2):
    n1, n2 = shape[dim1], shape[dim2]
    n = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    return tuple(s for i, s in enumerate(shape) if i not in (dim1, dim2)) + (n,)


def _diagonal_rule(x, offset, dim1, dim2):
    return _diagonal_shape(x.shape, offset, dim1, dim2), x.dtype, x.dtype


DIAGONAL = defop("diagonal", _diagonal, _diagonal_rule, "DiagonalBackward0", view=True,
                 saves=False)
DIAG = defop("diag", _diagonal, _diagonal_rule, "DiagonalBackward0_copy", saves=False)


def _diag_embed_rule(x, offset):
    n = x.shape[0] + abs(offset)
    return (n, n), x.dtype, x.dtype


DIAG_EMBED = defop("diag_embed", lambda x, offset: jnp.diag(x, offset), _diag_embed_rule,
                   "DiagEmbedBackward0", saves=False)


def diagonal(input, offset=0, dim1=0, dim2=1):
    nd = input.dim()
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(DIAGONAL, (input,), (("offset", int(offset)), ("dim1", d1), ("dim2", d2)))


def diag(input, diagonal=0, *, out=None):
    nd = input.dim()
    if nd == 1:
        return apply(DIAG_EMBED, (input,), (("offset", int(diagonal)),))
    if nd == 2:
        return apply(DIAG, (input,), (("offset", int(diagonal)), ("dim1", 0), ("dim2", 1)))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


expose(diagonal, "diagonal", "diagonal")
expose(diag, "diag", "diag")


# ------------------------------------------------------------------ repeat / tile
def _repeat_rule(x, sizes):
    lead = len(sizes) - len(x.shape)
    shape = tuple(s * (x.shape[i - lead] if i >= lead else 1) for i, s in enumerate(sizes))
    return shape, x.dtype, x.dtype


REPEAT = defop("repeat", lambda x, sizes: jnp.tile(x, sizes), _repeat_rule, "RepeatBackward0",
               saves=False)


def repeat(self, *sizes):
    sizes = tuple(int(s) for s in _dims_arg(sizes))
    if len(sizes) < self.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    for s in sizes:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(sizes)}")
    return apply(REPEAT, (self,), (("sizes", sizes),))


def tile(input, *dims):
    dims = tuple(int(s) for s in _dims_arg(dims))
    if len(dims) < input.dim():
        dims = (1,) * (input.dim() - len(dims)) + dims
    return repeat(input, *dims)


expose(repeat, method="repeat")
expose(tile, "tile", "tile")


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element `repeats` times along dim (flattened without one);
    repeat_interleave(repeats) alone repeats each index i repeats[i] times."""
    from .indexing import index_select
    from .._tensor import tensor
    if repeats is None:   # torch.repeat_interleave(repeats_tensor)
        r = np.asarray(input.numpy()).ravel()
        if input.dim() > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        return tensor(np.repeat(np.arange(r.size), r).astype(np.int64))
    if dim is None:
        input = reshape(input, -1)
        d = 0
    else:
        d = wrap_dim(dim, input.dim())
    if _is_tensor(repeats) and repeats.dim() > 0:
        r = np.asarray(repeats.numpy()).ravel()
        n = input.shape[d]
        if r.size == 1:
            r = np.broadcast_to(r, (n,))
        if r.size != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but "
                               f"got repeats.size(0) = {r.size} and input.size({d}) = {n}")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        idx = tensor(np.repeat(np.arange(n), r).astype(np.int64))
        return index_select(input, d, idx)
    r = int(repeats.item()) if _is_tensor(repeats) else int(repeats)
    if r < 0:
        raise RuntimeError("repeats can not be negative")
    shape = tuple(input.shape)
    u = apply(UNSQUEEZE, (input,), (("dim", d + 1),))
    e = expand(u, *(shape[:d + 1] + (r,) + shape[d + 1:]))
    out_shape = shape[:d] + (shape[d] * r,) + shape[d + 1:]
    return apply(VIEW, (apply(CLONE, (e,)),), (("size", out_shape),))


expose(repeat_interleave, "repeat_interleave", "repeat_interleave")


# ------------------------------------------------------------------ hstack / vstack / unflatten
def _atleast(t, n):
    if t.dim() >= n:
        return t
    if t.dim() == 0:
        return reshape(t, *((1,) * n))
    return apply(UNSQUEEZE, (t,), (("dim", 0),))   # 1-d -> (1, n)


def hstack(tensors, *, out=None):
    ts = [_atleast(t, 1) for t in tensors]
    return cat(ts, 0 if ts and ts[0].dim() == 1 else 1)


def vstack(tensors, *, out=None):
    return cat([_atleast(t, 2) for t in tensors], 0)


def unflatten(input, dim, sizes):
    nd = input.dim()
    d = wrap_dim(dim, nd)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = input.shape[d]
    known = math.prod(s for s in sizes if s != -1)
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({n}) in the input tensor")
    shape = tuple(input.shape)
    return reshape(input, *(shape[:d] + sizes + shape[d + 1:]))


expose(hstack, "hstack")
expose(vstack, ("vstack", "row_stack"))
expose(unflatten, "unflatten", "unflatten")


# ------------------------------------------------------------------ more composites
# PyTorch composes these from the ops above (expand, views, cat, flip, ...); so does facade,
# so their grad_fn graphs match.
def broadcast_to(input, size):
    return expand(input, *size)


def broadcast_tensors(*tensors):
    from .table import broadcast_shapes
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(expand(t, *shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t}")
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.numel() for t in ts)
    n = len(ts)
    out = []
    for i, t in enumerate(ts):
        view_shape = [1] * n
        view_shape[i] = -1
        out.append(expand(reshape(t, *view_shape), *shape))
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def atleast_1d(*tensors):
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        return _atleast(tensors[0], 1)
    ts = tensors[0] if len(tensors) == 1 else tensors
    return tuple(_atleast(t, 1) for t in ts)


def atleast_2d(*tensors):
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        return _atleast(tensors[0], 2)
    ts = tensors[0] if len(tensors) == 1 else tensors
    return tuple(_atleast(t, 2) for t in ts)


def _atleast_3d(t):
    if t.dim() >= 3:
        return t
    if t.dim() == 0:
        return reshape(t, 1, 1, 1)
    if t.dim() == 1:
        return apply(UNSQUEEZE, (apply(UNSQUEEZE, (t,), (("dim", 0),)),), (("dim", 2),))
    return apply(UNSQUEEZE, (t,), (("dim", 2),))


def atleast_3d(*tensors):
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        return _atleast_3d(tensors[0])
    ts = tensors[0] if len(tensors) == 1 else tensors
    return tuple(_atleast_3d(t) for t in ts)


def dstack(tensors, *, out=None):
    return cat([_atleast_3d(t) for t in tensors], 2)


def column_stack(tensors, *, out=None):
    ts = [reshape(t, t.numel(), 1) if t.dim() <= 1 else t for t in tensors]
    return cat(ts, 1)


def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


ROT90 = defop("rot90", lambda x, k, dims: jnp.rot90(x, k, dims), lambda x, k, dims: (
    tuple(x.shape[dims[1]] if i == dims[0] else x.shape[dims[0]] if i == dims[1] else s
          for i, s in enumerate(x.shape)) if k % 2 else x.shape, x.dtype, x.dtype),
    "Rot90Backward0", saves=False)


def rot90(input, k=1, dims=(0, 1)):
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input.dim()
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return apply(ROT90, (input,), (("k", int(k) % 4), ("dims", (d0, d1))))


def ravel(input):
    return reshape(input, -1)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into n nearly equal parts (the first ones one longer), or at the given indices."""
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = wrap_dim(dim, input.dim())
    size = input.shape[d]
    if _is_tensor(indices_or_sections):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds, start = [], 0
        for i in range(n):
            stop = start + q + (1 if i < r else 0)
            bounds.append((start, stop))
            start = stop
    else:
        idx = [int(i) for i in indices_or_sections]
        edges = [0] + idx + [size]
        bounds = []
        for a, b in zip(edges[:-1], edges[1:]):
            a = min(max(a + size if a < 0 else a, 0), size)
            b = min(max(b + size if b < 0 else b, 0), size)
            bounds.append((a, max(a, b)))
    return tuple(apply(SLICE, (input,), (("dim", d), ("start", a), ("stop", b), ("step", 1)))
                 for a, b in bounds)


def _diag_embed_batched(x, offset, dim1, dim2):
    """The last dim of x on the `offset` diagonal of new dims (dim1, dim2)."""
    x = x.reshape(1) if x.ndim == 0 else x
    n = x.shape[-1] + abs(offset)
    rows = jnp.arange(x.shape[-1])
    out = jnp.zeros(x.shape[:-1] + (n, n), x.dtype)
    out = out.at[..., rows + max(-offset, 0), rows + max(offset, 0)].set(x)
    nd = out.ndim
    rest = iter(range(nd - 2))
    order = [nd - 2 if i == dim1 else nd - 1 if i == dim2 else next(rest) for i in range(nd)]
    return jnp.transpose(out, order)


def _diag_embed_rule(x, offset, dim1, dim2):
    n = (x.shape[-1] if x.shape else 1) + abs(offset)
    nd = len(x.shape) + 1
    d1, d2 = dim1 % nd, dim2 % nd
    rest = iter(x.shape[:-1])
    shape = tuple(n if i in (d1, d2) else next(rest) for i in range(nd))
    return shape, x.dtype, x.dtype


DIAG_EMBED_B = defop("diag_embed_batched", _diag_embed_batched, _diag_embed_rule,
                     "DiagEmbedBackward0", saves=False)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    nd = input.dim() + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(DIAG_EMBED_B, (input,), (("offset", int(offset)), ("dim1", d1),
                                          ("dim2", d2)))


def diagflat(input, offset=0):
    return diag_embed(reshape(input, -1), offset)


def reshape_as(self, other):
    return reshape(self, *other.shape)


def unfold(self, dimension, size, step):
    """Tensor.unfold: windows of `size` every `step` along `dimension`, as a new last dim."""
    d = wrap_dim(dimension, self.dim())
    n = self.shape[d] if self.dim() else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(UNFOLD, (self,), (("dim", d), ("size", int(size)), ("step", int(step))))


def _unfold(x, dim, size, step):
    if x.ndim == 0:
        return jnp.reshape(x, (1,))
    n = x.shape[dim]
    count = (n - size) // step + 1
    idx = np.arange(count)[:, None] * step + np.arange(size)[None, :]
    out = jnp.take(x, idx.reshape(-1), axis=dim)
    out = out.reshape(x.shape[:dim] + (count, size) + x.shape[dim + 1:])
    return jnp.moveaxis(out, dim + 1, -1)


def _unfold_rule(x, dim, size, step):
    if not x.shape:
        return (1,), x.dtype, x.dtype
    count = (x.shape[dim] - size) // step + 1
    return x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,), x.dtype, x.dtype


UNFOLD = defop("unfold", _unfold, _unfold_rule, "UnfoldBackward0", saves=False)


def _method_function(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = name
    return fn


expose(_method_function("clone"), "clone")
expose(_method_function("detach"), "detach")
expose(_method_function("detach_"), "detach_")


expose(broadcast_to, "broadcast_to", "broadcast_to")
expose(broadcast_tensors, "broadcast_tensors")
expose(meshgrid, "meshgrid")
expose(atleast_1d, "atleast_1d")
expose(atleast_2d, "atleast_2d")
expose(atleast_3d, "atleast_3d")
expose(dstack, "dstack")
expose(column_stack, "column_stack")
expose(fliplr, "fliplr", "fliplr")
expose(flipud, "flipud", "flipud")
expose(rot90, "rot90", "rot90")
expose(ravel, "ravel", "ravel")
expose(tensor_split, "tensor_split", "tensor_split")
expose(diag_embed, "diag_embed", "diag_embed")
expose(diagflat, "diagflat", "diagflat")
expose(reshape_as, method="reshape_as")
expose(unfold, method="unfold")
