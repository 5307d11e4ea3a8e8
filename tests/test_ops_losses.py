"""The losses of nn.functional (facade/_ops/losses.py).

SPECS covers the ops of the table (each spec sums several variants: reductions, weights,
ignore_index, K-dim inputs); COMPOSITE_SPECS covers the losses that PyTorch, and facade,
compose from other ops (l1_loss, cross_entropy with probabilities or label smoothing,
kl_div, cosine_similarity, ...). Both are checked against JAX references written here, the
gradient also against float64 central differences. Values, grad_fn names, dtypes, warnings
and error messages below were recorded from PyTorch 2.13.
"""
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from opcheck import anyv, check_spec, pos, rs

F = torch.nn.functional


def prob(*s):
    return rs.uniform(0.05, 0.95, s)


def simplex(*s):
    a = rs.uniform(0.1, 1.0, s)
    return a / a.sum(1, keepdims=True)


def _red(loss, reduction):
    return {"mean": jnp.mean, "sum": jnp.sum, "none": lambda v: v}[reduction](loss)


def _each(fn):
    """The sum of a loss over the three reductions (one spec checks all of them)."""
    return lambda *a: sum(fn(*a, r).sum() for r in ("mean", "sum", "none"))


# ------------------------------------------------------------------ JAX references
def ref_nll(logp, t, w=None, ignore=-100, reduction="mean"):
    t = np.asarray(t)
    cls = 1 if logp.ndim > 1 else 0
    valid = t != ignore
    safe = np.where(valid, t, 0)
    picked = jnp.squeeze(jnp.take_along_axis(logp, np.expand_dims(safe, cls), cls), cls)
    wt = (jnp.asarray(w)[safe] if w is not None else jnp.ones(safe.shape)) * valid
    loss = -picked * wt
    if reduction == "mean":
        return loss.sum() / wt.sum()
    return _red(loss, reduction)


