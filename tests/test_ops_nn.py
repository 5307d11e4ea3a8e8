"""nn.functional layers (facade/_ops/nnfunc.py, facade/_ops/conv.py): forward and gradient of
every op against JAX and float64 central differences, forward values recorded from PyTorch
2.13 where JAX has no direct twin (pooling with ceil_mode, interpolate, pad modes,
conv_transpose2d, batch_norm), PyTorch's grad_fn names, error messages, dropout's
statistics and reproducibility, batch_norm's running statistics, one program per step.

The recorded values (TORCH below) came from tests/test_ops_nn.py's `_torch_inputs` run
through torch.nn.functional with the same arguments as the `test_recorded_values` cases.
"""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade import debug
from opcheck import anyv, check_spec, pos

F = torch.nn.functional
HI = jax.lax.Precision.HIGHEST


def perm(*s):
    """Distinct values (no ties for max pooling), the inputs the TORCH values were made from."""
    n = int(np.prod(s))
    return torch.tensor(((np.arange(n) * 37) % n - n / 2) / 4.0,
                        dtype=torch.float64).reshape(s)


def _ix(*v):
    return torch.tensor(v)


# ------------------------------------------------------------------ JAX references
def jconv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    k = w.ndim - 2
    sp = "DHW"[3 - k:]
    y = jax.lax.conv_general_dilated(
        x, w, (stride,) * k if isinstance(stride, int) else stride,
        [(padding, padding)] * k if isinstance(padding, int) else padding,
        rhs_dilation=(dilation,) * k if isinstance(dilation, int) else dilation,
        feature_group_count=groups, dimension_numbers=("NC" + sp, "OI" + sp, "NC" + sp),
        precision=HI)
    return y if b is None else y + b.reshape((1, -1) + (1,) * k)


def jconv_transpose(y, w, out_hw, stride, padding, dilation):
    """conv_transpose2d as the vjp of conv2d with respect to its input (groups=1)."""
    x0 = jnp.zeros((y.shape[0], w.shape[1]) + out_hw, y.dtype)
    _, vjp = jax.vjp(lambda x: jconv(x, w, None, stride, [(p, p) for p in padding], dilation),
                     x0)
    return vjp(y)[0]


def jwindows(x, k, s):
    """(N, C, H, W) -> (N, C, oh, ow, k*k) without padding."""
    oh, ow = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
    cols = [x[:, :, i:i + (oh - 1) * s + 1:s, j:j + (ow - 1) * s + 1:s]
            for i in range(k) for j in range(k)]
    return jnp.stack(cols, -1)


