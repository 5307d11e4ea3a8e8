"""The loss functions of nn.functional.

A loss that PyTorch computes with a kernel of its own (and so a grad_fn of its own:
`MseLossBackward0`, `NllLossBackward0`, `BinaryCrossEntropyBackward0`, ...) is one op here.
A loss that PyTorch composes from other ops (l1_loss is `(input - target).abs().mean()`,
cross_entropy with class probabilities, kl_div, cosine_similarity, the weighted variants of
mse/l1/huber ...) is composed here from the same facade ops, in the same order, so that its
`grad_fn` chain has PyTorch's names.

Checks that need the values of a tensor (class indices out of range, BCE inputs outside
[0, 1], negative variances of gaussian_nll_loss) would realize the graph at the line of the
call; facade stays lazy instead and the loss comes out nan where PyTorch raises.
"""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import STATE, apply
from .nn import log_softmax
from .pointwise import clamp_min, masked_fill, where
from .reductions import VECTOR_NORM, vector_norm
from .shape import contiguous, expand, view
from .table import broadcast_shapes, defop, expose, wrap_dim


# ------------------------------------------------------------------ reduction arguments
def _legacy_reduction(size_average, reduce, reduction, stacklevel=4):
    """PyTorch's `_Reduction.legacy_get_string` (with its warning), then `get_enum`'s check."""
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        reduction = "mean" if sa and rd else ("sum" if rd else "none")
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=stacklevel)
    return _check_reduction(reduction, stacklevel)


