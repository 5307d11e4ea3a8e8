"""nn.functional convolution, pooling, interpolate and pad.

Convolutions are `jax.lax.conv_general_dilated` (transposed ones too, with the input
dilated by the stride). Max pooling gathers each window's elements along a new axis and
takes the first maximum, so the gradient goes to the element PyTorch's indices name (ties
included). Index arrays and averaging weights depend only on shapes: they are computed with
NumPy when the program is traced.
"""
from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._dispatch import apply
from .table import defop, expose, wrap_dim


def _is_float(dt):
    return dt.is_floating_point or dt.is_complex


def _ntuple(v, n):
    if isinstance(v, (tuple, list)):
        return tuple(int(s) for s in v)
    return (int(v),) * n


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _x(shape):
    return " x ".join(str(s) for s in shape)


# ------------------------------------------------------------------ convolution
def _conv(x, w, *b, stride, padding, dilation, groups, transposed, output_padding, has_b):
    k = w.ndim - 2
    sp = "DHW"[3 - k:]
    dn = ("NC" + sp, "OI" + sp, "NC" + sp)
    prec = jax.lax.Precision.HIGHEST
    if not transposed:
        y = jax.lax.conv_general_dilated(x, w, stride, [(p, p) for p in padding],
                                         rhs_dilation=dilation, feature_group_count=groups,
                                         dimension_numbers=dn, precision=prec)
    else:
        # the gradient of a convolution: dilate the input by the stride, pad by
        # d*(k-1) - p, and convolve with the flipped kernel (in/out swapped per group)
        cin, coutg = w.shape[:2]
        ks = w.shape[2:]
        wt = w.reshape((groups, cin // groups, coutg) + ks)
        wt = jnp.swapaxes(wt, 1, 2).reshape((groups * coutg, cin // groups) + ks)
        wt = jnp.flip(wt, tuple(range(2, 2 + k)))
        pads = [(d * (kk - 1) - p, d * (kk - 1) - p + op)
                for kk, p, d, op in zip(ks, padding, dilation, output_padding)]
        y = jax.lax.conv_general_dilated(x, wt, (1,) * k, pads, lhs_dilation=stride,
                                         rhs_dilation=dilation, feature_group_count=groups,
                                         dimension_numbers=dn, precision=prec)
    if has_b:
        y = y + b[0].reshape((1, -1) + (1,) * k)
    return y.astype(x.dtype)


def _conv_rule(x, w, *b, stride, padding, dilation, groups, transposed, output_padding, has_b):
    k = len(w.shape) - 2
    for name, v in (("stride", stride), ("padding", padding), ("dilation", dilation)):
        if len(v) != k:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {k} "
                               f"values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")
    if transposed and len(output_padding) != k:
        raise RuntimeError(f"expected output_padding to be a single integer value or a list of "
                           f"{k} values to match the convolution dimensions, but got "
                           f"output_padding={list(output_padding)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if len(x.shape) != k + 2:
        raise RuntimeError(f"Expected {k + 1}D (unbatched) or {k + 2}D (batched) input to "
                           f"conv{k}d, but got input of size: {list(x.shape)}")
    ws, xs = list(w.shape), list(x.shape)
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{ws}] instead")
    if not transposed:
        if xs[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {ws}, expected input{xs} "
                               f"to have {ws[1] * groups} channels, but got {xs[1]} channels "
                               "instead")
        cout = ws[0]
    else:
        if xs[1] != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected input{xs} to "
                               f"have {ws[0]} channels, but got {xs[1]} channels instead")
        cout = ws[1] * groups
    if has_b and (len(b[0].shape) != 1 or b[0].shape[0] != cout):
        raise RuntimeError(f"Given weight of size {ws}, expected bias to be 1-dimensional with "
                           f"{cout} elements, but got bias of size {list(b[0].shape)} instead")
    for t in (w,) + tuple(b):
        if t.dtype is not x.dtype:
            raise RuntimeError(f"expected scalar type {D.scalar_name(x.dtype)} but found "
                               f"{D.scalar_name(t.dtype)}")
    if not _is_float(x.dtype):
        raise RuntimeError(f'"slow_conv2d_cpu" not implemented for \'{D.scalar_name(x.dtype)}\'')
    spatial = xs[2:]
    ks = ws[2:]
    if not transposed:
        padded = [s + 2 * p for s, p in zip(spatial, padding)]
        eff = [d * (kk - 1) + 1 for kk, d in zip(ks, dilation)]
        if any(e > p for e, p in zip(eff, padded)):
            raise RuntimeError(f"Calculated padded input size per channel: ({_x(padded)}). "
                               f"Kernel size: ({_x(eff)}). Kernel size can't be greater than "
                               "actual input size")
        out = [(p - e) // s + 1 for p, e, s in zip(padded, eff, stride)]
    else:
        if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
            names = ("height", "width") if k == 2 else ("depth", "height", "width")[3 - k:]
            parts = [f"output_padding_{n}: {v}" for n, v in zip(names, output_padding)]
            parts += [f"stride_{n}: {v}" for n, v in zip(names, stride)]
            parts += [f"dilation_{n}: {v}" for n, v in zip(names, dilation)]
            raise RuntimeError("output padding must be smaller than either stride or dilation, "
                               f"but got {' '.join(parts)}")
        out = [(s - 1) * st - 2 * p + d * (kk - 1) + op + 1
               for s, st, p, d, kk, op in zip(spatial, stride, padding, dilation, ks,
                                              output_padding)]
        if any(o <= 0 for o in out):
            raise RuntimeError(f"Given input size per channel: ({_x(spatial)}). Calculated "
                               f"output size per channel: ({_x(out)}). Output size is too small")
    return (xs[0], cout) + tuple(out), x.dtype, x.dtype


CONVOLUTION = defop("convolution", _conv, _conv_rule, "ConvolutionBackward0",
                    visible=lambda params: (0, 1, 2 if dict(params)["has_b"] else None))


def _convolution(input, weight, bias, stride, padding, dilation, groups, transposed,
                 output_padding, k):
    nd = input.dim()
    if nd not in (k + 1, k + 2):
        raise RuntimeError(f"Expected {k + 1}D (unbatched) or {k + 2}D (batched) input to "
                           f"conv{'_transpose' if transposed else ''}{k}d, but got input of "
                           f"size: {list(input.shape)}")
    batched = nd == k + 2
    if not batched:
        input = input.unsqueeze(0)
    if weight.dim() < 3:
        raise RuntimeError(f"weight should have at least three dimensions instead got "
                           f"{weight.dim()}")
    stride, dilation = _ntuple(stride, k), _ntuple(dilation, k)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (s - 1) for d, s in zip(dilation, weight.shape[2:])]
            if any(t % 2 for t in total):
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation "
                              "may require a zero-padded copy of the input be created",
                              UserWarning, stacklevel=3)
                extra = ()
                for t in reversed(total):
                    extra += (0, t % 2)
                input = pad(input, extra)
            padding = tuple(t // 2 for t in total)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    params = (("stride", stride), ("padding", _ntuple(padding, k)), ("dilation", dilation),
              ("groups", int(groups)), ("transposed", transposed),
              ("output_padding", _ntuple(output_padding, k) if transposed else ()),
              ("has_b", bias is not None))
    args = (input, weight) + ((bias,) if bias is not None else ())
    out = apply(CONVOLUTION, args, params)
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution over (N, C, L) or unbatched (C, L) input; padding may be 'same'/'valid'."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, False, 0, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution over (N, C, H, W) or unbatched (C, H, W) input.

        >>> F.conv2d(torch.ones(1, 3, 5, 5), torch.ones(4, 3, 3, 3), padding="same").shape
        torch.Size([1, 4, 5, 5])
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, False, 0, 2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The gradient of conv2d with respect to its input; weight is (C_in, C_out/groups, kH, kW)."""
    if isinstance(padding, str):
        raise TypeError("conv_transpose2d(): argument 'padding' must be tuple of ints, not str")
    return _convolution(input, weight, bias, stride, padding, dilation, groups, True,
                        output_padding, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution over (N, C, D, H, W) or unbatched (C, D, H, W) input."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, False, 0, 3)


def _conv_transpose(k):
    def front(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
              dilation=1):
        if isinstance(padding, str):
            raise TypeError(f"conv_transpose{k}d(): argument 'padding' must be tuple of ints, "
                            "not str")
        return _convolution(input, weight, bias, stride, padding, dilation, groups, True,
                            output_padding, k)
    front.__name__ = f"conv_transpose{k}d"
    front.__doc__ = f"The gradient of conv{k}d with respect to its input."
    return front


conv_transpose1d = _conv_transpose(1)
conv_transpose3d = _conv_transpose(3)

for _f in (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d):
    expose(_f, _f.__name__, functional=_f.__name__)


# ------------------------------------------------------------------ pooling
def _pool_out(size, k, s, p, d, ceil):
    num = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    o = num // s + 1
    if ceil and (o - 1) * s >= size + p:
        o -= 1   # the last window must start inside the input or its left padding
    return o


def _windows(x, kernel, stride, padding, dilation, out, fill):
    """(..., H, W) -> (..., oh, ow, kh*kw): each output position's window, padded with `fill`."""
    pads = [(0, 0)] * (x.ndim - 2)
    for size, k, s, p, d, o in zip(x.shape[-2:], kernel, stride, padding, dilation, out):
        need = (o - 1) * s + d * (k - 1) + 1
        pads.append((p, max(0, need - size - p)))
    xp = jnp.pad(x, pads, constant_values=fill)
    cols = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            h0, w0 = i * dilation[0], j * dilation[1]
            cols.append(xp[..., h0:h0 + (out[0] - 1) * stride[0] + 1:stride[0],
                           w0:w0 + (out[1] - 1) * stride[1] + 1:stride[1]])
    return jnp.stack(cols, -1)


def _lowest(dtype):
    return -jnp.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min


def _pool_geometry(x, kernel, stride, padding, dilation, ceil_mode):
    return tuple(_pool_out(s, k, st, p, d, ceil_mode)
                 for s, k, st, p, d in zip(x.shape[-2:], kernel, stride, padding, dilation))


def _max_pool_argmax(x, kernel, stride, padding, dilation, ceil_mode):
    out = _pool_geometry(x, kernel, stride, padding, dilation, ceil_mode)
    win = _windows(x, kernel, stride, padding, dilation, out, _lowest(x.dtype))
    return win, jnp.argmax(win, -1), out


def _max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    win, arg, _ = _max_pool_argmax(x, kernel, stride, padding, dilation, ceil_mode)
    return jnp.take_along_axis(win, arg[..., None], -1)[..., 0]


def _max_pool_indices(x, kernel, stride, padding, dilation, ceil_mode):
    # PyTorch's indices: the flat position h * W + w in each input plane
    _, arg, out = _max_pool_argmax(x, kernel, stride, padding, dilation, ceil_mode)
    arg = arg.astype(jnp.int64)
    h = (jnp.arange(out[0], dtype=jnp.int64) * stride[0] - padding[0])[:, None] + \
        (arg // kernel[1]) * dilation[0]
    w = (jnp.arange(out[1], dtype=jnp.int64) * stride[1] - padding[1])[None, :] + \
        (arg % kernel[1]) * dilation[1]
    return h * x.shape[-1] + w


def _pool_rule(name, check_dilation=True):
    def rule(x, kernel, stride, padding, dilation=(1, 1), ceil_mode=False, **_):
        if len(x.shape) not in (3, 4) or 0 in x.shape[-3:]:
            raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
        if min(kernel) <= 0:
            raise RuntimeError(f"kernel size should be greater than zero, but got kH: "
                               f"{kernel[0]} kW: {kernel[1]}")
        if min(stride) <= 0:
            raise RuntimeError("stride should not be zero")
        if min(dilation) <= 0:
            raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                               f"{dilation[0]} dilationW: {dilation[1]}")
        for k, p, d in zip(kernel, padding, dilation):
            eff = (d * (k - 1) + 1) if check_dilation else k
            if p < 0 or p > eff // 2:
                raise RuntimeError(f"pad should be at most half of effective kernel size, but "
                                   f"got pad={p}, kernel_size={k} and dilation={d}")
        out = tuple(_pool_out(s, k, st, p, d, ceil_mode)
                    for s, k, st, p, d in zip(x.shape[-2:], kernel, stride, padding, dilation))
        if min(out) < 1:
            c, h, w = x.shape[-3:]
            raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                               f"({c}x{out[0]}x{out[1]}). Output size is too small")
        shape = tuple(x.shape[:-2]) + out
        if name == "indices":
            return shape, D.int64, None
        return shape, x.dtype, x.dtype
    return rule