def jlayer_norm(x, k, w=None, b=None, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    m = x.mean(axes, keepdims=True)
    v = ((x - m) ** 2).mean(axes, keepdims=True)
    y = (x - m) / jnp.sqrt(v + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def jbatch_norm(x, w, b, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    sh = (1, -1) + (1,) * (x.ndim - 2)
    m = x.mean(axes, keepdims=True)
    v = ((x - m) ** 2).mean(axes, keepdims=True)
    return (x - m) / jnp.sqrt(v + eps) * w.reshape(sh) + b.reshape(sh)


def _dropout_mask(shape, p, seed):
    from facade._factory import _key
    with jax.enable_x64(True):
        k = _key(jnp.int64(seed), jnp.int64(0), jnp.int64(0))
        return np.asarray(jax.random.bernoulli(k, 1 - p, shape), np.float64) / (1 - p)


_DROP_MASK = _dropout_mask((3, 4), 0.4, 123)


def _seeded_dropout(a, p=0.4, seed=123):
    torch.manual_seed(seed)
    return F.dropout(a, p)


_E_IDX = [[0, 2, 2], [4, 1, 0]]


@pytest.fixture(autouse=True)
def _compile_whole(monkeypatch):
    # these tests run each structure a few times: compile it whole at once rather than op by
    # op first (facade/_tiers.py), which costs more XLA compiles here
    monkeypatch.setattr(torch.config, "compile_after", 1)


def _adaptive_bounds(size, out):
    return [((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]


def jadaptive(x, out, red):
    rows = []
    for h0, h1 in _adaptive_bounds(x.shape[2], out[0]):
        rows.append(jnp.stack([red(x[:, :, h0:h1, w0:w1], axis=(2, 3))
                               for w0, w1 in _adaptive_bounds(x.shape[3], out[1])], -1))
    return jnp.stack(rows, -2)


def _interp_matrix(size, out, align_corners):
    """Linear interpolation as a matrix (out, size): PyTorch's source-index formula."""
    m = np.zeros((out, size))
    for j in range(out):
        if align_corners:
            src = j * (size - 1) / (out - 1) if out > 1 else 0.0
        else:
            src = max((j + 0.5) * size / out - 0.5, 0.0)
        i0 = min(int(np.floor(src)), size - 1)
        i1 = min(i0 + 1, size - 1)
        lam = src - i0
        m[j, i0] += 1 - lam
        m[j, i1] += lam
    return m


def jbilinear(x, out, align_corners):
    mh = _interp_matrix(x.shape[2], out[0], align_corners)
    mw = _interp_matrix(x.shape[3], out[1], align_corners)
    return jnp.einsum("nchw,ph,qw->ncpq", x, mh, mw, precision=HI)


_perm_np = lambda *s: np.asarray(perm(*s).tolist())   # noqa: E731
_RM = [0.5, -1.0, 2.0]
_RV = [1.0, 2.0, 0.5]

# op name -> (float64 inputs, facade fn, JAX fn)
SPECS = {
    "linear": ([anyv(2, 3), anyv(4, 3), anyv(4)], F.linear, lambda x, w, b: x @ w.T + b),
    "bilinear": ([anyv(2, 3), anyv(2, 2), anyv(2, 3, 2)], F.bilinear,
                 lambda a, b, w: jnp.einsum("bi,oij,bj->bo", a, w, b)),
    "dropout": ([anyv(3, 4)], _seeded_dropout,
                lambda a: a * _DROP_MASK),
    "native_layer_norm": ([anyv(2, 3, 4), pos(3, 4), anyv(3, 4)],
                          lambda x, w, b: F.layer_norm(x, (3, 4), w, b),
                          lambda x, w, b: jlayer_norm(x, 2, w, b)),
    "native_batch_norm": ([anyv(4, 3, 2), pos(3), anyv(3)],
                          lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                          jbatch_norm),
    "embedding": ([anyv(5, 3)], lambda w: F.embedding(torch.tensor(_E_IDX), w, padding_idx=2),
                  lambda w: jnp.where(jnp.arange(5)[:, None] == 2, jax.lax.stop_gradient(w),
                                      w)[jnp.array(_E_IDX)]),
    "convolution": ([anyv(1, 4, 5, 4), anyv(2, 2, 3, 2), anyv(2)],
                    lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1,
                                             dilation=(1, 2), groups=2),
                    lambda x, w, b: jconv(x, w, b, (2, 1), [(1, 1), (1, 1)], (1, 2), 2)),
    "max_pool2d_with_indices": (
        [_perm_np(1, 2, 6, 6)],
        lambda a: F.max_pool2d(a, 3, 2, padding=1, ceil_mode=True),
        lambda a: jwindows(jnp.pad(a, ((0, 0), (0, 0), (1, 2), (1, 2)),
                                   constant_values=-jnp.inf), 3, 2).max(-1)),
    "avg_pool2d": ([anyv(1, 2, 5, 5)], lambda a: F.avg_pool2d(a, 3, 2, padding=1),
                   lambda a: jwindows(jnp.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1))), 3, 2)
                   .sum(-1) / 9),
    "adaptive_avg_pool2d": ([anyv(1, 2, 5, 4)], lambda a: F.adaptive_avg_pool2d(a, (3, 3)),
                            lambda a: jadaptive(a, (3, 3), jnp.mean)),
    "adaptive_max_pool2d": ([_perm_np(1, 2, 5, 4)], lambda a: F.adaptive_max_pool2d(a, (3, 2)),
                            lambda a: jadaptive(a, (3, 2), jnp.max)),
    "constant_pad_nd": ([anyv(2, 3, 4)], lambda a: F.pad(a, (1, -2, 0, 2), value=0.5),
                        lambda a: jax.lax.pad(a, 0.5, [(0, 0, 0), (0, 2, 0), (1, -2, 0)])),
    "index_pad": ([anyv(1, 2, 3, 4)], lambda a: F.pad(a, (2, 1, 1, 2), mode="reflect"),
                  lambda a: jnp.pad(a, ((0, 0), (0, 0), (1, 2), (2, 1)), mode="reflect")),
    "upsample_nearest": ([anyv(1, 2, 3, 2)], lambda a: F.interpolate(a, size=(5, 4)),
                         lambda a: a[:, :, jnp.array([0, 0, 1, 1, 2])][:, :, :, jnp.array(
                             [0, 0, 1, 1])]),
    "upsample_linear": ([anyv(1, 2, 3, 4)],
                        lambda a: F.interpolate(a, size=(5, 7), mode="bilinear"),
                        lambda a: jbilinear(a, (5, 7), False)),
}

# the references are jitted: eager JAX compiles each primitive separately (slow here)
SPECS = {k: (a, f, jax.jit(r)) for k, (a, f, r) in SPECS.items()}

# ops with no gradient of their own: why
NOT_DIRECT = {
    "one_hot": "integer result (test_one_hot)",
    "max_pool2d_indices": "integer result (test_recorded_values)",
    "adaptive_max_pool2d_indices": "integer result (test_recorded_values)",
    "batch_norm_update": "writes running statistics outside autograd "
                         "(test_batch_norm_running_stats)",
    "embedding_renorm": "rescales rows in place outside autograd (test_embedding_max_norm)",
}

NO_FINITE_DIFFERENCES = {
    "embedding": "the padding row's derivative is 0 by PyTorch's convention (jax.grad checks it)",
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_nn_op_forward_and_gradient(name):
    check_spec(SPECS[name], name not in NO_FINITE_DIFFERENCES)


def _bn_eval(x, w, b):
    rm, rv = torch.tensor(_RM, dtype=torch.float64), torch.tensor(_RV, dtype=torch.float64)
    return F.batch_norm(x, rm, rv, w, b, eps=1e-3)


def _jbn_eval(x, w, b):
    rm, rv = jnp.array(_RM)[None, :, None], jnp.array(_RV)[None, :, None]
    return (x - rm) / jnp.sqrt(rv + 1e-3) * w[None, :, None] + b[None, :, None]


def _noncontig_linear(x, w, b):
    return F.linear(x.transpose(0, 1), w, b)


def _same_even(x, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PyTorch's warning about the extra zero-padded copy
        return F.conv2d(x, w, padding="same")


# more argument combinations of the same ops (same checks as SPECS)
CASES = {
    "linear_3d": ([anyv(2, 2, 3), anyv(4, 3), anyv(4)], F.linear,
                  lambda x, w, b: x @ w.T + b),
    "linear_noncontiguous": ([anyv(2, 2, 3), anyv(4, 3), anyv(4)], _noncontig_linear,
                             lambda x, w, b: jnp.swapaxes(x, 0, 1) @ w.T + b),
    "linear_no_bias": ([anyv(2, 3), anyv(4, 3)], F.linear, lambda x, w: x @ w.T),
    "linear_1d": ([anyv(3), anyv(4, 3), anyv(4)], F.linear, lambda x, w, b: w @ x + b),
    "bilinear_batched_bias": ([anyv(2, 2, 3), anyv(2, 2, 2), anyv(2, 3, 2), anyv(2)],
                              F.bilinear,
                              lambda a, b, w, c: jnp.einsum("nbi,oij,nbj->nbo", a, w, b) + c),
    "conv1d": ([anyv(2, 2, 6), anyv(3, 2, 2)],
               lambda x, w: F.conv1d(x, w, stride=2, padding=1, dilation=2),
               lambda x, w: jconv(x, w, None, 2, 1, 2)),
    "conv2d_unbatched": ([anyv(2, 4, 4), anyv(3, 2, 2, 2), anyv(3)], F.conv2d,
                         lambda x, w, b: jconv(x[None], w, b)[0]),
    "conv2d_same_even_kernel": ([anyv(1, 1, 4, 4), anyv(2, 1, 2, 2)], _same_even,
                                lambda x, w: jconv(x, w, None, 1, [(0, 1), (0, 1)])),
    "conv2d_valid": ([anyv(1, 2, 4, 3), anyv(2, 2, 2, 2)],
                     lambda x, w: F.conv2d(x, w, padding="valid"), lambda x, w: jconv(x, w)),
    "conv_transpose2d": ([anyv(1, 2, 3, 3), anyv(2, 3, 2, 3)],
                         lambda y, w: F.conv_transpose2d(y, w, stride=2, padding=1,
                                                         output_padding=1),
                         lambda y, w: jconv_transpose(y, w, (5, 6), (2, 2), (1, 1), (1, 1))),
    "conv_transpose2d_dilated_bias": (
        [anyv(1, 2, 2, 3), anyv(2, 1, 2, 2), anyv(1)],
        lambda y, w, b: F.conv_transpose2d(y, w, b, dilation=2, stride=(1, 2)),
        lambda y, w, b: jconv_transpose(y, w, (4, 7), (1, 2), (0, 0), (2, 2)) + b[0]),
    "max_pool2d_dilated": ([_perm_np(1, 1, 5, 5)],
                           lambda a: F.max_pool2d(a, 2, 1, dilation=2),
                           lambda a: jnp.stack([a[:, :, i:i + 3, j:j + 3] for i in (0, 2)
                                                for j in (0, 2)], -1).max(-1)),
    "max_pool1d": ([_perm_np(2, 7)], lambda a: F.max_pool1d(a, 3, 2),
                   lambda a: jnp.stack([a[:, i:i + 5:2] for i in range(3)], -1).max(-1)),
    "avg_pool1d": ([anyv(1, 2, 6)], lambda a: F.avg_pool1d(a, 2),
                   lambda a: (a[..., 0::2] + a[..., 1::2]) / 2),
    "avg_pool2d_exclude_pad": (
        [anyv(1, 1, 4, 4)], lambda a: F.avg_pool2d(a, 2, 2, padding=1, count_include_pad=False),
        lambda a: jwindows(jnp.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1))), 2, 2).sum(-1)
        / jnp.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]])),
    "avg_pool2d_divisor": ([anyv(1, 1, 4, 4)], lambda a: F.avg_pool2d(a, 2, divisor_override=3),
                           lambda a: jwindows(a, 2, 2).sum(-1) / 3),
    "adaptive_avg_pool2d_global": ([anyv(1, 2, 3, 3)], lambda a: F.adaptive_avg_pool2d(a, 1),
                                   lambda a: a.mean((2, 3), keepdims=True)),
    "pad_replicate": ([anyv(1, 2, 3)], lambda a: F.pad(a, (2, 1), mode="replicate"),
                      lambda a: jnp.pad(a, ((0, 0), (0, 0), (2, 1)), mode="edge")),
    "pad_circular": ([anyv(1, 1, 3, 3)], lambda a: F.pad(a, (1, 2, 2, 0), mode="circular"),
                     lambda a: jnp.pad(a, ((0, 0), (0, 0), (2, 0), (1, 2)), mode="wrap")),
    "interpolate_bilinear_align_corners": (
        [anyv(1, 1, 3, 4)],
        lambda a: F.interpolate(a, size=(5, 3), mode="bilinear", align_corners=True),
        lambda a: jbilinear(a, (5, 3), True)),
    "interpolate_nearest_scale": ([anyv(1, 2, 4)], lambda a: F.interpolate(a, scale_factor=2),
                                  lambda a: jnp.repeat(a, 2, -1)),
    "normalize": ([anyv(3, 4)], lambda a: F.normalize(a, dim=0),
                  lambda a: a / jnp.maximum(jnp.sqrt((a * a).sum(0, keepdims=True)), 1e-12)),
    "layer_norm_plain": ([anyv(2, 5)], lambda a: F.layer_norm(a, (5,), eps=1e-2),
                         lambda a: jlayer_norm(a, 1, eps=1e-2)),
    "batch_norm_eval": ([anyv(4, 3, 2), pos(3), anyv(3)], _bn_eval, _jbn_eval),
    "batch_norm_4d": ([anyv(2, 2, 2, 3), pos(2), anyv(2)],
                      lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                      jbatch_norm),
}


