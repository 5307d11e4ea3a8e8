"""Every op in the op table: forward against a NumPy/JAX reference, gradient against float64
central differences and against jax.grad of the same math written functionally.

SPECS is keyed by op name; `test_every_op_is_covered` fails when an op is added to the table
without a spec in one of the tests/test_ops_*.py modules (or an explicit reason in their
NOT_DIRECT). The checking machinery is in tests/opcheck.py.
"""
import importlib
import pathlib
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade._ops.table import OPS
from opcheck import anyv, away0, check_spec, pos, rs, unit

F = torch.nn.functional


# name -> (inputs (float64 arrays; all differentiated), facade fn, jax fn)
SPECS = {
    "add": ([anyv(2, 3), anyv(3)], lambda a, b: a + b, lambda a, b: a + b),
    "sub": ([anyv(2, 3), anyv(2, 1)], lambda a, b: torch.sub(a, b, alpha=2),
            lambda a, b: a - 2 * b),
    "rsub": ([anyv(3), anyv(2, 3)], lambda a, b: torch.rsub(a, b), lambda a, b: b - a),
    "rsub_scalar": ([anyv(3)], lambda a: 1.5 - a, lambda a: 1.5 - a),
    "mul": ([anyv(4, 1), anyv(3)], lambda a, b: a * b, lambda a, b: a * b),
    "div": ([anyv(3), pos(3)], lambda a, b: a / b, lambda a, b: a / b),
    "div_mode": ([anyv(3) * 3, pos(3)], lambda a, b: torch.div(a, b, rounding_mode="floor"),
                 lambda a, b: jnp.floor(a / b)),
    "pow": ([pos(3)], lambda a: a ** 2.5, lambda a: a ** 2.5),
    "pow_tensor": ([pos(3), anyv(3)], lambda a, b: a ** b, lambda a, b: a ** b),
    "pow_scalar_base": ([anyv(3)], lambda a: 2.0 ** a, lambda a: 2.0 ** a),
    "neg": ([anyv(3)], lambda a: -a, lambda a: -a),
    "abs": ([away0(3)], torch.abs, jnp.abs),
    "exp": ([anyv(3)], torch.exp, jnp.exp),
    "log": ([pos(3)], torch.log, jnp.log),
    "sqrt": ([pos(3)], torch.sqrt, jnp.sqrt),
    "sin": ([anyv(3)], torch.sin, jnp.sin),
    "cos": ([anyv(3)], torch.cos, jnp.cos),
    "tanh": ([anyv(3)], torch.tanh, jnp.tanh),
    "sigmoid": ([anyv(3)], torch.sigmoid, jax.nn.sigmoid),
    "relu": ([away0(3)], torch.relu, jax.nn.relu),
    "reciprocal": ([pos(3)], torch.reciprocal, lambda a: 1 / a),
    "square": ([anyv(3)], torch.square, jnp.square),
    "mm": ([anyv(2, 3), anyv(3, 4)], torch.mm, jnp.matmul),
    "mv": ([anyv(2, 3), anyv(3)], torch.mv, jnp.matmul),
    "dot": ([anyv(3), anyv(3)], torch.dot, jnp.dot),
    "bmm": ([anyv(2, 2, 3), anyv(2, 3, 4)], torch.bmm, jnp.matmul),
    "sum": ([anyv(2, 3)], torch.sum, jnp.sum),
    "sum_dim": ([anyv(2, 3)], lambda a: a.sum(1, keepdim=True),
                lambda a: a.sum(1, keepdims=True)),
    "mean": ([anyv(2, 3)], torch.mean, jnp.mean),
    "mean_dim": ([anyv(2, 3)], lambda a: a.mean((0, 1)), jnp.mean),
    "view": ([anyv(2, 3)], lambda a: a.view(3, 2) * 1, lambda a: a.reshape(3, 2)),
    "unsafe_view": ([anyv(2, 2, 3), anyv(3, 2)], torch.matmul, jnp.matmul),
    "squeeze0": ([anyv(1, 3)], lambda a: a.squeeze() * 1, lambda a: a.reshape(3)),
    "squeeze1": ([anyv(1, 3)], lambda a: a.squeeze(0) * 1, lambda a: a.reshape(3)),
    "squeeze2": ([anyv(1, 3, 1)], lambda a: a.squeeze((0, 2)) * 1, lambda a: a.reshape(3)),
    "squeeze4": ([anyv(3), anyv(3, 2)], torch.matmul, jnp.matmul),
    "unsqueeze": ([anyv(3)], lambda a: a.unsqueeze(1) * 1, lambda a: a[:, None]),
    "permute": ([anyv(2, 3, 4)], lambda a: a.permute(2, 0, 1) * 1,
                lambda a: jnp.transpose(a, (2, 0, 1))),
    "transpose": ([anyv(2, 3)], lambda a: a.transpose(0, 1) * 1, lambda a: a.T),
    "t": ([anyv(2, 3)], lambda a: a.t() * 1, lambda a: a.T),
    "expand": ([anyv(3, 1)], lambda a: a.expand(3, 4) * 1,
               lambda a: jnp.broadcast_to(a, (3, 4))),
    "select": ([anyv(3, 4)], lambda a: a[1] * 1, lambda a: a[1]),
    "slice": ([anyv(5, 4)], lambda a: a[1:5:2] * 1, lambda a: a[1:5:2]),
    "index": ([anyv(5, 4)], lambda a: a[torch.tensor([0, 3, 3])],
              lambda a: a[jnp.array([0, 3, 3])]),
    "index_put": ([anyv(5), anyv(2)], lambda a, v: _index_put(a, v),
                  lambda a, v: a.at[jnp.array([1, 3])].set(v)),
    "softmax": ([anyv(2, 3)], lambda a: F.softmax(a, 1), lambda a: jax.nn.softmax(a, 1)),
    "log_softmax": ([anyv(2, 3)], lambda a: F.log_softmax(a, 1),
                    lambda a: jax.nn.log_softmax(a, 1)),
    "to": ([anyv(3)], lambda a: a.to(torch.float32).to(torch.float64),
           lambda a: a.astype(jnp.float32).astype(jnp.float64)),
    "clone": ([anyv(3)], lambda a: a.clone(), lambda a: a),
    "copy": ([anyv(3), anyv(3)], lambda a, b: _copy(a, b), lambda a, b: b),
    "fill": ([anyv(3)], lambda a: _fill(a), lambda a: jnp.zeros(3) + 2.0),
    "inplace_cast": ([anyv(3), anyv(3)], lambda a, b: _iadd_wider(a, b),
                     lambda a, b: (a.astype(jnp.float32) + b).astype(jnp.float32)),
    "alias": ([anyv(2, 3)], lambda a: a[...] * 1, lambda a: a),
    "zero": ([anyv(3)], lambda a: _zero(a), lambda a: jnp.zeros(3) + a.sum() * 0),
    "view_scatter": ([anyv(4), anyv(2)], lambda a, v: _slice_assign(a, v),
                     lambda a, v: a.at[1:3].set(v)),
    "rebase": ([anyv(3)], lambda a: _rebase(a), lambda a: a * 2),
    "max": ([anyv(2, 3)], lambda a: a.max(), jnp.max),
    "max_dim": ([anyv(2, 3)], lambda a: a.max(1).values, lambda a: jnp.max(a, 1)),
    "min": ([anyv(2, 3)], lambda a: a.min(), jnp.min),
    "min_dim": ([anyv(2, 3)], lambda a: torch.min(a, 0, keepdim=True)[0],
                lambda a: jnp.min(a, 0, keepdims=True)),
    "amax": ([anyv(2, 3)], lambda a: a.amax(1), lambda a: jnp.max(a, 1)),
    "amin": ([anyv(2, 3)], lambda a: a.amin((0, 1)), jnp.min),
    "prod": ([pos(2, 3)], torch.prod, jnp.prod),
    "prod_dim": ([anyv(2, 3)], lambda a: a.prod(1), lambda a: jnp.prod(a, 1)),
    "maximum": ([anyv(2, 3), anyv(3)], torch.maximum, jnp.maximum),
    "minimum": ([anyv(2, 3), anyv(3)], torch.minimum, jnp.minimum),
    "remainder": ([anyv(3) * 5, pos(3)], lambda a, b: a % b, jnp.remainder),
    "fmod": ([anyv(3) * 5, pos(3)], torch.fmod, jnp.fmod),
    "remainder_scalar": ([anyv(3) * 5], lambda a: a % 1.5, lambda a: jnp.remainder(a, 1.5)),
    "fmod_scalar": ([anyv(3) * 5], lambda a: a.fmod(-1.5), lambda a: jnp.fmod(a, -1.5)),
    "cat": ([anyv(2, 3), anyv(1, 3)], lambda a, b: torch.cat([a, b]),
            lambda a, b: jnp.concatenate([a, b])),
    "stack": ([anyv(3), anyv(3)], lambda a, b: torch.stack([a, b], 1),
              lambda a, b: jnp.stack([a, b], 1)),
    "split": ([anyv(5)], lambda a: a.split(2)[2] * 1, lambda a: a[4:]),
    "split_with_sizes": ([anyv(5)], lambda a: a.split([1, 4])[1] * 1, lambda a: a[1:]),
    "unbind": ([anyv(2, 3)], lambda a: a.unbind(1)[2] * 1, lambda a: a[:, 2]),
    "vjp_graph": ([pos(3)], lambda a: torch.autograd.grad((a ** 3).sum(), a,
                                                          create_graph=True)[0],
                  lambda a: jax.grad(lambda x: (x ** 3).sum())(a)),
}