MAX_POOL2D = defop("max_pool2d_with_indices", _max_pool, _pool_rule("max"),
                   "MaxPool2DWithIndicesBackward0")
MAX_POOL2D_INDICES = defop("max_pool2d_indices", _max_pool_indices, _pool_rule("indices"), None,
                           saves=False)


def _pool_arg(v, n, fname, what, allow_none=False):
    if v is None or (allow_none and isinstance(v, (tuple, list)) and len(v) == 0):
        return None
    t = _ntuple(v, n)
    if len(t) not in (1, n):
        if what == "stride":
            raise RuntimeError(f"{fname}: stride must either be omitted, a single int, or a "
                               f"tuple of {'two' if n == 2 else n} ints")
        verb = "be either" if what == "dilation" else "either be"
        raise RuntimeError(f"{fname}: {what} must {verb} a single int, or a tuple of "
                           f"{'two' if n == 2 else n} ints")
    return t * n if len(t) == 1 else t


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over kernel windows (stride defaults to the kernel); return_indices also gives the
    flat h * W + w index of each maximum in its input plane.

        >>> F.max_pool2d(torch.arange(16.).view(1, 1, 4, 4), 2).flatten().tolist()
        [5.0, 7.0, 13.0, 15.0]
    """
    k = _pool_arg(kernel_size, 2, "max_pool2d", "kernel_size")
    s = _pool_arg(stride, 2, "max_pool2d", "stride", True) or k
    params = (("kernel", k), ("stride", s), ("padding", _pool_arg(padding, 2, "max_pool2d",
                                                                  "padding")),
              ("dilation", _pool_arg(dilation, 2, "max_pool2d", "dilation")),
              ("ceil_mode", bool(ceil_mode)))
    out = apply(MAX_POOL2D, (input,), params)
    if return_indices:
        return out, apply(MAX_POOL2D_INDICES, (input,), params)
    return out


def _pool1d(fn2d, input, kernel_size, stride, padding, *rest, name, **kw):
    nd = input.dim()
    if nd not in (2, 3):
        raise RuntimeError(f"{name}() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    one = lambda v, d: (d,) + _ntuple(v, 1)[:1]   # noqa: E731
    stride = None if stride is None or stride == () else one(stride, 1)
    res = fn2d(input.unsqueeze(-2), one(kernel_size, 1), stride, one(padding, 0), *rest, **kw)
    if isinstance(res, tuple):
        return tuple(r.squeeze(-2) for r in res)
    return res.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """max_pool2d over the last dimension (PyTorch records unsqueeze, pool, squeeze)."""
    d = (1,) + _ntuple(dilation, 1)[:1]
    return _pool1d(max_pool2d, input, kernel_size, stride, padding, d, ceil_mode, return_indices,
                   name="max_pool1d")


def _avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    dil = (1, 1)
    out = _pool_geometry(x, kernel, stride, padding, dil, ceil_mode)
    win = _windows(x, kernel, stride, padding, dil, out, 0)
    total = jnp.sum(win, -1)
    if divisor_override:
        return (total / divisor_override).astype(x.dtype)
    # PyTorch's divisor: the window clipped to the padded input (count_include_pad) or to the
    # input itself
    counts = []
    for size, k, s, p, o in zip(x.shape[-2:], kernel, stride, padding, out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        n = end - start
        if not count_include_pad:
            n = np.minimum(end, size) - np.maximum(start, 0)
        counts.append(n)
    div = np.outer(counts[0], counts[1]).astype(np.float64)
    return (total / jnp.asarray(div, total.dtype)).astype(x.dtype)


AVG_POOL2D = defop("avg_pool2d", _avg_pool, _pool_rule("avg", check_dilation=False),
                   "AvgPool2DBackward0")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over kernel windows (count_include_pad: padding counts in the divisor)."""
    if input.dim() not in (3, 4):
        wrap_dim(-3, input.dim())
    k = _pool_arg(kernel_size, 2, "avg_pool2d", "kernel_size")
    s = _pool_arg(stride, 2, "avg_pool2d", "stride", True) or k
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return apply(AVG_POOL2D, (input,), (
        ("kernel", k), ("stride", s), ("padding", _pool_arg(padding, 2, "avg_pool2d", "padding")),
        ("ceil_mode", bool(ceil_mode)), ("count_include_pad", bool(count_include_pad)),
        ("divisor_override", None if divisor_override is None else int(divisor_override))))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """avg_pool2d over the last dimension (PyTorch records unsqueeze, pool, squeeze)."""
    return _pool1d(avg_pool2d, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   name="avg_pool1d")


