"""Matrix products and torch.linalg. `matmul` decomposes as PyTorch's does (unsqueeze/mm/
squeeze, mv, dot, folded or batched products), so grad_fn graphs look the same; so do
outer, tensordot, kron, matrix_norm and matrix_power. Decompositions with several outputs
(qr, svd, eigh, slogdet) are one op with a static `part`: each output is its own node (with
PyTorch's grad_fn name), and XLA computes the factorization once per program."""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp

from .. import _dispatch
from .. import _dtype as D
from .._dispatch import apply, record
from .elementwise import INPLACE
from .shape import SQUEEZE, UNSAFE_VIEW, UNSQUEEZE, expand, permute, reshape
from .table import defop, expose, infer_size, wrap_dim


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
    if len(a.shape) != 2 or len(v.shape) != 1:   # (mv is addmv with a 1-d input)
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, "
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
        folded = reshape(input, -1, k)   # copies a non-contiguous input, as PyTorch
        if d2 == 1:
            out = mv(folded, other)
            return apply(UNSAFE_VIEW, (out,), (("size", s1[:-1]),))
        out = mm(folded, other)
        return apply(UNSAFE_VIEW, (out,), (("size", s1[:-1] + (other.shape[-1],)),))
    if d1 <= 2 and d2 >= 3:
        # PyTorch folds this one too: (other^T @ input^T)^T, made contiguous
        bt = other.transpose(-1, -2)
        if d1 == 1:
            return matmul(bt, input)
        return matmul(bt, input.t()).transpose(-1, -2).contiguous()
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
    a3 = reshape(expand(a, *(batch + (n, m1))), nb, n, m1) if sa[:-2] != batch or len(sa) != 3 \
        else a
    b3 = reshape(expand(b, *(batch + (m2, p))), nb, m2, p) if sb[:-2] != batch or len(sb) != 3 \
        else b
    out = bmm(a3, b3)
    shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    return apply(UNSAFE_VIEW, (out,), (("size", shape),))


expose(mm, "mm", "mm")
expose(mv, "mv", "mv")
expose(dot, "dot", "dot")
expose(bmm, "bmm", "bmm")
def _matmul_operator(self, other):
    """a @ b: a Python number on either side is Python's TypeError (NotImplemented)."""
    if not hasattr(other, "_base_sync"):
        return NotImplemented
    return matmul(self, other)


def _rmatmul_operator(self, other):
    if not hasattr(other, "_base_sync"):
        return NotImplemented
    return matmul(other, self)


def _typed_matmul(input, other, *, out=None):
    for arg, pos, x in (("input", 1, input), ("other", 2, other)):
        if not hasattr(x, "_base_sync"):
            raise TypeError(f"matmul(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{type(x).__name__}")
    return matmul(input, other)


expose(_typed_matmul, "matmul", "matmul")
expose(_matmul_operator, method="__matmul__")
expose(_rmatmul_operator, method="__rmatmul__")


# ================================================================== more products
def _expand_to(x, target):
    """`input` of addmm & co. broadcasts to the product's shape (PyTorch's expand error)."""
    s = tuple(x.shape)
    if len(s) > len(target):
        raise RuntimeError(
            f"The expanded size of the tensor ({target[0]}) must match the existing size "
            f"({s[0]}) at non-singleton dimension 0.  Target sizes: {list(target)}.  Tensor "
            f"sizes: {list(s)}")
    for i in range(1, len(s) + 1):
        if s[-i] != 1 and s[-i] != target[-i]:
            d = len(target) - i
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-i]}) must match the existing size "
                f"({s[-i]}) at non-singleton dimension {d}.  Target sizes: {list(target)}.  "
                f"Tensor sizes: {list(s)}")


def _scaled(x, prod, beta, alpha, beta_zero):
    """beta * x + alpha * prod; beta == 0 ignores x (nan and inf included), as PyTorch."""
    out = alpha * prod
    return out if beta_zero else beta * x + out


def _addmm_rule(x, a, b, beta, alpha, beta_zero):
    for name, m in (("mat1", a), ("mat2", b)):
        if len(m.shape) != 2:
            raise RuntimeError(f"{name} must be a matrix, got {len(m.shape)}-D tensor")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})")
    if x.dtype is not b.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{D.scalar_name(x.dtype)} and {D.scalar_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{D.scalar_name(a.dtype)} and {D.scalar_name(b.dtype)}")
    out = (a.shape[0], b.shape[1])
    _expand_to(x, out)
    return out, x.dtype, x.dtype


def _addmv_rule(x, a, v, beta, alpha, beta_zero):
    if len(a.shape) != 2 or len(v.shape) != 1 or len(x.shape) > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {len(x.shape)}, "
                           f"{len(a.shape)}, {len(v.shape)}")
    n = 1
    for s in x.shape:
        n *= s
    if a.shape[1] != v.shape[0] or (x.shape and x.shape[0] != a.shape[0] and n != 1):
        got = x.shape[0] if x.shape else 1
        raise RuntimeError(f"size mismatch, got input ({got}), mat ({a.shape[0]}x{a.shape[1]}), "
                           f"vec ({v.shape[0]})")
    if not (x.dtype is a.dtype is v.dtype):
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{D.scalar_name(x.dtype)}, {D.scalar_name(a.dtype)}, and {D.scalar_name(v.dtype)}")
    return (a.shape[0],), x.dtype, x.dtype