def _index_put(a, v):
    out = a * 1
    out[torch.tensor([1, 3])] = v
    return out


def _copy(a, b):
    out = a * 1
    return out.copy_(b)


def _fill(a):
    out = a * 1
    return out.fill_(2.0)


def _iadd_wider(a, b):
    out = a.float()
    out += b   # computed in float64, cast back in place
    return out.double()


def _zero(a):
    out = a * 1
    return out.zero_()


def _slice_assign(a, v):
    out = a * 1
    out[1:3] = v
    return out


def _rebase(a):
    out = a * 2
    with torch.no_grad():
        out.data.mul_(1.0)   # a write through .data keeps the history of `out`
    return out


# ops not differentiated directly: why
NOT_DIRECT = {
    "leaf": "the variable itself (every test differentiates leaves)",
    "saved_sub": "an op whose saved inputs were changed through .data: its value is the "
                 "forward's, its derivative at the new values (test_torch_semantics fz_data_*)",
    "detach": "stop_gradient: tested in test_engine (detach semantics)",
    "full": "a factory: no differentiable input",
    "eye": "a factory", "arange": "a factory", "linspace": "a factory",
    "rand": "a factory", "randint": "a factory",
    "argmax": "integer result", "argmin": "integer result",
    "floor_divide": "piecewise constant (no gradient)",
    "bitwise_and": "integer/bool op", "bitwise_or": "integer/bool op",
    "bitwise_xor": "integer/bool op", "bitwise_not": "integer/bool op",
    "logical_and": "bool result", "logical_or": "bool result", "logical_xor": "bool result",
    "logical_not": "bool result",
    "eq": "comparison (no gradient)", "ne": "comparison", "lt": "comparison",
    "le": "comparison", "gt": "comparison", "ge": "comparison",
}


# where central differences do not measure the derivative
NO_FINITE_DIFFERENCES = {
    "div_mode": "floor's derivative is 0, but differences jump at its steps",
    "remainder": "jumps where a/b crosses an integer", "fmod": "jumps likewise",
    "remainder_scalar": "jumps likewise", "fmod_scalar": "jumps likewise",
    "to": "rounds through float32", "inplace_cast": "rounds through float32",
}


def test_every_op_is_covered():
    specs, not_direct = set(), set()
    for path in sorted(pathlib.Path(__file__).parent.glob("test_ops_*.py")):
        mod = importlib.import_module(path.stem)
        specs |= set(mod.SPECS)
        not_direct |= set(mod.NOT_DIRECT)
    missing = set(OPS) - specs - not_direct
    assert not missing, f"ops without a gradient check: {sorted(missing)}"
    stale = (specs | not_direct) - set(OPS)
    assert not stale, f"specs for ops that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_op_forward_and_gradient(name):
    check_spec(SPECS[name], name not in NO_FINITE_DIFFERENCES)