for _f in (max_pool2d, max_pool1d, avg_pool1d):
    expose(_f, _f.__name__, functional=_f.__name__)
expose(avg_pool2d, functional="avg_pool2d")


# ------------------------------------------------------------------ adaptive pooling
def _adaptive_bounds(size, out):
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)   # floor(i*L/o), ceil((i+1)*L/o)


def _adaptive_avg(x, out):
    mats = []
    for size, o in zip(x.shape[-2:], out):
        start, end = _adaptive_bounds(size, o)
        j = np.arange(size)
        m = ((j >= start[:, None]) & (j < end[:, None])) / (end - start)[:, None]
        mats.append(jnp.asarray(m, x.dtype))
    y = jnp.einsum("...hw,ph->...pw", x, mats[0], precision=jax.lax.Precision.HIGHEST)
    return jnp.einsum("...pw,qw->...pq", y, mats[1], precision=jax.lax.Precision.HIGHEST)


def _adaptive_rule(name, indices=False):
    def rule(x, out):
        if len(x.shape) not in (3, 4) or 0 in x.shape[-2:]:
            raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got {list(x.shape)}")
        shape = tuple(x.shape[:-2]) + tuple(out)
        return (shape, D.int64, None) if indices else (shape, x.dtype, x.dtype)
    return rule