def _batch3(name, t):
    if len(t.shape) < 3:
        wrap_dim(2, len(t.shape))   # PyTorch indexes dim 2 first: its IndexError
    if len(t.shape) != 3:
        raise RuntimeError(f"{name} must be a 3D tensor")


def _baddbmm_rule(x, a, b, beta, alpha, beta_zero):
    _batch3("batch1", a)
    _batch3("batch2", b)
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
            f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if not (x.dtype is a.dtype is b.dtype):
        if x.dtype is a.dtype:
            raise RuntimeError(f"expected scalar type {D.scalar_name(a.dtype)} but found "
                               f"{D.scalar_name(b.dtype)}")
        raise RuntimeError(f"Input dtypes must be the same, got: input {D.cpp_name(x.dtype)}, "
                           f"batch1: {D.cpp_name(a.dtype)}, batch2: {D.cpp_name(b.dtype)}")
    out = (a.shape[0], a.shape[1], b.shape[2])
    _expand_to(x, out)
    return out, x.dtype, x.dtype


def _addbmm_rule(x, a, b, beta, alpha, beta_zero):
    _batch3("batch1", a)
    _batch3("batch2", b)
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{a.shape[0]} and {b.shape[0]}")
    if a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({a.shape[1]}x{a.shape[2]} and "
                           f"{b.shape[1]}x{b.shape[2]})")
    if x.dtype is not b.dtype or a.dtype is not b.dtype:
        first = x if x.dtype is not b.dtype else a
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{D.scalar_name(first.dtype)} and {D.scalar_name(b.dtype)}")
    out = (a.shape[1], b.shape[2])
    _expand_to(x, out)
    return out, x.dtype, x.dtype


def _add_prod(prod):
    return lambda x, a, b, beta, alpha, beta_zero: _scaled(x, prod(a, b), beta, alpha, beta_zero)


# beta and alpha are inputs (Python scalars vary without recompiling); beta == 0 is static
ADDMM = defop("addmm", _add_prod(jnp.matmul), _addmm_rule, "AddmmBackward0", visible=(0, 1, 2))
ADDMV = defop("addmv", _add_prod(jnp.matmul), _addmv_rule, "AddmvBackward0", visible=(0, 1, 2))
BADDBMM = defop("baddbmm", _add_prod(jnp.matmul), _baddbmm_rule, "BaddbmmBackward0",
                visible=(0, 1, 2))
ADDBMM = defop("addbmm", _add_prod(lambda a, b: jnp.einsum("bij,bjk->ik", a, b)), _addbmm_rule,
               "AddbmmBackward0", visible=(0, 1, 2))


def _add_front(op, name):
    def front(input, m1, m2, *, beta=1, alpha=1, out=None):
        return apply(op, (input, m1, m2, beta, alpha), (("beta_zero", beta == 0),))
    front.__name__ = name
    front.__doc__ = (f"{name}(input, m1, m2, *, beta=1, alpha=1): beta * input + alpha * "
                     "(the product of m1 and m2); beta=0 ignores input (nan included).")
    expose(front, name, name)
    INPLACE[name + "_"] = front
    return front


addmm = _add_front(ADDMM, "addmm")
addmv = _add_front(ADDMV, "addmv")
baddbmm = _add_front(BADDBMM, "baddbmm")
addbmm = _add_front(ADDBMM, "addbmm")


def outer(input, vec2):
    """outer(input, vec2): input[:, None] * vec2, as PyTorch writes it (MulBackward0).

        >>> torch.outer(torch.tensor([1., 2.]), torch.tensor([1., 10., 100.])).shape
        torch.Size([2, 3])
    """
    for name, v in (("self", input), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.dim()}-D")
    return reshape(input, input.shape[0], 1) * vec2


expose(outer, ("outer", "ger"), ("outer", "ger"))


