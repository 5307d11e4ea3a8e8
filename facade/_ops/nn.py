"""Neural-network ops behind nn.functional: the softmax family (the losses are in losses.py)."""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .table import defop, expose, wrap_dim


# ------------------------------------------------------------------ softmax family
def _softmax_rule(name):
    def rule(x, dim, dtype=None):
        out = dtype or x.dtype
        if not out.is_floating_point:
            kernel = "lastdim_kernel_impl" if dim >= len(x.shape) - 1 else "kernel_impl"
            raise NotImplementedError(f'"{name}_{kernel}" not implemented for '
                                      f"'{D.scalar_name(out)}'")
        return x.shape, out, out
    return rule


def _softmax(x, dim, dtype=None):
    return jax.nn.softmax(x, axis=dim) if x.ndim else jnp.exp(x - x)   # 0-d: 1


def _log_softmax(x, dim, dtype=None):
    return jax.nn.log_softmax(x, axis=dim) if x.ndim else x - x      # 0-d: 0


SOFTMAX = defop("softmax", _softmax, _softmax_rule("softmax"), "SoftmaxBackward0",
                promote=True)
LOG_SOFTMAX = defop("log_softmax", _log_softmax, _softmax_rule("log_softmax"),
                    "LogSoftmaxBackward0", promote=True)


def _softmax_front(op, name):
    def front(input, dim=None, _stacklevel=3, dtype=None):
        if dim is None:
            warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change "
                          "the call to include dim=X as an argument.", stacklevel=_stacklevel - 1)
            nd = input.dim()
            dim = 0 if nd in (0, 1, 3) else 1
        params = (("dim", wrap_dim(dim, input.dim())),)
        if dtype is not None:
            params += (("dtype", D.as_dtype(dtype)),)
        return apply(op, (input,), params)
    return front


softmax = _softmax_front(SOFTMAX, "softmax")
log_softmax = _softmax_front(LOG_SOFTMAX, "log_softmax")
expose(softmax, "softmax", "softmax", "softmax")
expose(log_softmax, "log_softmax", "log_softmax", "log_softmax")