ADAPTIVE_AVG_POOL2D = defop("adaptive_avg_pool2d", _adaptive_avg,
                            _adaptive_rule("adaptive_avg_pool2d"), "AdaptiveAvgPool2DBackward0",
                            saves=False)


def _adaptive_windows(x, out):
    """Windows of adaptive pooling (variable size): flat indices (oh, ow, K) and a mask."""
    (h0, h1), (w0, w1) = (_adaptive_bounds(s, o) for s, o in zip(x.shape[-2:], out))
    kh, kw = int(np.max(h1 - h0)), int(np.max(w1 - w0))
    hh = h0[:, None, None, None] + np.arange(kh)[None, None, :, None]      # (oh, 1, kh, 1)
    ww = w0[None, :, None, None] + np.arange(kw)[None, None, None, :]      # (1, ow, 1, kw)
    valid = (hh < h1[:, None, None, None]) & (ww < w1[None, :, None, None])
    flat = np.where(valid, hh * x.shape[-1] + ww, 0).reshape(out[0], out[1], kh * kw)
    return flat, valid.reshape(out[0], out[1], kh * kw)


def _adaptive_max_argmax(x, out):
    flat, valid = _adaptive_windows(x, out)
    xf = x.reshape(x.shape[:-2] + (-1,))
    win = jnp.where(valid, jnp.take(xf, flat, axis=-1), _lowest(x.dtype))
    return win, jnp.argmax(win, -1), flat