def tensordot(a, b, dims=2, out=None):
    """Contract dims of `a` with dims of `b` (an int: the last dims of a with the first of b;
    or two lists), as PyTorch: permute, reshape to matrices, mm, reshape."""
    if isinstance(dims, int) or (hasattr(dims, "_base_sync") and dims.dim() == 0):
        n = int(dims.item()) if hasattr(dims, "_base_sync") else dims
        if n < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={n}")
        if n > a.dim() or n > b.dim():
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={n}")
        da, db = list(range(-n, 0)), list(range(n))
    else:
        da, db = ([d] if isinstance(d, int) else
                  (d.tolist() if hasattr(d, "_base_sync") else list(d)) for d in dims)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    sa, sb = tuple(a.shape), tuple(b.shape)
    ca, cb = [wrap_dim(d, a.dim()) for d in da], [wrap_dim(d, b.dim()) for d in db]
    for x, y, i, j in zip(ca, cb, da, db):
        if sa[x] != sb[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa[x]} "
                               f"in dim {i} and second has size {sb[y]} in dim {j}")
    fa = [i for i in range(a.dim()) if i not in ca]
    fb = [i for i in range(b.dim()) if i not in cb]
    k = math.prod(sa[i] for i in ca)
    m1 = reshape(permute(a, *(fa + ca)), math.prod(sa[i] for i in fa), k)
    m2 = reshape(permute(b, *(cb + fb)), k, math.prod(sb[i] for i in fb))
    return reshape(mm(m1, m2), *([sa[i] for i in fa] + [sb[i] for i in fb]))


expose(tensordot, "tensordot")


def kron(input, other, *, out=None):
    """Kronecker product (PyTorch's reshape-multiply-unsafe_view)."""
    n = max(input.dim(), other.dim())
    sa = (1,) * (n - input.dim()) + tuple(input.shape)
    sb = (1,) * (n - other.dim()) + tuple(other.shape)
    va = reshape(input, *[s for d in sa for s in (d, 1)])
    vb = reshape(other, *[s for d in sb for s in (1, d)])
    return apply(UNSAFE_VIEW, (va * vb,), (("size", tuple(x * y for x, y in zip(sa, sb))),))


expose(kron, "kron", "kron")


def _trace_rule(x):
    if len(x.shape) != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {len(x.shape)}")
    if x.dtype is D.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    dt = D.int64 if D.is_integral(x.dtype) else x.dtype
    return (), dt, dt


TRACE = defop("trace", lambda x: jnp.trace(x), _trace_rule, "TraceBackward0", saves=False)


def trace(input):
    return apply(TRACE, (input,))


expose(trace, "trace", "trace")


# ------------------------------------------------------------------ einsum
_LETTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _einsum_parse(eq, shapes):
    """PyTorch's checks; the explicit equation, output shape and which grad_fn PyTorch's
    decomposition ends with."""
    arrow = eq.find("->")
    lhs = eq if arrow < 0 else eq[:arrow]
    for i, c in enumerate(lhs):
        if c not in _LETTERS and c not in ",. ":
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation "
                               "string, subscripts must be in [a-zA-Z]")
    terms = [t.replace(" ", "") for t in lhs.split(",")]
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    sizes, counts, ell, any_ell = {}, {}, (), False
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        pre, has, post = t.partition("...")
        labels = pre + post
        if has:
            any_ell = True
            if len(labels) > len(shape):
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(labels)}) is more "
                    f"than the number of dimensions ({len(shape)}) for operand {k}")
            ell = infer_size(ell, tuple(shape[len(pre):len(shape) - len(post)]))
            dims = list(shape[:len(pre)]) + (list(shape[len(shape) - len(post):]) if post else [])
        else:
            if len(labels) != len(shape):
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({len(labels)}) does not "
                    f"match the number of dimensions ({len(shape)}) for operand {k} and no "
                    "ellipsis was given")
            dims = list(shape)
        own = {}
        for c, s in zip(labels, dims):
            if c in own and own[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the "
                                   f"sizes don't match, {s} != {own[c]}")
            own[c] = s
        for c, s in own.items():
            counts[c] = counts.get(c, 0) + labels.count(c)
            if c in sizes and s != sizes[c] and s != 1 and sizes[c] != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which "
                                   f"does not broadcast with previously seen size {sizes[c]}")
            if c not in sizes or sizes[c] == 1:
                sizes[c] = s
    if arrow < 0:
        out = ("..." if any_ell else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        out = eq[arrow + 2:].replace(" ", "")
        seen = set()
        for i, c in enumerate(out.replace("...", "")):
            if c not in _LETTERS:
                raise RuntimeError(f"einsum(): invalid subscript given at index {arrow + 2 + i} "
                                   "in the equation string, subscripts must be in [a-zA-Z]")
            if c in seen:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the "
                                   "output")
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
            seen.add(c)
    pre, has, post = out.partition("...")
    shape = tuple(sizes[c] for c in pre) + (ell if has else ()) + tuple(sizes[c] for c in post)
    contracted = bool(set(sizes) - set(out))
    if len(shapes) == 1:
        kind = "sum" if contracted else "permute"
    else:
        kind = "view" if contracted else "mul"
    return ",".join(terms) + "->" + out, shape, kind