CASES = {k: (a, f, jax.jit(r)) for k, (a, f, r) in CASES.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_nn_argument_combinations(name):
    check_spec(CASES[name])

TORCH = {'adaptive_avg': [[[[-0.9583333333, 0.875], [-0.3333333333, 0.1111111111],
                    [0.2916666667, -2.0416666667]],
                   [[1.125, 0.875], [0.3611111111, -0.5833333333],
                    [-1.7916666667, 0.0416666667]]]],
 'adaptive_max': [[[[[3.0, 5.75], [4.75, 5.25], [4.25, 3.25]],
                    [[6.0, 6.0], [5.5, 4.5], [3.5, 4.0]]]],
                  [[[[1, 4], [12, 8], [16, 24]], [[2, 2], [6, 14], [22, 18]]]]],
 'avgpool_ceil_nopad': [[[[-0.375, -0.0416666667, 2.375], [-0.7916666667, 0.5833333333, -0.125],
                          [0.875, -0.875, -2.625]],
                         [[-0.375, 2.0416666667, -0.75], [1.2916666667, -0.1111111111, -0.125],
                          [-2.25, -0.875, 0.5]]]],
 'avgpool_ceil_pad': [[[[-0.1666666667, -0.0277777778, 1.0555555556],
                        [-0.5277777778, 0.5833333333, -0.0833333333],
                        [0.3888888889, -0.5833333333, -1.1666666667]],
                       [[-0.1666666667, 1.3611111111, -0.3333333333],
                        [0.8611111111, -0.1111111111, -0.0833333333],
                        [-1.0, -0.5833333333, 0.2222222222]]]],
 'avgpool_div': [[[[-0.5, -0.8333333333], [-2.1666666667, 1.6666666667]],
                  [[-0.5, 3.3333333333], [2.0, -2.5]]]],
 'bilinear': [[[[-1.5, -1.4107142857, -1.2678571429, -1.125, -0.9821428571, -0.8392857143,
                 -0.75],
                [-1.1, -1.0107142857, -0.8678571429, -0.725, -0.5821428571, -0.4392857143,
                 -0.35],
                [-0.5, -0.4107142857, -0.2678571429, -0.125, 0.0178571429, 0.1607142857, 0.25],
                [0.1, 0.1892857143, 0.3321428571, 0.475, 0.6178571429, 0.7607142857, 0.85],
                [0.5, 0.5892857143, 0.7321428571, 0.875, 1.0178571429, 1.1607142857, 1.25]]]],
 'bilinear_ac': [[[[-1.5, -1.375, -1.25, -1.125, -1.0, -0.875, -0.75],
                   [-1.0, -0.875, -0.75, -0.625, -0.5, -0.375, -0.25],
                   [-0.5, -0.375, -0.25, -0.125, 0.0, 0.125, 0.25],
                   [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75],
                   [0.5, 0.625, 0.75, 0.875, 1.0, 1.125, 1.25]]]],
 'bilinear_down': [[[[-1.0625, 1.5625, -1.4375, -0.21875],
                     [-1.0625, 0.15625, 0.90625, -0.6875]]]],
 'bilinear_sf': [[[[-1.5, -1.4044117647, -1.2573529412, -1.1102941176, -0.9632352941,
                    -0.8161764706],
                   [-1.1176470588, -1.0220588235, -0.875, -0.7279411765, -0.5808823529,
                    -0.4338235294],
                   [-0.5294117647, -0.4338235294, -0.2867647059, -0.1397058824, 0.0073529412,
                    0.1544117647],
                   [0.0588235294, 0.1544117647, 0.3014705882, 0.4485294118, 0.5955882353,
                    0.7426470588],
                   [0.5, 0.5955882353, 0.7426470588, 0.8897058824, 1.0367647059,
                    1.1838235294]]]],
 'bn_eval': [[[-2.4467450878, 0.0676965044], [-1.1447115372, 0.9661040633],
              [-3.056494647, -0.2284213081]],
             [[-1.2862335837, 1.2282080085], [-0.1704889523, 1.9403266481],
              [-1.7512300291, 1.0768433098]],
             [[-0.1257220796, -2.2533265038], [0.8037336325, -0.9823411064],
              [-0.4459654111, -2.838950544]],
             [[1.0347894245, -1.0928149997], [1.7779562173, -0.0081185215],
              [0.8592992068, -1.5336859261]]],
 'bn_train': [[[[-1.4122563811, 0.5203049825], [-2.7245127621, 1.140609965],
                [-4.0367691432, 1.7609149475]],
               [[-0.5203049825, 1.4122563811], [-0.940609965, 2.9245127621],
                [-1.3609149475, 4.4367691432]],
               [[0.3716464161, -1.2635978146], [0.8432928321, -2.4271956293],
                [1.3149392482, -3.5907934439]],
               [[1.2635978146, -0.3716464161], [2.6271956293, -0.6432928321],
                [3.9907934439, -0.9149392482]]],
              [0.1625, -0.7375, 1.5125], [1.6696428571, 2.3696428571, 1.3196428571]],
 'circular': [[[-0.5, -0.25, -0.5, -0.25, -0.5], [0.25, 0.5, 0.25, 0.5, 0.25]]],
 'constant': [[[0.5, 0.5], [0.5, -0.75], [0.5, 0.0]]],
 'conv_same_even': [[[[1.25, 0.625, -1.0, -0.875], [0.75, -0.875, -0.5, 0.625],
                      [-0.75, -0.375, 1.0, 0.125], [-0.0625, 1.0, 0.0625, -0.375]]]],
 'conv_t': [[[[3.125, 5.5, 2.9166666667, 5.0833333333, 2.7083333333, 2.6041666667],
              [2.6875, 4.5, 2.3541666667, 3.8333333333, 2.0208333333, 2.0416666667],
              [2.5, 4.25, 2.2916666667, 3.8333333333, 2.0833333333, 2.1041666667],
              [1.6875, 2.5, 1.3541666667, 1.8333333333, 1.0208333333, 1.1666666667],
              [1.875, 3.0, 1.6666666667, 2.5833333333, 1.4583333333, 1.6041666667]],
             [[0.5, 2.0, 0.5416666667, 2.0833333333, 0.5833333333, 0.4791666667],
              [0.8125, 2.5, 0.7291666667, 2.3333333333, 0.6458333333, 0.6666666667],
              [0.625, 2.25, 0.6666666667, 2.3333333333, 0.7083333333, 0.7291666667],
              [0.5625, 2.0, 0.4791666667, 1.8333333333, 0.3958333333, 0.5416666667],
              [0.75, 2.5, 0.7916666667, 2.5833333333, 0.8333333333, 0.9791666667]],
             [[2.375, 3.0, 2.6666666667, 3.5833333333, 2.9583333333, 2.8541666667],
              [3.4375, 5.0, 3.6041666667, 5.3333333333, 3.7708333333, 3.7916666667],
              [3.25, 4.75, 3.5416666667, 5.3333333333, 3.8333333333, 3.8541666667],
              [3.9375, 6.0, 4.1041666667, 6.3333333333, 4.2708333333, 4.4166666667],
              [4.125, 6.5, 4.4166666667, 7.0833333333, 4.7083333333, 4.8541666667]]]],
 'conv_t_groups': [[[[-0.75, 2.625, 0.0833333333], [0.9166666667, -2.0416666667, -0.5833333333],
                     [1.5, -1.75, 0.4583333333], [-0.5833333333, 1.0833333333, -0.9583333333]],
                    [[-0.4166666667, -0.2083333333, -0.4166666667],
                     [1.5833333333, -0.2083333333, -0.0833333333],
                     [0.8333333333, -0.5833333333, -1.0416666667],
                     [-0.9166666667, 0.9166666667, 0.5416666667]]]],
 'linear1d': [[[-0.75, -0.625, -0.5, -0.375, -0.25], [0.0, 0.125, 0.25, 0.375, 0.5]]],
 'maxpool_ceil': [[[[[3.0, 5.25, 5.75], [4.25, 4.75, -1.75], [3.75, -2.75, 3.25]],
                    [[5.5, 6.0, -0.5], [5.0, 4.0, 4.5], [-2.5, 3.5, -3.0]]]],
                  [[[[1, 8, 4], [16, 12, 14], [20, 22, 24]],
                    [[6, 2, 4], [10, 18, 14], [20, 22, 24]]]]],
 'maxpool_dil': [[[[[4.75, 3.0, 5.75], [2.5, 5.25, 2.0], [4.75, 1.5, 4.75]],
                   [[6.0, 2.75, 6.0], [2.25, 5.5, 2.25], [5.0, 1.75, 4.5]]]],
                 [[[[12, 1, 4], [5, 8, 9], [12, 13, 12]],
                   [[2, 3, 2], [7, 6, 7], [10, 11, 14]]]]],
 'maxpool_pad_ceil': [[[[[3.0, 5.25, 5.75], [4.25, 5.25, 5.25], [4.25, 4.25, 3.25]],
                        [[5.5, 6.0, 2.75], [5.5, 5.5, 4.5], [1.25, 4.0, 4.0]]]],
                      [[[[1, 8, 4], [16, 8, 8], [16, 16, 24]],
                        [[6, 2, 3], [6, 6, 14], [15, 18, 18]]]]],
 'nearest_sf': [[[[-1.5, -1.5, -1.25, -1.0, -1.0, -0.75],
                  [-1.5, -1.5, -1.25, -1.0, -1.0, -0.75], [-0.5, -0.5, -0.25, 0.0, 0.0, 0.25],
                  [0.5, 0.5, 0.75, 1.0, 1.0, 1.25]]]],
 'nearest_size': [[[[-1.5, -1.25, -1.0], [-1.5, -1.25, -1.0], [-0.5, -0.25, 0.0],
                    [-0.5, -0.25, 0.0], [0.5, 0.75, 1.0]]]],
 'reflect': [[[-0.25, -0.5, -0.75, -0.5], [0.5, 0.25, 0.0, 0.25]]],
 'replicate2d': [[[-0.5, -0.5, -0.25, -0.25, -0.25], [-0.5, -0.5, -0.25, -0.25, -0.25],
                  [-0.5, -0.5, -0.25, -0.25, -0.25], [0.0, 0.0, 0.25, 0.25, 0.25]]]}


# ------------------------------------------------------------------ values recorded from PyTorch
def _bn_train_recorded():
    rm = torch.tensor(_RM, dtype=torch.float64)
    rv = torch.tensor(_RV, dtype=torch.float64)
    y = F.batch_norm(perm(4, 3, 2), rm, rv, torch.tensor([1., 2., 3.], dtype=torch.float64),
                     torch.tensor([0., .1, .2], dtype=torch.float64), training=True,
                     momentum=0.3)
    return y, rm, rv


def _bn_eval_recorded():
    _, rm, rv = _bn_train_recorded()
    return F.batch_norm(perm(4, 3, 2), rm, rv, training=False, eps=1e-3)


RECORDED = {
    "maxpool_ceil": lambda: F.max_pool2d(perm(1, 2, 5, 5), 2, ceil_mode=True,
                                         return_indices=True),
    "maxpool_pad_ceil": lambda: F.max_pool2d(perm(1, 2, 5, 5), 3, stride=2, padding=1,
                                             ceil_mode=True, return_indices=True),
    "maxpool_dil": lambda: F.max_pool2d(perm(1, 2, 5, 5), 2, stride=1, dilation=2,
                                        return_indices=True),
    "avgpool_ceil_nopad": lambda: F.avg_pool2d(perm(1, 2, 5, 5), 3, stride=2, padding=1,
                                               ceil_mode=True, count_include_pad=False),
    "avgpool_ceil_pad": lambda: F.avg_pool2d(perm(1, 2, 5, 5), 3, stride=2, padding=1,
                                             ceil_mode=True),
    "avgpool_div": lambda: F.avg_pool2d(perm(1, 2, 5, 5), 2, divisor_override=3),
    "bilinear": lambda: F.interpolate(perm(1, 1, 3, 4), size=(5, 7), mode="bilinear"),
    "bilinear_ac": lambda: F.interpolate(perm(1, 1, 3, 4), size=(5, 7), mode="bilinear",
                                         align_corners=True),
    "bilinear_sf": lambda: F.interpolate(perm(1, 1, 3, 4), scale_factor=1.7, mode="bilinear"),
    "bilinear_down": lambda: F.interpolate(perm(1, 1, 5, 6), size=(2, 4), mode="bilinear"),
    "nearest_sf": lambda: F.interpolate(perm(1, 1, 3, 4), scale_factor=1.5),
    "nearest_size": lambda: F.interpolate(perm(1, 1, 3, 4), size=(5, 3)),
    "linear1d": lambda: F.interpolate(perm(1, 2, 3), size=5, mode="linear", align_corners=True),
    "adaptive_avg": lambda: F.adaptive_avg_pool2d(perm(1, 2, 5, 5), (3, 2)),
    "adaptive_max": lambda: F.adaptive_max_pool2d(perm(1, 2, 5, 5), (3, 2), return_indices=True),
    "reflect": lambda: F.pad(perm(1, 2, 3), (2, -1), mode="reflect"),
    "circular": lambda: F.pad(perm(1, 2, 3), (-1, 3), mode="circular"),
    "replicate2d": lambda: F.pad(perm(1, 2, 2), (1, 2, 2, 0), mode="replicate"),
    "constant": lambda: F.pad(perm(1, 2, 3), (1, -2, 1, 0), value=0.5),
    "conv_t": lambda: F.conv_transpose2d(
        perm(1, 2, 3, 3), perm(2, 3, 2, 3) / 3, torch.tensor([0.5, -1., 2.], dtype=torch.float64),
        stride=2, padding=1, output_padding=1, dilation=1),
    "conv_t_groups": lambda: F.conv_transpose2d(perm(1, 4, 2, 3), perm(4, 1, 2, 2) / 3,
                                                stride=(2, 1), padding=(0, 1), groups=2,
                                                dilation=(1, 2)),
    "conv_same_even": lambda: _same_even(perm(1, 1, 4, 4), perm(1, 1, 2, 2)),
    "bn_train": _bn_train_recorded,
    "bn_eval": _bn_eval_recorded,
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_recorded_values(name):
    got = RECORDED[name]()
    expected = TORCH[name]
    if not isinstance(got, tuple):
        got, expected = (got,), (expected,)
    for g, e in zip(got, expected):
        e = np.asarray(e)
        assert tuple(g.shape) == e.shape
        if e.dtype.kind == "i":
            assert g.dtype == torch.int64 and g.tolist() == e.tolist()
        else:
            np.testing.assert_allclose(g.numpy(), e, rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------------ grad_fn names (PyTorch 2.13)
def _r(*s):
    return torch.tensor(anyv(*s), dtype=torch.float32, requires_grad=True)


GRAD_FN_NAMES = [
    (lambda: F.linear(_r(2, 3), _r(4, 3), _r(4)), "AddmmBackward0"),
    (lambda: F.linear(_r(2, 3), _r(4, 3)), "MmBackward0"),
    (lambda: F.linear(_r(2, 5, 3), _r(4, 3), _r(4)), "ViewBackward0"),
    (lambda: F.linear(_r(2, 5, 3), _r(4, 3)), "UnsafeViewBackward0"),
    (lambda: F.linear(_r(3), _r(4, 3)), "SqueezeBackward4"),
    (lambda: F.linear(_r(3, 4, 5).transpose(0, 1), _r(2, 5), _r(2)), "AddBackward0"),
    (lambda: F.bilinear(_r(2, 3), _r(2, 4), _r(5, 3, 4), _r(5)), "AddBackward0"),
    (lambda: F.bilinear(_r(2, 3), _r(2, 4), _r(5, 3, 4)), "ViewBackward0"),
    (lambda: F.dropout(_r(2, 3), 0.5), "MulBackward0"),
    (lambda: F.dropout(_r(2, 3), 1.0), "MulBackward0"),
    (lambda: F.pad(_r(1, 2, 4, 4), (1, 2, 1, 0)), "ConstantPadNdBackward0"),
    (lambda: F.pad(_r(1, 2, 4, 4), (-1, 2)), "ConstantPadNdBackward0"),
    (lambda: F.pad(_r(1, 2, 4, 4), (1, 2, 1, 0), mode="reflect"), "ReflectionPad2DBackward0"),
    (lambda: F.pad(_r(2, 4), (1, 1), mode="reflect"), "ReflectionPad1DBackward0"),
    (lambda: F.pad(_r(1, 2, 4, 4), (1, 2, 1, 0), mode="replicate"),
     "ReplicationPad2DBackward0"),
    (lambda: F.normalize(_r(2, 3)), "DivBackward0"),
    (lambda: F.layer_norm(_r(2, 3), (3,)), "NativeLayerNormBackward0"),
    (lambda: F.batch_norm(_r(4, 3), torch.zeros(3), torch.ones(3), training=True),
     "NativeBatchNormBackward0"),
    (lambda: F.batch_norm(_r(4, 3), torch.zeros(3), torch.ones(3)), "NativeBatchNormBackward0"),
    (lambda: F.embedding(torch.tensor([0, 2]), _r(5, 3)), "EmbeddingBackward0"),
    (lambda: F.conv1d(_r(1, 2, 5), _r(3, 2, 2)), "ConvolutionBackward0"),
    (lambda: F.conv2d(_r(1, 2, 4, 4), _r(3, 2, 2, 2)), "ConvolutionBackward0"),
    (lambda: F.conv2d(_r(2, 4, 4), _r(3, 2, 2, 2)), "SqueezeBackward1"),
    (lambda: F.conv_transpose2d(_r(1, 2, 4, 4), _r(2, 3, 2, 2)), "ConvolutionBackward0"),
    (lambda: F.max_pool2d(_r(1, 2, 4, 4), 2), "MaxPool2DWithIndicesBackward0"),
    (lambda: F.max_pool2d(_r(1, 2, 4, 4), 2, return_indices=True)[0],
     "MaxPool2DWithIndicesBackward0"),
    (lambda: F.max_pool1d(_r(2, 4), 2), "SqueezeBackward1"),
    (lambda: F.avg_pool2d(_r(1, 2, 4, 4), 2), "AvgPool2DBackward0"),
    (lambda: F.avg_pool1d(_r(2, 4), 2), "SqueezeBackward1"),
    (lambda: F.adaptive_avg_pool2d(_r(1, 2, 4, 4), 2), "AdaptiveAvgPool2DBackward0"),
    (lambda: F.adaptive_avg_pool2d(_r(1, 2, 4, 4), 1), "MeanBackward1"),
    (lambda: F.adaptive_max_pool2d(_r(1, 2, 4, 4), 2), "AdaptiveMaxPool2DBackward0"),
    (lambda: F.interpolate(_r(1, 2, 4, 4), scale_factor=2), "UpsampleNearest2DBackward0"),
    (lambda: F.interpolate(_r(1, 2, 4), size=7), "UpsampleNearest1DBackward0"),
    (lambda: F.interpolate(_r(1, 1, 2, 2, 2), size=3), "UpsampleNearest3DBackward0"),
    (lambda: F.interpolate(_r(1, 2, 4, 4), size=(3, 5), mode="bilinear"),
     "UpsampleBilinear2DBackward0"),
    (lambda: F.interpolate(_r(1, 2, 4), size=3, mode="linear"), "UpsampleLinear1DBackward0"),
]


@pytest.mark.parametrize("i", range(len(GRAD_FN_NAMES)))
def test_grad_fn_names(i):
    fn, name = GRAD_FN_NAMES[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fn().grad_fn.name() == name


def test_next_functions():
    def names(t):
        return [None if f is None else f.name() for f, _ in t.grad_fn.next_functions]
    x, w, b = _r(2, 3), _r(4, 3), _r(4)
    assert names(F.linear(x, w, b)) == ["torch::autograd::AccumulateGrad"] * 2 + ["TBackward0"]
    acc = "torch::autograd::AccumulateGrad"
    assert names(F.conv2d(_r(1, 2, 4, 4), _r(3, 2, 2, 2))) == [acc, acc, None]
    assert names(F.conv2d(_r(1, 2, 4, 4), _r(3, 2, 2, 2), _r(3))) == [acc] * 3
    xb = _r(4, 3)
    assert names(F.batch_norm(xb, torch.zeros(3), torch.ones(3), training=True)) == \
        [acc, None, None]
    assert names(F.batch_norm(xb, None, None, _r(3), training=True)) == [acc, acc, None]
    assert names(F.layer_norm(xb, (3,), None, _r(3))) == [acc, None, acc]
    assert names(F.embedding(torch.tensor([1]), xb)) == [acc]
    assert names(F.dropout(xb, 0.5)) == [acc, None]
    with pytest.warns(UserWarning, match="zero-padded copy"):
        same = F.conv2d(_r(1, 1, 4, 4), _r(1, 1, 2, 2), padding="same")
    assert names(same) == ["ConstantPadNdBackward0", acc, None]


# ------------------------------------------------------------------ PyTorch's errors
_x4 = lambda: torch.zeros(1, 2, 5, 5)   # noqa: E731
_PAD_SIZES = "Padding size 2 is not supported for 4D input tensor"

ERRORS = [
    (lambda: F.conv2d(_x4(), torch.zeros(4, 3, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 "
     "channels, but got 2 channels instead"),
    (lambda: F.conv2d(torch.zeros(2, 5), torch.zeros(4, 3, 3, 3)), RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 5]"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 3)), RuntimeError,
     "expected stride to be a single integer value or a list of 1 values to match the "
     "convolution dimensions, but got stride=[1, 1]"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 6, 6)), RuntimeError,
     "Calculated padded input size per channel: (5 x 5). Kernel size: (6 x 6). Kernel size "
     "can't be greater than actual input size"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 3, 3), stride=2, padding="same"), RuntimeError,
     "padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 3, 3), padding="foo"), RuntimeError,
     "Invalid padding string: 'foo'"),
    (lambda: F.conv2d(_x4(), torch.zeros(3, 1, 3, 3), groups=2), RuntimeError,
     "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of "
     "size [[3, 1, 3, 3]] instead"),
    (lambda: F.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(4, 1, 3, 3), groups=2), RuntimeError,
     "Given groups=2, weight of size [4, 1, 3, 3], expected input[1, 3, 5, 5] to have 2 "
     "channels, but got 3 channels instead"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 3, 3), torch.zeros(3)), RuntimeError,
     "Given weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 4 elements, but "
     "got bias of size [3] instead"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 3, 3), stride=0), RuntimeError,
     "non-positive stride is not supported"),
    (lambda: F.conv2d(_x4(), torch.zeros(4, 2, 3, 3), padding=-1), RuntimeError,
     "negative padding is not supported"),
    (lambda: F.conv2d(_x4().double(), torch.zeros(4, 2, 3, 3)), RuntimeError,
     "expected scalar type Double but found Float"),
    (lambda: F.conv1d(torch.zeros(1, 2, 5, 5), torch.zeros(4, 2, 3)), RuntimeError,
     "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
     "[1, 2, 5, 5]"),
    (lambda: F.conv_transpose2d(_x4(), torch.zeros(3, 4, 3, 3)), RuntimeError,
     "Given transposed=1, weight of size [3, 4, 3, 3], expected input[1, 2, 5, 5] to have 3 "
     "channels, but got 2 channels instead"),
    (lambda: F.conv_transpose2d(_x4(), torch.zeros(2, 4, 3, 3), stride=2, output_padding=2),
     RuntimeError, "output padding must be smaller than either stride or dilation, but got "
     "output_padding_height: 2 output_padding_width: 2 stride_height: 2 stride_width: 2 "
     "dilation_height: 1 dilation_width: 1"),
    (lambda: F.max_pool2d(_x4(), 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
     "dilation=1"),
    (lambda: F.max_pool2d(_x4(), 6), RuntimeError,
     "Given input size: (2x5x5). Calculated output size: (2x0x0). Output size is too small"),
    (lambda: F.max_pool2d(_x4(), (2, 2, 2)), RuntimeError,
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(torch.zeros(5, 5), 2), RuntimeError,
     "non-empty 3D or 4D (batch mode) tensor expected for input"),
    (lambda: F.max_pool2d(_x4(), 2, stride=0), RuntimeError, "stride should not be zero"),
    (lambda: F.avg_pool2d(_x4(), 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
     "dilation=1"),
    (lambda: F.avg_pool2d(_x4(), 2, divisor_override=0), RuntimeError,
     "divisor must be not zero"),
    (lambda: F.adaptive_avg_pool2d(_x4(), (2, 2, 2)), RuntimeError,
     "adaptive_avg_pool2d: output_size must be 2"),
    (lambda: F.adaptive_avg_pool2d(torch.zeros(5), 2), RuntimeError,
     "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5]"),
    (lambda: F.pad(_x4(), (1,)), RuntimeError, "Padding length must be divisible by 2"),
    (lambda: F.pad(_x4(), (1, 1) * 5), RuntimeError,
     "Padding length should be less than or equal to two times the input dimension but got "
     "padding length 10 and input of dimension 4"),
    (lambda: F.pad(_x4(), (5, 5), mode="reflect"), NotImplementedError, _PAD_SIZES),
    (lambda: F.pad(_x4(), (5, 5, 1, 1), mode="reflect"), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but "
     "got: padding (5, 5) at dimension 3 of input [1, 2, 5, 5]"),
    (lambda: F.pad(_x4(), (6, 2, 1, 1), mode="circular"), RuntimeError,
     "Padding value causes wrapping around more than once."),
    (lambda: F.pad(_x4(), (1, 1), mode="foo"), NotImplementedError,
     "Unrecognised padding mode foo"),
    (lambda: F.pad(_x4(), (1, 1, 1, 1), mode="replicate", value=2.0), RuntimeError,
     "Padding mode \"replicate\" doesn't take in value argument"),
    (lambda: F.pad(_x4(), (-3, -3)), RuntimeError, "narrow(): length must be non-negative."),
    (lambda: F.dropout(_x4(), 1.5), ValueError,
     "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda: F.dropout(_x4(), -0.1), ValueError,
     "dropout probability has to be between 0 and 1, but got -0.1"),
    (lambda: F.one_hot(torch.tensor([0.0, 1.0])), RuntimeError,
     "one_hot is only applicable to index tensor of type LongTensor."),
    (lambda: F.one_hot(torch.tensor([0, -1])), RuntimeError,
     "Class values must be non-negative."),
    (lambda: F.one_hot(torch.tensor([], dtype=torch.int64)), RuntimeError,
     "Can not infer total number of classes from empty tensor."),
    (lambda: F.layer_norm(torch.zeros(2, 4), (3,)), RuntimeError,
     "Given normalized_shape=[3], expected input with shape [*, 3], but got input of "
     "size[2, 4]"),
    (lambda: F.layer_norm(torch.zeros(2, 3), (3,), torch.ones(4)), RuntimeError,
     "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and "
     "normalized_shape = [3]"),
    (lambda: F.layer_norm(torch.zeros(2, 3), 3), TypeError,
     "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"),
    (lambda: F.batch_norm(torch.zeros(4, 3), torch.zeros(4), torch.ones(4)), RuntimeError,
     "running_mean should contain 3 elements not 4"),
    (lambda: F.batch_norm(torch.zeros(1, 3), torch.zeros(3), torch.ones(3), training=True),
     ValueError, "Expected more than 1 value per channel when training, got input size "
     "torch.Size([1, 3])"),
    (lambda: F.batch_norm(torch.zeros(4, 3), None, None), RuntimeError,
     "running_mean must be defined in evaluation mode"),
    (lambda: F.batch_norm(torch.zeros(4, 3), torch.zeros(3), torch.ones(3), torch.ones(2)),
     RuntimeError, "weight should contain 3 elements not 2"),
    (lambda: F.embedding(torch.tensor([0.0, 1.0]), torch.zeros(3, 2)), RuntimeError,
     "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
     "Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)"),
    (lambda: F.embedding(torch.tensor([0, 1]), torch.zeros(3, 2), padding_idx=3),
     AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda: F.embedding(torch.tensor([0, 1]), torch.zeros(3)), RuntimeError,
     "'weight' must be 2-D"),
    (lambda: F.linear(torch.zeros(2, 3), torch.zeros(4, 5)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 5x4)"),
    (lambda: F.linear(torch.zeros(2, 3), torch.zeros(4, 3), torch.zeros(3)), RuntimeError,
     "The expanded size of the tensor (4) must match the existing size (3) at non-singleton "
     "dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"),
    (lambda: F.linear(torch.zeros(2, 3), torch.zeros(4, 3).double()), RuntimeError,
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    (lambda: F.linear(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2).double()),
     RuntimeError, "self and mat2 must have the same dtype, but got Double and Float"),
    (lambda: F.bilinear(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(5, 3, 3)),
     RuntimeError, "bilinear(): input2 size does not match weight size: got 4 but expected 3"),
    (lambda: F.bilinear(torch.zeros(2, 3), torch.zeros(3, 4), torch.zeros(5, 3, 4)),
     RuntimeError, "bilinear(): input batch dimensions do not match at dim 0: got 2 and 3"),
    (lambda: F.bilinear(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(5, 3, 4),
                        torch.zeros(4)), RuntimeError,
     "bilinear(): bias size does not match weight size: got 4 but expected 5"),
    (lambda: F.interpolate(_x4()), ValueError, "either size or scale_factor should be defined"),
    (lambda: F.interpolate(_x4(), size=3, scale_factor=2), ValueError,
     "only one of size or scale_factor should be defined"),
    (lambda: F.interpolate(_x4(), size=3, align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes: linear | bilinear | "
     "bicubic | trilinear"),
    (lambda: F.interpolate(torch.zeros(2, 5, 5), size=3, mode="bilinear"), NotImplementedError,
     "Got 3D input, but bilinear mode needs 4D input"),
    (lambda: F.interpolate(_x4(), size=(3, 3, 3)), ValueError,
     "Input and output must have the same number of spatial dimensions, but got input with "
     "spatial dimensions of [5, 5] and output size of (3, 3, 3)."),
    (lambda: F.interpolate(_x4(), size=0), RuntimeError,
     "Input and output sizes should be greater than 0, but got input (H: 5, W: 5) output "
     "(H: 0, W: 0)"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, exc, msg = ERRORS[i]
    with pytest.raises(exc) as info:
        fn()
    assert msg in str(info.value)


def test_one_hot():
    t = torch.tensor([[0, 2], [1, 0]])
    r = F.one_hot(t)
    assert r.dtype == torch.int64 and r.shape == (2, 2, 3)
    assert r.tolist() == [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0]]]
    assert F.one_hot(torch.tensor([1]), 4).tolist() == [[0, 1, 0, 0]]
    assert F.one_hot(torch.tensor([], dtype=torch.int64), 3).shape == (0, 3)
    assert F.one_hot(torch.tensor(2), 3).tolist() == [0, 0, 1]


# ------------------------------------------------------------------ dropout
def test_dropout_identity_cases():
    x = _r(3, 4)
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.7, training=False) is x
    assert F.dropout(x, 1.0).tolist() == [[0.0] * 4] * 3
    F.dropout(x, 1.0).sum().backward()
    assert x.grad.tolist() == [[0.0] * 4] * 3


def test_dropout_statistics_and_gradient():
    torch.manual_seed(0)
    x = torch.ones(100, 100, requires_grad=True)
    y = F.dropout(x, 0.3)
    vals = y.detach().numpy()
    kept = vals != 0
    np.testing.assert_allclose(vals[kept], 1 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.02
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), vals)   # d(x * mask)/dx = mask


def test_dropout_reproducible_and_fresh_per_call():
    x = torch.ones(50)
    torch.manual_seed(7)
    a, b = F.dropout(x, 0.5).tolist(), F.dropout(x, 0.5).tolist()
    torch.manual_seed(7)
    assert F.dropout(x, 0.5).tolist() == a and F.dropout(x, 0.5).tolist() == b
    assert a != b
    g = torch.Generator().manual_seed(7)   # the seeded stream is the generator's
    assert g.initial_seed() == 7


def test_dropout_inplace():
    x = _r(4, 5)
    y = x * 1
    torch.manual_seed(3)
    z = F.dropout(y, 0.5, inplace=True)
    assert z is y and y.grad_fn.name() == "MulBackward0"
    torch.manual_seed(3)
    ref = F.dropout(x.detach(), 0.5)
    assert y.tolist() == ref.tolist()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (ref.numpy() != 0) * 2.0)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        F.dropout(x, 0.5, inplace=True)