def _adaptive_max(x, out):
    win, arg, _ = _adaptive_max_argmax(x, out)
    return jnp.take_along_axis(win, arg[..., None], -1)[..., 0]


def _adaptive_max_indices(x, out):
    _, arg, flat = _adaptive_max_argmax(x, out)
    oi, oj = np.meshgrid(np.arange(out[0]), np.arange(out[1]), indexing="ij")
    return jnp.asarray(flat)[oi, oj, arg].astype(jnp.int64)


ADAPTIVE_MAX_POOL2D = defop("adaptive_max_pool2d", _adaptive_max,
                            _adaptive_rule("adaptive_max_pool2d"), "AdaptiveMaxPool2DBackward0")
ADAPTIVE_MAX_POOL2D_INDICES = defop("adaptive_max_pool2d_indices", _adaptive_max_indices,
                                    _adaptive_rule("adaptive_max_pool2d", True), None,
                                    saves=False)


def _adaptive_size(input, output_size, name):
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    out = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(out) != 2:
        raise RuntimeError(f"{name}: output_size must be 2")
    return tuple(int(s) if s is not None else int(input.shape[-2 + i]) for i, s in enumerate(out))


def adaptive_avg_pool2d(input, output_size):
    """Average over PyTorch's adaptive windows [floor(i*L/o), ceil((i+1)*L/o))."""
    out = _adaptive_size(input, output_size, "adaptive_avg_pool2d")
    if out == (1, 1):
        return input.mean((-1, -2), keepdim=True)   # PyTorch's shortcut (MeanBackward1)
    return apply(ADAPTIVE_AVG_POOL2D, (input,), (("out", out),))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over PyTorch's adaptive windows; return_indices gives flat h * W + w indices."""
    out = _adaptive_size(input, output_size, "adaptive_max_pool2d")
    res = apply(ADAPTIVE_MAX_POOL2D, (input,), (("out", out),))
    if return_indices:
        return res, apply(ADAPTIVE_MAX_POOL2D_INDICES, (input,), (("out", out),))
    return res


def adaptive_avg_pool1d(input, output_size):
    """adaptive_avg_pool2d over the last dim (PyTorch: unsqueeze, pool, squeeze)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d() argument 'input' must be 2D or 3D, but got "
                           f"{input.dim()}D")
    o = _ntuple(output_size, 1)[0]
    return apply(ADAPTIVE_AVG_POOL2D, (input.unsqueeze(-2),), (("out", (1, o)),)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d() argument 'input' must be 2D or 3D, but got "
                           f"{input.dim()}D")
    o = _ntuple(output_size, 1)[0]
    res = adaptive_max_pool2d(input.unsqueeze(-2), (1, o), return_indices)
    if return_indices:
        return res[0].squeeze(-2), res[1].squeeze(-2)
    return res.squeeze(-2)


for _f in (adaptive_avg_pool2d, adaptive_max_pool2d, adaptive_avg_pool1d, adaptive_max_pool1d):
    expose(_f, functional=_f.__name__)
expose(adaptive_avg_pool1d, "adaptive_avg_pool1d")
expose(adaptive_max_pool1d, "adaptive_max_pool1d")


# ------------------------------------------------------------------ unfold / fold
def _im2col(x, kernel, dilation, padding, stride):
    """(N, C, H, W) -> (N, C * kh * kw, L), channel-major as PyTorch's unfold."""
    p = jax.lax.conv_general_dilated_patches(
        x, kernel, stride, [(q, q) for q in padding], rhs_dilation=dilation,
        dimension_numbers=("NCHW", "OIHW", "NCHW"), precision=jax.lax.Precision.HIGHEST)
    return p.reshape(p.shape[0], p.shape[1], -1)