def ref_ce_probs(x, p, w=None, ls=0.0, reduction="mean"):
    cls = 0 if x.ndim == 1 else 1
    c = x.shape[cls]
    logp = jax.nn.log_softmax(x, cls)
    p = p * (1 - ls) + ls / c if ls else p
    wshape = [1] * x.ndim
    wshape[cls] = c
    prod = logp * p * (jnp.asarray(w).reshape(wshape) if w is not None else 1.0)
    if reduction == "none":
        return -prod.sum(cls)
    return -prod.sum() / (x.size // c if reduction == "mean" else 1)


def ref_ce_smooth(x, t, w=None, ignore=-100, ls=0.1, reduction="mean"):
    cls = 0 if x.ndim == 1 else 1
    c = x.shape[cls]
    logp = jax.nn.log_softmax(x, cls)
    nll = ref_nll(logp, t, w, ignore, reduction)
    wshape = [1] * x.ndim
    wshape[cls] = c
    smooth = -(logp * (jnp.asarray(w).reshape(wshape) if w is not None else 1.0)).sum(cls)
    ignored = np.asarray(t) == ignore
    smooth = jnp.where(ignored, 0.0, smooth)
    if reduction == "mean":
        den = (np.asarray(w)[np.where(ignored, 0, t)] * ~ignored).sum() if w is not None \
            else (~ignored).sum()
        ret = smooth.sum() / den
    else:
        ret = _red(smooth, reduction)
    return (1 - ls) * nll + ret * (ls / c)


def ref_bce(x, t, w=1.0, reduction="mean"):
    loss = -(t * jnp.maximum(jnp.log(x), -100) + (1 - t) * jnp.maximum(jnp.log1p(-x), -100))
    return _red(loss * w, reduction)


def ref_bce_logits(x, t, w=1.0, pw=1.0, reduction="mean"):
    return _red(-w * (pw * t * jax.nn.log_sigmoid(x) + (1 - t) * jax.nn.log_sigmoid(-x)),
                reduction)


def ref_smooth_l1(x, t, beta, reduction):
    d = jnp.abs(x - t)
    return _red(jnp.where(d < beta, 0.5 * d ** 2 / beta, d - 0.5 * beta), reduction)


def ref_huber(x, t, delta, reduction):
    d = jnp.abs(x - t)
    return _red(jnp.where(d < delta, 0.5 * d ** 2, delta * (d - 0.5 * delta)), reduction)


def ref_pairwise(a, b, p=2.0, eps=1e-6):
    return jnp.sum(jnp.abs(a - b + eps) ** p, -1) ** (1 / p)


def ref_cos(a, b, dim=1, eps=1e-8):
    a, b = jnp.broadcast_arrays(a, b)
    na = jnp.linalg.norm(a, axis=dim, keepdims=True)
    nb = jnp.linalg.norm(b, axis=dim, keepdims=True)
    return jnp.sum(a / jnp.maximum(na, eps) * (b / jnp.maximum(nb, eps)), dim)


# ------------------------------------------------------------------ the ops of the table
_T = np.array([0, 2, 1, 2, 1])
_TI = np.array([0, -100, 1, 2, 2])                      # one ignored target
_W = pos(3)
_T4 = rs.randint(0, 3, (2, 2, 3))
_T4[0, 0, 0] = 1
_T4[1, 1, 2] = -100
_T3 = rs.randint(0, 3, (2, 4))
_T5 = rs.randint(0, 3, (2, 2, 1, 3))


def _tt(a):
    return torch.tensor(a)


def _w():
    return torch.tensor(_W, dtype=torch.float64)


def _away(*s):   # |input - target| away from the kinks of smooth_l1 / huber (0.7, 0.6)
    return np.where(rs.rand(*s) > 0.5, 1, -1) * rs.choice([0.2, 0.3, 1.1, 1.5], s)


_X, _Y = _away(3, 4), np.zeros((3, 4))
_SIGNS = np.sign(anyv(3, 4))

SPECS = {
    "mse_loss": ([anyv(3, 4), anyv(3, 4), anyv(4)],
                 lambda a, b, c: _each(lambda a, b, r: F.mse_loss(a, b, reduction=r))(a, b)
                 + F.mse_loss(a, c),   # target broadcast (with PyTorch's warning, see below)
                 lambda a, b, c: _each(lambda a, b, r: _red((a - b) ** 2, r))(a, b)
                 + jnp.mean((a - c) ** 2)),
    "smooth_l1_loss": ([_X, _Y], _each(lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r,
                                                                        beta=0.7)),
                       _each(lambda a, b, r: ref_smooth_l1(a, b, 0.7, r))),
    "huber_loss": ([_X, _Y, pos(3, 4)],
                   lambda a, b, w: _each(lambda a, b, r: F.huber_loss(a, b, r, delta=0.6))(a, b)
                   + F.huber_loss(a, b, weight=w),
                   lambda a, b, w: _each(lambda a, b, r: ref_huber(a, b, 0.6, r))(a, b)
                   + jnp.mean(ref_huber(a, b, 1.0, "none") * w)),
    "binary_cross_entropy": (
        [prob(4, 3), prob(4, 3)],
        lambda x, t: _each(lambda x, t, r: F.binary_cross_entropy(x, t, reduction=r))(x, t)
        + _each(lambda x, t, r: F.binary_cross_entropy(x, t, _w(), reduction=r))(x, t),
        lambda x, t: _each(lambda x, t, r: ref_bce(x, t, 1.0, r))(x, t)
        + _each(lambda x, t, r: ref_bce(x, t, _W, r))(x, t)),
    "binary_cross_entropy_with_logits": (
        [anyv(4, 3), prob(4, 3)],
        lambda x, t: _each(lambda x, t, r: F.binary_cross_entropy_with_logits(
            x, t, weight=_w(), pos_weight=_w() + 0.5, reduction=r))(x, t)
        + F.binary_cross_entropy_with_logits(x, t),
        lambda x, t: _each(lambda x, t, r: ref_bce_logits(x, t, _W, _W + 0.5, r))(x, t)
        + ref_bce_logits(x, t)),
    "nll_loss": (
        [anyv(5, 3), anyv(3)],
        lambda a, b: _each(lambda a, r: F.nll_loss(a, _tt(_TI), _w(), reduction=r))(a)
        + F.nll_loss(a, _tt(_T), ignore_index=2) + F.nll_loss(b, _tt(1))
        + F.nll_loss(b, _tt([2]), reduction="sum"),
        lambda a, b: _each(lambda a, r: ref_nll(a, _TI, _W, reduction=r))(a)
        + ref_nll(a, _T, ignore=2) + ref_nll(b, 1) + ref_nll(b, 2)),
    "nll_loss2d": (     # 4-D input; 3-D and 5-D inputs are viewed as 4-D
        [anyv(2, 3, 2, 3), anyv(2, 3, 4), anyv(2, 3, 2, 1, 3)],
        lambda a, b, c: _each(lambda a, r: F.nll_loss(a, _tt(_T4), _w(), reduction=r))(a)
        + _each(lambda b, r: F.nll_loss(b, _tt(_T3), reduction=r, ignore_index=0))(b)
        + F.nll_loss(c, _tt(_T5), reduction="none").sum(),
        lambda a, b, c: _each(lambda a, r: ref_nll(a, _T4, _W, reduction=r))(a)
        + _each(lambda b, r: ref_nll(b, _T3, ignore=0, reduction=r))(b)
        + ref_nll(c, _T5, reduction="sum")),
    "soft_margin_loss": (
        [anyv(3, 4)],
        _each(lambda a, r: F.soft_margin_loss(a, torch.tensor(_SIGNS), reduction=r)),
        _each(lambda a, r: _red(jnp.log1p(jnp.exp(-_SIGNS * a)), r))),
    # ATen's scalar overloads (grad_fn MulBackward1, DivBackward1, AddBackward1) and at::norm
    # (NormBackward1), as the composite losses record them
    "mul.Scalar": ([anyv(5, 3)], lambda a: F.cross_entropy(a, _tt(_T), label_smoothing=0.3),
                   lambda a: ref_ce_smooth(a, _T, ls=0.3)),
    "div.Scalar": ([anyv(5, 3), simplex(5, 3)], F.cross_entropy, ref_ce_probs),
    "add.Scalar": ([anyv(5), anyv(5), np.sign(anyv(5))],
                   lambda a, b, t: F.margin_ranking_loss(a, b, t, margin=0.3, reduction="none"),
                   lambda a, b, t: jnp.maximum(-t * (a - b) + 0.3, 0)),
    "norm.ScalarOpt_dim": (
        [anyv(3, 4), anyv(3, 4)],
        lambda a, b: F.pairwise_distance(a, b) + F.pairwise_distance(a, b, p=3) * 2
        + F.pairwise_distance(a, b, p=1, keepdim=True).squeeze(1),
        lambda a, b: ref_pairwise(a, b) + 2 * ref_pairwise(a, b, 3) + ref_pairwise(a, b, 1)),
}
NOT_DIRECT = {}
NO_FINITE_DIFFERENCES = {}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_loss_op_forward_and_gradient(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # mse_loss's broadcast warning
        check_spec(SPECS[name], name not in NO_FINITE_DIFFERENCES)


# ------------------------------------------------------------------ composite losses
_P = simplex(5, 3)
_PT = pos(3, 4) * 2
_TK = rs.randint(0, 3, (2, 3, 2))

COMPOSITE_SPECS = {
    "l1_loss": ([anyv(3, 4) + 3, anyv(3, 4) - 3],
                _each(lambda a, b, r: F.l1_loss(a, b, reduction=r)),
                _each(lambda a, b, r: _red(jnp.abs(a - b), r))),
    "smooth_l1_beta0": ([anyv(3, 4) + 3, anyv(3, 4) - 3],
                        lambda a, b: F.smooth_l1_loss(a, b, beta=0.0),
                        lambda a, b: jnp.mean(jnp.abs(a - b))),
    "weighted_mse_l1": (
        [anyv(3, 4) + 3, anyv(3, 4) - 3, pos(3, 4)],
        _each(lambda a, b, w, r: F.mse_loss(a, b, reduction=r, weight=w)
                + F.l1_loss(a, b, reduction=r, weight=w)),
        _each(lambda a, b, w, r: (jnp.sum(((a - b) ** 2 + jnp.abs(a - b)) * w) / jnp.sum(w))
              if r == "mean" else _red(((a - b) ** 2 + jnp.abs(a - b)) * w, r))),
    "cross_entropy_indices": (
        [anyv(5, 3), anyv(3)],
        lambda a, b: _each(lambda a, r: F.cross_entropy(a, _tt(_TI), _w(), reduction=r))(a)
        + F.cross_entropy(b, _tt(2)),
        lambda a, b: _each(lambda a, r: ref_nll(jax.nn.log_softmax(a, 1), _TI, _W,
                                                reduction=r))(a)
        + ref_nll(jax.nn.log_softmax(b), 2)),
    "cross_entropy_kdim": (
        [anyv(2, 3, 3, 2)],
        _each(lambda a, r: F.cross_entropy(a, _tt(_TK), _w(), ignore_index=1, reduction=r)),
        _each(lambda a, r: ref_nll(jax.nn.log_softmax(a, 1), _TK, _W, 1, r))),
    "cross_entropy_label_smoothing": (
        [anyv(5, 3), anyv(2, 3, 3, 2), anyv(3)],
        lambda a, b, c: _each(lambda a, r: F.cross_entropy(
            a, _tt(_TI), _w(), reduction=r, label_smoothing=0.2))(a)
        + _each(lambda b, r: F.cross_entropy(b, _tt(_TK), reduction=r, ignore_index=0,
                                               label_smoothing=0.1))(b)
        + F.cross_entropy(c, _tt(1), label_smoothing=0.4),
        lambda a, b, c: _each(lambda a, r: ref_ce_smooth(a, _TI, _W, ls=0.2, reduction=r))(a)
        + _each(lambda b, r: ref_ce_smooth(b, _TK, None, 0, 0.1, r))(b)
        + ref_ce_smooth(c, 1, ls=0.4)),
    "cross_entropy_probabilities": (
        [anyv(5, 3), _P, anyv(2, 3, 2), simplex(2, 3, 2)],
        lambda a, p, b, q: _each(lambda a, p, r: F.cross_entropy(a, p, _w(), reduction=r,
                                                                   label_smoothing=0.2))(a, p)
        + _each(lambda b, q, r: F.cross_entropy(b, q, reduction=r))(b, q)
        + F.cross_entropy(a[0], p[0]),
        lambda a, p, b, q: _each(lambda a, p, r: ref_ce_probs(a, p, _W, 0.2, r))(a, p)
        + _each(lambda b, q, r: ref_ce_probs(b, q, reduction=r))(b, q)
        + ref_ce_probs(a[0], p[0])),
    "kl_div": (
        [np.log(simplex(4, 3)), simplex(4, 3), np.log(simplex(4, 3))],
        lambda x, p, lq: F.kl_div(x, p, reduction="batchmean") + F.kl_div(x, p, reduction="sum")
        + F.kl_div(x, p, reduction="none").sum()
        + F.kl_div(x, lq, reduction="batchmean", log_target=True),
        lambda x, p, lq: 2.25 * jnp.sum(p * (jnp.log(p) - x))
        + jnp.sum(jnp.exp(lq) * (lq - x)) / 4),
    "cosine_similarity": (
        [anyv(4, 3), anyv(4, 3), anyv(3)],
        lambda a, b, c: F.cosine_similarity(a, b) + F.cosine_similarity(a, c, dim=-1).sum()
        + torch.cosine_similarity(a, b, 0, eps=0.1).sum(),
        lambda a, b, c: ref_cos(a, b) + ref_cos(a, c, -1).sum() + ref_cos(a, b, 0, 0.1).sum()),
    "cosine_embedding_loss": (
        [anyv(4, 3), anyv(4, 3)],
        _each(lambda a, b, r: F.cosine_embedding_loss(a, b, _tt([1, -1, -1, 1]), margin=-0.9,
                                                        reduction=r)),
        _each(lambda a, b, r: _red(jnp.where(
            jnp.array([1, -1, -1, 1]) == 1, 1 - ref_cos(a, b, 1, 0),
            jnp.maximum(ref_cos(a, b, 1, 0) + 0.9, 0)), r))),
    "margin_ranking_loss": (
        [anyv(5), anyv(5)],
        _each(lambda a, b, r: F.margin_ranking_loss(a, b, _tt([1.0, -1, 1, -1, 1]),
                                                      reduction=r, margin=0.5)),
        _each(lambda a, b, r: _red(jnp.maximum(
            -jnp.array([1.0, -1, 1, -1, 1]) * (a - b) + 0.5, 0), r))),
    "poisson_nll_loss": (
        [anyv(3, 4), pos(3, 4)],
        lambda a, b: _each(lambda a, r: F.poisson_nll_loss(a, torch.tensor(_PT), full=True,
                                                           reduction=r))(a)
        + F.poisson_nll_loss(b, torch.tensor(_PT), log_input=False),
        lambda a, b: _each(lambda a, r: _red(jnp.exp(a) - _PT * a + jnp.where(
            _PT > 1, _PT * jnp.log(_PT) - _PT + 0.5 * jnp.log(2 * jnp.pi * _PT), 0), r))(a)
        + jnp.mean(b - _PT * jnp.log(b + 1e-8))),
    "gaussian_nll_loss": (
        [anyv(3, 4), anyv(3, 4), pos(3, 4), pos(3)],
        lambda a, t, v, h: _each(lambda a, t, v, r: F.gaussian_nll_loss(
            a, t, v, full=True, reduction=r))(a, t, v)
        + F.gaussian_nll_loss(a, t, h) + F.gaussian_nll_loss(a, t, 0.5),
        lambda a, t, v, h: _each(lambda a, t, v, r: _red(
            0.5 * (jnp.log(v) + (a - t) ** 2 / v) + 0.5 * math.log(2 * math.pi), r))(a, t, v)
        + jnp.mean(0.5 * (jnp.log(h[:, None]) + (a - t) ** 2 / h[:, None]))
        + jnp.mean(0.5 * (math.log(0.5) + (a - t) ** 2 / 0.5))),
    "triplet_margin_loss": (
        [anyv(4, 3), anyv(4, 3), anyv(4, 3)],
        lambda a, p, n: _each(lambda a, p, n, r: F.triplet_margin_loss(
            a, p, n, margin=2.0, reduction=r))(a, p, n)
        + F.triplet_margin_loss(a, p, n, p=1, swap=True, margin=3.0),
        lambda a, p, n: _each(lambda a, p, n, r: _red(jnp.maximum(
            ref_pairwise(a, p) - ref_pairwise(a, n) + 2.0, 0), r))(a, p, n)
        + jnp.mean(jnp.maximum(ref_pairwise(a, p, 1) - jnp.minimum(
            ref_pairwise(a, n, 1), ref_pairwise(p, n, 1)) + 3.0, 0))),
}


@pytest.mark.parametrize("name", sorted(COMPOSITE_SPECS))
def test_composite_loss_forward_and_gradient(name):
    check_spec(COMPOSITE_SPECS[name])


# ------------------------------------------------------------------ values recorded from PyTorch
_RX = [[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]]
_RY = [[0.1, 0.9, 0.4], [0.6, 0.2, 0.7]]
_RW = [0.5, 2.0, 1.0]


RECORDED = [   # (name, fn(x, y, w), value, x.grad) from torch 2.13, float32
    ("ce", lambda x, y, w: F.cross_entropy(x, torch.tensor([2, 0])), 0.509981095790863,
     [[0.18860429525375366, 0.056806530803442, -0.24541082978248596],
      [-0.14589166641235352, 0.10665536671876907, 0.039236318320035934]]),
    ("ce_w_ls", lambda x, y, w: F.cross_entropy(x, torch.tensor([2, 0]), weight=w,
                                                label_smoothing=0.2), 0.9550836682319641,
     [[0.23763258755207062, -0.010622113011777401, -0.22701048851013184],
      [0.010135916993021965, 0.0011756418971344829, -0.011311554349958897]]),
    ("ce_probs", lambda x, y, w: F.cross_entropy(x, torch.softmax(y, 1)), 1.4904927015304565,
     [[0.07932421565055847, -0.18640074133872986, 0.107076495885849],
      [0.17396003007888794, -0.014101654291152954, -0.1598583459854126]]),
    ("nll_ignore_none", lambda x, y, w: F.nll_loss(x, torch.tensor([2, -100]), weight=w,
                                                   reduction="none"),
     [-0.5, 0.0], [[0.0, 0.0, -1.0], [0.0, 0.0, 0.0]]),
    ("mse", lambda x, y, w: F.mse_loss(x, y), 1.0683332681655884,
     [[0.03333333507180214, -0.6333333253860474, 0.03333333134651184],
      [0.30000001192092896, 0.03333333879709244, -0.46666666865348816]]),
    ("l1_sum", lambda x, y, w: F.l1_loss(x, y, reduction="sum"), 4.5,
     [[1.0, -1.0, 1.0], [1.0, 1.0, -1.0]]),
    ("smooth_l1", lambda x, y, w: F.smooth_l1_loss(x, y, beta=0.5), 0.5799999833106995,
     [[0.03333333507180214, -0.1666666716337204, 0.03333333134651184],
      [0.1666666716337204, 0.03333333879709244, -0.1666666716337204]]),
    ("huber_none", lambda x, y, w: F.huber_loss(x, y, delta=0.5, reduction="none"),
     [[0.005000000353902578, 0.824999988079071, 0.004999999422580004],
      [0.32499998807907104, 0.005000000819563866, 0.574999988079071]],
     [[0.10000000149011612, -0.5, 0.09999999403953552], [0.5, 0.10000000894069672, -0.5]]),
    ("bce", lambda x, y, w: F.binary_cross_entropy(torch.sigmoid(x), y, weight=w),
     1.0787121057510376,
     [[0.03748616576194763, -0.2103528529405594, 0.03707655891776085],
      [0.018131202086806297, 0.12481417506933212, -0.06136462464928627]]),
    ("bce_logits", lambda x, y, w: F.binary_cross_entropy_with_logits(x, y, pos_weight=w),
     1.0761512517929077,
     [[0.07872369885444641, -0.21483521163463593, 0.03707655891776085],
      [0.045383673161268234, 0.048221830278635025, -0.06136462464928627]]),
    ("kl_batchmean", lambda x, y, w: F.kl_div(F.log_softmax(x, 1), torch.softmax(y, 1),
                                              reduction="batchmean"), 0.43015819787979126,
     [[0.07932421565055847, -0.18640074133872986, 0.107076495885849],
      [0.17396003007888794, -0.014101654291152954, -0.1598583459854126]]),
    ("cosine_similarity", lambda x, y, w: F.cosine_similarity(x, y),
     [-0.6047849655151367, 0.2961486279964447],
     [[0.18270409107208252, 0.33162519335746765, 0.5901687145233154],
      [0.22109277546405792, 0.09462682157754898, 0.5143246054649353]]),
    ("triplet", lambda x, y, w: F.triplet_margin_loss(x, y, y.flip(0)), 1.2065677642822266,
     [[0.18241700530052185, -0.030099213123321533, 0.10433002561330795],
      [-0.10268029570579529, 0.18966194987297058, -0.12709659337997437]]),
    ("poisson_full", lambda x, y, w: F.poisson_nll_loss(x, y * 3, full=True), 2.140197992324829,
     [[0.1535671353340149, -0.38868674635887146, 0.07478687167167664],
      [0.44694817066192627, 0.12497647106647491, -0.26723575592041016]]),
    ("gaussian", lambda x, y, w: F.gaussian_nll_loss(x, y, y + 0.2), 0.30690106749534607,
     [[0.0555555522441864, -0.28787878155708313, 0.02777777425944805],
      [0.1875, 0.0416666716337204, -0.25925925374031067]]),
    ("cos_emb", lambda x, y, w: F.cosine_embedding_loss(x, y, torch.tensor([1, -1]),
                                                        margin=-0.5), 1.2004668712615967,
     [[-0.09135206043720245, -0.16581255197525024, -0.2950843870639801],
      [0.11054641753435135, 0.04731341451406479, 0.25716233253479004]]),
    ("soft_margin", lambda x, y, w: F.soft_margin_loss(x, torch.sign(y - 0.5)),
     0.8740718960762024,
     [[0.09163900464773178, -0.12184309959411621, 0.10374322533607483],
      [-0.03040425479412079, 0.0957404300570488, -0.11136463284492493]]),
]


@pytest.mark.parametrize("name,fn,value,grad", RECORDED, ids=[r[0] for r in RECORDED])
def test_values_recorded_from_pytorch(name, fn, value, grad):
    x = torch.tensor(_RX, requires_grad=True)
    out = fn(x, torch.tensor(_RY), torch.tensor(_RW))
    out.sum().backward()
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.detach().numpy(), value, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(x.grad.numpy(), grad, rtol=2e-5, atol=1e-7)


def test_bce_derivatives_at_zero_and_one():
    # PyTorch: input: (x - t) / max(x (1 - x), 1e-12); target: -logit(x); logs clamped at -100
    x = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5], requires_grad=True)
    t = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.3], requires_grad=True)
    out = F.binary_cross_entropy(x, t, reduction="none")
    out.sum().backward()
    assert out.tolist() == [0.0, 0.0, 100.0, 100.0, pytest.approx(0.6931471824645996)]
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.0, -999999995904.0, 999999995904.0,
                                                0.7999999523162842], rtol=1e-6)
    assert t.grad.tolist()[:4] == [math.inf, -math.inf, math.inf, -math.inf]
    assert t.grad.tolist()[4] == 0.0