# PyTorch's derivative conventions at the points where JAX's differ
@pytest.mark.parametrize("fn,x,expected", [
    (torch.relu, [0.0], [0.0]),
    (torch.abs, [0.0], [0.0]),
    (torch.sqrt, [0.0, 4.0], [float("inf"), 0.25]),
    (lambda t: t ** 2.0, [0.0], [0.0]),
    (lambda t: t ** 0.0, [0.0], [0.0]),
    (lambda t: t ** 2, [-2.0], [-4.0]),
    (lambda t: t ** 3.0, [-1.0], [3.0]),
    (lambda t: 2.0 ** t, [0.0], [0.6931471824645996]),
])
def test_pytorch_derivative_conventions(fn, x, expected):
    t = torch.tensor(x, requires_grad=True)
    fn(t).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.asarray(expected, np.float32))


# ------------------------------------------------------------------ pointwise.py
def _inplace(fn):
    return lambda a, *rest: fn(a * 1, *rest)   # in place on a non-leaf


POINTWISE_SPECS = {
    "exp2": ([anyv(3)], torch.exp2, jnp.exp2),
    "log2": ([pos(3)], torch.log2, jnp.log2),
    "log10": ([pos(3)], torch.log10, jnp.log10),
    "log1p": ([pos(3)], torch.log1p, jnp.log1p),
    "expm1": ([anyv(3)], torch.expm1, jnp.expm1),
    "rsqrt": ([pos(3)], torch.rsqrt, jax.lax.rsqrt),
    "tan": ([unit(3)], torch.tan, jnp.tan),
    "asin": ([unit(3)], torch.asin, jnp.arcsin),
    "acos": ([unit(3)], torch.acos, jnp.arccos),
    "atan": ([anyv(3)], torch.atan, jnp.arctan),
    "sinh": ([anyv(3)], torch.sinh, jnp.sinh),
    "cosh": ([anyv(3)], torch.cosh, jnp.cosh),
    "erf": ([anyv(3)], torch.erf, jax.scipy.special.erf),
    "erfc": ([anyv(3)], torch.erfc, jax.scipy.special.erfc),
    "sign": ([away0(3)], torch.sign, jnp.sign),
    "floor": ([anyv(3) * 3], torch.floor, jnp.floor),
    "ceil": ([anyv(3) * 3], torch.ceil, jnp.ceil),
    "round": ([anyv(3) * 3], torch.round, jnp.round),
    "round_decimals": ([anyv(3) * 3], lambda a: torch.round(a, decimals=1),
                       lambda a: jnp.round(a, 1)),
    "trunc": ([anyv(3) * 3], torch.trunc, jnp.trunc),
    "frac": ([anyv(3) * 3], torch.frac, lambda a: a - jnp.trunc(a)),
    "clamp": ([anyv(6)], lambda a: torch.clamp(a, -0.5, 0.5), lambda a: jnp.clip(a, -0.5, 0.5)),
    "clamp_tensor": ([anyv(2, 3), anyv(3) - 1, anyv(2, 3) + 1], torch.clamp,
                     lambda a, lo, hi: jnp.minimum(jnp.maximum(a, lo), hi)),
    "clamp_min": ([anyv(4)], lambda a: a.clamp_min(0.2), lambda a: jnp.maximum(a, 0.2)),
    "clamp_min_tensor": ([anyv(4), anyv(4)], torch.clamp_min, jnp.maximum),
    "clamp_max": ([anyv(4)], lambda a: torch.clamp_max(a, 0.2), lambda a: jnp.minimum(a, 0.2)),
    "clamp_max_tensor": ([anyv(4), anyv(4)], torch.clamp_max, jnp.minimum),
    "where": ([anyv(2, 3), anyv(3)], lambda a, b: torch.where(a > 0, a, b),
              lambda a, b: jnp.where(a > 0, a, b)),
    "masked_fill": ([anyv(4)], lambda a: a.masked_fill(a > 0, 2.0),
                    lambda a: jnp.where(a > 0, 2.0, a)),
    "masked_fill_tensor": ([anyv(4), np.array(rs.randn())],
                           lambda a, v: torch.masked_fill(a, a > 0, v),
                           lambda a, v: jnp.where(a > 0, v, a)),
    "lerp": ([anyv(4), anyv(4)], lambda a, b: torch.lerp(a, b, 0.7),
             lambda a, b: a + 0.7 * (b - a)),
    "lerp_tensor": ([anyv(4), anyv(4), anyv(4)], torch.lerp, lambda a, b, w: a + w * (b - a)),
    "addcmul": ([anyv(3), anyv(2, 3), anyv(3)], lambda a, b, c: torch.addcmul(a, b, c, value=-2),
                lambda a, b, c: a - 2 * b * c),
    "addcdiv": ([anyv(3), anyv(3), pos(3)], lambda a, b, c: a.addcdiv(b, c, value=0.5),
                lambda a, b, c: a + 0.5 * b / c),
    "atan2": ([anyv(3), anyv(3)], torch.atan2, jnp.arctan2),
    "hypot": ([anyv(3), anyv(3)], torch.hypot, jnp.hypot),
    "nan_to_num": ([anyv(3)], lambda a: torch.nan_to_num(a, posinf=1.0),
                   lambda a: jnp.nan_to_num(a, posinf=1.0)),
    "hardtanh": ([anyv(6) * 2], lambda a: F.hardtanh(a, -1.5, 1.0),
                 lambda a: jnp.clip(a, -1.5, 1.0)),
    "hardtanh_": ([anyv(6) * 8], _inplace(lambda a: F.relu6(a, inplace=True)),
                  lambda a: jnp.clip(a, 0.0, 6.0)),
    "gelu": ([anyv(4)], lambda a: F.gelu(a) + F.gelu(a, approximate="tanh"),
             lambda a: jax.nn.gelu(a, approximate=False) + jax.nn.gelu(a, approximate=True)),
    "silu": ([anyv(4)], F.silu, jax.nn.silu),
    "silu_": ([anyv(4)], _inplace(lambda a: F.silu(a, inplace=True)), jax.nn.silu),
    "mish": ([anyv(4)], F.mish, lambda a: a * jnp.tanh(jax.nn.softplus(a))),
    "mish_": ([anyv(4)], _inplace(lambda a: F.mish(a, inplace=True)),
              lambda a: a * jnp.tanh(jax.nn.softplus(a))),
    "softplus": ([anyv(6) * 3], lambda a: F.softplus(a, beta=2, threshold=3),
                 lambda a: jnp.where(2 * a > 3, a, jax.nn.softplus(2 * a) / 2)),
    "elu": ([away0(4)], lambda a: F.elu(a, alpha=0.5), lambda a: jax.nn.elu(a, 0.5)),
    "elu_": ([away0(4)], _inplace(F.elu_), jax.nn.elu),
    "leaky_relu": ([away0(4)], lambda a: F.leaky_relu(a, 0.2),
                   lambda a: jax.nn.leaky_relu(a, 0.2)),
    "leaky_relu_": ([away0(4)], _inplace(lambda a: F.leaky_relu(a, inplace=True)),
                    jax.nn.leaky_relu),
}
SPECS.update(POINTWISE_SPECS)
NOT_DIRECT.update({"isnan": "bool result", "isinf": "bool result", "isfinite": "bool result"})


