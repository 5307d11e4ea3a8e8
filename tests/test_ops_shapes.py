"""Pointwise and broadcasting ops of the table on 0-d, empty and broadcast shapes, and on
random broadcast-compatible shapes (seeded): forward against the same math in plain JAX,
gradient (reduced back to each input's shape) against `jax.grad` of it, and against float64
central differences on the random shapes.

SHAPE_SPECS: op name -> (domains, facade fn, jax fn); `domains` has one letter per input
(see DOMAINS). FORWARD_SHAPE_SPECS: ops without a gradient (bool or integer results),
checked forward only. `test_every_pointwise_op_has_shape_specs` fails when an op declared in
facade/_ops/elementwise.py or pointwise.py, or any op whose shape rule broadcasts, has no
entry here (or a reason in SHAPE_EXEMPT).
"""
import types
import zlib

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
import pytest

import facade as torch
import facade._ops.table as table
from facade._ops.table import OPS
from opcheck import check_spec

F = torch.nn.functional
rng = np.random.RandomState(20240)


def _uniform(lo, hi):
    return lambda *s: rng.uniform(lo, hi, s)


def _away0(*s):
    return rng.uniform(0.3, 2.0, s) * np.where(rng.rand(*s) > 0.5, 1, -1)


def _ints(*s):
    return rng.randint(-5, 6, s)


DOMAINS = {
    "a": lambda *s: rng.randn(*s),          # any real
    "p": _uniform(0.5, 2.0),                # positive
    "u": _uniform(-0.9, 0.9),               # inside (-1, 1)
    "o": _uniform(0.1, 0.9),                # inside (0, 1)
    "g": _uniform(1.2, 3.0),                # greater than 1
    "z": _away0,                            # away from 0 (kinks, poles)
    "s": lambda *s: rng.uniform(-4.0, 4.0, s) + 0.123,   # spread over the kinks at +-3, 6
    "n": _ints,                             # integers (forward only)
}

# 0-d, empty and broadcasting configurations per arity; a random one is added to each
FIXED_SHAPES = {
    1: [((),), ((0,),)],
    2: [((), (2, 1, 3)), ((0, 3), (2, 1, 1))],
    3: [((), (2, 1, 3), (4, 1)), ((0, 1), (1, 3), ())],
}


def random_shapes(n):
    """n shapes that broadcast together (a random output shape; each input drops leading
    dims and sets some to 1)."""
    out = tuple(int(s) for s in rng.randint(2, 4, rng.randint(1, 4)))
    shapes = []
    for _ in range(n):
        k = rng.randint(0, len(out) + 1)
        s = tuple(1 if rng.rand() < 0.4 else d for d in out[len(out) - k:])
        shapes.append(s)
    return tuple(shapes)


def _inplace(fn):
    return lambda a, *rest: fn(a * 1, *rest)    # in place on a non-leaf


def _clampt(lo_hi):
    return lambda a, lo, hi: lo_hi(a, lo, hi)