def test_dropout_no_recompile_per_step():
    w = torch.ones(8, requires_grad=True)
    masks = []
    for step in range(8):
        if step == 4:   # a new structure runs in cached pieces until its 3rd sighting
            debug.reset_counters()
        loss = F.dropout(w * 2, 0.5).sum()
        loss.backward()
        masks.append(w.grad.tolist())
        w.grad.zero_()
    c = debug.counters()
    assert c["compiles"] == 0 and c["calls"] == 4
    assert len({tuple(m) for m in masks}) > 1   # a new mask each step, from the same program


# ------------------------------------------------------------------ batch_norm running stats
def test_batch_norm_running_stats():
    rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    em, ev = np.zeros(3), np.ones(3)
    for step in range(4):
        xb = anyv(5, 3, 2)
        y = F.batch_norm(torch.tensor(xb), rm, rv, training=True, momentum=0.2)
        flat = xb.transpose(1, 0, 2).reshape(3, -1)
        em = 0.8 * em + 0.2 * flat.mean(1)
        ev = 0.8 * ev + 0.2 * flat.var(1, ddof=1)          # unbiased, as PyTorch
        np.testing.assert_allclose(y.numpy().transpose(1, 0, 2).reshape(3, -1),
                                   (flat - flat.mean(1, keepdims=True))
                                   / np.sqrt(flat.var(1, keepdims=True) + 1e-5), rtol=1e-9)
    np.testing.assert_allclose(rm.numpy(), em, rtol=1e-12)
    np.testing.assert_allclose(rv.numpy(), ev, rtol=1e-12)
    xe = anyv(2, 3, 2)     # eval: the running statistics, which stay as they were
    ye = F.batch_norm(torch.tensor(xe), rm, rv)
    np.testing.assert_allclose(ye.numpy(), (xe - em[:, None]) / np.sqrt(ev[:, None] + 1e-5),
                               rtol=1e-9)
    np.testing.assert_allclose(rm.numpy(), em, rtol=1e-12)