@pytest.mark.parametrize("name", sorted(POINTWISE_SPECS))
def test_pointwise_forward_and_gradient(name):   # SPECS was parametrized before these
    test_op_forward_and_gradient(name)


# PyTorch's derivative conventions at bounds and kinks (JAX's min/max split ties in half)
@pytest.mark.parametrize("fn,x,expected", [
    (lambda t: torch.clamp(t, -1.0, 1.0), [-1.0, 1.0, 2.0], [1.0, 1.0, 0.0]),
    (lambda t: t.clamp_min(1.0), [1.0, 0.0], [1.0, 0.0]),
    (lambda t: torch.clamp_max(t, 1.0), [1.0, 2.0], [1.0, 0.0]),
    (lambda t: torch.clamp(t, torch.tensor([1.0, 0.0]), torch.tensor([2.0, 0.0])), [1.0, 0.0],
     [1.0, 1.0]),
    (lambda t: torch.clamp(t, 0.0, 1.0), [float("nan")], [0.0]),
    (lambda t: F.hardtanh(t), [-1.0, 1.0, 0.5], [0.0, 0.0, 1.0]),
    (lambda t: F.relu6(t), [0.0, 6.0], [0.0, 0.0]),
    (lambda t: F.elu(t, alpha=0.5), [0.0], [0.5]),
    (lambda t: F.leaky_relu(t, 0.1), [0.0], [0.1]),
    (lambda t: torch.sign(t) + torch.floor(t) + torch.round(t), [0.0, 0.5], [0.0, 0.0]),
    (lambda t: F.softplus(t, threshold=1.0), [30.0], [1.0]),
    (lambda t: F.elu(t), [100.0], [1.0]),
    (lambda t: torch.nan_to_num(t), [float("nan"), float("inf"), 1.0], [0.0, 0.0, 1.0]),
])
def test_pointwise_derivative_conventions(fn, x, expected):
    t = torch.tensor(x, requires_grad=True)
    fn(t).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.asarray(expected, np.float32))


def test_pointwise_clamp_bound_gradients():
    # min gets the gradient where x < min < max; max where x > max or max < min
    x = torch.tensor([0.0, 3.0, 1.5, 0.0], requires_grad=True)
    lo = torch.tensor([1.0, 1.0, 1.0, 2.0], requires_grad=True)
    hi = torch.tensor([2.0, 2.0, 2.0, 1.0], requires_grad=True)
    torch.clamp(x, lo, hi).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 0.0]
    assert lo.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert hi.grad.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_inplace_ops_keep_their_grad_fn_through_the_cast():
    # an in-place op whose result has a wider dtype is cast back, invisibly (as PyTorch)
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([0.5, 0.5], dtype=torch.float64, requires_grad=True)
    c = a * 1
    c.add_(b)
    assert c.dtype == torch.float32 and c.grad_fn.name() == "AddBackward0"
    assert c.grad_fn.next_functions[0][0].name() == "MulBackward0"
    (c * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0] and b.grad.dtype == torch.float64


def test_pointwise_grad_fn_names_and_dtypes():
    a = torch.tensor([0.5, -1.5], requires_grad=True)
    m = a > 0
    assert torch.clamp(a, min=0.0).grad_fn.name() == "ClampBackward1"
    assert torch.clamp(a, torch.zeros(2)).grad_fn.name() == "ClampBackward0"
    assert a.masked_fill(m, 1.0).grad_fn.name() == "MaskedFillBackward0"
    assert torch.where(m, a, 0.0).grad_fn.next_functions[1] == (None, 0)
    assert F.relu6(a).grad_fn.name() == "HardtanhBackward0"
    assert F.elu(a * 1, inplace=True).grad_fn.name() == "EluBackward1"
    i = torch.tensor([1, -2])
    assert torch.sign(i).dtype == torch.int64 and torch.exp2(i).dtype == torch.float32
    assert torch.clamp(i, 0.5).dtype == torch.float32 and torch.clamp(i, 0, 1).dtype == torch.int64
    assert torch.isnan(torch.tensor([float("nan"), 1.0])).tolist() == [True, False]
    assert torch.sign(torch.tensor([float("nan")])).tolist() == [0.0]
    with pytest.raises(RuntimeError, match="boolean"):
        torch.where(i, i, i)
    with pytest.raises(NotImplementedError, match="frac_cpu"):
        torch.frac(i)


# ------------------------------------------------------------------ reductions.py, indexing.py, layout.py
def _ix(*v):
    return torch.tensor(v)


_G = [[0, 1, 2, 0], [2, 0, 1, 1]]
_perm = rs.permutation(12).reshape(3, 4) + anyv(3, 4) * 0.1   # distinct values: no sort ties