SHAPE_SPECS = {
    # unary math
    "abs": ("z", torch.abs, jnp.abs),
    "neg": ("a", torch.neg, jnp.negative),
    "exp": ("a", torch.exp, jnp.exp),
    "exp2": ("a", torch.exp2, jnp.exp2),
    "expm1": ("a", torch.expm1, jnp.expm1),
    "log": ("p", torch.log, jnp.log),
    "log2": ("p", torch.log2, jnp.log2),
    "log10": ("p", torch.log10, jnp.log10),
    "log1p": ("p", torch.log1p, jnp.log1p),
    "sqrt": ("p", torch.sqrt, jnp.sqrt),
    "rsqrt": ("p", torch.rsqrt, jax.lax.rsqrt),
    "square": ("a", torch.square, jnp.square),
    "reciprocal": ("z", torch.reciprocal, lambda a: 1 / a),
    "sin": ("a", torch.sin, jnp.sin),
    "cos": ("a", torch.cos, jnp.cos),
    "tan": ("u", torch.tan, jnp.tan),
    "asin": ("u", torch.asin, jnp.arcsin),
    "acos": ("u", torch.acos, jnp.arccos),
    "atan": ("a", torch.atan, jnp.arctan),
    "sinh": ("a", torch.sinh, jnp.sinh),
    "cosh": ("a", torch.cosh, jnp.cosh),
    "tanh": ("a", torch.tanh, jnp.tanh),
    "asinh": ("a", torch.asinh, jnp.arcsinh),
    "acosh": ("g", torch.acosh, jnp.arccosh),
    "atanh": ("u", torch.atanh, jnp.arctanh),
    "sigmoid": ("a", torch.sigmoid, jax.nn.sigmoid),
    "erf": ("a", torch.erf, jsp.erf),
    "erfc": ("a", torch.erfc, jsp.erfc),
    "sinc": ("z", torch.sinc, jnp.sinc),
    "deg2rad": ("a", torch.deg2rad, jnp.deg2rad),
    "rad2deg": ("a", torch.rad2deg, jnp.rad2deg),
    "logit": ("o", torch.logit, jsp.logit),
    "relu": ("z", torch.relu, jax.nn.relu),
    "sign": ("z", torch.sign, jnp.sign),
    "sgn": ("z", torch.sgn, jnp.sign),
    "floor": ("s", torch.floor, jnp.floor),
    "ceil": ("s", torch.ceil, jnp.ceil),
    "trunc": ("s", torch.trunc, jnp.trunc),
    "round": ("s", torch.round, jnp.round),
    "round_decimals": ("s", lambda a: torch.round(a, decimals=2), lambda a: jnp.round(a, 2)),
    "frac": ("s", torch.frac, lambda a: a - jnp.trunc(a)),
    "nan_to_num": ("a", lambda a: torch.nan_to_num(a / 0.0 * a), lambda a: jnp.nan_to_num(
        a / 0.0 * a)),
    # binary arithmetic (tensor, tensor) and (tensor, number)
    "add": ("aa", lambda a, b: torch.add(a, b, alpha=-1.5), lambda a, b: a - 1.5 * b),
    "sub": ("aa", lambda a, b: a - b, jnp.subtract),
    "rsub": ("aa", torch.rsub, lambda a, b: b - a),
    "rsub_scalar": ("a", lambda a: 2.5 - a, lambda a: 2.5 - a),
    "mul": ("aa", lambda a, b: a * b, jnp.multiply),
    "div": ("az", lambda a, b: a / b, jnp.divide),
    "div_mode": ("sz", lambda a, b: torch.div(a, b, rounding_mode="trunc"),
                 lambda a, b: jnp.trunc(a / b)),
    "floor_divide": ("sz", lambda a, b: a // b, jnp.floor_divide),
    "remainder": ("sz", lambda a, b: a % b, jnp.remainder),
    "remainder_scalar": ("s", lambda a: a % -1.7, lambda a: jnp.remainder(a, -1.7)),
    "fmod": ("sz", torch.fmod, jnp.fmod),
    "fmod_scalar": ("s", lambda a: torch.fmod(a, 1.3), lambda a: jnp.fmod(a, 1.3)),
    "pow": ("p", lambda a: a ** 1.7, lambda a: a ** 1.7),
    "pow_tensor": ("pa", lambda a, b: a ** b, jnp.power),
    "pow_scalar_base": ("a", lambda a: 1.8 ** a, lambda a: 1.8 ** a),
    "maximum": ("aa", torch.maximum, jnp.maximum),
    "minimum": ("aa", torch.minimum, jnp.minimum),
    "atan2": ("zz", torch.atan2, jnp.arctan2),
    "hypot": ("zz", torch.hypot, jnp.hypot),
    "copysign": ("zz", torch.copysign, jnp.copysign),
    "copysign_scalar": ("z", lambda a: torch.copysign(a, -1.0), lambda a: -jnp.abs(a)),
    "xlogy": ("ap", torch.xlogy, jsp.xlogy),
    "xlogy_self_scalar": ("p", lambda b: torch.xlogy(2.0, b), lambda b: 2.0 * jnp.log(b)),
    "xlogy_other_scalar": ("a", lambda a: torch.xlogy(a, 3.0), lambda a: a * jnp.log(3.0)),
    "logaddexp": ("aa", torch.logaddexp, jnp.logaddexp),
    "logaddexp2": ("aa", torch.logaddexp2, jnp.logaddexp2),
    "ldexp": ("aa", torch.ldexp, lambda a, b: a * jnp.exp2(b)),
    # ternary
    "lerp": ("aa", lambda a, b: torch.lerp(a, b, 0.3), lambda a, b: a + 0.3 * (b - a)),
    "lerp_tensor": ("aaa", torch.lerp, lambda a, b, w: a + w * (b - a)),
    "addcmul": ("aaa", lambda a, b, c: torch.addcmul(a, b, c, value=0.5),
                lambda a, b, c: a + 0.5 * b * c),
    "addcdiv": ("aaz", lambda a, b, c: torch.addcdiv(a, b, c, value=-2),
                lambda a, b, c: a - 2 * b / c),
    "clamp": ("s", lambda a: torch.clamp(a, -1.0, 2.0), lambda a: jnp.clip(a, -1.0, 2.0)),
    "clamp_tensor": ("saa", lambda a, lo, hi: torch.clamp(a, lo - 1, hi + 1),
                     lambda a, lo, hi: jnp.minimum(jnp.maximum(a, lo - 1), hi + 1)),
    "clamp_min": ("s", lambda a: a.clamp_min(0.5), lambda a: jnp.maximum(a, 0.5)),
    "clamp_min_tensor": ("sa", torch.clamp_min, jnp.maximum),
    "clamp_max": ("s", lambda a: a.clamp_max(0.5), lambda a: jnp.minimum(a, 0.5)),
    "clamp_max_tensor": ("sa", torch.clamp_max, jnp.minimum),
    "where": ("aa", lambda a, b: torch.where(a > b, a, b * 2), lambda a, b: jnp.where(
        a > b, a, b * 2)),
    "masked_fill": ("aa", lambda a, b: a.masked_fill(b > 0, 3.0),
                    lambda a, b: jnp.where(b > 0, 3.0, a)),
    "masked_fill_tensor": ("aa", lambda a, b: a.masked_fill(a > 0, b.sum()),
                           lambda a, b: jnp.where(a > 0, b.sum(), a)),
    # activations (and their in-place twins)
    "hardtanh": ("s", lambda a: F.hardtanh(a, -2.0, 1.5), lambda a: jnp.clip(a, -2.0, 1.5)),
    "hardtanh_": ("s", _inplace(lambda a: F.hardtanh(a, -2.0, 1.5, inplace=True)),
                  lambda a: jnp.clip(a, -2.0, 1.5)),
    "gelu": ("a", lambda a: F.gelu(a, approximate="tanh"),
             lambda a: jax.nn.gelu(a, approximate=True)),
    "silu": ("a", F.silu, jax.nn.silu),
    "silu_": ("a", _inplace(lambda a: F.silu(a, inplace=True)), jax.nn.silu),
    "mish": ("a", F.mish, lambda a: a * jnp.tanh(jax.nn.softplus(a))),
    "mish_": ("a", _inplace(lambda a: F.mish(a, inplace=True)),
              lambda a: a * jnp.tanh(jax.nn.softplus(a))),
    "softplus": ("s", lambda a: F.softplus(a, beta=0.5, threshold=1.0),
                 lambda a: jnp.where(a * 0.5 > 1.0, a, jax.nn.softplus(0.5 * a) / 0.5)),
    "elu": ("z", lambda a: F.elu(a, 0.7), lambda a: jax.nn.elu(a, 0.7)),
    "elu_": ("z", _inplace(lambda a: F.elu(a, 0.7, inplace=True)),
             lambda a: jax.nn.elu(a, 0.7)),
    "selu": ("z", F.selu, jax.nn.selu),
    "selu_": ("z", _inplace(lambda a: F.selu(a, inplace=True)), jax.nn.selu),
    "celu": ("z", lambda a: F.celu(a, 0.6), lambda a: jax.nn.celu(a, 0.6)),
    "celu_": ("z", _inplace(lambda a: F.celu(a, 0.6, inplace=True)),
              lambda a: jax.nn.celu(a, 0.6)),
    "leaky_relu": ("z", lambda a: F.leaky_relu(a, 0.3), lambda a: jax.nn.leaky_relu(a, 0.3)),
    "leaky_relu_": ("z", _inplace(lambda a: F.leaky_relu(a, 0.3, inplace=True)),
                    lambda a: jax.nn.leaky_relu(a, 0.3)),
    "rrelu_with_noise": ("z", F.rrelu, lambda a: jax.nn.leaky_relu(a, (1 / 8 + 1 / 3) / 2)),
    "rrelu_with_noise_": ("z", _inplace(lambda a: F.rrelu(a, inplace=True)),
                          lambda a: jax.nn.leaky_relu(a, (1 / 8 + 1 / 3) / 2)),
    "hardsigmoid": ("s", F.hardsigmoid, jax.nn.hard_sigmoid),
    "hardsigmoid_": ("s", _inplace(lambda a: F.hardsigmoid(a, inplace=True)),
                     jax.nn.hard_sigmoid),
    "hardswish": ("s", F.hardswish, jax.nn.hard_swish),
    "hardswish_": ("s", _inplace(lambda a: F.hardswish(a, inplace=True)), jax.nn.hard_swish),
    "log_sigmoid": ("a", F.logsigmoid, jax.nn.log_sigmoid),
    "softshrink": ("s", lambda a: F.softshrink(a, 0.7),
                   lambda a: jnp.where(a > 0.7, a - 0.7, jnp.where(a < -0.7, a + 0.7, 0.0))),
    "hardshrink": ("s", lambda a: F.hardshrink(a, 0.7),
                   lambda a: jnp.where(jnp.abs(a) > 0.7, a, 0.0)),
    "threshold": ("s", lambda a: F.threshold(a, 0.5, -2.0),
                  lambda a: jnp.where(a > 0.5, a, -2.0)),
    "threshold_": ("s", _inplace(lambda a: F.threshold(a, 0.5, -2.0, inplace=True)),
                   lambda a: jnp.where(a > 0.5, a, -2.0)),
    "prelu": ("aa", lambda a, w: F.prelu(a, w.sum().reshape(1)),
              lambda a, w: jnp.where(a > 0, a, w.sum() * a)),
    "glu": ("a", lambda a: F.glu(torch.stack([a, a * 2], -1)).squeeze(-1),
            lambda a: a * jax.nn.sigmoid(a * 2)),
    # broadcasting losses (reduction="none": the shape broadcasts)
    "mse_loss": ("aa", lambda a, b: _quiet(F.mse_loss, a, b), lambda a, b: (a - b) ** 2),
    "huber_loss": ("aa", lambda a, b: _quiet(F.huber_loss, a, b, delta=0.8),
                   lambda a, b: jnp.where(jnp.abs(a - b) < 0.8, 0.5 * (a - b) ** 2,
                                          0.8 * (jnp.abs(a - b) - 0.4))),
    "smooth_l1_loss": ("aa", lambda a, b: _quiet(F.smooth_l1_loss, a, b, beta=0.8),
                       lambda a, b: jnp.where(jnp.abs(a - b) < 0.8, 0.5 * (a - b) ** 2 / 0.8,
                                              jnp.abs(a - b) - 0.4)),
    "binary_cross_entropy_with_logits": (
        "ao", lambda x, t: F.binary_cross_entropy_with_logits(*_bc(x, t), reduction="none"),
        lambda x, t: (lambda x, t: jnp.maximum(x, 0) - x * t + jnp.log1p(jnp.exp(-jnp.abs(x))))(
            *jnp.broadcast_arrays(x, t))),
    "soft_margin_loss": ("a", lambda x: F.soft_margin_loss(x, _target(x), reduction="none"),
                         lambda x: jnp.log1p(jnp.exp(-x * jnp.cos(jnp.arange(x.size).reshape(
                             x.shape))))),
}


def _target(x):
    """A fixed target of x's shape (a loss target takes no gradient)."""
    return torch.arange(x.numel(), dtype=x.dtype).reshape(x.shape).cos()


def _bc(*ts):
    """Losses that need equal shapes: broadcast the inputs first (differentiably)."""
    return torch.broadcast_tensors(*ts)


def _quiet(fn, a, b, **kw):
    """A loss on broadcasting shapes (PyTorch warns about it, as does facade)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(a, b, reduction="none", **kw)


FORWARD_SHAPE_SPECS = {   # results without a gradient: forward only
    "eq": ("aa", torch.eq, jnp.equal), "ne": ("aa", torch.ne, jnp.not_equal),
    "lt": ("aa", torch.lt, jnp.less), "le": ("aa", torch.le, jnp.less_equal),
    "gt": ("aa", torch.gt, jnp.greater), "ge": ("aa", torch.ge, jnp.greater_equal),
    "logical_and": ("nn", torch.logical_and, jnp.logical_and),
    "logical_or": ("nn", torch.logical_or, jnp.logical_or),
    "logical_xor": ("nn", torch.logical_xor, jnp.logical_xor),
    "logical_not": ("n", torch.logical_not, jnp.logical_not),
    "bitwise_and": ("nn", torch.bitwise_and, jnp.bitwise_and),
    "bitwise_or": ("nn", torch.bitwise_or, jnp.bitwise_or),
    "bitwise_xor": ("nn", torch.bitwise_xor, jnp.bitwise_xor),
    "bitwise_not": ("n", torch.bitwise_not, jnp.invert),
    "isnan": ("a", lambda a: torch.isnan(a / a), lambda a: jnp.isnan(a / a)),
    "isinf": ("a", lambda a: torch.isinf(a / 0.0), lambda a: jnp.isinf(a / 0.0)),
    "isfinite": ("a", lambda a: torch.isfinite(1 / a), lambda a: jnp.isfinite(1 / a)),
    "isposinf": ("a", lambda a: torch.isposinf(a / 0.0), lambda a: jnp.isposinf(a / 0.0)),
    "isneginf": ("a", lambda a: torch.isneginf(a / 0.0), lambda a: jnp.isneginf(a / 0.0)),
    "signbit": ("a", torch.signbit, jnp.signbit),
    "isclose": ("aa", lambda a, b: torch.isclose(a, b + 1e-9), lambda a, b: jnp.isclose(
        a, b + 1e-9, rtol=1e-5, atol=1e-8)),
    "heaviside": ("aa", lambda a, b: torch.heaviside(a.round(), b),
                  lambda a, b: jnp.heaviside(jnp.round(a), b)),
    "floor_divide_int": ("nn", lambda a, b: a // (b.abs() + 1), lambda a, b: a // (
        jnp.abs(b) + 1)),
    "nextafter": ("aa", torch.nextafter, jnp.nextafter),
}

# differences jump at the steps of these (their derivative is 0, checked against jax.grad)
NO_FINITE_DIFFERENCES = {n: "piecewise constant, or jumps" for n in (
    "floor", "ceil", "trunc", "round", "round_decimals", "frac", "div_mode", "floor_divide",
    "remainder", "remainder_scalar", "fmod", "fmod_scalar", "sign", "sgn")}

# ops in the pointwise modules, or with a broadcasting rule, checked elsewhere: why
SHAPE_EXEMPT = {
    "floor_divide_int": "(an alias spec of floor_divide on integers)",
    "einsum": "batch broadcasting of einsum is checked in test_ops_linalg",
    "einsum_mul": "einsum's internal steps (test_ops_linalg)",
    "einsum_permute": "einsum's internal steps (test_ops_linalg)",
    "einsum_sum": "einsum's internal steps (test_ops_linalg)",
    "linalg_solve": "batch broadcasting checked in test_ops_linalg",
    "linalg_cross": "checked in test_ops_linalg",
    "cdist": "checked in test_ops_linalg",
    "div_no_mode": "div's kernel under its other grad_fn (test_ops_grad)",
    "conj": "complex (test_ops_grad)", "complex_part": "complex (test_ops_grad)",
    "complex": "complex (test_ops_grad)",
}
SHAPE_EXEMPT.update({n + s: "in-place comparisons write into the first input's shape "
                     "(test_ops_grad)" for n in ("eq", "ne", "lt", "le", "gt", "ge")
                     for s in ("_", "_scalar_")})

# the coverage test of test_ops_grad.py counts these modules' SPECS as gradient checks
SPECS = dict(SHAPE_SPECS)
NOT_DIRECT = {n: "no gradient (bool or integer result): forward checked on every shape"
              for n in FORWARD_SHAPE_SPECS if n != "floor_divide_int"}


def _configs(name, arity):
    state = rng.get_state()
    rng.seed(zlib.crc32(name.encode()))   # a random shape per op, the same every run
    extra = random_shapes(arity)
    rng.set_state(state)
    return FIXED_SHAPES[arity] + [extra]


def _arrays(domains, shapes):
    return [np.asarray(DOMAINS[d](*s), dtype=np.int64 if d == "n" else np.float64)
            for d, s in zip(domains, shapes)]


def _cases(specs):
    out = []
    for name in sorted(specs):
        domains = specs[name][0]
        for i, shapes in enumerate(_configs(name, len(domains))):
            out.append(pytest.param(name, shapes, i == len(FIXED_SHAPES[len(domains)]),
                                    id=f"{name}-{shapes}"))
    return out


@pytest.mark.parametrize("name,shapes,fd", _cases(SHAPE_SPECS))
def test_pointwise_on_shapes(name, shapes, fd):
    domains, fn, ref = SHAPE_SPECS[name]
    arrays = _arrays(domains, shapes)
    fd = fd and name not in NO_FINITE_DIFFERENCES and all(a.size for a in arrays)
    # (check_spec also checks the result's shape, and each gradient's: its input's shape,
    # reduced over the broadcast dims)
    check_spec((arrays, fn, ref), finite_differences=fd)


@pytest.mark.parametrize("name,shapes,fd", _cases(FORWARD_SHAPE_SPECS))
def test_forward_only_on_shapes(name, shapes, fd):
    domains, fn, ref = FORWARD_SHAPE_SPECS[name]
    arrays = _arrays(domains, shapes)
    out = fn(*[torch.tensor(a) for a in arrays])
    with jax.enable_x64(True):
        expected = np.asarray(ref(*[jnp.asarray(a) for a in arrays]))
    assert tuple(out.shape) == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


_MARKERS = {"elementwise_rule", "float_elementwise_rule", "compare_rule", "broadcast_shapes",
            "infer_size"}


def _broadcasts(fn, seen):
    """Whether a shape rule (or a function it calls or closes over) broadcasts shapes."""
    if not isinstance(fn, types.FunctionType) or id(fn) in seen:
        return False
    seen.add(id(fn))
    if fn.__module__ == table.__name__ and fn.__name__ in _MARKERS:
        return True
    for cell in fn.__closure__ or ():
        try:
            if _broadcasts(cell.cell_contents, seen):
                return True
        except ValueError:   # an empty cell
            continue
    return any(_broadcasts(fn.__globals__.get(n), seen) for n in fn.__code__.co_names)


def test_every_pointwise_op_has_shape_specs():
    pointwise = {n for n, op in OPS.items()
                 if op.module in ("facade._ops.elementwise", "facade._ops.pointwise")}
    broadcasting = {n for n, op in OPS.items() if _broadcasts(op.rule, set())}
    assert {"add", "where", "mse_loss", "clamp_tensor"} <= broadcasting   # the probe works
    covered = set(SHAPE_SPECS) | set(FORWARD_SHAPE_SPECS) | set(SHAPE_EXEMPT)
    missing = (pointwise | broadcasting) - covered
    assert not missing, f"ops without shape specs: {sorted(missing)}"
    stale = covered - set(OPS) - {"floor_divide_int"}
    assert not stale, f"shape specs for ops that no longer exist: {sorted(stale)}"
