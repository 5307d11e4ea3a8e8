"""Reductions."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .table import defop, expose, wrap_dim


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
            f"or complex dtype. Got: {_torch_name(out)}")
    return _reduced_shape(x.shape, dims, keepdim), out, out


def _torch_name(d):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half",
            "bfloat16": "BFloat16"}.get(d.name, d.name)


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
