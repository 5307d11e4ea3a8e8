"""nn.functional layers: linear, bilinear, dropout, one_hot, normalize, layer_norm, batch_norm,
embedding.

Where PyTorch decomposes a function into other ops (linear into addmm/matmul and views,
normalize into norm/clamp/div), facade records the same ops, so grad_fn graphs look the same.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._dispatch import apply
from .linalg import _mm_rule
from .table import defop, expose


def _is_float(dt):
    return dt.is_floating_point or dt.is_complex


def _flag_visible(*slots):
    """next_functions of an op whose optional inputs may be absent: `slots` name the param
    (or None: always present) of each of PyTorch's inputs, in order."""
    def visible(params):
        p = dict(params)
        out, i = [], 0
        for flag in slots:
            if flag is None or p[flag]:
                out.append(i)
                i += 1
            else:
                out.append(None)
        return tuple(out)
    return visible


# ------------------------------------------------------------------ linear / bilinear
def _addmm_rule(bias, x, wt):
    shape, dt, _ = _mm_rule(x, wt)
    if bias.dtype is not dt:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{D.scalar_name(bias.dtype)} and {D.scalar_name(dt)}")
    b = bias.shape
    ok = len(b) <= 2 and all(s in (1, t) for s, t in zip(b[::-1], shape[::-1]))
    if not ok:
        bad = next((i for i, (s, t) in enumerate(zip(b[::-1], shape[::-1])) if s not in (1, t)),
                   0)
        raise RuntimeError(
            f"The expanded size of the tensor ({shape[::-1][bad]}) must match the existing size "
            f"({b[::-1][bad]}) at non-singleton dimension {len(shape) - 1 - bad}.  Target sizes: "
            f"{list(shape)}.  Tensor sizes: {list(b)}")
    return shape, dt, dt


# F.linear's fused path: addmm(bias, input, weight.t())
LINEAR = defop("linear", lambda b, x, wt: b + jnp.matmul(x, wt), _addmm_rule, "AddmmBackward0",
               saves=lambda n: n.inputs[1:])


def linear(input, weight, bias=None):
    """y = x W^T + b, decomposed as PyTorch's at::linear (addmm on 2-d input or on the
    flattened contiguous input, else matmul then add).

        >>> F.linear(torch.ones(2, 3), torch.ones(4, 3), torch.zeros(4)).shape
        torch.Size([2, 4])
    """
    nd, wd = input.dim(), weight.dim()
    if nd == 0 or wd == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{nd}D and {wd}D")
    if bias is not None and input.dtype is not weight.dtype and (nd <= 2 or input.is_contiguous()):
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{D.scalar_name(input.dtype)} and {D.scalar_name(weight.dtype)}")
    if bias is not None and wd == 2:
        if nd == 2:
            return apply(LINEAR, (bias, input, weight.t()))
        if input.is_contiguous() and bias.dim() == 1:
            lead = tuple(input.shape[:-1])
            flat = 1
            for s in lead:
                flat *= s
            out = apply(LINEAR, (bias, input.reshape(flat, input.shape[-1]), weight.t()))
            return out.view(lead + (out.shape[-1],))
    if nd >= 3 and wd == 2 and not input.is_contiguous():
        input = input.contiguous()   # PyTorch's matmul folds a reshaped copy of the batch
    out = input.matmul(weight.t())
    if bias is not None:
        out = out + bias   # PyTorch adds in place on the fresh product: AddBackward0 either way
    return out


def _bilinear(x1, x2, w):
    return jnp.einsum("bi,oij,bj->bo", x1, w, x2)


def _bilinear_rule(x1, x2, w):
    dt = x1.dtype
    return (x1.shape[0], w.shape[0]), dt, dt