def _einsum_rule(*xs, equation):
    for x in xs[1:]:
        if x.dtype is not xs[0].dtype:
            raise RuntimeError(f"expected scalar type {D.scalar_name(xs[0].dtype)} but found "
                               f"{D.scalar_name(x.dtype)}")
    eq, shape, _ = _einsum_parse(equation, [x.shape for x in xs])
    return shape, xs[0].dtype, xs[0].dtype


def _einsum(*xs, equation):
    eq, _, _ = _einsum_parse(equation, [x.shape for x in xs])
    return jnp.einsum(eq, *xs)


# One node: PyTorch decomposes einsum into permutes, mul/bmm, sum and views; its result's
# grad_fn is the last of those, which these names follow.
EINSUM = {kind: defop(name, _einsum, _einsum_rule, grad_fn, visible=None)
          for kind, name, grad_fn in (("view", "einsum", "ViewBackward0"),
                                      ("mul", "einsum_mul", "MulBackward0"),
                                      ("sum", "einsum_sum", "SumBackward1"),
                                      ("permute", "einsum_permute", "PermuteBackward0"))}


def einsum(equation, *operands):
    """einsum(equation, *operands) or einsum(equation, [operands]), as PyTorch.

        >>> a, b = torch.ones(2, 3), torch.ones(3, 4)
        >>> torch.einsum("ij,jk->ik", a, b).shape
        torch.Size([2, 4])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    _, _, kind = _einsum_parse(equation, [tuple(x.shape) for x in operands])
    return apply(EINSUM[kind], operands, (("equation", equation),))


expose(einsum, "einsum")


# ================================================================== torch.linalg
def _return_type(name, fields):
    """torch.return_types.<name>: a named tuple printed as PyTorch prints it."""
    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"
    ns = {"__new__": __new__, "__repr__": __repr__, "_fields": fields,
          "__module__": "torch.return_types"}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: self[i])
    return type(name, (tuple,), ns)


QRResult = _return_type("linalg_qr", ("Q", "R"))
SVDResult = _return_type("linalg_svd", ("U", "S", "Vh"))
EighResult = _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
SlogdetResult = _return_type("linalg_slogdet", ("sign", "logabsdet"))
TorchSlogdetResult = _return_type("slogdet", ("sign", "logabsdet"))


def _check_matrix(fname, x, square=True, floating=True):
    if len(x.shape) < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if square and x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are "
                           f"{x.shape[-2]} by {x.shape[-1]} matrices")
    if floating and not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. "
                           f"Got {D.scalar_name(x.dtype)}")
    if floating and x.dtype in (D.float16, D.bfloat16):
        raise RuntimeError(f"{fname}: Low precision dtypes not supported. Got "
                           f"{D.scalar_name(x.dtype)}")


def _matrix_rule(fname, shape_fn=lambda s, **p: s, square=True, real=False):
    def rule(x, **p):
        _check_matrix(fname, x, square)
        dt = x.dtype.to_real() if real else x.dtype
        return tuple(shape_fn(tuple(x.shape), **p)), dt, dt
    return rule


INV = defop("linalg_inv", jnp.linalg.inv, _matrix_rule("linalg.inv"), "LinalgInvExBackward0",
            saves="output")
DET = defop("linalg_det", jnp.linalg.det, _matrix_rule("linalg.det", lambda s: s[:-2]),
            "LinalgDetBackward0")
SLOGDET = defop("linalg_slogdet", lambda x, part: jnp.linalg.slogdet(x)[part],
                _matrix_rule("linalg.slogdet", lambda s, part: s[:-2], real=True),
                "LinalgSlogdetBackward0")


def inv(A, *, out=None):
    """linalg.inv. A singular matrix is not an error (that would need its values at record
    time): the result holds the inf/nan of the LU factorization, as in JAX."""
    return apply(INV, (A,))


def det(A, *, out=None):
    return apply(DET, (A,))


def slogdet(A, *, out=None):
    return SlogdetResult(*(apply(SLOGDET, (A,), (("part", i),)) for i in (0, 1)))


def _torch_slogdet(input):
    return TorchSlogdetResult(*slogdet(input))


def logdet(input):
    """log(det(input)): nan for a negative determinant (PyTorch's where over slogdet)."""
    from .pointwise import where
    sign, logabsdet = slogdet(input)
    return where(sign < 0, math.nan, logabsdet)


def _solve(a, b, vector, left):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-1] if vector else b.shape[:-2])
    if not left:   # X A = B  <=>  A^T X^T = B^T
        a = jnp.swapaxes(a, -1, -2)
        b = jnp.swapaxes(b, -1, -2)
    b = b[..., None] if vector else b
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    x = jnp.linalg.solve(a, b)
    x = x[..., 0] if vector else x
    return jnp.swapaxes(x, -1, -2) if not left and not vector else x


