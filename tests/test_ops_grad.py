"""Every op in the op table: forward against a NumPy/JAX reference, gradient against float64
central differences and against jax.grad of the same math written functionally.

SPECS is keyed by op name; `test_every_op_is_covered` fails when an op is added to the table
without a spec here (or an explicit reason in NOT_DIRECT).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade._ops.table import OPS

F = torch.nn.functional
rs = np.random.RandomState(0)


def pos(*s):
    return rs.uniform(0.5, 2.0, s)


def unit(*s):
    return rs.uniform(-0.9, 0.9, s)


def anyv(*s):
    return rs.randn(*s)


def away0(*s):  # values not near the kinks of abs/relu
    v = rs.uniform(0.3, 2.0, s)
    return v * np.where(rs.rand(*s) > 0.5, 1, -1)


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
    "binary_cross_entropy_with_logits": (
        [anyv(4), unit(4) * 0.5 + 0.5, pos(4), pos(4)],
        lambda x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw),
        lambda x, t, w, pw: jnp.mean(-w * (pw * t * jax.nn.log_sigmoid(x)
                                           + (1 - t) * jax.nn.log_sigmoid(-x)))),
    "mse_loss": ([anyv(2, 3), anyv(2, 3)], F.mse_loss, lambda a, b: jnp.mean((a - b) ** 2)),
    "nll_loss": ([anyv(4, 3)],
                 lambda a: F.nll_loss(a, torch.tensor([0, 2, 1, 2])),
                 lambda a: -jnp.mean(a[jnp.arange(4), jnp.array([0, 2, 1, 2])])),
    "to": ([anyv(3)], lambda a: a.to(torch.float32).to(torch.float64),
           lambda a: a.astype(jnp.float32).astype(jnp.float64)),
    "clone": ([anyv(3)], lambda a: a.clone(), lambda a: a),
    "copy": ([anyv(3), anyv(3)], lambda a, b: _copy(a, b), lambda a, b: b),
    "fill": ([anyv(3)], lambda a: _fill(a), lambda a: jnp.zeros(3) + 2.0),
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
    "to": "rounds through float32",
}


def test_every_op_is_covered():
    missing = set(OPS) - set(SPECS) - set(NOT_DIRECT)
    assert not missing, f"ops without a gradient check: {sorted(missing)}"
    stale = (set(SPECS) | set(NOT_DIRECT)) - set(OPS)
    assert not stale, f"specs for ops that no longer exist: {sorted(stale)}"


def _facade_value_and_grads(fn, arrays):
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*xs)
    out.sum().backward()
    return out.detach().numpy(), [x.grad.numpy() if x.grad is not None else np.zeros_like(a)
                                  for x, a in zip(xs, arrays)]


def _numeric_grads(fn, arrays, eps=1e-6):
    def f(*arrs):
        xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrs]
        return float(fn(*xs).sum().item())
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            p = [x.copy() for x in arrays]
            m = [x.copy() for x in arrays]
            p[i][idx] += eps
            m[i][idx] -= eps
            g[idx] = (f(*p) - f(*m)) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("name", sorted(SPECS))
def test_op_forward_and_gradient(name):
    arrays, fn, ref = SPECS[name]
    out, grads = _facade_value_and_grads(fn, arrays)
    with jax.enable_x64(True):
        jarrs = [jnp.asarray(a) for a in arrays]
        expected = np.asarray(ref(*jarrs))
        jgrads = jax.grad(lambda *a: jnp.sum(ref(*a)), argnums=tuple(range(len(arrays))))(*jarrs)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    for g, jg in zip(grads, jgrads):
        np.testing.assert_allclose(g, np.asarray(jg), rtol=1e-9, atol=1e-12)
    if name not in NO_FINITE_DIFFERENCES:
        for g, ng in zip(grads, _numeric_grads(fn, arrays)):
            np.testing.assert_allclose(g, ng, rtol=1e-5, atol=1e-6)


# PyTorch's derivative conventions at the points where JAX's differ
@pytest.mark.parametrize("fn,x,expected", [
    (torch.relu, [0.0], [0.0]),
    (torch.abs, [0.0], [0.0]),
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