BILINEAR = defop("bilinear", _bilinear, _bilinear_rule, "TrilinearBackward0", promote=True)


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b over the last dimension of x1 and x2 (batch dimensions match)."""
    s1, s2, ws = tuple(input1.shape), tuple(input2.shape), tuple(weight.shape)
    if len(s1) != len(s2):
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {len(s1)} and "
                           f"{len(s2)}")
    for i in range(len(s1) - 1):
        if s1[i] != s2[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {s1[i]} "
                               f"and {s2[i]}")
    if len(ws) != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {len(ws)}D")
    if s1[-1] != ws[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{s1[-1]} but expected {ws[1]}")
    if s2[-1] != ws[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{s2[-1]} but expected {ws[2]}")
    if bias is not None and tuple(bias.shape) != (ws[0],):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0] if bias.dim() else 0} but expected {ws[0]}")
    lead = s1[:-1]
    flat = 1
    for s in lead:
        flat *= s
    out = apply(BILINEAR, (input1.reshape(flat, s1[-1]), input2.reshape(flat, s2[-1]), weight))
    out = out.view(lead + (ws[0],))
    return out + bias if bias is not None else out


expose(linear, functional="linear")
expose(bilinear, "bilinear", functional="bilinear")


# ------------------------------------------------------------------ dropout
def _dropout(x, lo, hi, counter, p):
    # PyTorch: input * (bernoulli(1 - p) / (1 - p)); p == 1 multiplies by zeros
    if p == 1:
        return x * jnp.zeros((), x.dtype)
    from .._factory import _key
    keep = jax.random.bernoulli(_key(lo, hi, counter), 1.0 - p, x.shape)
    return x * (keep.astype(x.dtype) / jnp.asarray(1.0 - p, x.dtype))


def _dropout_rule(x, *_, p):
    if not _is_float(x.dtype):
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{D.scalar_name(x.dtype)}")
    return x.shape, x.dtype, x.dtype


# the mask is drawn inside the program from the generator's (seed, counter), which are
# arguments: a new mask every call, no recompiles; PyTorch saves the noise, not the input
DROPOUT = defop("dropout", _dropout, _dropout_rule, "MulBackward0", visible=(0, None),
                saves=lambda n: ())


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only).

        >>> torch.manual_seed(0); F.dropout(torch.ones(4), 0.5).shape
        torch.Size([4])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    from .._factory import default_generator
    out = apply(DROPOUT, (input,) + default_generator._next(), (("p", float(p)),))
    return input._write_result(out) if inplace else out


expose(dropout, "dropout", functional="dropout")
expose(lambda input, p=0.5, training=True: dropout(input, p, training, True),
       "dropout_")


# ------------------------------------------------------------------ one_hot
def _one_hot_rule(x, num_classes):
    if x.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    return tuple(x.shape) + (num_classes,), D.int64, None


ONE_HOT = defop("one_hot",
                lambda x, num_classes: (x[..., None] == jnp.arange(num_classes)).astype(jnp.int64),
                _one_hot_rule, None, saves=False)


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) -> one-hot rows (int64). num_classes=-1 infers max + 1, which
    realizes the values; with num_classes given, values out of range are not checked (that
    would realize them) and give all-zero rows."""
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        from .shape import stack
        lo, hi = stack([tensor.min(), tensor.max()]).tolist()
        if lo < 0:
            raise RuntimeError("Class values must be non-negative.")
        num_classes = hi + 1
    return apply(ONE_HOT, (tensor,), (("num_classes", int(num_classes)),))


expose(one_hot, functional="one_hot")


