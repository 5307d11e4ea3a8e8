"""facade.func transforms (checked against the same math in JAX), autograd.Function and
facade.debug's functional views."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade import nn
from facade.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp,
                         vjp, vmap)

X64 = jax.enable_x64


def f_t(x, y):
    return (x.sin() * y).sum() + (x ** 2).mean()


def f_j(x, y):
    return (jnp.sin(x) * y).sum() + (x ** 2).mean()


def _data():
    rng = np.random.default_rng(0)
    return rng.standard_normal(4), rng.standard_normal(4)


def _t(a):
    return torch.tensor(a, dtype=torch.float64)


def close(a, b, tol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_grad_and_argnums():
    x, y = _data()
    with X64(True):
        close(grad(f_t)(_t(x), _t(y)), jax.grad(f_j)(x, y))
        gx, gy = grad(f_t, argnums=(0, 1))(_t(x), _t(y))
        rx, ry = jax.grad(f_j, argnums=(0, 1))(x, y)
    close(gx, rx)
    close(gy, ry)


def test_grad_has_aux_and_grad_and_value():
    x, y = _data()
    g, aux = grad(lambda a, b: (f_t(a, b), a.sum()), has_aux=True)(_t(x), _t(y))
    close(aux, x.sum())
    g2, (value, aux2) = grad_and_value(lambda a, b: (f_t(a, b), a * 2), has_aux=True)(
        _t(x), _t(y))
    with X64(True):
        close(g, jax.grad(f_j)(x, y))
        close(value, f_j(x, y))
    close(g2, g)
    close(aux2, 2 * x)
    g3, v3 = grad_and_value(f_t)(_t(x), _t(y))
    close(g3, g)
    close(v3, value)


def test_grad_kwargs_are_not_differentiated():
    x, y = _data()
    g = grad(lambda a, *, b: f_t(a, b))(_t(x), b=_t(y))
    with X64(True):
        close(g, jax.grad(f_j)(x, y))


def test_grad_errors_as_torch_func():
    with pytest.raises(RuntimeError, match=r"grad_and_value\(f\)\(\*args\): Expected f\(\*args\) "
                       r"to return a scalar Tensor, got tensor with 1 dims"):
        grad(lambda x: x * 2)(torch.ones(3))
    with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
        grad(lambda x: x.sum(), argnums=2)(torch.ones(3))


def test_vjp_and_jvp():
    x, y = _data()
    out, pull = vjp(lambda a: a.sin() * a, _t(x))
    ct = np.arange(4.0)
    (gx,) = pull(_t(ct))
    with X64(True):
        ro, rpull = jax.vjp(lambda a: jnp.sin(a) * a, x)
        close(out, ro)
        close(gx, rpull(ct)[0])
        o, t = jvp(lambda a, b: a * b.exp(), (_t(x), _t(y)), (_t(ct), _t(ct)))
        ro, rt = jax.jvp(lambda a, b: a * jnp.exp(b), (x, y), (ct, ct))
    close(o, ro)
    close(t, rt)


def test_jacobians_and_hessian():
    x, y = _data()
    fv_t = lambda a: a.sin() * a.sum()          # noqa: E731
    fv_j = lambda a: jnp.sin(a) * a.sum()       # noqa: E731
    with X64(True):
        close(jacrev(fv_t)(_t(x)), jax.jacrev(fv_j)(x))
        close(jacfwd(fv_t)(_t(x)), jax.jacfwd(fv_j)(x))
        close(hessian(lambda a: f_t(a, _t(y)))(_t(x)), jax.hessian(lambda a: f_j(a, y))(x))
        jx, jy = jacrev(lambda a, b: a * b, argnums=(0, 1))(_t(x), _t(y))
    close(jx, np.diag(y))
    close(jy, np.diag(x))


def test_vmap_in_and_out_dims():
    a = np.random.default_rng(1).standard_normal((3, 5))
    b = np.random.default_rng(2).standard_normal(5)
    out = vmap(lambda r, v: (r * v).sum(), in_dims=(0, None))(_t(a), _t(b))
    close(out, a @ b)
    out = vmap(lambda c: c * 2, in_dims=1, out_dims=1)(_t(a))
    close(out, a * 2)
    nested = vmap(vmap(lambda s: s ** 2))(_t(a))
    close(nested, a ** 2)
    with pytest.raises(ValueError, match="in_dims is not compatible with the structure"):
        vmap(lambda r: r, in_dims=(0, 0))(_t(a))


def test_vmap_of_grad_matches_jax():
    a = np.random.default_rng(3).standard_normal((6, 4))
    y = np.random.default_rng(4).standard_normal(4)
    got = vmap(grad(f_t), in_dims=(0, None))(_t(a), _t(y))
    with X64(True):
        ref = jax.vmap(jax.grad(f_j), in_axes=(0, None))(a, y)
    close(got, ref)


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))


def test_per_sample_gradients_match_a_loop():
    model = _model()
    params = {k: v.detach() for k, v in model.named_parameters()}
    xs, ys = torch.randn(7, 3), torch.randn(7, 2)

    def loss(p, x, y):
        out = functional_call(model, p, (x.unsqueeze(0),))
        return ((out - y.unsqueeze(0)) ** 2).mean()
    per = vmap(grad(loss), in_dims=(None, 0, 0))(params, xs, ys)
    assert set(per) == set(params)
    for i in range(7):
        model.zero_grad()
        loss(dict(model.named_parameters()), xs[i], ys[i]).backward()
        for k, p in model.named_parameters():
            np.testing.assert_allclose(per[k][i].numpy(), p.grad.numpy(), rtol=1e-5,
                                       atol=1e-6)


def test_functional_call_swaps_and_restores():
    model = _model()
    before = {k: v for k, v in model.named_parameters()}
    zeros = {k: torch.zeros_like(v) for k, v in before.items()}
    out = functional_call(model, zeros, torch.ones(2, 3))
    assert out.abs().sum().item() == 0.0
    assert all(p is before[k] for k, p in model.named_parameters())
    half = {"2.bias": torch.ones(2)}
    out = functional_call(model, half, (torch.ones(1, 3),))
    ref = model(torch.ones(1, 3)) - model[2].bias + 1
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="Missing key"):
        functional_call(model, half, (torch.ones(1, 3),), strict=True)


# ------------------------------------------------------------------ autograd.Function
class STE(torch.autograd.Function):
    """Straight-through estimator: round in forward, identity (clipped) in backward."""

    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return (x * scale).round()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ctx.scale * (x.abs() <= 1).to(g.dtype), None


def test_function_eager_and_backward():
    x = torch.tensor([0.3, -0.7, 1.6], requires_grad=True)
    y = STE.apply(x, 2.0)
    assert y.tolist() == [1.0, -1.0, 3.0]
    assert type(y.grad_fn).__name__ == "STEBackward"
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 0.0]


def test_function_create_graph_and_func_grad():
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r
    x = torch.tensor([0.1, 0.2], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    close(g.detach().numpy(), np.exp([0.1, 0.2]))
    g.sum().backward()                        # second derivative through backward
    close(x.grad.numpy(), np.exp([0.1, 0.2]))
    close(grad(lambda a: Exp.apply(a).sum())(x.detach()), np.exp([0.1, 0.2]))
    gs = vmap(grad(lambda a: STE.apply(a, 2.0).sum()))(torch.tensor([[0.5, 3.0]]))
    assert gs.tolist() == [[2.0, 0.0]]


def test_function_ctx_flags_and_multiple_outputs():
    seen = {}

    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen["needs"] = ctx.needs_input_grad
            idx = a.argmax()
            ctx.mark_non_differentiable(idx)
            return a * b, a + b, idx

        @staticmethod
        def backward(ctx, g1, g2, gi):
            return g1 * 3 + g2, g2 * 5
    a = torch.tensor([1.0, 4.0], requires_grad=True)
    b = torch.tensor([2.0, 3.0])
    p, s, i = Split.apply(a, b)
    assert seen["needs"] == (True, False)
    assert not i.requires_grad and i.item() == 1
    (p.sum() + 2 * s.sum()).backward()
    assert a.grad.tolist() == [5.0, 5.0]


def test_function_wrong_number_of_gradients():
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, s):
            return x * s

        @staticmethod
        def backward(ctx, g):
            return g
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"function BadBackward returned an incorrect number "
                       r"of gradients \(expected 2, got 1\)"):
        Bad.apply(x, 2.0).sum().backward()


def test_function_setup_context_style():
    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g
    x = torch.tensor([3.0], requires_grad=True)
    Sq.apply(x).sum().backward()
    assert x.grad.tolist() == [6.0]


# ------------------------------------------------------------------ debug views
def test_debug_jaxpr_and_hlo():
    x = torch.randn(4, 3)
    w = torch.randn(3, 2, requires_grad=True)
    loss = ((x @ w).relu() ** 2).mean()
    jp = torch.debug.jaxpr(loss)
    assert isinstance(jp, jax.extend.core.ClosedJaxpr)
    outs = jp.out_avals
    assert outs[0].shape == () and outs[1].shape == (3, 2)   # the loss and w's gradient
    text = str(jp)
    assert "dot_general" in text and "transpose" in text
    fwd = torch.debug.jaxpr(loss, backward=False)
    assert [a.shape for a in fwd.out_avals] == [()]
    hlo = torch.debug.hlo(loss)
    assert "HloModule" in hlo
    assert "stablehlo" in torch.debug.hlo(x * 2, compiled=False)
    loss.backward()   # the tensor is unchanged by looking at it
    assert w.grad is not None