REDUCTION_INDEXING_LAYOUT_SPECS = {
    "var": ([anyv(3, 4)], lambda a: a.var(1, keepdim=True) + a.var(),
            lambda a: jnp.var(a, 1, ddof=1, keepdims=True) + jnp.var(a, ddof=1)),
    "std": ([anyv(3, 4)], lambda a: torch.std(a, 0, correction=0),
            lambda a: jnp.std(a, 0)),
    "logsumexp": ([anyv(3, 4)], lambda a: a.logsumexp(1),
                  lambda a: jax.nn.logsumexp(a, 1)),
    "linalg_vector_norm": (
        [away0(3, 4)],
        lambda a: a.norm() + a.norm(1, dim=1).sum() + torch.linalg.vector_norm(a, 3, 0).sum()
        + a.norm(float("inf")),
        lambda a: jnp.sqrt(jnp.sum(a * a)) + jnp.abs(a).sum()
        + (jnp.sum(jnp.abs(a) ** 3, 0) ** (1 / 3)).sum() + jnp.max(jnp.abs(a))),
    "cumsum": ([anyv(3, 4)], lambda a: a.cumsum(1), lambda a: jnp.cumsum(a, 1)),
    "cumprod": ([anyv(3, 4)], lambda a: torch.cumprod(a, 0), lambda a: jnp.cumprod(a, 0)),
    "sort": ([_perm], lambda a: a.sort(0, descending=True).values,
             lambda a: -jnp.sort(-a, 0)),
    "topk": ([_perm], lambda a: a.topk(2, largest=False)[0],
             lambda a: jnp.sort(a, 1)[:, :2]),
    "index_select": ([anyv(3, 4)], lambda a: a.index_select(1, _ix(0, 3, 3)),
                     lambda a: a[:, jnp.array([0, 3, 3])]),
    "gather": ([anyv(3, 4)], lambda a: a.gather(0, torch.tensor(_G)) + torch.take_along_dim(
        a, _ix(5, 0, 11)).sum(),
        lambda a: jnp.take_along_axis(a, jnp.array(_G), 0) + a.ravel()[jnp.array([5, 0, 11])].sum()),
    "scatter": ([anyv(3, 4), anyv(2, 4)],
                lambda a, s: a.scatter(0, _ix([0, 1, 2, 0], [2, 0, 1, 1]), s),
                lambda a, s: a.at[jnp.array([[0, 1, 2, 0], [2, 0, 1, 1]]),
                                  jnp.arange(4)].set(s)),
    "scatter_value": ([anyv(3, 4)], lambda a: a.scatter(1, _ix([0], [3], [1]), 2.0),
                      lambda a: a.at[jnp.arange(3), jnp.array([0, 3, 1])].set(2.0)),
    "scatter_add": ([anyv(3, 4), anyv(2, 4)],
                    lambda a, s: a.scatter_add(0, _ix([0, 0, 2, 0], [0, 0, 1, 2]), s),
                    lambda a, s: a.at[jnp.array([[0, 0, 2, 0], [0, 0, 1, 2]]),
                                      jnp.arange(4)].add(s)),
    "index_add": ([anyv(3, 4), anyv(3, 2)],
                  lambda a, s: a.index_add(1, _ix(3, 0), s[:, :2], alpha=2) * 1,
                  lambda a, s: a.at[:, jnp.array([3, 0])].add(2 * s)),
    "masked_select": ([anyv(3, 4)], lambda a: a.masked_select(_ix(True, False, True, True)),
                      lambda a: a[:, jnp.array([0, 2, 3])].ravel()),
    "flip": ([anyv(3, 4)], lambda a: a.flip(0, 1), lambda a: a[::-1, ::-1]),
    "roll": ([anyv(3, 4)], lambda a: a.roll((1, -1), (0, 1)) + a.roll(5),
             lambda a: jnp.roll(a, (1, -1), (0, 1)) + jnp.roll(a.ravel(), 5).reshape(3, 4)),
    "tril": ([anyv(3, 4)], lambda a: a.tril(1), lambda a: jnp.tril(a, 1)),
    "triu": ([anyv(3, 4)], lambda a: torch.triu(a, -1), lambda a: jnp.triu(a, -1)),
    "diag": ([anyv(3, 4)], lambda a: a.diag(1), lambda a: jnp.diagonal(a, 1)),
    "diag_embed": ([anyv(3)], lambda a: torch.diag(a, -1), lambda a: jnp.diag(a, -1)),
    "diagonal": ([anyv(3, 4)], lambda a: a.diagonal() * 1, lambda a: jnp.diagonal(a)),
    "repeat": ([anyv(3, 4)], lambda a: a.repeat(2, 1, 3) + a.tile(2, 1, 3),
               lambda a: 2 * jnp.tile(a, (2, 1, 3))),
}
_nans = np.where(rs.rand(3, 4) > 0.6, np.nan, 0.0)
_modes = np.array([[1.0, 2.0, 3.0, 2.0], [5.0, 4.0, 6.0, 4.0], [8.0, 7.0, 9.0, 7.5]])


def _running_index(a, axis, better_or_tied):
    a = np.moveaxis(a, axis, 0)
    idx = np.zeros(a.shape, np.int64)
    for i in range(1, a.shape[0]):
        best = np.take_along_axis(a, idx[i - 1][None], 0)[0]
        idx[i] = np.where(better_or_tied(a[i], best), i, idx[i - 1])
    return np.moveaxis(idx, 0, axis)


def _cmp_(name, scalar):
    if scalar:
        return ([anyv(2, 3)], lambda a: getattr(a * 1, name + "_")(0.1),
                lambda a: getattr(jnp, _JNP_CMP[name])(a, 0.1).astype(a.dtype))
    return ([anyv(2, 3), anyv(3)], lambda a, b: getattr(a * 1, name + "_")(b),
            lambda a, b: getattr(jnp, _JNP_CMP[name])(a, b).astype(a.dtype))


_JNP_CMP = {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
            "gt": "greater", "ge": "greater_equal"}