# ------------------------------------------------------------------ normalize
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along dim (PyTorch's decomposition: norm, clamp_min, div)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


expose(normalize, functional="normalize")


# ------------------------------------------------------------------ layer_norm
def _stats_dtype(x):
    # half-precision inputs accumulate their statistics in float32, as PyTorch's kernels
    return jnp.float32 if x.dtype.itemsize < 4 else x.dtype


def _layer_norm(x, *wb, k, eps, has_w, has_b):
    axes = tuple(range(x.ndim - k, x.ndim))
    xs = x.astype(_stats_dtype(x))
    mean = jnp.mean(xs, axes, keepdims=True)
    var = jnp.mean(jnp.square(xs - mean), axes, keepdims=True)
    y = ((xs - mean) * jax.lax.rsqrt(var + eps)).astype(x.dtype)
    wb = list(wb)
    if has_w:
        y = y * wb.pop(0)
    if has_b:
        y = y + wb.pop(0)
    return y


def _layer_norm_rule(x, *wb, k, eps, has_w, has_b):
    norm = tuple(x.shape[len(x.shape) - k:]) if k else ()
    wb = list(wb)
    for flag, what in ((has_w, "weight"), (has_b, "bias")):
        if flag:
            t = wb.pop(0)
            if tuple(t.shape) != norm:
                raise RuntimeError(f"Expected {what} to be of same shape as normalized_shape, but "
                                   f"got {what} of shape {list(t.shape)} and normalized_shape = "
                                   f"{list(norm)}")
    if not _is_float(x.dtype):
        raise RuntimeError(f'"LayerNormKernelImpl" not implemented for '
                           f"'{D.scalar_name(x.dtype)}'")
    return x.shape, x.dtype, x.dtype


LAYER_NORM = defop("native_layer_norm", _layer_norm, _layer_norm_rule, "NativeLayerNormBackward0",
                   visible=_flag_visible(None, "has_w", "has_b"))


def _int_tuple(v, fname, arg, pos):
    if isinstance(v, (tuple, list)) and all(isinstance(s, int) for s in v):
        return tuple(int(s) for s in v)
    raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be tuple of ints, not "
                    f"{type(v).__name__}")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the trailing `normalized_shape` dims (biased variance), then scale/shift."""
    norm = _int_tuple(normalized_shape, "layer_norm", "normalized_shape", 2)
    shape = tuple(input.shape)
    k = len(norm)
    if k == 0 or shape[len(shape) - k:] != norm or k > len(shape):
        raise RuntimeError(f"Given normalized_shape={list(norm)}, expected input with shape "
                           f"[*, {', '.join(map(str, norm))}], but got input of size"
                           f"{list(shape)}")
    args = (input,) + tuple(t for t in (weight, bias) if t is not None)
    return apply(LAYER_NORM, args, (("k", k), ("eps", float(eps)), ("has_w", weight is not None),
                                    ("has_b", bias is not None)))


expose(layer_norm, "layer_norm", functional="layer_norm")


# ------------------------------------------------------------------ batch_norm
def _bn_axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _bn_shape(x, v):
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def _batch_norm(x, *rest, training, eps, has_w, has_b, has_stats):
    rest = list(rest)
    w = rest.pop(0) if has_w else None
    b = rest.pop(0) if has_b else None
    xs = x.astype(_stats_dtype(x))
    if training:
        axes = _bn_axes(x)
        mean = jnp.mean(xs, axes, keepdims=True)
        var = jnp.mean(jnp.square(xs - mean), axes, keepdims=True)
    else:
        rm, rv = rest
        mean, var = _bn_shape(x, rm.astype(xs.dtype)), _bn_shape(x, rv.astype(xs.dtype))
    y = ((xs - mean) * jax.lax.rsqrt(var + eps)).astype(x.dtype)
    if w is not None:
        y = y * _bn_shape(x, w)
    if b is not None:
        y = y + _bn_shape(x, b)
    return y


def _batch_norm_rule(x, *rest, training, eps, has_w, has_b, has_stats):
    c = x.shape[1] if len(x.shape) > 1 else 0
    rest = list(rest)
    named = [("weight", has_w), ("bias", has_b), ("running_mean", has_stats),
             ("running_var", has_stats)]
    for what, flag in named:
        if flag:
            t = rest.pop(0)
            n = 1
            for s in t.shape:
                n *= s
            if n != c:
                raise RuntimeError(f"{what} should contain {c} elements not {n}")
    if not _is_float(x.dtype):
        raise RuntimeError(f'"batch_norm" not implemented for \'{D.scalar_name(x.dtype)}\'')
    return x.shape, x.dtype, x.dtype


BATCH_NORM = defop("native_batch_norm", _batch_norm, _batch_norm_rule,
                   "NativeBatchNormBackward0", visible=_flag_visible(None, "has_w", "has_b"))


def _running_update(r, x, momentum, var):
    # (1 - momentum) * running + momentum * batch statistic (the unbiased variance)
    axes = _bn_axes(x)
    xs = x.astype(_stats_dtype(x))
    if var:
        n = xs.size // xs.shape[1]
        stat = jnp.var(xs, axes) * (n / max(n - 1, 1))
    else:
        stat = jnp.mean(xs, axes)
    return ((1 - momentum) * r + momentum * stat.reshape(r.shape).astype(r.dtype)).astype(r.dtype)


BATCH_NORM_UPDATE = defop("batch_norm_update", _running_update,
                          lambda r, x, momentum, var: (r.shape, r.dtype, r.dtype), None,
                          saves=False)


def _update_running(buf, input, momentum, var):
    """Write the new running statistic into `buf` in place, outside autograd (as PyTorch's
    kernel does); the engine computes it with the next program (see _compile.STATES)."""
    from ..autograd import no_grad
    with no_grad():
        # momentum is an input: with momentum=None it is 1/n, new every step
        buf._write_result(apply(BATCH_NORM_UPDATE, (buf, input.detach(), float(momentum)),
                                (("var", var),)))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalize per channel (dim 1) with the batch statistics (training: running_mean and
    running_var are updated in place with momentum and the unbiased variance) or with the
    running statistics (eval)."""
    shape = tuple(input.shape)
    if training:
        n = 1
        for i, s in enumerate(shape):
            if i != 1:
                n *= s
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size torch.Size({list(shape)})")
    elif running_mean is None or running_var is None:
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be "
                           "defined in evaluation mode")
    has_stats = running_mean is not None and running_var is not None
    from .._dispatch import STATE
    for what, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.requires_grad and STATE.enabled:
            raise RuntimeError(f"The function 'native_batch_norm' is not differentiable with "
                               f"respect to argument '{what}'. This input cannot have "
                               "requires_grad True.")
    c = shape[1] if len(shape) > 1 else 0
    for what, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{what} should contain {c} elements not {t.numel()}")
    args = (input,) + tuple(t for t in (weight, bias) if t is not None)
    if not training:   # training reads (and saves) only the batch: the stats are written below
        args += (running_mean, running_var)
    out = apply(BATCH_NORM, args, (("training", bool(training)), ("eps", float(eps)),
                                   ("has_w", weight is not None), ("has_b", bias is not None),
                                   ("has_stats", not training)))
    if training and has_stats:
        _update_running(running_mean, input, momentum, False)
        _update_running(running_var, input, momentum, True)
    return out