def _fold_geometry(spatial, kernel, dilation, padding, stride):
    return [(s + 2 * p - d * (k - 1) - 1) // st + 1
            for s, k, d, p, st in zip(spatial, kernel, dilation, padding, stride)]


def _im2col_rule(x, kernel, dilation, padding, stride):
    if len(x.shape) != 4 or 0 in x.shape[1:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(x.shape)}")
    out = _fold_geometry(x.shape[2:], kernel, dilation, padding, stride)
    if min(out) < 1:
        raise RuntimeError(f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), "
                           f"kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, "
                           f"{dilation[1]}), padding=({padding[0]}, {padding[1]}), calculated "
                           f"shape of the array of sliding blocks as ({out[0]}, {out[1]}), but "
                           "its components must be at least one.")
    return (x.shape[0], x.shape[1] * kernel[0] * kernel[1], out[0] * out[1]), x.dtype, x.dtype


IM2COL = defop("im2col", _im2col, _im2col_rule, "Im2ColBackward0", saves=False)


def _col2im(x, output_size, kernel, dilation, padding, stride):
    n, ckk, _ = x.shape
    c = ckk // (kernel[0] * kernel[1])
    shape = jax.ShapeDtypeStruct((n, c) + tuple(output_size), x.dtype)
    (y,) = jax.linear_transpose(lambda a: _im2col(a, kernel, dilation, padding, stride),
                                shape)(x)
    return y


def _col2im_rule(x, output_size, kernel, dilation, padding, stride):
    if len(x.shape) != 3:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(x.shape)}")
    kk = kernel[0] * kernel[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size=({kernel[0]}, {kernel[1]})")
    blocks = _fold_geometry(output_size, kernel, dilation, padding, stride)
    if blocks[0] * blocks[1] != x.shape[2]:
        raise RuntimeError(f"Given output_size=({output_size[0]}, {output_size[1]}), "
                           f"kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, "
                           f"{dilation[1]}), padding=({padding[0]}, {padding[1]}), stride="
                           f"({stride[0]}, {stride[1]}), expected size of input's dimension 2 "
                           f"to match the calculated number of sliding blocks {blocks[0]} * "
                           f"{blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)="
                           f"{x.shape[2]}.")
    return (x.shape[0], x.shape[1] // kk) + tuple(output_size), x.dtype, x.dtype


COL2IM = defop("col2im", _col2im, _col2im_rule, "Col2ImBackward0", saves=False)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks as columns (im2col): (N, C, H, W) -> (N, C*kh*kw, L)."""
    batched = input.dim() == 4
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got "
                           f"{input.dim()}D)")
    x = input if batched else input.unsqueeze(0)
    out = apply(IM2COL, (x,), (("kernel", _ntuple(kernel_size, 2)),
                               ("dilation", _ntuple(dilation, 2)),
                               ("padding", _ntuple(padding, 2)), ("stride", _ntuple(stride, 2))))
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The inverse arrangement of unfold (overlaps summed, col2im): (N, C*kh*kw, L) ->
    (N, C, *output_size)."""
    batched = input.dim() == 3
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors "
                           f"are supported (got {input.dim()}D)")
    x = input if batched else input.unsqueeze(0)
    out = apply(COL2IM, (x,), (("output_size", _ntuple(output_size, 2)),
                               ("kernel", _ntuple(kernel_size, 2)),
                               ("dilation", _ntuple(dilation, 2)),
                               ("padding", _ntuple(padding, 2)), ("stride", _ntuple(stride, 2))))
    return out if batched else out.squeeze(0)


expose(unfold, functional="unfold")
expose(fold, functional="fold")


# ------------------------------------------------------------------ pad
def _constant_pad(x, pads, value):
    cfg = [(0, 0, 0)] * (x.ndim - len(pads)) + [(lo, hi, 0) for lo, hi in pads]
    return jax.lax.pad(x, jnp.asarray(value, x.dtype), cfg)


def _pad_rule(x, pads, **_):
    shape = tuple(x.shape[:len(x.shape) - len(pads)])
    for i, (s, (lo, hi)) in enumerate(zip(x.shape[len(x.shape) - len(pads):], pads)):
        n = s + lo + hi
        if n < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if n == 0 and s + lo < 0:
            raise RuntimeError(
                f"The input size {s}, plus negative padding {lo} and {hi} resulted in a "
                f"negative output size, which is invalid. Check dimension "
                f"{len(x.shape) - len(pads) + i} of your input.")
        shape += (n,)
    return shape, x.dtype, x.dtype


CONSTANT_PAD = defop("constant_pad_nd", _constant_pad, _pad_rule, "ConstantPadNdBackward0",
                     saves=False)


def _index_pad(x, pads, mode):
    # out[j] = x[source(j - lo)] along each padded dim; negative pads crop
    for i, (lo, hi) in enumerate(pads):
        axis = x.ndim - len(pads) + i
        n = x.shape[axis]
        src = np.arange(-lo, n + hi)
        if mode == "reflect":
            src = np.abs(src)
            src = np.where(src >= n, 2 * (n - 1) - src, src)
        elif mode == "replicate":
            src = np.clip(src, 0, n - 1)
        else:
            # PyTorch copies the (cropped) input into the middle, then wraps the result's
            # own columns into the pads: a negative pad wraps the cropped tensor
            m = len(src)
            c0, c1 = max(lo, 0), m - max(hi, 0)
            src = np.zeros(m, np.int64)
            src[c0:c1] = np.arange(c0, c1) - lo
            for j in range(max(lo, 0)):
                src[j] = src[c1 - lo + j]
            for j in range(max(hi, 0)):   # in order, as PyTorch's copy of overlapping slices
                src[m - hi + j] = src[c0 + j]
        x = jnp.take(x, jnp.asarray(src), axis=axis)
    return x


def _pad_grad_fn(params):
    p = dict(params)
    k = len(p["pads"])
    return {"reflect": f"ReflectionPad{k}DBackward0", "replicate": f"ReplicationPad{k}DBackward0",
            "circular": "torch::autograd::CopySlices"}[p["mode"]]


def _index_pad_rule(x, pads, mode):
    shape, dt, _ = _pad_rule(x, pads)
    off = len(x.shape) - len(pads)
    for i, ((lo, hi), s) in enumerate(zip(pads, x.shape[off:])):
        if mode == "reflect" and (lo >= s or hi >= s):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({lo}, {hi}) at dimension "
                               f"{off + i} of input {list(x.shape)}")
        if mode == "circular" and (lo > s or hi > s):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and s == 0 and (lo > 0 or hi > 0):
            raise RuntimeError(f"input tensor must have non-zero size at dimension {off + i}")
    return shape, dt, dt


