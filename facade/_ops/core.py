"""Engine plumbing ops: leaves, detach, rebasing after in-place writes, view write-back,
fills and casts. They are ops like any other, so programs treat them uniformly."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .table import defop, same_rule


def _identity(x):
    return x


# A leaf that requires grad: the variable autograd differentiates. When its value is lazy
# (an in-place update under no_grad), its one input computes the value.
LEAF = defop("leaf", _identity, same_rule, None, transparent=True, saves=False)

DETACH = defop("detach", jax.lax.stop_gradient, same_rule, None, transparent=True,
               saves=False)


@jax.custom_jvp
def _rebase(new, old):
    return new


_rebase.defjvp(lambda primals, tangents: (primals[0], tangents[1]))

# The value of `new`, the gradient path of `old`: an in-place write under no_grad (or
# through .data) into a tensor with history keeps that history, as in PyTorch.
REBASE = defop("rebase", _rebase, same_rule, "RebaseBackward", visible=(1,), transparent=True,
               saves=False)


def _scatter_indices(shape, chain):
    """Flat indices of `shape` that a chain of view ops selects (computed at trace time)."""
    with jax.ensure_compile_time_eval():
        idx = jnp.arange(math.prod(shape), dtype=jnp.int32 if math.prod(shape) < 2**31
                         else jnp.int64).reshape(shape)
        for op, params in chain:
            idx = op.impl(idx, **dict(params))
        return np.asarray(idx).ravel()


def _view_scatter(base, new, chain):
    idx = _scatter_indices(base.shape, chain)
    flat = base.ravel().at[idx].set(new.ravel().astype(base.dtype))
    return flat.reshape(base.shape)


# Writes a view's new value back into its base (an in-place op on a slice or view).
VIEW_SCATTER = defop("view_scatter", _view_scatter, same_rule, "torch::autograd::CopySlices",
                     saves=False)


def _full_impl(value, shape, dtype):
    return jnp.full(shape, value, dtype=dtype.np)


def _full_rule(value, shape, dtype):
    return shape, dtype, dtype


# A tensor filled with a (runtime) scalar: zeros/ones/full and grad.zero_() stay lazy.
FULL = defop("full", _full_impl, _full_rule, None, saves=False)


def _cast_rule(x, dtype):
    return x.shape, dtype, None


CAST = defop("to", lambda x, dtype: x.astype(dtype.np), _cast_rule, "ToCopyBackward0",
             saves=False)

# An in-place op's result cast back to its tensor's dtype (`f32 += f64`): part of that op
# in PyTorch (its grad_fn is the op's), so hidden from grad_fn names and next_functions
INPLACE_CAST = defop("inplace_cast", lambda x, dtype: x.astype(dtype.np), _cast_rule,
                     "ToCopyBackward0", transparent=True, saves=False)

CLONE = defop("clone", lambda x: jnp.array(x, copy=True), same_rule, "CloneBackward0",
              saves=False)


def _fill_impl(x, v, tensor):
    return jnp.broadcast_to(jnp.asarray(v).astype(x.dtype), x.shape)


def _fill_like_rule(x, value, tensor):
    return x.shape, x.dtype, x.dtype


# fill_ on a tensor: differentiable w.r.t. a tensor value (0 otherwise), shape of x;
# PyTorch's overloads: fill_(Scalar) is FillBackward2, fill_(Tensor) FillBackward3
FILL = defop("fill", _fill_impl, _fill_like_rule,
             lambda p: "FillBackward3" if dict(p)["tensor"] else "FillBackward2",
             visible=lambda p: (0, 1) if dict(p)["tensor"] else (0,), saves=False)
ZERO = defop("zero", lambda x: jnp.zeros_like(x), same_rule, "ZeroBackward0", saves=False)


def _copy_rule(x, src):
    from .table import infer_size
    out = infer_size(x.shape, src.shape)
    if out != x.shape:
        raise RuntimeError(
            f"output with shape {list(x.shape)} doesn't match the broadcast shape {list(out)}")
    return x.shape, x.dtype, None


COPY = defop("copy", lambda x, src: jnp.broadcast_to(src, x.shape).astype(x.dtype),
             _copy_rule, "torch::autograd::CopyBackwards", visible=(0, 1), saves=False)

_ = D  # dtypes are referenced through op params
