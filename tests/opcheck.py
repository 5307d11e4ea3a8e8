"""Shared machinery of the op-table tests (tests/test_ops_*.py).

A spec is `(inputs, facade_fn, jax_fn)`: float64 input arrays (all differentiated), the op
written with facade, and the same math written with jax.numpy. `check_spec` compares the
forward with the JAX reference, and the gradient with `jax.grad` of the reference and with
float64 central differences.

Each `tests/test_ops_*.py` module exports `SPECS` (name -> spec), `NOT_DIRECT` (op name ->
why it has no spec) and `NO_FINITE_DIFFERENCES` (spec name -> why differences do not
measure it); `test_ops_grad.test_every_op_is_covered` gathers them all.
"""
import jax
import jax.numpy as jnp
import numpy as np

import facade as torch

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


def facade_value_and_grads(fn, arrays):
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*xs)
    out.sum().backward()
    return out.detach().numpy(), [x.grad.numpy() if x.grad is not None else np.zeros_like(a)
                                  for x, a in zip(xs, arrays)]


def numeric_grads(fn, arrays, eps=1e-6):
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


def check_spec(spec, finite_differences=True, rtol=1e-10, atol=1e-12):
    arrays, fn, ref = spec
    out, grads = facade_value_and_grads(fn, arrays)
    with jax.enable_x64(True):
        jarrs = [jnp.asarray(a) for a in arrays]
        expected = np.asarray(ref(*jarrs))
        jgrads = jax.grad(lambda *a: jnp.sum(ref(*a)), argnums=tuple(range(len(arrays))))(*jarrs)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    np.testing.assert_allclose(out, expected, rtol=rtol, atol=atol)
    for g, jg, a in zip(grads, jgrads, arrays):
        assert g.shape == a.shape, (g.shape, a.shape)   # reduced to the input's shape
        np.testing.assert_allclose(g, np.asarray(jg), rtol=max(rtol, 1e-9), atol=atol)
    if finite_differences:
        for g, ng in zip(grads, numeric_grads(fn, arrays)):
            np.testing.assert_allclose(g, ng, rtol=1e-5, atol=1e-6)


def check_convention(fn, x, expected):
    """PyTorch's derivative at a point where JAX's convention differs."""
    t = torch.tensor(x, requires_grad=True)
    fn(t).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.asarray(expected, np.float32))