MORE_SPECS = {
    "aminmax_min": ([_perm], lambda a: torch.aminmax(a, dim=1).min,
                    lambda a: jnp.min(a, 1)),
    "aminmax_max": ([_perm], lambda a: torch.aminmax(a).max, jnp.max),
    # the most frequent value (its last occurrence), or the smallest if all are distinct
    "mode": ([_modes], lambda a: a.mode(1).values + torch.mode(a, 0, keepdim=True)[0].sum(),
             lambda a: a[jnp.arange(3), jnp.array([3, 3, 1])] + a[jnp.zeros(4, int),
                                                                  jnp.arange(4)].sum()),
    "dist": ([anyv(2, 3), anyv(3)], lambda a, b: torch.dist(a, b) + a.dist(b, 3),
             lambda a, b: jnp.sqrt(jnp.sum((a - b) ** 2)) + jnp.sum(jnp.abs(a - b) ** 3) ** (
                 1 / 3)),
    "inplace_cast": ([anyv(3)], lambda a: (a.float() * 1).add_(a).double(),
                     lambda a: (a.astype(jnp.float32).astype(jnp.float64) + a).astype(
                         jnp.float32).astype(jnp.float64)),
    "div_no_mode": ([anyv(2, 3), away0(3)], lambda a, b: torch.div(a, b, rounding_mode=None),
                    lambda a, b: a / b),
    "nansum": ([anyv(3, 4)], lambda a: torch.nansum(a + torch.tensor(_nans), 1) + a.nansum(),
               lambda a: jnp.nansum(a + _nans, 1) + a.sum()),
    "var_mean": ([anyv(3, 4)], lambda a: torch.var_mean(a, 1)[0],
                 lambda a: jnp.var(a, 1, ddof=1)),
    "var_mean_mean": ([anyv(3, 4)], lambda a: torch.var_mean(a, 0, correction=0)[1],
                      lambda a: jnp.mean(a, 0)),
    "std_mean": ([anyv(3, 4)], lambda a: torch.std_mean(a, (0, 1), keepdim=True)[0],
                 lambda a: jnp.std(a, (0, 1), ddof=1, keepdims=True)),
    "std_mean_mean": ([anyv(3, 4)], lambda a: torch.std_mean(a)[1], jnp.mean),
    "median": ([_perm], lambda a: a.median(), lambda a: jnp.sort(a.ravel())[5]),
    "median_dim": ([_perm], lambda a: a.median(1).values,
                   lambda a: jnp.sort(a, 1)[:, 1]),
    "nanmedian": ([_perm], lambda a: torch.nanmedian(a + torch.tensor(_nans)),
                  lambda a: jnp.sort((a + _nans).ravel())[(int((_nans == 0).sum()) - 1) // 2]),
    "nanmedian_dim": ([_perm], lambda a: a.nanmedian(0, keepdim=True)[0],
                      lambda a: jnp.sort(a, 0)[1:2]),
    "kthvalue": ([_perm], lambda a: a.kthvalue(3).values, lambda a: jnp.sort(a, 1)[:, 2]),
    # PyTorch's running max/min index is the last of tied extremes: the gradient goes there
    "cummax": ([_perm], lambda a: a.cummax(1).values,
               lambda a: jnp.take_along_axis(a, _running_index(_perm, 1, np.greater_equal), 1)),
    "cummin": ([_perm], lambda a: torch.cummin(a, 0)[0],
               lambda a: jnp.take_along_axis(a, _running_index(_perm, 0, np.less_equal), 0)),
    "logcumsumexp": ([anyv(3, 4)], lambda a: a.logcumsumexp(1),
                     lambda a: jax.lax.cumlogsumexp(a, axis=1)),
    "sort_stable": ([_perm], lambda a: a.sort(stable=True).values, lambda a: jnp.sort(a, 1)),
    "diag_embed_batched": ([anyv(2, 3)], lambda a: torch.diag_embed(a, 1) + torch.diag_embed(
        a, -1, 0, 2).transpose(0, 1), lambda a: jax.vmap(lambda r: jnp.diag(r, 1))(a) + jnp.stack(
        [jnp.diag(r, -1) for r in a], 0)),
    "native_group_norm": (
        [anyv(2, 4, 3), anyv(4), anyv(4)],
        lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-3),
        lambda x, w, b: ((lambda g: ((g - g.mean(2, keepdims=True)) / jnp.sqrt(
            g.var(2, keepdims=True) + 1e-3)).reshape(2, 4, 3))(x.reshape(2, 2, 6))
            * w[:, None] + b[:, None])),
    "pixel_shuffle": ([anyv(1, 8, 2, 3)], lambda x: F.pixel_shuffle(x, 2)[..., :3]
                      + F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2)[:, :2, :, :1].sum(),
                      lambda x: x.reshape(1, 2, 2, 2, 2, 3).transpose(0, 1, 4, 2, 5, 3).reshape(
                          1, 2, 4, 6)[..., :3] + x[:, :2, :, :1].sum()),
}
_spd = (lambda m: m @ m.T + 3 * np.eye(3))(anyv(3, 3))
INDEXING_AND_MORE_SPECS = {
    "vdot": ([anyv(3), anyv(3)], torch.vdot, jnp.vdot),
    "addr": ([anyv(2, 3), anyv(2), anyv(3)], lambda x, a, b: torch.addr(x, a, b, beta=0.5,
                                                                        alpha=2),
             lambda x, a, b: 0.5 * x + 2 * jnp.outer(a, b)),
    "cholesky": ([_spd], lambda a: _quiet(torch.cholesky, a) + _quiet(torch.cholesky, a,
                                                                      upper=True),
                 lambda a: jnp.linalg.cholesky(a) + jnp.linalg.cholesky(a).T),
    "alias": ([anyv(2, 3)], lambda a: a[...] * 1 + a[:, :] * 2, lambda a: 3 * a),
    "view_dtype": ([anyv(3)], lambda a: a + a.view(torch.int64).to(torch.float64) * 0,
                   lambda a: a),
    "rot90": ([anyv(2, 3)], lambda a: torch.rot90(a) + torch.rot90(a, 2).sum()
              + torch.rot90(a, -1, (1, 0)).sum(), lambda a: jnp.rot90(a) + jnp.rot90(a, 2).sum()
              + jnp.rot90(a, -1, (1, 0)).sum()),
    "unfold": ([anyv(2, 5)], lambda a: a.unfold(1, 2, 2),
               lambda a: jnp.stack([a[:, 0:2], a[:, 2:4]], 1)),
    "take": ([anyv(3, 4)], lambda a: torch.take(a, _ix([0, 11], [5, -1])),
             lambda a: a.ravel()[jnp.array([[0, 11], [5, -1]])]),
    "index_copy": ([anyv(3, 4), anyv(3, 2)], lambda a, s: a.index_copy(1, _ix(3, 0), s),
                   lambda a, s: a.at[:, jnp.array([3, 0])].set(s)),
    "index_fill": ([anyv(3, 4)], lambda a: a.index_fill(0, _ix(2), -1.5),
                   lambda a: a.at[2].set(-1.5)),
    "index_fill_tensor": ([anyv(3, 4), np.array(0.7)], lambda a, v: a.index_fill(1, _ix(1, 3), v),
                          lambda a, v: a.at[:, jnp.array([1, 3])].set(v)),
    "masked_scatter": ([anyv(2, 3), anyv(6)],
                       lambda a, s: a.masked_scatter(_ix([True, False, True], [False, True,
                                                                              True]), s),
                       lambda a, s: a.at[jnp.array([0, 0, 1, 1]), jnp.array([0, 2, 1, 2])].set(
                           s[:4])),
    "scatter_reduce": ([_perm, _perm[:2] * 0.5],
                       lambda a, s: sum(a.scatter_reduce(0, _ix([0, 0, 2, 0], [2, 0, 1, 1]), s,
                                                         r, include_self=inc)
                                        for r in ("sum", "prod", "mean", "amax", "amin")
                                        for inc in (True, False)),
                       lambda a, s: sum(_ref_scatter_reduce(a, s, r, inc)
                                        for r in ("sum", "prod", "mean", "amax", "amin")
                                        for inc in (True, False))),
    "scatter_legacy_reduce": ([anyv(3, 4)], lambda a: a.scatter(
        0, _ix([0, 1, 2, 0]), 2.0, reduce="multiply").detach() + a,
        lambda a: jax.lax.stop_gradient(a.at[jnp.array([[0, 1, 2, 0]]), jnp.arange(4)].multiply(
            2.0)) + a),
    "complex": ([anyv(3), anyv(3)], lambda a, b: torch.complex(a, b).abs(),
                lambda a, b: jnp.abs(a + b * 1j)),
    "conj": ([anyv(3), anyv(3)], lambda a, b: torch.complex(a, b).conj().imag * a,
             lambda a, b: jnp.imag(jnp.conj(a + b * 1j)) * a),
    "complex_part": ([anyv(3), anyv(3)], lambda a, b: (torch.complex(a, b) * torch.complex(
        b, a)).real + torch.imag(torch.complex(a, a * b)),
        lambda a, b: jnp.real((a + b * 1j) * (b + a * 1j)) + a * b),
    "multi_margin_loss": ([anyv(3, 4), rs.uniform(0.5, 1.5, 4)],
                          lambda x, w: F.multi_margin_loss(x, _ix(0, 3, 1), p=2, margin=0.7,
                                                           weight=w)
                          + F.multi_margin_loss(x, _ix(0, 3, 1), reduction="none").sum(),
                          lambda x, w: _ref_multi_margin(x, [0, 3, 1], 2, 0.7, w).mean()
                          + _ref_multi_margin(x, [0, 3, 1], 1, 1.0, None).sum()),
    "im2col": ([anyv(2, 2, 4, 5)], lambda x: F.unfold(x, (2, 3), padding=1, stride=(2, 1)),
               lambda x: _ref_unfold(x, (2, 3), 1, (2, 1))),
    "col2im": ([anyv(2, 12, 6)], lambda c: F.fold(c, (4, 5), (2, 3), stride=(2, 1)),
               lambda c: jax.linear_transpose(lambda x: _ref_unfold(x, (2, 3), 0, (2, 1)),
                                              jax.ShapeDtypeStruct((2, 2, 4, 5),
                                                                   jnp.float64))(c)[0]),
}
NO_FINITE_DIFFERENCES.update({"scatter_legacy_reduce": "no derivative (PyTorch's "
                                                       "NotImplemented); only its input path"})


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*a, **k)