expose(batch_norm, functional="batch_norm")   # torch.batch_norm takes other arguments


# ------------------------------------------------------------------ embedding
def _embedding(w, idx, padding_idx):
    if padding_idx is not None:
        # the padding row gets no gradient (PyTorch's embedding_backward skips it)
        w = w.at[padding_idx].set(jax.lax.stop_gradient(w[padding_idx]))
    return jnp.take(w, idx, axis=0)


def _embedding_rule(w, idx, padding_idx):
    if idx.dtype not in (D.int64, D.int32):
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{D.cpp_name(idx.dtype).capitalize()}Tensor instead "
            "(while checking arguments for embedding)")
    if len(w.shape) != 2:
        raise RuntimeError("'weight' must be 2-D")
    return tuple(idx.shape) + (w.shape[1],), w.dtype, w.dtype


EMBEDDING = defop("embedding", _embedding, _embedding_rule, "EmbeddingBackward0", visible=(0,),
                  saves=lambda n: n.inputs[1:])


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` picked by integer `input`; the `padding_idx` row gets no gradient.
    Indices out of range are not checked (that would realize them)."""
    if padding_idx is not None:
        n = weight.shape[0]
        if padding_idx > 0:
            assert padding_idx < n, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -n, "Padding_idx must be within num_embeddings"
            padding_idx = n + padding_idx
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse are not supported")
    if max_norm is not None:
        _embedding_renorm(weight, input, float(max_norm), float(norm_type))
    return apply(EMBEDDING, (weight, input), (("padding_idx", padding_idx),))


def _renorm(w, idx, max_norm, norm_type):
    rows = jnp.zeros(w.shape[0], bool).at[idx.reshape(-1)].set(True)
    norms = jnp.sum(jnp.abs(w) ** norm_type, axis=1, keepdims=True) ** (1.0 / norm_type)
    scale = jnp.where(rows[:, None] & (norms > max_norm), max_norm / (norms + 1e-7), 1.0)
    return (w * scale).astype(w.dtype)


EMBEDDING_RENORM = defop("embedding_renorm", _renorm,
                         lambda w, idx, **_: (w.shape, w.dtype, w.dtype), None, saves=False)


def _embedding_renorm(weight, input, max_norm, norm_type):
    """PyTorch rescales, in place and outside autograd, the looked-up rows whose norm
    exceeds max_norm."""
    from ..autograd import no_grad
    with no_grad():
        weight._write_result(apply(EMBEDDING_RENORM, (weight.detach(), input),
                                   (("max_norm", max_norm), ("norm_type", norm_type))))


expose(embedding, functional="embedding")
expose(lambda weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False:
       embedding(indices, weight, None if padding_idx == -1 else padding_idx),
       "embedding")   # torch.embedding is (weight, indices)


# ------------------------------------------------------------------ group / instance / rms norm
def _group_norm(x, *wb, groups, eps, has_w, has_b):
    n, c = x.shape[0], x.shape[1]
    xs = x.astype(_stats_dtype(x)).reshape((n, groups, -1))
    mean = jnp.mean(xs, 2, keepdims=True)
    var = jnp.mean(jnp.square(xs - mean), 2, keepdims=True)
    y = ((xs - mean) * jax.lax.rsqrt(var + eps)).reshape(x.shape).astype(x.dtype)
    wb = list(wb)
    if has_w:
        y = y * _bn_shape(x, wb.pop(0))
    if has_b:
        y = y + _bn_shape(x, wb.pop(0))
    return y


def _group_norm_rule(x, *wb, groups, eps, has_w, has_b):
    c = x.shape[1]
    for t in wb:
        if tuple(t.shape) != (c,):
            raise RuntimeError(f"Expected weight to be a vector of size equal to the number of "
                               f"channels in input, but got weight of shape {list(t.shape)} and "
                               f"input of shape {list(x.shape)}")
    if not _is_float(x.dtype):
        raise RuntimeError(f'"GroupNormKernelImpl" not implemented for '
                           f"'{D.scalar_name(x.dtype)}'")
    return x.shape, x.dtype, x.dtype


GROUP_NORM = defop("native_group_norm", _group_norm, _group_norm_rule,
                   "NativeGroupNormBackward0", visible=_flag_visible(None, "has_w", "has_b"))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalize over groups of channels (dim 1) and the spatial dims, then scale/shift."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    args = (input,) + tuple(t for t in (weight, bias) if t is not None)
    return apply(GROUP_NORM, args, (("groups", int(num_groups)), ("eps", float(eps)),
                                    ("has_w", weight is not None), ("has_b", bias is not None)))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """batch_norm over (1, N*C, ...) with the statistics of each instance and channel
    (PyTorch's decomposition; running statistics, if given, get the mean over the batch)."""
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise ValueError(f"Expected 2D or higher input (got {len(shape)}D input)")
    n, c = shape[0], shape[1]
    if use_input_stats:
        rest = 1
        for s in shape[2:]:
            rest *= s
        if rest == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size torch.Size({list(shape)})")
    x = input.reshape((1, n * c) + shape[2:])
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    out = batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        from ..autograd import no_grad
        with no_grad():
            running_mean.copy_(rm.view(n, c).mean(0))
            running_var.copy_(rv.view(n, c).mean(0))
    return out.view(shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x * rsqrt(mean(x**2 over the trailing dims) + eps) * weight (PyTorch's composite;
    eps defaults to the dtype's machine epsilon)."""
    norm = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = tuple(input.shape)
    k = len(norm)
    if k == 0 or shape[len(shape) - k:] != norm or k > len(shape):
        raise RuntimeError(f"Given normalized_shape={list(norm)}, expected input with shape "
                           f"[*, {', '.join(map(str, norm))}], but got input of size"
                           f"{list(shape)}")
    if eps is None:
        eps = D.finfo(input.dtype).eps
    dims = tuple(range(len(shape) - k, len(shape)))
    y = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


expose(group_norm, "group_norm", functional="group_norm")
expose(instance_norm, "instance_norm", functional="instance_norm")
expose(rms_norm, "rms_norm", functional="rms_norm")


# ------------------------------------------------------------------ pixel shuffle
def _pixel_shuffle(x, r, inverse):
    lead = x.shape[:-3]
    c, h, w = x.shape[-3:]
    if not inverse:
        y = x.reshape(lead + (c // (r * r), r, r, h, w))
        y = jnp.moveaxis(y, (-4, -3), (-3, -1))        # (.., c', h, r, w, r)
        return y.reshape(lead + (c // (r * r), h * r, w * r))
    y = x.reshape(lead + (c, h // r, r, w // r, r))
    y = jnp.moveaxis(y, (-3, -1), (-4, -3))
    return y.reshape(lead + (c * r * r, h // r, w // r))


def _pixel_shuffle_rule(x, r, inverse):
    name = "pixel_unshuffle" if inverse else "pixel_shuffle"
    if len(x.shape) < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {len(x.shape)} dimension(s)")
    c, h, w = x.shape[-3:]
    if not inverse:
        if c % (r * r):
            raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                               f"divisible by the square of upscale_factor, but input.size(-3)="
                               f"{c} is not divisible by {r * r}")
        return x.shape[:-3] + (c // (r * r), h * r, w * r), x.dtype, x.dtype
    if h % r or w % r:
        bad, size = ("height", h) if h % r else ("width", w)
        raise RuntimeError(f"pixel_unshuffle expects {bad} to be divisible by downscale_factor, "
                           f"but input.size({-2 if bad == 'height' else -1})={size} is not "
                           f"divisible by {r}")
    return x.shape[:-3] + (c * r * r, h // r, w // r), x.dtype, x.dtype


PIXEL_SHUFFLE = defop("pixel_shuffle", _pixel_shuffle, _pixel_shuffle_rule,
                      lambda p: "PixelUnshuffleBackward0" if dict(p)["inverse"]
                      else "PixelShuffleBackward0", saves=False)


def pixel_shuffle(input, upscale_factor):
    return apply(PIXEL_SHUFFLE, (input,), (("r", int(upscale_factor)), ("inverse", False)))


def pixel_unshuffle(input, downscale_factor):
    return apply(PIXEL_SHUFFLE, (input,), (("r", int(downscale_factor)), ("inverse", True)))


expose(pixel_shuffle, "pixel_shuffle", functional="pixel_shuffle")
expose(pixel_unshuffle, "pixel_unshuffle", functional="pixel_unshuffle")


# ------------------------------------------------------------------ channel dropout, attention
def _channel_dropout(name, nd):
    def front(input, p=0.5, training=True, inplace=False):
        if p < 0.0 or p > 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        d = input.dim()
        if d not in (nd + 1, nd + 2):
            raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input, but received a "
                               f"{d}D input. Note that {name} exists to provide channel-wise "
                               f"dropout on inputs with {nd} spatial dimension"
                               f"{'s' if nd > 1 else ''}, a channel dimension, and an optional "
                               "batch dimension (i.e. "
                               f"{nd + 1}D or {nd + 2}D inputs).")
        if not training or p == 0:
            return input
        from .._factory import ones
        lead = tuple(input.shape[:d - nd])
        mask = dropout(ones(lead + (1,) * nd, dtype=input.dtype), p, True)
        out = input * mask   # a whole channel is kept (scaled by 1/(1-p)) or zeroed
        return input._write_result(out) if inplace else out
    front.__name__ = name
    return front


dropout1d = _channel_dropout("dropout1d", 1)
dropout2d = _channel_dropout("dropout2d", 2)
dropout3d = _channel_dropout("dropout3d", 3)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Identity outside training; the training form (SELU's self-normalizing dropout) is not
    provided."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    raise NotImplementedError("alpha_dropout(training=True) is not supported by facade")


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(q k^T * scale + mask) v, composed from matmul/softmax as PyTorch's math path
    (a bool mask keeps the True positions; is_causal masks the upper triangle)."""
    import math
    from .._factory import ones
    from .nn import softmax
    from .table import FUNCTIONS
    L, S = query.shape[-2], key.shape[-2]
    s = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and key.dim() >= 3 and query.shape[-3] != key.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, -3)
        value = value.repeat_interleave(rep, -3)
    scores = (query @ key.transpose(-2, -1)) * s
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        attn_mask = FUNCTIONS["tril"](ones(L, S, dtype=D.bool_))
    if attn_mask is not None:
        if attn_mask.dtype is D.bool_:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    w = softmax(scores, -1)
    if dropout_p > 0.0:
        w = dropout(w, dropout_p, True)
    return w @ value


for _f in (dropout1d, dropout2d, dropout3d, alpha_dropout, scaled_dot_product_attention):
    expose(_f, functional=_f.__name__)
expose(alpha_dropout, "alpha_dropout")
