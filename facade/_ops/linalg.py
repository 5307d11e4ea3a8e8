"""Matrix products. `matmul` decomposes as PyTorch's does (unsqueeze/mm/squeeze, mv, dot,
folded or batched products), so grad_fn graphs look the same."""
from __future__ import annotations

import math

import jax.numpy as jnp

from .. import _dispatch
from .. import _dtype as D
from .._dispatch import apply, record
from .shape import SQUEEZE, UNSAFE_VIEW, UNSQUEEZE, expand, view
from .table import defop, expose, infer_size


def _same_dtype(a, b, what):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected {what} to have the same dtype, but got: "
                           f"{D.cpp_name(a.dtype)} != {D.cpp_name(b.dtype)}")




def _mm_rule(a, b):
    if len(a.shape) != 2:
        raise RuntimeError("self must be a matrix")
    if len(b.shape) != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})")
    _same_dtype(a, b, "m1 and m2")
    return (a.shape[0], b.shape[1]), a.dtype, a.dtype


def _mv_rule(a, v):
    if len(a.shape) != 2 or len(v.shape) != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {len(v.shape)}, "
                           f"{len(a.shape)}, {len(v.shape)}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({v.shape[0]})")
    _same_dtype(a, v, "m1 and m2")
    return (a.shape[0],), a.dtype, a.dtype


def _dot_rule(a, b):
    if len(a.shape) != 1 or len(b.shape) != 1:
        raise RuntimeError(f"1D tensors expected, but got {len(a.shape)}D and "
                           f"{len(b.shape)}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
            "elements respectively")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{D.scalar_name(a.dtype)} and {D.scalar_name(b.dtype)}")
    return (), a.dtype, a.dtype




def _bmm_rule(a, b):
    if len(a.shape) != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if len(b.shape) != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
            f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    _same_dtype(a, b, "m1 and m2")
    return (a.shape[0], a.shape[1], b.shape[2]), a.dtype, a.dtype


MM = defop("mm", jnp.matmul, _mm_rule, "MmBackward0")
MV = defop("mv", jnp.matmul, _mv_rule, "MvBackward0")
DOT = defop("dot", jnp.dot, _dot_rule, "DotBackward0")
BMM = defop("bmm", jnp.matmul, _bmm_rule, "BmmBackward0")


def mm(input, mat2):
    return apply(MM, (input, mat2))


def mv(input, vec):
    return apply(MV, (input, vec))


def dot(input, other):
    return apply(DOT, (input, other))


def bmm(input, mat2):
    return apply(BMM, (input, mat2))


def matmul(input, other):
    """PyTorch's matmul rules (1-d, 2-d, batched with broadcasting)."""
    d1, d2 = input.dim(), other.dim()
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{d1}D and {d2}D")
    if d1 == 1 and d2 == 1:
        return dot(input, other)
    if d1 == 2 and d2 == 1:
        return mv(input, other)
    if d1 == 1 and d2 == 2:
        # PyTorch: input.unsqueeze(0).mm(other).squeeze_(0); the intermediates are not
        # visible, so they are recorded as nodes without tensors
        u = record(UNSQUEEZE, (input._base_sync(),), (("dim", 0),))
        m = record(MM, (u, other._base_sync()))
        return _dispatch.Tensor._wrap(record(SQUEEZE[4], (m,), (("dims", (0,)),)))
    if d1 == 2 and d2 == 2:
        return mm(input, other)
    if d1 >= 3 and d2 <= 2:
        # fold the batch into the rows of one mm
        s1 = tuple(input.shape)
        k = s1[-1]
        folded = view(input, -1, k)
        if d2 == 1:
            out = mv(folded, other)
            return apply(UNSAFE_VIEW, (out,), (("size", s1[:-1]),))
        out = mm(folded, other)
        return apply(UNSAFE_VIEW, (out,), (("size", s1[:-1] + (other.shape[-1],)),))
    # batched: broadcast the batch dims, then bmm
    a = input if d1 > 1 else apply(UNSQUEEZE, (input,), (("dim", 0),))
    b = other if d2 > 1 else apply(UNSQUEEZE, (other,), (("dim", 1),))
    sa, sb = tuple(a.shape), tuple(b.shape)
    n, m1 = sa[-2], sa[-1]
    m2, p = sb[-2], sb[-1]
    batch = infer_size(sa[:-2], sb[:-2])
    if m1 != m2:
        nb = math.prod(batch)
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{nb}, {m1}] "
            f"but got: [{nb}, {m2}].")
    nb = math.prod(batch)
    a3 = view(expand(a, *(batch + (n, m1))), nb, n, m1) if sa[:-2] != batch or len(sa) != 3 \
        else a
    b3 = view(expand(b, *(batch + (m2, p))), nb, m2, p) if sb[:-2] != batch or len(sb) != 3 \
        else b
    out = bmm(a3, b3)
    shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    return apply(UNSAFE_VIEW, (out,), (("size", shape),))


expose(mm, "mm", "mm")
expose(mv, "mv", "mv")
expose(dot, "dot", "dot")
expose(bmm, "bmm", "bmm")
expose(matmul, "matmul", ("matmul", "__matmul__"))