def _ref_unfold(x, k, p, s):
    xp = jnp.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    oh = (xp.shape[2] - k[0]) // s[0] + 1
    ow = (xp.shape[3] - k[1]) // s[1] + 1
    cols = [xp[:, :, i:i + (oh - 1) * s[0] + 1:s[0], j:j + (ow - 1) * s[1] + 1:s[1]]
            for i in range(k[0]) for j in range(k[1])]
    return jnp.stack(cols, 2).reshape(x.shape[0], -1, oh * ow)


def _ref_multi_margin(x, t, p, margin, w):
    t = np.asarray(t)
    xy = x[np.arange(len(t)), t][:, None]
    m = jnp.maximum(margin - xy + x, 0) ** p
    if w is not None:
        m = m * w[t][:, None]
    m = jnp.where(np.arange(x.shape[1])[None] == t[:, None], 0, m)
    return m.sum(1) / x.shape[1]


def _ref_scatter_reduce(a, s, reduce, include_self):
    idx = np.array([[0, 0, 2, 0], [2, 0, 1, 1]])
    out = []
    for col in range(a.shape[1]):
        column = []
        for row in range(a.shape[0]):
            vals = [s[k, col] for k in range(idx.shape[0]) if idx[k, col] == row]
            if not vals:
                column.append(a[row, col])
                continue
            vals = ([a[row, col]] if include_self else []) + vals
            stack = jnp.stack(vals)
            column.append({"sum": jnp.sum, "prod": jnp.prod, "mean": jnp.mean,
                           "amax": jnp.max, "amin": jnp.min}[reduce](stack))
        out.append(jnp.stack(column))
    return jnp.stack(out, 1)


SPECS.update(INDEXING_AND_MORE_SPECS)


@pytest.mark.parametrize("name", sorted(INDEXING_AND_MORE_SPECS))
def test_indexing_and_more_forward_and_gradient(name):
    test_op_forward_and_gradient(name)


for _n in _JNP_CMP:
    MORE_SPECS[_n + "_"] = _cmp_(_n, False)
    MORE_SPECS[_n + "_scalar_"] = _cmp_(_n, True)
SPECS.update(MORE_SPECS)
NOT_DIRECT.update({
    "nextafter": "piecewise constant (PyTorch has no derivative for it)",
    "mode_indices": "integer result",
    "median_indices": "integer result", "nanmedian_indices": "integer result",
    "kthvalue_indices": "integer result", "cummax_indices": "integer result",
    "cummin_indices": "integer result",
})
NO_FINITE_DIFFERENCES.update({n + s: "a comparison: zero derivative, differences jump"
                              for n in _JNP_CMP for s in ("_", "_scalar_")})
NO_FINITE_DIFFERENCES["inplace_cast"] = "rounds through float32"
NO_FINITE_DIFFERENCES["mode"] = "a mode is a tie: its derivative goes to the returned index"


@pytest.mark.parametrize("name", sorted(MORE_SPECS))
def test_more_reductions_and_pointwise_forward_and_gradient(name):
    test_op_forward_and_gradient(name)


SPECS.update(REDUCTION_INDEXING_LAYOUT_SPECS)
NOT_DIRECT.update({
    "all": "bool result", "any": "bool result", "count_nonzero": "integer result",
    "argsort": "integer result", "topk_indices": "integer result",
})


