"""Shape ops and indexing. Views (view=True) alias their input: an in-place write through
them reaches the base tensor (see Tensor._write)."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._dispatch import apply
from .core import CLONE, FILL, REBASE
from .table import broadcast_shapes, defop, expose, wrap_dim


def _shape_rule(fn):
    """A rule computing the output shape from input shapes with a plain Python function."""
    def rule(x, **params):
        return fn(x.shape, **params), x.dtype, x.dtype
    return rule


def _view_shape(shape, size):
    return tuple(size)


def _infer_view(shape, size):
    """Resolve -1 in a requested shape with PyTorch's error messages."""
    numel = math.prod(shape)
    size = tuple(int(s) for s in size)
    neg = [i for i, s in enumerate(size) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in size:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = math.prod(s for s in size if s != -1)
    if neg:
        if known == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(size)} because the "
                "unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
        size = size[:neg[0]] + (numel // known,) + size[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
    return size


VIEW = defop("view", lambda x, size: jnp.reshape(x, size), _shape_rule(_view_shape),
             "ViewBackward0", view=True, saves=False, vjp_name="ViewBackward0")
UNSAFE_VIEW = defop("unsafe_view", lambda x, size: jnp.reshape(x, size),
                    _shape_rule(_view_shape), "UnsafeViewBackward0", saves=False,
                    vjp_name="ViewBackward0")


def _squeeze_shape(shape, dims):
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _squeeze(x, dims):
    return jnp.reshape(x, _squeeze_shape(x.shape, dims))


# PyTorch names each overload's backward differently; matmul's internal squeeze_(0) is #4
SQUEEZE = {n: defop(f"squeeze{n}", _squeeze, _shape_rule(_squeeze_shape), f"SqueezeBackward{n}",
                    view=True, saves=False, vjp_name="UnsqueezeBackward0")
           for n in (0, 1, 2, 4)}


def _unsqueeze_shape(shape, dim):
    return shape[:dim] + (1,) + shape[dim:]


UNSQUEEZE = defop("unsqueeze", lambda x, dim: jnp.expand_dims(x, dim),
                  _shape_rule(_unsqueeze_shape), "UnsqueezeBackward0", view=True, saves=False,
                  vjp_name="SqueezeBackward1")


def _permute_shape(shape, dims):
    return tuple(shape[d] for d in dims)


def _permute(x, dims):
    return jnp.transpose(x, dims)


PERMUTE = defop("permute", _permute, _shape_rule(_permute_shape), "PermuteBackward0",
                view=True, saves=False, vjp_name="PermuteBackward0")
TRANSPOSE = defop("transpose", _permute, _shape_rule(_permute_shape), "TransposeBackward0",
                  view=True, saves=False, vjp_name="TransposeBackward0")
T = defop("t", _permute, _shape_rule(_permute_shape), "TBackward0", view=True, saves=False,
          vjp_name="TBackward0")


def _expand_shape(shape, size):
    return tuple(size)


EXPAND = defop("expand", lambda x, size: jnp.broadcast_to(x, size), _shape_rule(_expand_shape),
               "ExpandBackward0", view=True, saves=False, vjp_name="SumBackward1")


def _select(x, dim, index):
    return jax.lax.index_in_dim(x, index, dim, keepdims=False)


def _select_shape(shape, dim, index):
    return shape[:dim] + shape[dim + 1:]


SELECT = defop("select", _select, _shape_rule(_select_shape), "SelectBackward0", view=True,
               saves=False, vjp_name="SelectBackward0")
ALIAS = defop("alias", lambda x: x, _shape_rule(lambda shape: shape), "AliasBackward0",
              view=True, saves=False, vjp_name="AliasBackward0")


def _slice(x, dim, start, stop, step):
    return jax.lax.slice_in_dim(x, start, stop, step, axis=dim)


def _slice_shape(shape, dim, start, stop, step):
    n = max(0, (stop - start + step - 1) // step)
    return shape[:dim] + (n,) + shape[dim + 1:]


SLICE = defop("slice", _slice, _shape_rule(_slice_shape), "SliceBackward0", view=True,
              saves=False, vjp_name="SliceBackward0")


def _index(x, *idx, positions):
    full = [slice(None)] * x.ndim
    for p, i in zip(positions, idx):
        full[p] = i
    return x[tuple(full)]


def _index_rule(x, *idx, positions):
    for i in idx:
        if i.dtype not in (D.int64, D.int32, D.int16, D.int8, D.uint8):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    out = jax.eval_shape(lambda a, *b: _index(a, *b, positions=positions),
                         jax.ShapeDtypeStruct(x.shape, x.dtype.np),
                         *[jax.ShapeDtypeStruct(i.shape, i.dtype.np) for i in idx])
    return tuple(out.shape), x.dtype, None


INDEX = defop("index", _index, _index_rule, "IndexBackward0", visible=(0,), saves=False,
              vjp_name="IndexPutBackward0")


def _index_put(x, v, *idx, positions, accumulate):
    full = [slice(None)] * x.ndim
    for p, i in zip(positions, idx):
        full[p] = i
    ref = x.at[tuple(full)]
    v = v.astype(x.dtype)
    return ref.add(v) if accumulate else ref.set(v)


def _index_put_rule(x, v, *idx, positions, accumulate):
    return x.shape, x.dtype, None


INDEX_PUT = defop("index_put", _index_put, _index_put_rule, "IndexPutBackward0",
                  visible=(0, 1), saves=False)


# ------------------------------------------------------------------ strides
# facade has no memory layout, but PyTorch's view rules depend on strides: a view of a
# transposed tensor can fail, and reshape then copies. Strides are derived on demand from
# the chain of view ops, as PyTorch would have them.
def contiguous_strides(shape):
    out, acc = [], 1
    for s in reversed(shape):
        out.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(out))


def strides_of(n):
    op = n.op
    if op is None or not (op.view or op.transparent) or not n.inputs or op is REBASE:
        return contiguous_strides(n.shape)
    x = n.inputs[0]
    st = strides_of(x)
    p = dict(n.params)
    if op is VIEW:
        new = compute_stride(x.shape, st, n.shape)
        return tuple(new) if new is not None else contiguous_strides(n.shape)
    if op in (PERMUTE, TRANSPOSE, T):
        return tuple(st[d] for d in p["dims"])
    if op is UNSQUEEZE:
        d = p["dim"]
        return st[:d] + ((st[d] * x.shape[d]) if d < len(x.shape) else 1,) + st[d:]
    if op is EXPAND:
        lead = len(n.shape) - len(x.shape)
        return tuple(0 if i < lead or x.shape[i - lead] != s else st[i - lead]
                     for i, s in enumerate(n.shape))
    if op is SELECT:
        return st[:p["dim"]] + st[p["dim"] + 1:]
    if op is SLICE:
        d = p["dim"]
        return st[:d] + (st[d] * p["step"],) + st[d + 1:]
    if op in SQUEEZE.values():
        return tuple(v for i, v in enumerate(st) if i not in p["dims"])
    if op.name == "diagonal":  # declared in layout.py: the two dims become one stride
        d1, d2 = p["dim1"], p["dim2"]
        return tuple(v for i, v in enumerate(st) if i not in (d1, d2)) + (st[d1] + st[d2],)
    return st  # detach, leaf: same layout


def compute_stride(oldshape, oldstride, newshape):
    """ATen's computeStride: strides for viewing (oldshape, oldstride) as newshape, or None."""
    if not oldshape:
        return [1] * len(newshape)
    numel = math.prod(oldshape)
    if numel == 0 and tuple(oldshape) == tuple(newshape):
        return list(oldstride)
    newstride = [0] * len(newshape)
    if numel == 0:
        for d in range(len(newshape) - 1, -1, -1):
            newstride[d] = 1 if d == len(newshape) - 1 else max(newshape[d + 1], 1) * newstride[d + 1]
        return newstride
    view_d = len(newshape) - 1
    chunk = oldstride[-1]
    tensor_numel = view_numel = 1
    for td in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[td]
        if td == 0 or (oldshape[td - 1] != 1 and oldstride[td - 1] != tensor_numel * chunk):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if td > 0:
                chunk = oldstride[td - 1]
                tensor_numel = view_numel = 1
    return newstride if view_d == -1 else None


def is_contiguous(self, memory_format=None):
    n = self._base_sync()
    expected = contiguous_strides(n.shape)
    return all(a == b for a, b, s in zip(strides_of(n), expected, n.shape) if s != 1)


def stride(self, dim=None):
    st = strides_of(self._base_sync())
    return st if dim is None else st[wrap_dim(dim, len(st))]


# ------------------------------------------------------------------ front-ends
def _dims_arg(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    if len(args) == 1 and hasattr(args[0], "tolist") and not isinstance(args[0], int):
        return tuple(args[0].tolist())
    return tuple(args)


def view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    n = self._base_sync()
    size = _infer_view(n.shape, _dims_arg(shape))
    if compute_stride(n.shape, strides_of(n), size) is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return apply(VIEW, (self,), (("size", size),))


def _bitcast(x, dtype):
    dt = dtype.np
    a, b = x.dtype.itemsize, np.dtype(dt).itemsize
    if a == b:
        return jax.lax.bitcast_convert_type(x, dt)
    if a > b:   # each element becomes a // b elements along the last dim
        y = jax.lax.bitcast_convert_type(x, dt)
        return y.reshape(x.shape[:-1] + (x.shape[-1] * (a // b),))
    k = b // a
    return jax.lax.bitcast_convert_type(x.reshape(x.shape[:-1] + (x.shape[-1] // k, k)), dt)


def _bitcast_rule(x, dtype):
    a, b = x.dtype.np.itemsize, np.dtype(dtype.np).itemsize
    if a == b:
        return x.shape, dtype, None
    if not x.shape:
        raise RuntimeError("self.dim() cannot be 0 to view " + D.scalar_name(x.dtype) + " as "
                           + D.scalar_name(dtype) + " (different element sizes)")
    last = x.shape[-1]
    if a < b and last % (b // a):
        raise RuntimeError(f"self.size(-1) must be divisible by {b // a} to view "
                           f"{D.scalar_name(x.dtype)} as {D.scalar_name(dtype)} (different "
                           "element sizes), but got " + str(last))
    return x.shape[:-1] + ((last * a) // b,), dtype, None


# view(dtype): the same bytes read as another dtype (a copy here: JAX arrays are values)
VIEW_DTYPE = defop("view_dtype", _bitcast, _bitcast_rule, None, saves=False)


def _view_dtype(self, dtype):
    if dtype is self.dtype:
        return apply(VIEW, (self,), (("size", tuple(self.shape)),))
    return apply(VIEW_DTYPE, (self,), (("dtype", dtype),))


def reshape(self, *shape):
    """A view where the strides allow one (as PyTorch), else a copy."""
    n = self._base_sync()
    size = _infer_view(n.shape, _dims_arg(shape))
    if compute_stride(n.shape, strides_of(n), size) is not None:
        return apply(VIEW, (self,), (("size", size),))
    return apply(UNSAFE_VIEW, (apply(CLONE, (self,)),), (("size", size),))


def view_as(self, other):
    return view(self, *other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    nd = input.dim()
    if nd == 0:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = tuple(input.shape)
    return reshape(input, *(shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]))


def squeeze(input, dim=None):
    shape = tuple(input.shape)
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
        return apply(SQUEEZE[0], (input,), (("dims", dims),))
    if isinstance(dim, (tuple, list)):
        dims = tuple(sorted({wrap_dim(d, len(shape)) for d in dim}))
        dims = tuple(d for d in dims if shape and shape[d] == 1)
        return apply(SQUEEZE[2], (input,), (("dims", dims),))
    d = wrap_dim(dim, len(shape))
    dims = (d,) if shape and shape[d] == 1 else ()
    return apply(SQUEEZE[1], (input,), (("dims", dims),))


def unsqueeze(input, dim):
    return apply(UNSQUEEZE, (input,), (("dim", wrap_dim(dim, input.dim() + 1)),))


def permute(input, *dims):
    dims = _dims_arg(dims)
    nd = input.dim()
    if len(dims) != nd:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
            f"to len(dims) = {len(dims)}")
    w = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(w)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(PERMUTE, (input,), (("dims", w),))


def _swap(nd, d0, d1):
    if nd == 0:   # a 0-d tensor's dims 0 and -1 are itself
        return ()
    perm = list(range(nd))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return tuple(perm)


def transpose(input, dim0, dim1):
    nd = input.dim()
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    return apply(TRANSPOSE, (input,), (("dims", _swap(nd, d0, d1)),))


def t(input):
    nd = input.dim()
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return apply(T, (input,), (("dims", tuple(range(nd))[::-1]),))


def select(input, dim, index):
    nd = input.dim()
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, nd)
    size = input.shape[d]
    i = int(index)
    if not -size <= i < size:
        raise IndexError(f"select(): index {i} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return apply(SELECT, (input,), (("dim", d), ("index", i % size)))


def expand(self, *sizes):
    sizes = _dims_arg(sizes)
    shape = tuple(self.shape)
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({self.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shape)})")
    out = []
    lead = len(sizes) - len(shape)
    for i, s in enumerate(sizes):
        cur = shape[i - lead] if i >= lead else 1
        if s == -1:
            if i < lead:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}")
            s = cur
        elif cur != 1 and cur != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(shape)}")
        out.append(int(s))
    return apply(EXPAND, (self,), (("size", tuple(out)),))


def expand_as(self, other):
    return expand(self, *other.shape)


def contiguous(self, memory_format=None):
    if is_contiguous(self):
        return self
    return apply(CLONE, (self,))


expose(view, method="view")
expose(reshape, "reshape", "reshape")
expose(view_as, method="view_as")
expose(flatten, "flatten", "flatten")
expose(squeeze, "squeeze", "squeeze")
expose(unsqueeze, "unsqueeze", "unsqueeze")
expose(permute, "permute", "permute")
expose(transpose, ("transpose", "swapaxes", "swapdims"), ("transpose", "swapaxes", "swapdims"))
expose(t, "t", "t")
expose(select, "select", "select")
expose(expand, method="expand")
expose(expand_as, method="expand_as")
expose(contiguous, method="contiguous")
expose(is_contiguous, method="is_contiguous")
expose(stride, method="stride")


# ------------------------------------------------------------------ indexing
def _is_tensor(x):
    return hasattr(x, "_base_sync")


def _as_index_tensor(x):
    from .._tensor import tensor
    return x if _is_tensor(x) else tensor(np.asarray(x))


def _index_item(it):
    """PyTorch's reading of one index: a 0-d integer tensor is an int, a uint8 tensor a mask
    (with its deprecation warning)."""
    if _is_tensor(it):
        if it.dim() == 0 and it.dtype is not D.bool_ and not it.dtype.is_floating_point:
            return int(it.item())
        if it.dtype is D.uint8:
            import warnings
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                          "dtype torch.bool instead.", UserWarning, stacklevel=4)
            return it.to(D.bool_)
    return it


def _index_items(items):
    out = []
    for it in items:   # (a loop, not a comprehension: the warning names the user's line)
        out.append(_index_item(it))
    return tuple(out)


def getitem(self, idx, _setting=False):
    """Basic indexing (ints, slices, None, ...) makes views; tensors and lists gather.
    (_setting: for setitem, which writes into the tensor itself where nothing is selected)"""
    single = not isinstance(idx, tuple)
    if single:
        idx = (idx,)
        single = not _setting
    idx = _index_items(idx)
    nd = self.dim()
    if nd == 0 and len(idx) == 1:
        if isinstance(idx[0], (int, np.integer)) and not isinstance(idx[0], bool):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                             "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a "
                             "number")
        if isinstance(idx[0], slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    consumed = 0
    for it in idx:
        if it is None or it is Ellipsis:
            continue
        if _is_tensor(it) and it.dtype is D.bool_:
            consumed += it.dim()
        elif isinstance(it, bool):
            continue
        else:
            consumed += 1
    if consumed > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    out = self
    dim = 0          # the dim of `out` the next index applies to
    src_dim = 0      # the same dim counted in `self`
    adv = []
    for it in idx:
        if it is None:
            out = apply(UNSQUEEZE, (out,), (("dim", dim),))
            dim += 1
        elif it is Ellipsis:
            dim += nd - consumed
        elif isinstance(it, bool):
            out = apply(UNSQUEEZE, (out,), (("dim", dim),))
            adv.append((dim, _as_index_tensor(np.zeros(int(it), np.int64))))
            dim += 1
        elif isinstance(it, (int, np.integer)):
            size = out.shape[dim]
            i = int(it)
            if not -size <= i < size:
                raise IndexError(
                    f"index {i} is out of bounds for dimension {src_dim} with size {size}")
            out = apply(SELECT, (out,), (("dim", dim), ("index", i % size if size else 0)))
            src_dim += 1
        elif isinstance(it, slice):
            size = out.shape[dim]
            step = 1 if it.step is None else int(it.step)
            if step == 0:
                raise ValueError("slice step cannot be zero")
            if step < 0:
                raise ValueError("step must be greater than zero")
            start, stop, _ = slice(it.start, it.stop, step).indices(size)
            stop = max(stop, start)
            if (start, stop, step) != (0, size, 1) or single:   # x[:] is a slice
                out = apply(SLICE, (out,), (("dim", dim), ("start", start), ("stop", stop),
                                            ("step", step)))
            dim += 1
            src_dim += 1
        else:
            t_ = _as_index_tensor(it)
            if t_.dtype is D.bool_:
                nz = np.nonzero(t_.numpy())
                for k, a in enumerate(nz):
                    mshape = t_.shape[k]
                    if out.shape[dim + k] != mshape:
                        raise IndexError(
                            f"The shape of the mask {list(t_.shape)} at index {k} does not "
                            f"match the shape of the indexed tensor {list(out.shape)} at index "
                            f"{dim + k}")
                    adv.append((dim + k, _as_index_tensor(a.astype(np.int64))))
                dim += t_.dim()
            else:
                if t_.dtype.is_floating_point:
                    raise IndexError(
                        "tensors used as indices must be long, int, byte or bool tensors")
                # PyTorch's message counts the dim among the tensor indices
                _check_index_values(t_, out.shape[dim], len(adv))
                adv.append((dim, t_))
                dim += 1
                src_dim += 1
    if adv:
        positions = tuple(p for p, _ in adv)
        out = apply(INDEX, (out,) + tuple(i for _, i in adv), (("positions", positions),))
    elif out is self and not _setting:   # x[...]: an alias
        out = apply(ALIAS, (self,))
    return out


def _check_index_values(t, size, dim):
    """PyTorch checks index values at the op (JAX would clamp them): this reads them."""
    from .table import values_readable
    if not values_readable(t):
        return
    vals = np.asarray(t.numpy()).ravel()
    bad = vals[(vals < -size) | (vals >= size)]
    if bad.size:
        raise IndexError(f"index {int(bad[0])} is out of bounds for dimension {dim} with size "
                         f"{size}")


def setitem(self, idx, value):
    """x[idx] = v as PyTorch's set_item: basic indices write through the view (into self
    where they select all of it), a 0-d or Python number value fills, another value is
    copied (its leading 1s dropped, then broadcast); advanced indices index_put."""
    items = idx if isinstance(idx, tuple) else (idx,)
    if len(items) == 1 and items[0] is False:
        return
    items = _index_items(items)
    basic = all(it is None or it is Ellipsis or isinstance(it, (int, np.integer, slice))
                for it in items)
    if basic:
        _copy_to(getitem(self, items, True), value)   # x[...], x[:]: the tensor itself
        return
    adv_only = all(it is None or it is Ellipsis or (isinstance(it, slice) and it == slice(None))
                   or not isinstance(it, (int, np.integer, slice)) for it in items)
    if not adv_only:
        # x[1:3, idx] = v: the basic part is a view of x; the advanced part writes into it
        view_items, rest = [], []
        for it in items:
            if isinstance(it, (int, np.integer)):
                view_items.append(it)
            elif it is None or isinstance(it, slice):
                view_items.append(it)
                rest.append(slice(None))
            elif it is Ellipsis:
                view_items.append(it)
                rest.append(it)
            else:
                k = it.dim() if _is_tensor(it) and it.dtype is D.bool_ else 1
                view_items.extend([slice(None)] * k)
                rest.append(it)
        setitem(getitem(self, tuple(view_items)), tuple(rest), value)
        return
    # advanced: gather the positions as getitem does, then write functionally
    probe = getitem(self, items)
    node = probe._base_sync()
    if node.op is not INDEX:
        _copy_to(probe, value)
        return
    from .._tensor import Tensor
    base_t = Tensor._wrap(node.inputs[0])
    if base_t.shape != self.shape:
        raise NotImplementedError("mixing basic and advanced indices in assignment")
    v = value
    if _is_tensor(v):
        mask = len(items) == 1 and _is_tensor(items[0]) and items[0].dtype is D.bool_
        if v.dtype is not self.dtype and not (mask and v.dim() == 0):   # masked_fill there
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{D.scalar_name(self.dtype)} for the destination and "
                f"{D.scalar_name(v.dtype)} for the source.")
        v = _strip_leading_ones(v)
        try:
            ok = broadcast_shapes(v.shape, node.shape) == node.shape
        except RuntimeError:
            ok = False
        if not ok:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot "
                               f"be broadcast to indexing result of shape {list(node.shape)}")
    res = apply(INDEX_PUT, (self, v) + tuple(Tensor._wrap(i) for i in node.inputs[1:]),
                node.params + (("accumulate", False),))
    self._write_result(res)


def _strip_leading_ones(v):
    shape = tuple(v.shape)
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return view(v, *shape[k:]) if k else v


def _copy_to(dst, value):
    """PyTorch's copy_to for setitem."""
    if not _is_tensor(value):
        if isinstance(value, complex) or not isinstance(value, (int, float, bool, np.number)):
            from .._tensor import tensor
            value = tensor(value, dtype=dst.dtype)
        else:   # valueToTensor: a 0-d tensor of dst's dtype, so fill_(Tensor)
            dst._write_result(apply(FILL, (dst, value.item() if isinstance(value, np.number)
                                           else value), (("tensor", True),)), overlap_ok=True)
            return
    if tuple(value.shape) == tuple(dst.shape):
        dst.copy_(value)
    elif value.dim() == 0:
        dst.fill_(value)
    else:
        dst.copy_(expand(_strip_leading_ones(value), *dst.shape))


expose(getitem, method="__getitem__")
expose(setitem, method="__setitem__")


# ------------------------------------------------------------------ joining and splitting
def _cat_rule(*xs, dim):
    from .table import promoted
    ref = next((x for x in xs if not (len(x.shape) == 1 and x.shape[0] == 0)), xs[0])
    nd = len(ref.shape)
    d = wrap_dim(dim, nd)
    total = 0
    for i, x in enumerate(xs):
        if len(x.shape) == 1 and x.shape[0] == 0 and x is not ref:
            continue  # PyTorch still skips legacy empty 1-d tensors
        if len(x.shape) != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and "
                               f"{len(x.shape)}")
        for k in range(nd):
            if k != d and x.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[k]} but got size {x.shape[k]} for tensor number {i} in the list.")
        total += x.shape[d]
    dt = promoted([x for x in xs])
    return ref.shape[:d] + (total,) + ref.shape[d + 1:], dt, dt


def _cat(*xs, dim):
    xs = [x for x in xs if not (x.ndim == 1 and x.shape[0] == 0)] or xs[:1]
    return jnp.concatenate(xs, axis=dim if xs[0].ndim else 0)


CAT = defop("cat", _cat, _cat_rule, "CatBackward0", promote=True, saves=False)


def _stack_rule(*xs, dim):
    for i, x in enumerate(xs[1:], 1):
        if x.shape != xs[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(xs[0].shape)} at entry 0 and {list(x.shape)} at entry {i}")
    from .table import promoted
    dt = promoted(list(xs))
    return xs[0].shape[:dim] + (len(xs),) + xs[0].shape[dim:], dt, dt


STACK = defop("stack", lambda *xs, dim: jnp.stack(xs, axis=dim), _stack_rule, "StackBackward0",
              promote=True, saves=False)


def _seq(tensors, what):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{what}(): argument 'tensors' must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise (ValueError if what == "torch.cat" else RuntimeError)(
            f"{what}(): expected a non-empty list of Tensors")
    return tuple(tensors)


def cat(tensors, dim=0, *, axis=None, out=None):
    if axis is not None:   # torch.concatenate's name for it
        dim = axis
    tensors = _seq(tensors, "torch.cat")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    return apply(CAT, tensors, (("dim", wrap_dim(dim, max(t.dim() for t in tensors))),))


def stack(tensors, dim=0, *, out=None):
    tensors = _seq(tensors, "stack")
    return apply(STACK, tensors, (("dim", wrap_dim(dim, tensors[0].dim() + 1)),))


SPLIT = defop("split", _slice, _shape_rule(_slice_shape), "SplitBackward0", view=True,
              saves=False)
SPLIT_SIZES = defop("split_with_sizes", _slice, _shape_rule(_slice_shape),
                    "SplitWithSizesBackward0", view=True, saves=False)
UNBIND = defop("unbind", _select, _shape_rule(_select_shape), "UnbindBackward0", view=True,
               saves=False)


def _multi(views):
    """Views returned together by one op (split, unbind): PyTorch forbids in-place ops on
    them where grad is recorded (CreationMeta MULTI_OUTPUT_NODE)."""
    from .._dispatch import STATE
    if STATE.enabled:
        from .._tensor import _storage
        for i, v in enumerate(views):
            if v._cm != "inference":
                v._cm, v._onr, v._cv = "multi", i, _storage(v)._version
    return views


def _pieces(op, t, d, sizes):
    out, start = [], 0
    for s in sizes:
        out.append(apply(op, (t,), (("dim", d), ("start", start), ("stop", start + s),
                                    ("step", 1))))
        start += s
    return _multi(tuple(out))


def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    if split_size_or_sections is None:   # Tensor.split(split_size=...)
        split_size_or_sections = split_size
    if tensor.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor.dim())
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s <= 0 and n > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [min(s, n - i) for i in range(0, n, s)] if s > 0 else [0]
        return _pieces(SPLIT, tensor, d, sizes)
    sizes = list(split_size_or_sections)
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {d}), but got split_sizes={sizes}")
    return _pieces(SPLIT_SIZES, tensor, d, sizes)


def chunk(input, chunks, dim=0):
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, input.dim())
    n = input.shape[d]
    size = -(-n // chunks) if chunks > 0 else 0
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    return split(input, max(size, 1), d) if n else (input,)


def unbind(input, dim=0):
    if input.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.dim())
    return _multi(tuple(apply(UNBIND, (input,), (("dim", d), ("index", i)))
                        for i in range(input.shape[d])))


expose(cat, ("cat", "concat", "concatenate"))
expose(stack, "stack")
expose(split, "split", "split")
expose(chunk, "chunk", "chunk")
expose(unbind, "unbind", "unbind")