def _solve_rule(a, b, vector, left):
    _check_matrix("linalg.solve", a)
    if not (b.dtype.is_floating_point or b.dtype.is_complex):
        raise RuntimeError("linalg.solve: Expected a floating point or complex tensor as input. "
                           f"Got {D.scalar_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{D.scalar_name(a.dtype)} and B of type {D.scalar_name(b.dtype)} instead")
    n = a.shape[-1]
    bm = tuple(b.shape) + (1,) if vector else tuple(b.shape)
    if len(bm) < 2 or (bm[-2] if left else bm[-1]) != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({a.shape[-2]}x{a.shape[-1]} and "
                           f"{bm[-2]}x{bm[-1]})")
    batch = infer_size(tuple(a.shape[:-2]), bm[:-2])
    return batch + (bm[-2:-1] if vector else bm[-2:]), a.dtype, a.dtype


SOLVE = defop("linalg_solve", _solve, _solve_rule, "LinalgSolveExBackward0")


def solve(A, B, *, left=True, out=None):
    """linalg.solve(A, B): X with A X = B (X A = B with left=False). B is a batch of vectors
    when it is 1-D, or has the shape of A without its last dim (PyTorch's rule). A singular A
    gives inf/nan (no error: see linalg.inv)."""
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    return apply(SOLVE, (A, B), (("vector", vector), ("left", bool(left))))


def _cholesky(x, upper):
    low = jnp.linalg.cholesky(x)
    return jnp.conj(jnp.swapaxes(low, -1, -2)) if upper else low


CHOLESKY = defop("linalg_cholesky", _cholesky, _matrix_rule("linalg.cholesky"),
                 "LinalgCholeskyExBackward0", saves="output")


def cholesky(A, *, upper=False, out=None):
    """linalg.cholesky (lower, or upper=True). A matrix that is not positive-definite gives
    nan (no error: see linalg.inv)."""
    return apply(CHOLESKY, (A,), (("upper", bool(upper)),))


def _qr_shape(s, part, mode):
    m, n = s[-2:]
    k = m if mode == "complete" else min(m, n)
    if part == 0:
        return s[:-2] + (m, k)
    return s[:-2] + (k, n)


def _qr(x, part, mode):
    q, r = jnp.linalg.qr(x, mode="complete" if mode == "complete" else "reduced")
    return (q, r)[part]


QR = defop("linalg_qr", _qr, _matrix_rule("linalg.qr", _qr_shape, square=False),
           "LinalgQrBackward0")