INDEX_PAD = defop("index_pad", _index_pad, _index_pad_rule, _pad_grad_fn, saves=False)

_PAD_SIZES = (
    "\nSupported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad)//2 dims, pairs given from the last dim backwards (PyTorch's
    order: (left, right, top, bottom, ...)); negative pads crop.

        >>> F.pad(torch.ones(1, 2), (1, 2), value=0.5).tolist()
        [[0.5, 1.0, 1.0, 0.5, 0.5]]
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = input.dim()
    if len(pad) // 2 > nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{nd}")
    pairs = tuple((pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2))[::-1]
    if mode == "constant":
        v = 0.0 if value is None else value
        v = bool(v) if input.dtype is D.bool_ else \
            (int(v) if D.is_integral(input.dtype, True) else float(v))
        return apply(CONSTANT_PAD, (input,), (("pads", pairs), ("value", v)))
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pairs)
    if not (k in (1, 2, 3) and nd in (k + 1, k + 2)):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {nd}D input "
                                  f"tensor.{_PAD_SIZES}")
    if not _is_float(input.dtype) and mode == "reflect":
        raise RuntimeError(f'"reflection_pad{k}d" not implemented for '
                           f"'{D.scalar_name(input.dtype)}'")
    return apply(INDEX_PAD, (input,), (("pads", pairs), ("mode", mode)))


expose(pad, functional="pad")


# ------------------------------------------------------------------ interpolate
def _nearest_src(size, out, scale):
    if out == size:
        return np.arange(out)
    if out == 2 * size:
        return np.arange(out) >> 1
    s = np.float32(1.0 / scale if scale else size / out)
    return np.minimum(np.floor(np.arange(out, dtype=np.float32) * s).astype(np.int64), size - 1)


def _upsample_nearest(x, out, scales):
    k = len(out)
    for i, (o, sc) in enumerate(zip(out, scales)):
        axis = x.ndim - k + i
        x = jnp.take(x, jnp.asarray(_nearest_src(x.shape[axis], o, sc)), axis=axis)
    return x