@pytest.mark.parametrize("name", sorted(REDUCTION_INDEXING_LAYOUT_SPECS))
def test_reduction_indexing_layout_forward_and_gradient(name):
    test_op_forward_and_gradient(name)


# PyTorch's derivative conventions where JAX's differ
@pytest.mark.parametrize("fn,x,expected", [
    (lambda t: t.norm(), [0.0, 0.0], [0.0, 0.0]),
    (lambda t: t.norm(1), [0.0, 1.0], [0.0, 1.0]),
    (lambda t: t.std(), [1.0, 1.0], [0.0, 0.0]),
    # ties: max()/amax split the gradient evenly, max(dim) gives it to the index it returns,
    # the running max/min to the last of tied extremes; amax of a nan is nan everywhere
    (lambda t: t.max(), [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
    (lambda t: t.amax(), [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
    (lambda t: t.reshape(2, 2).amin(1), [1.0, 1.0, 3.0, 0.0], [0.5, 0.5, 0.0, 1.0]),
    (lambda t: t.max(0).values, [3.0, 1.0, 3.0], [1.0, 0.0, 0.0]),
    (lambda t: t.min(0).values, [1.0, 3.0, 1.0], [1.0, 0.0, 0.0]),
    (lambda t: t.max(), [1.0, float("nan"), 3.0], [0.0, 1.0, 0.0]),
    (lambda t: t.amax(), [1.0, float("nan"), 3.0], [float("nan")] * 3),
    (lambda t: t.median(), [1.0, 2.0, 2.0, 3.0], [0.0, 0.5, 0.5, 0.0]),
    (lambda t: t.cummax(0).values, [1.0, 3.0, 3.0, 2.0], [1.0, 1.0, 2.0, 0.0]),
    (lambda t: t.cummin(0).values, [3.0, 1.0, 1.0, 2.0], [1.0, 1.0, 2.0, 0.0]),
    (lambda t: torch.maximum(t, torch.tensor([1.0, 0.0])), [1.0, 2.0], [0.5, 1.0]),
    (lambda t: torch.minimum(t, torch.tensor([1.0, 5.0])), [1.0, 2.0], [0.5, 1.0]),
    (lambda t: t.prod(), [2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
    (lambda t: t.prod(), [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
    (lambda t: torch.atan2(t, torch.zeros(1)), [0.0], [0.0]),
    (lambda t: torch.hypot(t, torch.zeros(1)), [0.0], [float("nan")]),
    (lambda t: torch.xlogy(t, torch.tensor([0.0, 2.0])), [0.0, 0.0], [0.0, 0.6931471824645996]),
    (lambda t: torch.xlogy(torch.tensor([0.0, 1.0]), t), [0.0, 1.0], [float("nan"), 1.0]),
    (lambda t: F.hardswish(t), [-3.0, 3.0], [0.0, 1.0]),
    (lambda t: torch.zeros(3).scatter(0, torch.tensor([1, 1, 0]), t), [1.0, 2.0, 3.0],
     [1.0, 1.0, 1.0]),
])
def test_reduction_indexing_derivative_conventions(fn, x, expected):
    t = torch.tensor(x, requires_grad=True)
    fn(t).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.asarray(expected, np.float32))


def test_reduction_indexing_layout_names_dtypes_errors():
    a = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], requires_grad=True)
    i = torch.tensor([[0, 1, 1]])
    assert a.var().grad_fn.name() == "VarBackward0"
    assert torch.std(a, 1).grad_fn.name() == "StdBackward0"
    assert a.norm().grad_fn.name() == "LinalgVectorNormBackward0"
    assert a.scatter(0, i, 1.0).grad_fn.name() == "ScatterBackward1"
    assert torch.take_along_dim(a, i).grad_fn.name() == "GatherBackward0"
    assert a.narrow(1, 1, 2).grad_fn.name() == "SliceBackward0"
    assert a.movedim(0, 1).grad_fn.name() == "PermuteBackward0"
    assert a.diag().grad_fn.name() == "DiagonalBackward0_copy"
    assert a[0].diag().grad_fn.name() == "DiagEmbedBackward0"
    assert a.tile(2).grad_fn.name() == "RepeatBackward0"
    assert a.repeat_interleave(2, 0).grad_fn.name() == "ViewBackward0"
    assert a.repeat_interleave(torch.tensor([1, 2]), 0).grad_fn.name() == "IndexSelectBackward0"
    s = a.sort(1, descending=True)
    assert type(s).__name__ == "sort" and s.indices.tolist() == [[0, 2, 1], [1, 2, 0]]
    k = torch.topk(a, 1, dim=0)
    assert type(k).__name__ == "topk" and k.values.tolist() == [[3.0, 5.0, 4.0]]
    assert k.values.grad_fn.name() == "TopkBackward0" and k.indices.dtype == torch.int64
    n = torch.tensor([1, 2, -3])
    assert n.cumsum(0).dtype == torch.int64 and n.cumprod(0).tolist() == [1, 2, -6]
    assert n.all().dtype == torch.bool and torch.count_nonzero(n).dtype == torch.int64
    assert torch.logsumexp(n, 0).dtype == torch.float32
    assert torch.hstack([n, n]).shape == (6,) and torch.vstack([n, n]).shape == (2, 3)
    assert a.unflatten(1, (3, 1)).shape == (2, 3, 1)
    assert a.masked_select(a > 2).tolist() == [3.0, 5.0, 4.0]
    b = (a * 1).detach()
    b.diagonal().fill_(-1.0)      # diagonal and narrow are views
    b.narrow(1, 2, 1).mul_(0.0)
    assert b.tolist() == [[-1.0, 1.0, 0.0], [0.0, -1.0, 0.0]]
    with pytest.raises(RuntimeError, match="std and var only support floating point"):
        n.var()
    with pytest.raises(IndexError, match="Dimension out of range"):
        a.cumsum(2)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        a.topk(4)
    with pytest.raises(IndexError, match="index out of range in self"):
        a.index_select(0, torch.tensor([2]))
    with pytest.raises(RuntimeError, match="index 2 is out of bounds for dimension 0"):
        a.gather(0, torch.tensor([[2]]))
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times"):
        a.flip(0, 0)
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        a.narrow(1, 2, 2)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        n.tril()
    with pytest.raises(RuntimeError, match="don't multiply up"):
        a.unflatten(1, (2, 2))