# ------------------------------------------------------------------ grad_fn names (PyTorch 2.13)
GRAD_FNS = [
    ("F.mse_loss(x, y)", ("MseLossBackward0", ("AccumulateGrad", None))),
    ("F.mse_loss(x, y, weight=y)", ("DivBackward0", ("SumBackward0", None))),
    ("F.l1_loss(x, y)", ("MeanBackward0", ("AbsBackward0",))),
    ("F.l1_loss(x, y, reduction='none')", ("AbsBackward0", ("SubBackward0",))),
    ("F.smooth_l1_loss(x, y)", ("SmoothL1LossBackward0", ("AccumulateGrad", None))),
    ("F.smooth_l1_loss(x, y, beta=0.0)", ("MeanBackward0", ("AbsBackward0",))),
    ("F.huber_loss(x, y)", ("HuberLossBackward0", ("AccumulateGrad", None))),
    ("F.huber_loss(x, y, weight=y, reduction='none')", ("MulBackward0",
                                                        ("HuberLossBackward0", None))),
    ("F.binary_cross_entropy(x.sigmoid(), y, weight=w)", ("BinaryCrossEntropyBackward0",
                                                          ("SigmoidBackward0", None))),
    ("F.binary_cross_entropy_with_logits(x, y, w, pos_weight=w)",
     ("BinaryCrossEntropyWithLogitsBackward0", ("AccumulateGrad", None))),
    ("F.nll_loss(x, t)", ("NllLossBackward0", ("AccumulateGrad",))),
    ("F.cross_entropy(x, t)", ("NllLossBackward0", ("LogSoftmaxBackward0",))),
    ("F.cross_entropy(x, t, label_smoothing=0.1)", ("AddBackward0",
                                                    ("MulBackward1", "MulBackward1"))),
    ("F.cross_entropy(x, y)", ("DivBackward1", ("NegBackward0",))),
    ("F.cross_entropy(x, y, reduction='none')", ("NegBackward0", ("SumBackward1",))),
    ("F.cross_entropy(x.view(1, 2, 3), t3)", ("NllLoss2DBackward0", ("ViewBackward0",))),
    ("F.nll_loss(x.view(1, 2, 3, 1), t3.view(1, 3, 1))", ("NllLoss2DBackward0",
                                                         ("ViewBackward0",))),
    ("F.nll_loss(x.view(1, 2, 3), t3, reduction='none')", ("ViewBackward0",
                                                          ("NllLoss2DBackward0",))),
    ("F.kl_div(x, y, reduction='batchmean')", ("DivBackward0", ("SumBackward0", None))),
    ("F.kl_div(x, y, reduction='none', log_target=True)", ("MulBackward0",
                                                          (None, "SubBackward0"))),
    ("F.cosine_similarity(x, y)", ("SumBackward1", ("MulBackward0",))),
    ("F.pairwise_distance(x, y)", ("NormBackward1", ("AddBackward1",))),
    ("F.cosine_embedding_loss(x, y, t - 1, reduction='none')",
     ("AddBackward0", ("WhereBackward0", "WhereBackward0"))),
    ("F.margin_ranking_loss(x, y, y, reduction='none')", ("ClampMinBackward0",
                                                         ("AddBackward1",))),
    ("F.soft_margin_loss(x, y)", ("SoftMarginLossBackward0", ("AccumulateGrad",))),
    ("F.poisson_nll_loss(x, y, reduction='none')", ("SubBackward0",
                                                    ("ExpBackward0", "MulBackward0"))),
    ("F.gaussian_nll_loss(x, y, y, reduction='none')", ("MulBackward0", ("AddBackward0", None))),
    ("F.triplet_margin_loss(x, y, y, reduction='none')", ("ClampMinBackward0",
                                                         ("SubBackward0",))),
]