def _linear_weights(size, out, scale, align_corners, dtype):
    """PyTorch's linear interpolation: source index, its right neighbour and the weight."""
    ft = np.float32 if dtype.itemsize <= 4 else np.float64
    dst = np.arange(out, dtype=ft)
    if align_corners:
        s = ft((size - 1) / (out - 1)) if out > 1 else ft(0)
        src = dst * s
    else:
        s = ft(1.0 / scale if scale else size / out)
        src = np.maximum(s * (dst + ft(0.5)) - ft(0.5), ft(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < size - 1)
    lam = (src - i0).astype(ft)
    return i0, i1, lam


def _upsample_linear(x, out, scales, align_corners):
    k = len(out)
    for i, (o, sc) in enumerate(zip(out, scales)):
        axis = x.ndim - k + i
        i0, i1, lam = _linear_weights(x.shape[axis], o, sc, align_corners, x.dtype)
        shape = [1] * x.ndim
        shape[axis] = o
        lam = jnp.asarray(lam.reshape(shape), x.dtype)
        x = jnp.take(x, jnp.asarray(i0), axis=axis) * (1 - lam) + \
            jnp.take(x, jnp.asarray(i1), axis=axis) * lam
    return x


def _upsample_rule(x, out, scales, **_):
    k = len(out)
    if any(o <= 0 for o in out) or 0 in x.shape[2:]:
        names = ("D", "H", "W")[3 - k:]
        ins = ", ".join(f"{n}: {s}" for n, s in zip(names, x.shape[2:]))
        outs = ", ".join(f"{n}: {s}" for n, s in zip(names, out))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({ins}) output ({outs})")
    if not _is_float(x.dtype):
        raise RuntimeError(f'"upsample_nearest{k}d_out_frame" not implemented for '
                           f"'{D.scalar_name(x.dtype)}'")
    return tuple(x.shape[:2]) + tuple(out), x.dtype, x.dtype


_LINEAR_NAMES = {1: "UpsampleLinear1DBackward0", 2: "UpsampleBilinear2DBackward0",
                 3: "UpsampleTrilinear3DBackward0"}
UPSAMPLE_NEAREST = defop("upsample_nearest", _upsample_nearest, _upsample_rule,
                         lambda p: f"UpsampleNearest{len(dict(p)['out'])}DBackward0", saves=False)
UPSAMPLE_LINEAR = defop("upsample_linear", _upsample_linear, _upsample_rule,
                        lambda p: _LINEAR_NAMES[len(dict(p)["out"])], saves=False)

_LINEAR_MODES = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims (after N, C) to `size` or by `scale_factor`; modes 'nearest',
    'linear'/'bilinear'/'trilinear' (align_corners) and 'area'.

        >>> F.interpolate(torch.ones(1, 1, 2, 2), scale_factor=2).shape
        torch.Size([1, 1, 4, 4])
    """
    nd = input.dim()
    k = nd - 2
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if align_corners is None:
        align_corners = False
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (tuple, list)):
            if len(size) != k:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output "
                    "size in (o1, o2, ...,oK) format.")
            out = tuple(int(s) for s in size)
        else:
            out = (int(size),) * k
        scales = (None,) * k
    elif scale_factor is not None:
        if isinstance(scale_factor, (tuple, list)):
            if len(scale_factor) != k:
                raise ValueError(
                    f"Input and scale_factor must have the same number of spatial dimensions, "
                    f"but got input with spatial dimensions of {spatial} and scale_factor of "
                    f"shape {scale_factor}. Please provide input tensor in (N, C, d1, d2, "
                    "...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            sf = tuple(float(s) for s in scale_factor)
        else:
            sf = (float(scale_factor),) * k
        out = tuple(int(math.floor(float(s) * f)) for s, f in zip(spatial, sf))
        scales = (None,) * k if recompute_scale_factor else sf
    else:
        raise ValueError("either size or scale_factor should be defined")
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported")
    if mode == "nearest" and k in (1, 2, 3):
        return apply(UPSAMPLE_NEAREST, (input,), (("out", out), ("scales", scales)))
    if mode in _LINEAR_MODES:
        need = _LINEAR_MODES[mode]
        if k != need:
            raise NotImplementedError(f"Got {nd}D input, but {mode} mode needs {need + 2}D input")
        return apply(UPSAMPLE_LINEAR, (input,), (("out", out), ("scales", scales),
                                                 ("align_corners", bool(align_corners))))
    if mode == "area" and k == 2:
        return adaptive_avg_pool2d(input, out)
    if mode in ("bicubic", "area", "nearest-exact", "nearest") and k in (1, 2, 3):
        raise NotImplementedError(f"interpolate(mode={mode!r}) is not supported for {nd}D input")
    raise NotImplementedError(
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {nd}D) for the modes: "
        f"nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact "
        f"(got {mode})")


expose(interpolate, functional="interpolate")



def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", UserWarning, stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", UserWarning, stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", UserWarning, stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


for _f in (upsample, upsample_nearest, upsample_bilinear):
    expose(_f, functional=_f.__name__)