def test_embedding_padding_idx_gets_no_gradient():
    w = _r(4, 2)
    F.embedding(torch.tensor([[0, 1], [1, 3]]), w, padding_idx=1).sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    w.grad = None
    F.embedding(torch.tensor([3, 3]), w, padding_idx=-1).sum().backward()
    assert w.grad.tolist() == [[0.0, 0.0]] * 4


def test_embedding_max_norm():
    data = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    w = torch.tensor(data, requires_grad=True)
    out = F.embedding(torch.tensor([0, 1]), w, max_norm=1.0)
    scaled = data.copy()
    scaled[0] *= 1.0 / (5.0 + 1e-7)       # rows looked up and longer than max_norm, in place
    np.testing.assert_allclose(out.detach().numpy(), scaled[[0, 1]], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), scaled, rtol=1e-12)
    assert w.is_leaf and w.requires_grad


# ------------------------------------------------------------------ one program per step
def _cnn_params():
    torch.manual_seed(0)
    p = dict(w1=torch.randn(4, 2, 3, 3) * 0.3, b1=torch.zeros(4), g=torch.ones(4),
             be=torch.zeros(4), w2=torch.randn(3, 16) * 0.3, b2=torch.zeros(3),
             emb=torch.randn(5, 16) * 0.1)
    for t in p.values():
        t.requires_grad_(True)
    return p