@pytest.mark.parametrize("expr,expected", GRAD_FNS, ids=[g[0] for g in GRAD_FNS])
def test_grad_fn_names(expr, expected):
    env = dict(F=F, x=torch.randn(2, 3, requires_grad=True), y=torch.rand(2, 3),
               t=torch.tensor([2, 0]), t3=torch.tensor([[1, 0, 1]]), w=torch.ones(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = eval(expr, env)
    fn = out.grad_fn
    names = tuple(type(f).__name__ if f is not None else None for f, _ in fn.next_functions)
    assert (fn.name(), names) == expected


# ------------------------------------------------------------------ semantics
def test_mean_over_no_counted_target_is_nan():
    x = torch.randn(3, 4, requires_grad=True)
    ignored = torch.full((3,), -100)
    assert math.isnan(F.nll_loss(x, ignored).item())
    assert F.nll_loss(x, ignored, reduction="sum").item() == 0.0
    assert math.isnan(F.cross_entropy(x, ignored, label_smoothing=0.1).item())
    assert math.isnan(F.nll_loss(torch.randn(3), torch.tensor(-100)).item())
    assert math.isnan(F.nll_loss(torch.randn(0, 3), torch.zeros(0, dtype=torch.int64)).item())


def test_weighted_mean_divides_by_the_weights_of_counted_targets():
    x = torch.tensor([[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0], [-7.0, -8.0, -9.0]])
    w = torch.tensor([1.0, 2.0, 4.0])
    loss = F.nll_loss(x, torch.tensor([2, 1, -100]), weight=w)
    assert loss.item() == pytest.approx((4 * 3 + 2 * 5) / 6)


def test_target_out_of_range_gives_nan_lazily():
    # PyTorch raises IndexError("Target 5 is out of bounds."), which needs the target's
    # values: facade stays lazy and the loss is nan
    loss = F.nll_loss(torch.randn(2, 3), torch.tensor([0, 5]), reduction="none")
    assert not math.isnan(loss[0].item()) and math.isnan(loss[1].item())


def test_bce_input_outside_unit_interval_gives_nan_lazily():
    # PyTorch raises "all elements of input should be between 0 and 1" (a data check)
    out = F.binary_cross_entropy(torch.tensor([1.5, -0.5, 0.5]), torch.tensor([1.0, 0.0, 1.0]),
                                 reduction="none")
    assert [math.isnan(v) for v in out.tolist()] == [True, True, False]


def test_dtypes():
    f, d = torch.rand(3), torch.rand(3, dtype=torch.float64)
    assert F.mse_loss(f, d).dtype == torch.float64
    assert F.mse_loss(f, torch.tensor([1, 0, 1])).dtype == torch.float32
    assert F.smooth_l1_loss(f, d).dtype == torch.float64
    assert F.huber_loss(f, d).dtype == torch.float32          # the input's dtype
    assert F.binary_cross_entropy_with_logits(d, f).dtype == torch.float32   # the target's
    assert F.binary_cross_entropy_with_logits(f, d).dtype == torch.float64
    assert F.cross_entropy(f.view(1, 3), d.view(1, 3)).dtype == torch.float64
    assert F.kl_div(f, d, reduction="sum").dtype == torch.float64
    assert F.cosine_similarity(f, d, 0).dtype == torch.float64
    assert F.cosine_similarity(torch.tensor([1, 2]), torch.tensor([1.0, 0.0]), 0).dtype == \
        torch.float32
    u8 = F.nll_loss(torch.randn(2, 3), torch.tensor([1, 2], dtype=torch.uint8))
    assert u8.shape == () and u8.grad_fn is None
    assert F.nll_loss(torch.randn(3), torch.tensor([1]), reduction="none").shape == ()
    assert F.cross_entropy(torch.randn(2, 3, 4), torch.zeros(2, 4, dtype=torch.int64),
                           reduction="none").shape == (2, 4)


def test_cosine_similarity_clamps_norms_without_differentiating_the_clamp():
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
    y = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    out = F.cosine_similarity(x, y, eps=0.5)
    out.sum().backward()
    assert out.tolist() == pytest.approx([0.0, 0.6])
    # row 0: the norm (0) is clamped to eps, PyTorch's gradient is y / eps / |y|
    np.testing.assert_allclose(x.grad.numpy()[0], [2 / math.sqrt(2)] * 2, rtol=1e-6)


def test_one_program_per_training_step():
    w = torch.randn(3, 4, requires_grad=True)
    x, t = torch.randn(5, 3), torch.tensor([0, 3, 1, 2, 1])
    for i in range(6):   # the engine settles on one program per step after a few steps
        loss = F.cross_entropy(x @ w, t, label_smoothing=0.05 * (i + 1))
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad.zero_()
        if i == 3:
            before = torch.debug.counters()["compiles"]
    assert torch.debug.counters()["compiles"] == before   # label_smoothing is not baked in


# ------------------------------------------------------------------ warnings
def test_legacy_reduction_arguments_warn_and_map():
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0])
    cases = [(dict(size_average=False), "sum", 5.0), (dict(reduce=False), "none", [1.0, 4.0]),
             (dict(size_average=True, reduce=True), "mean", 2.5)]
    for kw, name, value in cases:
        with pytest.warns(UserWarning, match=f"size_average and reduce args will be deprecated, "
                          f"please use reduction='{name}' instead."):
            assert F.mse_loss(x, y, **kw).tolist() == value
    with pytest.warns(UserWarning, match="reduction='sum'"):
        F.nll_loss(torch.randn(2, 3), torch.tensor([0, 1]), size_average=False)
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert F.binary_cross_entropy(x / 2, y, reduce=False).shape == (2,)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert F.kl_div(x, y, size_average=False).grad_fn is None
    with pytest.warns(UserWarning, match="reduction='elementwise_mean' is deprecated. Please use "
                      "reduction='mean' instead."):
        assert F.mse_loss(x, y, reduction="elementwise_mean").item() == 2.5