def _check_reduction(reduction, stacklevel=4):
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", UserWarning, stacklevel=stacklevel)
        return "mean"
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _apply_reduction(loss, reduction):
    """ATen's apply_loss_reduction on a facade Tensor (MeanBackward0 / SumBackward0)."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _size(shape):
    return f"torch.Size({list(shape)})"


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({_size(target.shape)}) that is different to the input size "
            f"({_size(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=3)


def _broadcast(*ts):
    """torch.broadcast_tensors: tensors already of the common shape are returned as is."""
    shape = broadcast_shapes(*[tuple(t.shape) for t in ts])
    return [t if tuple(t.shape) == shape else expand(t, *shape) for t in ts]


def _no_grad_arg(fn_name, arg_name, t):
    if t is not None and STATE.enabled and t.requires_grad:
        raise RuntimeError(f"The function '{fn_name}' is not differentiable with respect to "
                           f"argument '{arg_name}'. This input cannot have requires_grad True.")


def _not_implemented(kernel, dt):
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{D.scalar_name(dt)}\'')


# Scalar overloads of mul/div as ATen's C++ losses call them (`(1 - s) * loss`, `loss / n`):
# their grad_fn is MulBackward1 / DivBackward1 (Python's `s * t` records MulBackward0). The
# scalar is an input, not a param, so a changing value does not recompile.
def _scalar_rule(x, s):
    return x.shape, x.dtype, x.dtype


MUL_SCALAR = defop("mul.Scalar", lambda x, s: x * s, _scalar_rule, "MulBackward1", visible=(0,),
                   saves=False)
ADD_SCALAR = defop("add.Scalar", lambda x, s: x + s, _scalar_rule, "AddBackward1", visible=(0,),
                   saves=False)
DIV_SCALAR = defop("div.Scalar", lambda x, s: x / s, _scalar_rule, "DivBackward1", visible=(0,),
                   saves=False)


def _mul_scalar(x, s):
    return apply(MUL_SCALAR, (x, float(s)))


def _add_scalar(x, s):
    return apply(ADD_SCALAR, (x, float(s)))


def _div_scalar(x, s):
    return apply(DIV_SCALAR, (x, float(s)))


# ------------------------------------------------------------------ pointwise regression losses
def _pointwise_rule(kernel, result="promote"):
    def rule(x, t, *rest, reduction, **_):
        shape = broadcast_shapes(x.shape, t.shape)
        dt = D.promote_types(x.dtype, t.dtype)
        _not_implemented(kernel, dt)
        out = x.dtype if result == "input" and x.dtype.is_floating_point else dt
        return (shape if reduction == "none" else ()), out, dt
    return rule


def _mse(x, t, reduction):
    return _reduce(jnp.square(x - t), reduction)


def _smooth_l1(x, t, reduction, beta):
    d = x - t
    a = jnp.abs(d)
    return _reduce(jnp.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta), reduction)


def _huber(x, t, reduction, delta):
    d = x - t
    a = jnp.abs(d)
    return _reduce(jnp.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction)


MSE = defop("mse_loss", _mse, _pointwise_rule("mse_cpu"), "MseLossBackward0", promote=True)
SMOOTH_L1 = defop("smooth_l1_loss", _smooth_l1, _pointwise_rule("smooth_l1_cpu"),
                  "SmoothL1LossBackward0", promote=True)
# huber_loss keeps the input's dtype (PyTorch: huber_loss(float32, float64) is float32)
HUBER = defop("huber_loss", _huber, _pointwise_rule("huber_cpu", "input"), "HuberLossBackward0",
              promote=True)


def _weighted(loss, weight, reduction, mean_by_weight=True):
    """The Python-side weighted variants of mse/l1/huber_loss (PyTorch composes them)."""
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _check_weight_size(weight, input):
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error; `weight` (same size as input) divides by its sum under 'mean'.

    >>> F.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0]))
    tensor(2.5000)
    """
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    input, target = _broadcast(input, target)
    if weight is not None:
        _check_weight_size(weight, input)
        return _weighted((input - target) ** 2, weight, reduction)
    return apply(MSE, (input, target), (("reduction", _check_reduction(reduction)),))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error, composed as PyTorch does: `(input - target).abs().mean()`.

    >>> F.l1_loss(torch.tensor([1.0, -2.0]), torch.tensor([0.0, 0.0]))
    tensor(1.5000)
    """
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    input, target = _broadcast(input, target)
    if weight is not None:
        _check_weight_size(weight, input)
        return _weighted((input - target).abs(), weight, reduction)
    reduction = _check_reduction(reduction)
    return _apply_reduction((input - target).abs(), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta (beta == 0: l1_loss).

    >>> F.smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    input, target = _broadcast(input, target)
    reduction = _check_reduction(reduction)
    if beta == 0.0:
        return _apply_reduction((input - target).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return apply(SMOOTH_L1, (input, target), (("reduction", reduction), ("beta", float(beta))))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta); `weight` multiplies it.

    >>> F.huber_loss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    _warn_size(input, target)
    input, target = _broadcast(input, target)
    if weight is None:
        reduction = _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return apply(HUBER, (input, target), (("reduction", reduction), ("delta", float(delta))))
    _check_weight_size(weight, input)
    loss = apply(HUBER, (input, target), (("reduction", "none"), ("delta", float(delta))))
    return _weighted(loss, weight, reduction, mean_by_weight=False)


# ------------------------------------------------------------------ binary cross entropy
@jax.custom_jvp
def _bce_elem(x, t):
    # PyTorch clamps each log at -100, so the loss stays finite at x == 0 or 1
    return -(t * jnp.maximum(jnp.log(x), -100.0) + (1 - t) * jnp.maximum(jnp.log1p(-x), -100.0))


@_bce_elem.defjvp
def _bce_elem_jvp(primals, tangents):
    # PyTorch's derivatives (derivatives.yaml): input: (x - t) / max(x (1 - x), 1e-12);
    # target: -logit(x). The clamped logs' own derivative would be 0 * inf = nan at 0 and 1.
    x, t = primals
    dx, dt = tangents
    eps = jnp.asarray(1e-12, x.dtype)
    gx = (x - t) / jnp.maximum((1 - x) * x, eps)
    gt = jnp.log1p(-x) - jnp.log(x)
    return _bce_elem(x, t), gx * dx + gt * dt


def _bce(x, t, *rest, reduction, has_weight):
    loss = _bce_elem(x, t)
    if has_weight:
        loss = loss * rest[0]
    return _reduce(loss, reduction)


def _bce_rule(x, t, *rest, reduction, has_weight):
    _not_implemented("binary_cross_entropy", x.dtype)
    for a in (t,) + rest:
        if a.dtype is not x.dtype:
            raise RuntimeError(f"Found dtype {D.scalar_name(a.dtype)} but expected "
                               f"{D.scalar_name(x.dtype)}")
    return (tuple(x.shape) if reduction == "none" else ()), x.dtype, x.dtype


BCE = defop("binary_cross_entropy", _bce, _bce_rule, "BinaryCrossEntropyBackward0",
            visible=(0, 1))


def _broadcast_shapes_message(target, weight):
    """torch.broadcast_shapes(target.size(), weight.size()), with its error message."""
    n = max(len(target), len(weight))
    result = [1] * (n - len(target)) + list(target)
    for i in range(1, len(weight) + 1):
        b, r = weight[-i], result[-i]
        if b == r or b == 1:
            continue
        if r != 1:
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {b} at {-i}! Mismatching "
                f"argument at index 1 had {_size(weight)}; but expected shape should be "
                f"broadcastable to {result}")
        result[-i] = b
    return tuple(result)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross entropy of probabilities; each log is clamped at -100 as in PyTorch.

    Values outside [0, 1] are not checked (that would realize `input` at this line, where
    facade stays lazy): their loss is nan, where PyTorch raises.

    >>> F.binary_cross_entropy(torch.tensor([0.5, 1.0]), torch.tensor([1.0, 0.0]))
    tensor(50.3466)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({_size(target.shape)}) that is different to the input size "
            f"({_size(input.shape)}) is deprecated. Please ensure they have the same size.")
    args = (input, target)
    if weight is not None:
        shape = _broadcast_shapes_message(tuple(target.shape), tuple(weight.shape))
        _no_grad_arg("binary_cross_entropy", "weight", weight)
        args += (weight if tuple(weight.shape) == shape else expand(weight, *shape),)
    return apply(BCE, args, (("reduction", reduction), ("has_weight", weight is not None)))


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
    _not_implemented("log_sigmoid_cpu", x.dtype)
    dt = D.promote_types(x.dtype, t.dtype)
    if not t.dtype.is_floating_point:
        raise RuntimeError(f"result type {D.scalar_name(dt)} can't be cast to the desired "
                           f"output type {D.scalar_name(t.dtype)}")
    rest = list(rest)
    w = rest.pop(0) if has_weight else None
    pw = rest.pop(0) if has_pos else None
    if pw is not None:
        broadcast_shapes(pw.shape, t.shape)
    if w is not None:
        full = broadcast_shapes(x.shape, w.shape)
        if full != tuple(x.shape):
            raise RuntimeError(f"output with shape {list(x.shape)} doesn't match the broadcast "
                               f"shape {list(full)}")
    # the result has the target's dtype (PyTorch computes in place into `1 - target`)
    return (() if reduction != "none" else x.shape), t.dtype, dt


BCE_LOGITS = defop("binary_cross_entropy_with_logits", _bce_logits, _bce_logits_rule,
                   "BinaryCrossEntropyWithLogitsBackward0", promote=True, visible=(0, 1))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Sigmoid + binary cross entropy in one numerically stable op.

    >>> F.binary_cross_entropy_with_logits(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0]))
    tensor(1.4100)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({_size(target.shape)}) must be the same as input size "
                         f"({_size(input.shape)})")
    _no_grad_arg("binary_cross_entropy_with_logits", "weight", weight)
    _no_grad_arg("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    args = (input, target) + ((weight,) if weight is not None else ()) + \
        ((pos_weight,) if pos_weight is not None else ())
    return apply(BCE_LOGITS, args, (("reduction", reduction), ("has_weight", weight is not None),
                                    ("has_pos", pos_weight is not None)))


# ------------------------------------------------------------------ nll_loss, cross_entropy
def _nll(logp, target, *rest, reduction, ignore_index, has_weight):
    cls = 1 if logp.ndim > 1 else 0
    n_classes = logp.shape[cls]
    t = target.astype(jnp.int32) if target.dtype == jnp.uint8 else target
    if logp.ndim == 1:
        t = t.reshape(())
    valid = t != ignore_index
    safe = jnp.where(valid, t, 0)
    # a class index out of range is PyTorch's IndexError; lazily, its loss is nan
    inside = (safe >= 0) & (safe < n_classes)
    safe = jnp.clip(safe, 0, n_classes - 1)
    picked = jnp.squeeze(jnp.take_along_axis(logp, jnp.expand_dims(safe, cls), axis=cls), cls)
    wt = (rest[0][safe] if has_weight else jnp.ones_like(picked)) * valid
    loss = jnp.where(inside, -picked * wt, jnp.nan)
    if reduction == "mean":       # weighted mean: over the weights of the counted targets
        return jnp.sum(loss) / jnp.sum(wt)
    return _reduce(loss, reduction)


def _nll_common_checks(logp, target, rest, kernel):
    if target.dtype not in (D.int64, D.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{D.scalar_name(target.dtype)}")
    _not_implemented(kernel, logp.dtype)
    if rest and rest[0].dtype is not logp.dtype:
        raise RuntimeError(f"expected scalar type {D.scalar_name(logp.dtype)} but found "
                           f"{D.scalar_name(rest[0].dtype)}")


def _nll_rule(logp, target, *rest, reduction, ignore_index, has_weight):
    nd = len(logp.shape)
    if not 0 < nd <= 2:
        raise RuntimeError("input tensor should be 1D or 2D")
    if len(target.shape) > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if nd == 2 and (not target.shape or target.shape[0] != logp.shape[0]):
        raise RuntimeError(f"size mismatch (got input: {list(logp.shape)}, target: "
                           f"{list(target.shape)})")
    n_classes = logp.shape[-1]
    if rest and (len(rest[0].shape) != 1 or rest[0].shape[0] != n_classes):
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes "
                           f"or no classes but got weight tensor of shape: {list(rest[0].shape)}")
    _nll_common_checks(logp, target, rest, "nll_loss_out_frame")
    shape = (logp.shape[0],) if reduction == "none" and nd == 2 else ()
    return shape, logp.dtype, logp.dtype


def _nll2d_rule(logp, target, *rest, reduction, ignore_index, has_weight):
    if len(target.shape) != 3:
        raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {len(target.shape)}")
    if rest and math.prod(rest[0].shape) != logp.shape[1]:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    n, _, h, w = logp.shape
    if (n, h, w) != tuple(target.shape):
        raise RuntimeError(f"size mismatch (got input: {list(logp.shape)} , target: "
                           f"{list(target.shape)}")
    _nll_common_checks(logp, target, rest, "nll_loss2d_forward_out_frame")
    return (tuple(target.shape) if reduction == "none" else ()), logp.dtype, logp.dtype


NLL = defop("nll_loss", _nll, _nll_rule, "NllLossBackward0", visible=(0,))
NLL2D = defop("nll_loss2d", lambda x, t, *w, **kw: _nll(x, t, *(v.reshape(-1) for v in w), **kw),
              _nll2d_rule, "NllLoss2DBackward0", visible=(0,))


def _nll_nd(input, target, weight, reduction, ignore_index):
    """ATen's nll_loss_nd: 1-2 dims: nll_loss; 4: nll_loss2d; 3 or more than 4: viewed as 4."""
    nd = input.dim()
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and input.shape[0] != (target.shape[0] if target.dim() else 0):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0] if target.dim() else 0}).")
    if nd == 1 and target.dim() == 1 and target.shape[0] != 1:
        raise ValueError("For 1D input, 1D target must have size 1, but got target size: "
                         f"{target.shape[0]}")
    op = NLL if nd <= 2 else NLL2D
    _no_grad_arg("nll_loss_forward" if nd <= 2 else "nll_loss2d_forward", "weight", weight)
    params = (("reduction", reduction), ("ignore_index", int(ignore_index)),
              ("has_weight", weight is not None))
    wt = (weight,) if weight is not None else ()
    if nd <= 2 or nd == 4:
        return apply(op, (input, target) + wt, params)
    n, c = input.shape[:2]
    out_size = (n,) + tuple(input.shape[2:])
    if tuple(target.shape) != out_size:
        raise RuntimeError(f"Expected target size {list(out_size)}, got {list(target.shape)}")
    if input.numel() > 0:
        x4, t3 = view(contiguous(input), n, c, 1, -1), view(contiguous(target), n, 1, -1)
    else:
        x4, t3 = view(contiguous(input), n, c, 0, 0), view(contiguous(target), n, 0, 0)
    out = apply(op, (x4, t3) + wt, params)
    return view(out, *out_size) if reduction == "none" else out


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log likelihood of class indices: input (C), (N, C) or (N, C, d1, d2, ...).

    'mean' divides by the summed weights of the targets that are not `ignore_index` (nan
    when there are none, as in PyTorch).

    >>> F.nll_loss(torch.tensor([[-1.0, -2.0], [-3.0, -4.0]]), torch.tensor([1, 0]))
    tensor(2.5000)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    return _nll_nd(input, target, weight, reduction, ignore_index)