def qr(A, mode="reduced", *, out=None):
    """linalg.qr: named tuple (Q, R); mode 'reduced', 'complete' or 'r' (Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    r = apply(QR, (A,), (("part", 1), ("mode", mode)))
    if mode == "r":
        from .._factory import empty
        return QRResult(empty(0, dtype=A.dtype), r)
    return QRResult(apply(QR, (A,), (("part", 0), ("mode", mode))), r)


def _svd_shape(s, part, full_matrices):
    m, n = s[-2:]
    k = min(m, n)
    if part == 1:
        return s[:-2] + (k,)
    if part == 0:
        return s[:-2] + (m, m if full_matrices else k)
    return s[:-2] + (n if full_matrices else k, n)


def _svd(x, part, full_matrices):
    m, n = x.shape[-2:]
    if part == 1:
        return jnp.linalg.svd(x, compute_uv=False)
    red = jnp.linalg.svd(x, full_matrices=False)[0 if part == 0 else 2]
    if not full_matrices or m == n:
        return red
    # the extra columns of U (rows of Vh) are not differentiated, as in PyTorch (JAX has no
    # derivative of a full SVD); they span the complement of the reduced ones
    full = jnp.linalg.svd(jax.lax.stop_gradient(x), full_matrices=True)[0 if part == 0 else 2]
    k = min(m, n)
    if part == 0:
        return jnp.concatenate([red, full[..., :, k:]], axis=-1)
    return jnp.concatenate([red, full[..., k:, :]], axis=-2)


SVD = defop("linalg_svd", _svd,
            _matrix_rule("linalg.svd", _svd_shape, square=False), "LinalgSvdBackward0")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """linalg.svd: named tuple (U, S, Vh)."""
    p = (("full_matrices", bool(full_matrices)),)
    return SVDResult(*(apply(SVD, (A,), (("part", i),) + p) for i in range(3)))


def svdvals(A, *, driver=None, out=None):
    return apply(SVD, (A,), (("part", 1), ("full_matrices", False)))


def _eigh(x, part, UPLO):
    # PyTorch reads only the UPLO triangle; the derivative is JAX's (symmetrized)
    tri = jnp.tril(x) if UPLO == "L" else jnp.triu(x)
    off = jnp.tril(x, -1) if UPLO == "L" else jnp.triu(x, 1)
    sym = tri + jnp.conj(jnp.swapaxes(off, -1, -2))
    x = jax.lax.stop_gradient(sym) + (x - jax.lax.stop_gradient(x))
    return jnp.linalg.eigh(x, UPLO=UPLO)[part]


def _eigh_rule(x, part, UPLO):
    _check_matrix("linalg.eigh", x, floating=False)
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for "
                                  f"'{D.scalar_name(x.dtype)}'")
    if part == 0:
        return tuple(x.shape[:-1]), x.dtype.to_real(), x.dtype
    return tuple(x.shape), x.dtype, x.dtype


EIGH = defop("linalg_eigh", _eigh, _eigh_rule, "LinalgEighBackward0")


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO


def eigh(A, UPLO="L", *, out=None):
    """linalg.eigh: named tuple (eigenvalues ascending, eigenvectors)."""
    u = _uplo(UPLO)
    return EighResult(*(apply(EIGH, (A,), (("part", i), ("UPLO", u))) for i in (0, 1)))


def eigvalsh(A, UPLO="L", *, out=None):
    return apply(EIGH, (A,), (("part", 0), ("UPLO", _uplo(UPLO))))


def _pinv_rule(x, rtol, hermitian):
    if len(x.shape) < 2 or not (x.dtype.is_floating_point or x.dtype.is_complex):
        shape = ", ".join(str(s) for s in x.shape)
        raise RuntimeError(
            f"linalg.pinv({D.scalar_name(x.dtype)}{{[{shape}]}}): expected a tensor with 2 or "
            "more dimensions of float, double, cfloat or cdouble types")
    return tuple(x.shape[:-2]) + (x.shape[-1], x.shape[-2]), x.dtype, x.dtype


PINV = defop("linalg_pinv", lambda x, rtol, hermitian: jnp.linalg.pinv(x, rtol, hermitian),
             _pinv_rule, "LinalgPinvBackward0")


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """linalg.pinv; singular values below rtol * the largest are dropped (PyTorch's default
    rtol: max(m, n) * eps). `atol` is not supported."""
    if atol is not None:
        raise NotImplementedError("linalg.pinv: atol is not supported by facade")
    if rtol is None and A.dim() >= 2 and A.dtype.is_floating_point:
        rtol = max(A.shape[-2:]) * D.finfo(A.dtype).eps
    return apply(PINV, (A,), (("rtol", None if rtol is None else float(rtol)),
                              ("hermitian", bool(hermitian))))


def _cross_rule(a, b, dim):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {D.scalar_name(a.dtype)} but found "
                           f"{D.scalar_name(b.dtype)}")
    shape = infer_size(tuple(a.shape), tuple(b.shape))
    d = wrap_dim(dim, len(shape))
    if a.shape[d - len(shape)] != 3 or b.shape[d - len(shape)] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d - len(shape)]} and {b.shape[d - len(shape)]}")
    return shape, a.dtype, a.dtype


def _cross(a, b, dim):
    shape = jnp.broadcast_shapes(a.shape, b.shape)
    return jnp.cross(jnp.broadcast_to(a, shape), jnp.broadcast_to(b, shape), axis=dim)


CROSS = defop("linalg_cross", _cross, _cross_rule, "LinalgCrossBackward0")


def linalg_cross(input, other, *, dim=-1, out=None):
    return apply(CROSS, (input, other), (("dim", dim),))


def cross(input, other, dim=None, *, out=None):
    """torch.cross: without `dim`, the first dim of size 3 (deprecated, with PyTorch's
    warning); linalg.cross defaults to the last."""
    if dim is None:
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
            "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
            "change to agree with that of linalg.cross in a future release. (Triggered internally "
            "at /__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)", UserWarning,
            stacklevel=2)
        shape = infer_size(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return apply(CROSS, (input, other), (("dim", dim),))


expose(cross, "cross", "cross")


def _cdist_rule(a, b, p):
    for x in (a, b):
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: "
                               f"{D.scalar_name(x.dtype)}")
        if len(x.shape) < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: "
                               f"{len(x.shape)}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                           f"X2: {b.shape[-1]}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {D.scalar_name(a.dtype)} but found "
                           f"{D.scalar_name(b.dtype)}")
    batch = infer_size(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    return batch + (a.shape[-2], b.shape[-2]), a.dtype, a.dtype


def _cdist(a, b, p):
    from .reductions import _vector_norm   # PyTorch's conventions at 0 (gradient 0)
    d = a[..., :, None, :] - b[..., None, :, :]
    return _vector_norm(d, p, (d.ndim - 1,), False)


CDIST = defop("cdist", _cdist, _cdist_rule, "CdistBackward0")


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Pairwise p-norm distances between the rows of x1 and x2 (batched)."""
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    return apply(CDIST, (x1, x2), (("p", float(p)),))


expose(cdist, "cdist")


