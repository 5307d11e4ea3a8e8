"""Neural-network ops behind nn.functional: softmax family and losses."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .table import defop, expose, wrap_dim


def _reduce(loss, reduction):
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _check_reduction(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _loss_shape(x, reduction):
    return () if reduction != "none" else x.shape


# ------------------------------------------------------------------ softmax family
def _softmax_rule(x, dim, dtype=None):
    out = dtype or x.dtype
    if not out.is_floating_point:
        raise RuntimeError(f'"softmax_lastdim_kernel_impl" not implemented for '
                           f"'{D.scalar_name(out)}'")
    return x.shape, out, out




SOFTMAX = defop("softmax", lambda x, dim, dtype=None: jax.nn.softmax(x, axis=dim),
                _softmax_rule, "SoftmaxBackward0", promote=True)
LOG_SOFTMAX = defop("log_softmax", lambda x, dim, dtype=None: jax.nn.log_softmax(x, axis=dim),
                    _softmax_rule, "LogSoftmaxBackward0", promote=True)


def _softmax_front(op):
    def front(input, dim=None, _stacklevel=3, dtype=None):
        if dim is None:
            nd = input.dim()
            dim = 0 if nd in (0, 1, 3) else 1
        params = (("dim", wrap_dim(dim, input.dim())),)
        if dtype is not None:
            params += (("dtype", D.as_dtype(dtype)),)
        return apply(op, (input,), params)
    return front


softmax = _softmax_front(SOFTMAX)
log_softmax = _softmax_front(LOG_SOFTMAX)
expose(softmax, "softmax", "softmax", "softmax")
expose(log_softmax, "log_softmax", "log_softmax", "log_softmax")


# ------------------------------------------------------------------ losses
def _bce_logits(x, t, *rest, reduction, has_weight, has_pos):
    rest = list(rest)
    w = rest.pop(0) if has_weight else None
    pw = rest.pop(0) if has_pos else None
    max_val = jnp.maximum(-x, 0)
    if pw is not None:
        log_w = (pw - 1) * t + 1
        loss = (1 - t) * x + log_w * (jnp.log1p(jnp.exp(-jnp.abs(x))) + max_val)
    else:
        loss = (1 - t) * x + max_val + jnp.log(jnp.exp(-max_val) + jnp.exp(-x - max_val))
    if w is not None:
        loss = loss * w
    return _reduce(loss, reduction)


def _bce_logits_rule(x, t, *rest, reduction, has_weight, has_pos):
    if t.shape != x.shape:
        raise ValueError(f"Target size ({_size(t.shape)}) must be the same as input size "
                         f"({_size(x.shape)})")
    dt = D.promote_types(x.dtype, t.dtype)
    return _loss_shape(x, reduction), dt, dt


def _size(shape):
    return f"torch.Size({list(shape)})"


BCE_LOGITS = defop("binary_cross_entropy_with_logits", _bce_logits, _bce_logits_rule,
                   "BinaryCrossEntropyWithLogitsBackward0", promote=True, visible=(0, 1))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    args = (input, target) + ((weight,) if weight is not None else ()) + \
        ((pos_weight,) if pos_weight is not None else ())
    return apply(BCE_LOGITS, args, (("reduction", reduction), ("has_weight", weight is not None),
                                    ("has_pos", pos_weight is not None)))


def _legacy_reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        reduction = "none" if not rd else ("mean" if sa else "sum")
    _check_reduction(reduction)
    return reduction


def _mse(x, t, reduction):
    return _reduce(jnp.square(x - t), reduction)


def _pointwise_loss_rule(x, t, reduction):
    from .table import broadcast_shapes
    shape = broadcast_shapes(x.shape, t.shape)
    dt = D.promote_types(x.dtype, t.dtype)
    return (() if reduction != "none" else shape), dt, dt


MSE = defop("mse_loss", _mse, _pointwise_loss_rule, "MseLossBackward0", promote=True)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        import warnings
        warnings.warn(
            f"Using a target size ({_size(target.shape)}) that is different to the input size "
            f"({_size(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=2)
    return apply(MSE, (input, target), (("reduction", reduction),))


def _nll(logp, target, *rest, reduction, ignore_index, has_weight):
    w = rest[0] if has_weight else None
    cls_axis = 1 if logp.ndim > 1 else 0
    t = target
    valid = t != ignore_index
    safe = jnp.where(valid, t, 0)
    picked = jnp.take_along_axis(logp, jnp.expand_dims(safe, cls_axis), axis=cls_axis)
    picked = jnp.squeeze(picked, cls_axis)
    wt = (w[safe] if w is not None else jnp.ones_like(picked)) * valid
    loss = -picked * wt
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(wt)
    return _reduce(loss, reduction)


def _nll_rule(logp, target, *rest, reduction, ignore_index, has_weight):
    if target.dtype not in (D.int64, D.uint8, D.int32):
        raise RuntimeError(f"expected scalar type Long but found {D.scalar_name(target.dtype)}")
    if len(logp.shape) < 1:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    n = logp.shape[0] if len(logp.shape) > 1 else None
    if n is not None and target.shape[:1] != (n,):
        raise ValueError(f"Expected input batch_size ({n}) to match target batch_size "
                         f"({target.shape[0] if target.shape else 0}).")
    shape = () if reduction != "none" else tuple(target.shape)
    return shape, logp.dtype, logp.dtype


NLL = defop("nll_loss", _nll, _nll_rule, "NllLossBackward0", visible=(0,))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    args = (input, target) + ((weight,) if weight is not None else ())
    return apply(NLL, args, (("reduction", reduction), ("ignore_index", int(ignore_index)),
                             ("has_weight", weight is not None)))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    if target.dtype.is_floating_point or label_smoothing:
        raise NotImplementedError(
            "cross_entropy with class probabilities or label_smoothing is not supported yet")
    return nll_loss(log_softmax(input, 1 if input.dim() > 1 else 0), target, weight,
                    size_average, ignore_index, reduce, reduction)


expose(binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits",
       functional="binary_cross_entropy_with_logits")
expose(mse_loss, functional="mse_loss")
expose(nll_loss, functional="nll_loss")
expose(cross_entropy, functional="cross_entropy")