def _class_weight_view(weight, nd, class_dim):
    if nd <= 1:
        return weight
    shape = [1] * nd
    shape[class_dim] = weight.shape[0]
    return view(weight, *shape)


def _ce_probs(input, target, weight, reduction, label_smoothing):
    """ATen's cross_entropy_loss_prob_target."""
    class_dim = 0 if input.dim() == 1 else 1
    n_classes = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                           f"{n_classes} classes or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")
    logp = log_softmax(input, class_dim, dtype=input.dtype)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: "
                               f"{label_smoothing}")
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        prod = prod * _class_weight_view(weight, logp.dim(), class_dim)
    if reduction == "none":
        return -prod.sum(class_dim)
    total = -prod.sum()
    if reduction == "sum":
        return total
    if input.numel() == 0:
        return _mul_scalar(total, float("nan"))
    return _div_scalar(total, input.numel() // n_classes)


def _ce_label_smoothing(input, target, weight, reduction, ignore_index, label_smoothing):
    """ATen's cross_entropy_loss_label_smoothing (class indices)."""
    class_dim = 0 if input.dim() == 1 else 1
    logp = log_softmax(input, class_dim, dtype=input.dtype)
    nll = _nll_nd(logp, target, weight, reduction, ignore_index)
    n_classes = logp.shape[class_dim]
    if weight is not None:
        smooth = -(logp * _class_weight_view(weight, logp.dim(), class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    ignore = target == ignore_index
    smooth = masked_fill(smooth, ignore, 0.0)
    if reduction == "mean":
        if weight is not None:
            picked = weight.gather(0, masked_fill(target, ignore, 0).flatten())
            ret = smooth.sum() / masked_fill(picked, ignore.flatten(), 0.0).sum()
        else:
            ret = smooth.sum() / (~ignore).sum()
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return _mul_scalar(nll, 1 - label_smoothing) + _mul_scalar(ret, label_smoothing / n_classes)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """log_softmax + nll_loss. `target` holds class indices (shape (), (N) or (N, d1, ...)) or
    class probabilities (the input's shape, a floating dtype).

    >>> F.cross_entropy(torch.tensor([[0.0, 0.0]]), torch.tensor([1]))
    tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    if tuple(input.shape) == tuple(target.shape):
        if not target.dtype.is_floating_point:
            raise RuntimeError("Expected floating point type for target with class "
                               f"probabilities, got {D.scalar_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _ce_probs(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: "
                               f"{label_smoothing}")
        return _ce_label_smoothing(input, target, weight, reduction, ignore_index,
                                   label_smoothing)
    class_dim = 0 if input.dim() == 1 else 1
    return _nll_nd(log_softmax(input, class_dim, dtype=input.dtype), target, weight, reduction,
                   ignore_index)


# ------------------------------------------------------------------ kl_div
def _xlogy_self(t):
    # xlogy(t, t): 0 where t == 0 (log's argument made safe so the gradient stays finite)
    safe = where(t == 0, 1.0, t)
    return t * safe.log()


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Pointwise KL divergence `target * (log(target) - input)` (input holds log-probabilities).

    'batchmean' divides the sum by the batch size (the KL divergence proper); 'mean' divides
    by the number of elements and warns, as PyTorch does.

    >>> F.kl_div(torch.tensor([[-1.0, -1.0]]), torch.tensor([[0.5, 0.5]]), reduction="batchmean")
    tensor(0.3069)
    """
    if size_average is not None or reduce is not None:
        enum = _legacy_reduction(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.", UserWarning, stacklevel=2)
        enum = "sum" if reduction == "batchmean" else _check_reduction(reduction, 3)
    if input.dtype.is_complex or target.dtype.is_complex:
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        out = target.exp() * (target - input)
    else:
        out = _xlogy_self(target) - target * input
    out = _apply_reduction(out, enum)
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.shape[0]
    return out


# ------------------------------------------------------------------ similarity and distances
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine similarity along `dim` of x1 and x2 broadcast together; each norm is clamped
    to at least `eps` (as in PyTorch, the clamp is not differentiated).

    >>> F.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    common = D.promote_types(x1.dtype, x2.dtype)
    if not common.is_floating_point:
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           f"{D.scalar_name(common)}")
    x1 = x1 if x1.dtype.is_floating_point else x1.to(common)
    x2 = x2 if x2.dtype.is_floating_point else x2.to(common)
    if tuple(x1.shape) != tuple(x2.shape):
        shape = broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
        x1, x2 = expand(x1, *shape), expand(x2, *shape)
    dim = wrap_dim(dim, x1.dim())
    n1 = vector_norm(x1, 2, dim, True).clone()
    n2 = vector_norm(x2, 2, dim, True).clone()
    prev = STATE.enabled
    STATE.enabled = False
    try:
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    finally:
        STATE.enabled = prev
    return ((x1 / n1) * (x2 / n2)).sum(dim)


# ATen's at::norm(x, p, dim, keepdim), which pairwise_distance calls: vector_norm's math
# under its own grad_fn name
NORM = defop("norm.ScalarOpt_dim", VECTOR_NORM.impl, VECTOR_NORM.rule, "NormBackward1")


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of `x1 - x2 + eps` over the last dimension.

    >>> F.pairwise_distance(torch.tensor([[3.0, 0.0]]), torch.tensor([[0.0, 4.0]]), eps=0.0)
    tensor([5.])
    """
    last = max(x1.dim(), x2.dim()) - 1
    diff = _add_scalar(x1 - x2, eps)
    return apply(NORM, (diff,), (("ord", float(p)), ("dims", (wrap_dim(last, diff.dim()),)),
                                 ("keepdim", bool(keepdim))))


# ------------------------------------------------------------------ margin and other losses
def _zeros_like(t):
    return _mul_scalar(t.detach(), 0.0).detach()


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target == 1; max(0, cos(x1, x2) - margin) where target == -1.

    >>> F.cosine_embedding_loss(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]),
    ...                         torch.tensor([1]))
    tensor(0.2929)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if td == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if td == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12
    prod_sum = (input1 * input2).sum(td)
    mag1 = (input1 * input1).sum(td) + eps
    mag2 = (input2 * input2).sum(td) + eps
    cos = prod_sum / (mag1 * mag2).sqrt()
    zeros = _zeros_like(cos)
    pos = 1 - cos
    neg = clamp_min(cos - margin, 0)
    out = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _apply_reduction(out, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin).

    >>> F.margin_ranking_loss(torch.tensor([1.0]), torch.tensor([2.0]), torch.tensor([1.0]))
    tensor(1.)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {_size(input1.shape)}, input2: {_size(input2.shape)}, target: "
            f"{_size(target.shape)} ")
    return _apply_reduction(clamp_min(_add_scalar(-target * (input1 - input2), margin), 0),
                            reduction)


def _soft_margin(x, t, reduction):
    return _reduce(jnp.log1p(jnp.exp(-t * x)), reduction)


SOFT_MARGIN = defop("soft_margin_loss", _soft_margin, _pointwise_rule("soft_margin_loss"),
                    "SoftMarginLossBackward0", promote=True, visible=(0,))


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), targets in {1, -1}.

    >>> F.soft_margin_loss(torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    _no_grad_arg("soft_margin_loss", "target", target)
    return apply(SOFT_MARGIN, (input, target), (("reduction", reduction),))


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """exp(input) - target * input (log_input), or input - target * log(input + eps); `full`
    adds Stirling's approximation of log(target!) where target > 1.

    >>> F.poisson_nll_loss(torch.tensor([0.0]), torch.tensor([2.0]))
    tensor(1.)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + masked_fill(stirling, target <= 1, 0)
    return _apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log(var) + (input - target)**2 / var), var clamped to at least `eps` (the clamp
    is not differentiated). A var one dimension short of input, or with one dimension of size
    1, is broadcast (homoscedastic). Negative entries of a var tensor are not checked (that
    would realize it here); a float var is.

    >>> F.gaussian_nll_loss(torch.tensor([1.0]), torch.tensor([0.0]), torch.tensor([1.0]))
    tensor(0.5000)
    """
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _mul_scalar(_zeros_like(input), 0.0) + float(var)
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(
                y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    prev = STATE.enabled
    STATE.enabled = False
    try:
        var.clamp_(min=eps)
    finally:
        STATE.enabled = prev
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with d = pairwise_distance (p-norm).

    >>> F.triplet_margin_loss(torch.tensor([[0.0]]), torch.tensor([[1.0]]),
    ...                       torch.tensor([[3.0]]), eps=0.0)
    tensor(0.)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd and pd == nd):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = d_neg.minimum(d_swap)
    return _apply_reduction(clamp_min(margin + d_pos - d_neg, 0), reduction)


for _fn in (mse_loss, l1_loss, smooth_l1_loss, huber_loss, binary_cross_entropy,
            nll_loss, cross_entropy, kl_div, cosine_embedding_loss, margin_ranking_loss,
            soft_margin_loss, poisson_nll_loss, gaussian_nll_loss, triplet_margin_loss):
    expose(_fn, functional=_fn.__name__)
# these are also torch.<name> in PyTorch
expose(binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits",
       functional="binary_cross_entropy_with_logits")
expose(cosine_similarity, "cosine_similarity", functional="cosine_similarity")
expose(pairwise_distance, "pairwise_distance", functional="pairwise_distance")


# ------------------------------------------------------------------ more margin losses
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target == 1, max(0, margin - input) where target == -1 (PyTorch's
    composite: clamp_min, where, add)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    zeros = _zeros_like(input)
    margin_clamp = clamp_min(_add_scalar(-input, margin), 0)
    out = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _apply_reduction(out, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-(t * logsigmoid(x) + (1 - t) * logsigmoid(-x)), averaged over the classes (last dim)."""
    from .pointwise import logsigmoid
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _apply_reduction(loss, reduction)


def _multi_margin(x, t, *w, p, margin, reduction, has_weight):
    one = x.ndim == 1
    if one:
        x, t = x[None], jnp.reshape(t, (1,))
    c = x.shape[1]
    xy = jnp.take_along_axis(x, t[:, None], 1)
    m = jnp.maximum(margin - xy + x, 0)
    if p == 2:
        m = m * m
    if has_weight:
        m = m * w[0][t][:, None]
    m = jnp.where(jnp.arange(c)[None, :] == t[:, None], 0, m)
    loss = m.sum(1) / c
    if one and reduction == "none":
        return loss[0]
    return _reduce(loss, reduction)


def _multi_margin_rule(x, t, *w, p, margin, reduction, has_weight):
    nd = len(x.shape)
    if nd not in (1, 2) or (nd == 2 and x.shape[1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(x.shape)}")
    n = x.shape[0] if nd == 2 else 1
    tn = t.shape[0] if t.shape else 1
    if len(t.shape) > 1 or tn != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got "
                           f"{list(t.shape)}")
    if reduction == "none":
        return ((n,) if nd == 2 else ()), x.dtype, x.dtype
    return (), x.dtype, x.dtype


MULTI_MARGIN = defop("multi_margin_loss", _multi_margin, _multi_margin_rule,
                     "MultiMarginLossBackward0", visible=lambda p: (0,) + (
                         (2,) if dict(p)["has_weight"] else ()))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: sum over i != y of max(0, margin - x[y] + x[i])**p / C."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    else:
        reduction = _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    args = (input, target) + ((weight,) if weight is not None else ())
    return apply(MULTI_MARGIN, args, (("p", int(p)), ("margin", float(margin)),
                                      ("reduction", reduction),
                                      ("has_weight", weight is not None)))


for _fn in (hinge_embedding_loss, multilabel_soft_margin_loss, multi_margin_loss):
    expose(_fn, functional=_fn.__name__)
expose(hinge_embedding_loss, "hinge_embedding_loss")