def test_size_and_kl_mean_warnings():
    x = torch.randn(4, 3)
    with pytest.warns(UserWarning) as rec:
        F.mse_loss(x, torch.rand(3))
    assert str(rec[0].message) == (
        "Using a target size (torch.Size([3])) that is different to the input size "
        "(torch.Size([4, 3])). This will likely lead to incorrect results due to "
        "broadcasting. Please ensure they have the same size.")
    for fn in (F.l1_loss, F.smooth_l1_loss, F.huber_loss):
        with pytest.warns(UserWarning, match="Using a target size"):
            fn(x, torch.rand(3))
    with pytest.warns(UserWarning) as rec:
        F.kl_div(x, torch.rand(4, 3))
    assert str(rec[0].message) == (
        "reduction: 'mean' divides the total loss by both the batch size and the support size."
        "'batchmean' divides only by the batch size, and aligns with the KL div math "
        "definition.'mean' will be changed to behave the same as 'batchmean' in the next major "
        "release.")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(x, torch.rand(4, 3), reduction="batchmean")
        F.mse_loss(x, torch.rand(4, 3))


# ------------------------------------------------------------------ errors (PyTorch 2.13)
_x = torch.randn(4, 3, requires_grad=True)
_t = torch.tensor([0, 2, 1, 2])
_u = torch.rand(4, 3)
_x4 = torch.randn(2, 3, 4, 5)