# ------------------------------------------------------------------ composites
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """linalg.matrix_norm, composed as PyTorch composes it (so grad_fn names match): 'fro'
    is a vector norm, 'nuc' and +-2 reduce the singular values, +-1 and +-inf reduce the
    absolute column/row sums."""
    from .layout import movedim
    from .reductions import vector_norm
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor as "
                           f"input. Got {D.scalar_name(A.dtype)}")
    if ord not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    d0, d1 = (wrap_dim(d, A.dim()) for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if dtype is not None:
        A = A.to(dtype)
    if ord in ("nuc", 2, -2):
        s = svdvals(movedim(A, (d0, d1), (-2, -1)))
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return r
    # 1: max over columns of the absolute column sums; inf: over rows of the row sums
    if ord in (math.inf, -math.inf):
        d0, d1 = d1, d0
    s = vector_norm(A, 1, d0, keepdim)
    d1 = d1 - (0 if keepdim or d1 < d0 else 1)
    return s.amax(d1, keepdim) if ord > 0 else s.amin(d1, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """linalg.norm: a vector norm over one dim (or all of them), a matrix norm over two."""
    from .reductions import vector_norm
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) == 1:
            return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.dim() not in (1, 2):
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.dim()}D.")
    if A.dim() == 1 and not isinstance(ord, str):
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)


def matrix_power(A, n):
    """linalg.matrix_power: products by repeated squaring (PyTorch's order); n < 0 inverts
    first; n == 0 gives the identity, which (unlike PyTorch's) has no grad_fn."""
    _check_matrix("linalg.matrix_power", A, floating=False)
    if n == 0:
        from .._factory import eye
        e = eye(A.shape[-1], dtype=A.dtype)
        return e.expand(*A.shape).clone() if A.dim() > 2 else e
    if n < 0:
        A, n = inv(A), -n
        if n == 1:
            return A
    if n == 1:
        return A.clone()
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


expose(matrix_power, "matrix_power", "matrix_power")
expose(inv, "inverse", "inverse")
expose(det, "det", "det")
expose(_torch_slogdet, "slogdet", "slogdet")
expose(logdet, "logdet", "logdet")
expose(lambda input, atol=None, rtol=None, hermitian=False: pinv(input, atol=atol, rtol=rtol,
                                                                 hermitian=hermitian),
       "pinverse", "pinverse")



# ------------------------------------------------------------------ more products and aliases
VDOT = defop("vdot", lambda a, b: jnp.vdot(a, b), _dot_rule, "VdotBackward0")


def vdot(input, other, *, out=None):
    return apply(VDOT, (input, other))


def inner(input, other, *, out=None):
    """Sum over the last dims (a 0-d operand multiplies), as PyTorch's tensordot."""
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


def _addr(x, a, b, beta, alpha, beta_zero):
    return _scaled(x, jnp.outer(a, b), beta, alpha, beta_zero)


def _addr_rule(x, a, b, beta, alpha, beta_zero):
    if len(a.shape) != 1 or len(b.shape) != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {len(a.shape)}-D"
                           if len(a.shape) != 1 else
                           f"addr: Expected 1-D argument vec2, but got {len(b.shape)}-D")
    out = (a.shape[0], b.shape[0])
    _expand_to(x, out)
    dt = D.promote_types(D.promote_types(x.dtype, a.dtype), b.dtype)
    return out, dt, dt