def _cnn_step(p, x, y, rm=None, rv=None):
    h = F.conv2d(x, p["w1"], p["b1"], padding=1)
    if rm is not None:
        h = F.batch_norm(h, rm, rv, p["g"], p["be"], training=True)
    else:
        h = F.layer_norm(h, (4, 6, 6), None, None) * p["g"].view(4, 1, 1) + \
            p["be"].view(4, 1, 1)
    h = F.max_pool2d(F.relu(h), 2, ceil_mode=True)
    h = F.avg_pool2d(F.pad(h, (1, 0, 1, 0), mode="replicate"), 2)
    h = F.dropout(F.adaptive_avg_pool2d(h, (1, 2)).flatten(1), 0.2)
    h = F.linear(torch.cat([h, h], 1) + F.embedding(torch.tensor([1, 3]), p["emb"]), p["w2"],
                 p["b2"])
    loss = F.cross_entropy(F.interpolate(h.unsqueeze(1), size=6)[:, 0, ::2] + h, y)
    loss.backward()
    with torch.no_grad():
        for t in p.values():
            if t.grad is not None:
                t -= 0.1 * t.grad
                t.grad.zero_()
    return loss


def test_training_step_is_one_program():
    p = _cnn_params()
    x, y = torch.randn(2, 2, 6, 6), torch.tensor([0, 2])
    losses = []
    for step in range(9):
        if step == 4:
            debug.reset_counters()
        losses.append(_cnn_step(p, x, y).item())
    c = debug.counters()
    assert c["calls"] == 5 and c["compiles"] == 0
    assert losses[-1] < losses[0]


def test_batch_norm_training_step_is_one_program():
    # the running statistics are not ancestors of the loss; the backward program computes
    # them anyway (lazy state written outside autograd), so their chain never grows
    p = _cnn_params()
    rm, rv = torch.zeros(4), torch.ones(4)
    x, y = torch.randn(2, 2, 6, 6), torch.tensor([0, 2])
    for step in range(9):
        if step == 4:
            debug.reset_counters()
        _cnn_step(p, x, y, rm, rv)
    c = debug.counters()
    assert c["calls"] == 5 and c["compiles"] == 0
    assert rm._base_sync().inputs == () or rm._base_sync().value is None
    assert np.all(np.isfinite(rm.numpy())) and np.all(rv.numpy() > 0)