ERRORS = [
    (lambda: F.nll_loss(_x, _u[:, 0]), RuntimeError,
     "expected target dtype to be Long or Byte, but got Float"),
    (lambda: F.nll_loss(_x, _t.int()), RuntimeError,
     "expected target dtype to be Long or Byte, but got Int"),
    (lambda: F.cross_entropy(_x, _t.bool()), RuntimeError,
     "expected target dtype to be Long or Byte, but got Bool"),
    (lambda: F.nll_loss(_x[0, 0], _t[0]), ValueError, "Expected 1 or more dimensions (got 0)"),
    (lambda: F.nll_loss(_x, _t[:3]), ValueError,
     "Expected input batch_size (4) to match target batch_size (3)."),
    (lambda: F.nll_loss(_x[:2], torch.tensor(1)), ValueError,
     "Expected input batch_size (2) to match target batch_size (0)."),
    (lambda: F.nll_loss(_x, _t[:, None]), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    (lambda: F.nll_loss(_x[0], _t[:2]), ValueError,
     "For 1D input, 1D target must have size 1, but got target size: 2"),
    (lambda: F.nll_loss(_x, _t, weight=torch.ones(4)), RuntimeError,
     "weight tensor should be defined either for all 3 classes or no classes but got weight "
     "tensor of shape: [4]"),
    (lambda: F.nll_loss(_x, _t, weight=torch.ones(1, 3)), RuntimeError,
     "weight tensor should be defined either for all 3 classes or no classes but got weight "
     "tensor of shape: [1, 3]"),
    (lambda: F.nll_loss(_x.double(), _t, weight=torch.ones(3)), RuntimeError,
     "expected scalar type Double but found Float"),
    (lambda: F.cross_entropy(_x, _t, weight=torch.ones(3, dtype=torch.float64)), RuntimeError,
     "expected scalar type Float but found Double"),
    (lambda: F.nll_loss(_t[:, None].expand(4, 3), _t), NotImplementedError,
     "\"nll_loss_out_frame\" not implemented for 'Long'"),
    (lambda: F.nll_loss(_x4.long(), torch.zeros(2, 4, 5, dtype=torch.int64)),
     NotImplementedError, "\"nll_loss2d_forward_out_frame\" not implemented for 'Long'"),
    (lambda: F.nll_loss(_x, _t, weight=torch.ones(3, requires_grad=True)), RuntimeError,
     "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
     "This input cannot have requires_grad True."),
    (lambda: F.nll_loss(_x4, torch.zeros(2, 4, 5, dtype=torch.int64),
                        weight=torch.ones(3, requires_grad=True)), RuntimeError,
     "The function 'nll_loss2d_forward' is not differentiable with respect to argument "
     "'weight'. This input cannot have requires_grad True."),
    (lambda: F.nll_loss(_x, _t, reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda: F.nll_loss(torch.randn(2, 3, 4), torch.zeros(2, 5, dtype=torch.int64)),
     RuntimeError, "Expected target size [2, 4], got [2, 5]"),
    (lambda: F.nll_loss(_x4, torch.zeros(2, 5, 4, dtype=torch.int64)), RuntimeError,
     "size mismatch (got input: [2, 3, 4, 5] , target: [2, 5, 4]"),
    (lambda: F.nll_loss(_x4, torch.zeros(2, 4, dtype=torch.int64)), RuntimeError,
     "only batches of spatial targets supported (3D tensors) but got targets of dimension: 2"),
    (lambda: F.nll_loss(_x4, torch.zeros(2, 4, 5, dtype=torch.int64), weight=torch.ones(4)),
     RuntimeError, "weight tensor should be defined either for all or no classes"),
    (lambda: F.nll_loss(torch.randn(2, 3, 4, 5, 6), torch.zeros(2, 4, 5, 7, dtype=torch.int64)),
     RuntimeError, "Expected target size [2, 4, 5, 6], got [2, 4, 5, 7]"),
    (lambda: F.cross_entropy(_x, _u[:, :2]), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    (lambda: F.cross_entropy(_x, _u, ignore_index=1), RuntimeError,
     "ignore_index is not supported for floating point target"),
    (lambda: F.cross_entropy(_x, _u, weight=torch.ones(4)), RuntimeError,
     "cross_entropy: weight tensor should be defined either for all 3 classes or no classes "
     "but got weight tensor of shape: [4]"),
    (lambda: F.cross_entropy(_x, _t, label_smoothing=1.1), RuntimeError,
     "label_smoothing must be between 0.0 and 1.0. Got: 1.1"),
    (lambda: F.cross_entropy(_x[0, 0], _t[0]), RuntimeError,
     "Expected floating point type for target with class probabilities, got Long"),
    (lambda: F.cross_entropy(_u.long(), _t), NotImplementedError,
     "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    (lambda: F.log_softmax(_u.long(), 0), NotImplementedError,
     "\"log_softmax_kernel_impl\" not implemented for 'Long'"),
    (lambda: F.softmax(_t, 0), NotImplementedError,
     "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    (lambda: F.binary_cross_entropy(_u, _u[:, 0]), ValueError,
     "Using a target size (torch.Size([4])) that is different to the input size "
     "(torch.Size([4, 3])) is deprecated. Please ensure they have the same size."),
    (lambda: F.binary_cross_entropy(_u, _u.long()), RuntimeError,
     "Found dtype Long but expected Float"),
    (lambda: F.binary_cross_entropy(_u, _u.double()), RuntimeError,
     "Found dtype Double but expected Float"),
    (lambda: F.binary_cross_entropy(_u.long(), _u.long()), NotImplementedError,
     "\"binary_cross_entropy\" not implemented for 'Long'"),
    (lambda: F.binary_cross_entropy(_u, _u, weight=torch.ones(2)), RuntimeError,
     "Attempting to broadcast a dimension of length 2 at -1! Mismatching argument at index 1 "
     "had torch.Size([2]); but expected shape should be broadcastable to [4, 3]"),
    (lambda: F.binary_cross_entropy(_u, _u, weight=torch.ones(3, requires_grad=True)),
     RuntimeError, "The function 'binary_cross_entropy' is not differentiable with respect to "
     "argument 'weight'. This input cannot have requires_grad True."),
    (lambda: F.binary_cross_entropy(_u, _u, reduction="x"), ValueError,
     "x is not a valid value for reduction"),
    (lambda: F.binary_cross_entropy_with_logits(_x, _u[:, 0]), ValueError,
     "Target size (torch.Size([4])) must be the same as input size (torch.Size([4, 3]))"),
    (lambda: F.binary_cross_entropy_with_logits(_x, _u, pos_weight=torch.ones(2)),
     RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at "
     "non-singleton dimension 1"),
    (lambda: F.binary_cross_entropy_with_logits(_x, _u, weight=torch.ones(5, 4, 3)),
     RuntimeError, "output with shape [4, 3] doesn't match the broadcast shape [5, 4, 3]"),
    (lambda: F.binary_cross_entropy_with_logits(_x, _u.long()), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda: F.binary_cross_entropy_with_logits(_u.long(), _u.long()), NotImplementedError,
     "\"log_sigmoid_cpu\" not implemented for 'Long'"),
    (lambda: F.binary_cross_entropy_with_logits(_x, _u, pos_weight=torch.ones(
        3, requires_grad=True)), RuntimeError, "The function 'binary_cross_entropy_with_logits' "
     "is not differentiable with respect to argument 'pos_weight'. This input cannot have "
     "requires_grad True."),
    (lambda: F.mse_loss(_x, _u[:, :2]), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
    (lambda: F.mse_loss(_t, _t), NotImplementedError, "\"mse_cpu\" not implemented for 'Long'"),
    (lambda: F.smooth_l1_loss(_t, _t), NotImplementedError,
     "\"smooth_l1_cpu\" not implemented for 'Long'"),
    (lambda: F.huber_loss(_t, _t), NotImplementedError, "\"huber_cpu\" not implemented for 'Long'"),
    (lambda: F.mse_loss(_x, _u, weight=torch.ones(3)), ValueError,
     "Weights and input must have the same size."),
    (lambda: F.huber_loss(_x, _u, weight=torch.ones(3)), ValueError,
     "Weights and input must have the same size."),
    (lambda: F.mse_loss(_x, _u, reduction="x"), ValueError, "x is not a valid value for reduction"),
    (lambda: F.mse_loss(_x, _u, reduction="x", weight=_u), ValueError,
     "Invalid reduction mode: x. Expected one of 'none', 'mean', 'sum'."),
    (lambda: F.l1_loss(_x, _u, reduction="x"), ValueError, "x is not a valid value for reduction"),
    (lambda: F.smooth_l1_loss(_x, _u, beta=-1.0), RuntimeError,
     "smooth_l1_loss does not support negative values for beta."),
    (lambda: F.huber_loss(_x, _u, delta=0.0), RuntimeError,
     "huber_loss does not support non-positive values for delta."),
    (lambda: F.kl_div(_x, _u, reduction="x"), ValueError, "x is not a valid value for reduction"),
    (lambda: F.kl_div(_x, _t), RuntimeError, "kl_div: Integral inputs not supported."),
    (lambda: F.cosine_similarity(_x, _u, dim=2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda: F.cosine_similarity(_x, _u[:, :2]), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
    (lambda: F.cosine_similarity(_t, _t, dim=0), RuntimeError,
     "expected common dtype to be floating point, yet common dtype is Long"),
    (lambda: F.cosine_embedding_loss(_x, _u, _t[:, None]), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    (lambda: F.cosine_embedding_loss(_x[0], _u[0], _t), RuntimeError,
     "1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3]."),
    (lambda: F.margin_ranking_loss(_x, _u[0], _u), RuntimeError,
     "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
     "input1: torch.Size([4, 3]), input2: torch.Size([3]), target: torch.Size([4, 3]) "),
    (lambda: F.soft_margin_loss(_x, _u.clone().requires_grad_()), RuntimeError,
     "The function 'soft_margin_loss' is not differentiable with respect to argument "
     "'target'. This input cannot have requires_grad True."),
    (lambda: F.poisson_nll_loss(_x, _u, reduction="x"), ValueError,
     "x is not a valid value for reduction"),
    (lambda: F.gaussian_nll_loss(_x, _u, -1.0), ValueError, "var has negative entry/entries"),
    (lambda: F.gaussian_nll_loss(_x, _u, torch.ones(2, 3)), ValueError,
     "var is of incorrect size"),
    (lambda: F.gaussian_nll_loss(_x, _u, _u, reduction="x"), ValueError, "x is not valid"),
    (lambda: F.triplet_margin_loss(_x, _u, _u, margin=0.0), ValueError,
     "margin must be greater than 0, got 0.0"),
    (lambda: F.triplet_margin_loss(_x, _u, _u[0]), RuntimeError,
     "The anchor, positive, and negative tensors are expected to have the same number of "
     "dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, exc, msg = ERRORS[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as info:
            fn()
    assert str(info.value) == msg
    assert info.type is exc