ADDR = defop("addr", _addr, _addr_rule, "AddrBackward0", visible=(0, 1, 2), promote=True)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2)."""
    return apply(ADDR, (input, vec1, vec2, beta, alpha), (("beta_zero", beta == 0),))


expose(vdot, "vdot", "vdot")
expose(inner, "inner", "inner")
expose(addr, "addr", "addr")
INPLACE["addr_"] = addr


def vecdot(x, y, *, dim=-1, out=None):
    """linalg.vecdot: (x * y).sum(dim) (conj(x) for complex), as PyTorch composes it."""
    return (x * y).sum(dim)


def multi_dot(tensors, *, out=None):
    """linalg.multi_dot: the product of a chain of matrices (a 1-d first/last is a
    row/column vector), multiplied left to right."""
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_1d, last_1d = ts[0].dim() == 1, ts[-1].dim() == 1
    if first_1d:
        ts[0] = ts[0].unsqueeze(0)
    if last_1d:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    out_ = ts[0]
    for t in ts[1:]:
        out_ = mm(out_, t)
    shape = tuple(out_.shape)
    shape = shape[1:] if first_1d else shape
    shape = shape[:-1] if last_1d else shape
    return out_.view(*shape)


def chain_matmul(*matrices, out=None):
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)


expose(chain_matmul, "chain_matmul")


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """The number of singular values above max(atol, rtol * the largest) (an int64 tensor;
    PyTorch's default rtol: eps * max(m, n) when atol is not given)."""
    s = svdvals(A).detach() if not hermitian else eigvalsh(A).abs().detach()
    if tol is not None:
        atol = tol
    if rtol is None:
        rtol = 0.0 if (atol is not None and atol > 0) else \
            D.finfo(A.dtype).eps * max(A.shape[-2:])
    smax = s.amax(-1, keepdim=True) if s.shape[-1] else s.sum(-1, keepdim=True)
    thresh = (smax * rtol).clamp_min(atol if atol is not None else 0.0)
    return (s > thresh).sum(-1)


LstsqResult = _return_type("linalg_lstsq", ("solution", "residuals", "rank",
                                             "singular_values"))


def lstsq(A, B, rcond=None, *, driver=None):
    """linalg.lstsq: the least-squares solution of A X = B (pinv(A) @ B; residuals, rank and
    singular values are empty, as with PyTorch's default CPU driver 'gelsy' for the last
    two, and for residuals when A is not tall)."""
    from .._factory import empty, zeros
    vector = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vector else B
    X = matmul(pinv(A), Bm)
    if vector:
        X = X.squeeze(-1)
    return LstsqResult(X, empty(0, dtype=A.dtype), zeros((), dtype=D.int64),
                       empty(0, dtype=A.dtype))


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    from .layout import diagonal
    return diagonal(A, offset, dim1, dim2)


InvExResult = _return_type("linalg_inv_ex", ("inverse", "info"))
CholeskyExResult = _return_type("linalg_cholesky_ex", ("L", "info"))
SolveExResult = _return_type("linalg_solve_ex", ("result", "info"))


def _info(A):
    from .._factory import zeros
    return zeros(tuple(A.shape[:-2]), dtype=D.int32)


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): info is 0 (facade does not look at the values; see linalg.inv)."""
    return InvExResult(inv(A), _info(A))


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    return CholeskyExResult(cholesky(A, upper=upper), _info(A))


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    return SolveExResult(solve(A, B, left=left), _info(A))


# ------------------------------------------------------------------ torch.cholesky/qr/svd
TORCH_CHOLESKY = defop("cholesky", _cholesky, _matrix_rule("cholesky"), "CholeskyBackward0",
                       saves="output")


def torch_cholesky(input, upper=False, *, out=None):
    """torch.cholesky (deprecated in PyTorch, with its warning)."""
    warnings.warn(
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in "
        "a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = "
        "torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
        "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results "
        "for all valid (symmetric positive definite) inputs.", UserWarning, stacklevel=2)
    return apply(TORCH_CHOLESKY, (input,), (("upper", bool(upper)),))


TorchQRResult = _return_type("qr", ("Q", "R"))
TorchSVDResult = _return_type("svd", ("U", "S", "V"))


def torch_qr(input, some=True, *, out=None):
    warnings.warn(
        "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
        "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string "
        "parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\nQ, R = "
        "torch.linalg.qr(A, 'reduced' if some else 'complete')", UserWarning, stacklevel=2)
    return TorchQRResult(*qr(input, "reduced" if some else "complete"))


def torch_svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with V = Vh^T (reduced unless some=False); without compute_uv,
    U and V are zeros."""
    if not compute_uv:
        from .._factory import zeros
        m, n = input.shape[-2:]
        lead = tuple(input.shape[:-2])
        return TorchSVDResult(zeros(lead + (m, m), dtype=input.dtype), svdvals(input),
                              zeros(lead + (n, n), dtype=input.dtype))
    u, s_, vh = svd(input, full_matrices=not some)
    return TorchSVDResult(u, s_, vh.mT)


expose(torch_cholesky, "cholesky", "cholesky")
expose(torch_qr, "qr", "qr")
expose(torch_svd, "svd", "svd")


# ------------------------------------------------------------------ removed in PyTorch 1.9
_REMOVED = "This function was deprecated since version 1.9 and is now removed. "
_REMOVED_MSG = {
    "solve": _REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. "
    "`torch.linalg.solve` has its arguments reversed and does not return the LU "
    "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be used with "
    "`torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
    "replaced with:\nX = torch.linalg.solve(A, B)",
    "lstsq": _REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
    "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition in "
    "the returned tuple (although it returns other information about the problem).\n\nTo get "
    "the QR decomposition consider using `torch.linalg.qr`.\n\nThe returned solution in "
    "`torch.lstsq` stored the residuals of the solution in the last m - n columns of the "
    "returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
    "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\nX, _ "
    "= torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\nX = "
    "torch.linalg.lstsq(A, B).solution",
    "matrix_rank": _REMOVED.rstrip() + "\nPlease use the `torch.linalg.matrix_rank` function instead. "
    "The parameter 'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.",
}


def _removed(name):
    def fn(*args, **kwargs):
        raise RuntimeError(_REMOVED_MSG[name])
    fn.__name__ = name
    return fn


expose(_removed("solve"), "solve", "solve")
expose(_removed("lstsq"), "lstsq", "lstsq")
expose(_removed("matrix_rank"), "matrix_rank")
