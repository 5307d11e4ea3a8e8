"""JAX interop: tensors <-> jax.Array without copies, facade code as a pure JAX function
(inside jax.jit / jax.grad / jax.vmap), JAX functions as differentiable facade ops."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import facade as torch
from facade.func import from_jax, to_jax
from facade import nn


def test_from_jax_and_jax_share_the_array():
    with jax.enable_x64(True):
        a = jnp.arange(6.0).reshape(2, 3)
    t = torch.from_jax(a)
    assert t.dtype is torch.float64 and tuple(t.shape) == (2, 3)
    assert t.jax() is a                 # no copy either way
    assert from_jax(a).jax() is a
    np.testing.assert_array_equal(np.asarray(t), np.asarray(a))
    np.testing.assert_array_equal(t.numpy(), np.asarray(a))


def test_jax_of_a_lazy_tensor_is_its_value():
    x = torch.tensor([1.0, 2.0, 3.0])
    y = x * 2 + 1
    v = y.jax()
    assert isinstance(v, jax.Array)
    np.testing.assert_allclose(np.asarray(v), [3.0, 5.0, 7.0])
    # JAX 0.10 converts through __jax_array__ in jnp.asarray (not in jnp functions)
    np.testing.assert_allclose(np.asarray(jnp.sin(jnp.asarray(y))), np.sin([3.0, 5.0, 7.0]),
                               rtol=1e-6)


def test_dlpack_round_trip():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(np.from_dlpack(x), [[1.0, 2.0], [3.0, 4.0]])
    a = jnp.arange(4, dtype=jnp.float32)
    t = torch.from_dlpack(a)
    assert t.dtype is torch.float32
    np.testing.assert_array_equal(t.numpy(), [0, 1, 2, 3])
    t2 = torch.from_dlpack(np.arange(3.0))
    assert t2.dtype is torch.float64 and t2.tolist() == [0.0, 1.0, 2.0]


def test_utils_dlpack_capsules():
    import facade.utils.dlpack as dl
    t = torch.tensor([1.0, 2.0, 3.0])
    back = dl.from_dlpack(dl.to_dlpack(t))
    assert back.tolist() == [1.0, 2.0, 3.0] and back.dtype is torch.float32
    assert dl.from_dlpack(np.arange(2.0)).dtype is torch.float64


def _mlp_loss_jax(params, x, y):
    h = jnp.tanh(x @ params[0].T + params[1])
    out = h @ params[2].T + params[3]
    return jnp.mean((out - y) ** 2)


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))


def test_to_jax_in_jit_grad_matches_backward():
    model = _model()
    x, y = torch.randn(16, 3), torch.randn(16, 1)
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    expected = [p.grad.numpy() for p in model.parameters()]

    def facade_loss(params, xb, yb):
        out = torch.func.functional_call(model, dict(zip(names, params)), (xb,))
        return ((out - yb) ** 2).mean()
    names = [n for n, _ in model.named_parameters()]
    params = [p.detach().jax() for p in model.parameters()]
    value, grads = jax.jit(jax.value_and_grad(to_jax(facade_loss)))(params, x.jax(), y.jax())
    np.testing.assert_allclose(float(value), loss.item(), rtol=1e-6)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-5, atol=1e-7)
    # the same math written in JAX gives the same gradient
    ref = jax.grad(_mlp_loss_jax)(params, x.jax(), y.jax())
    for g, r in zip(grads, ref):
        np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-5, atol=1e-7)


def test_a_jax_optimizer_trains_a_facade_model_like_facade_does():
    """A JAX training loop (jit(grad(to_jax(loss))) + an SGD-momentum update written as an
    optax-style pure transform) and facade's own loop give the same parameters."""
    model = _model()
    names = [n for n, _ in model.named_parameters()]
    x, y = torch.randn(32, 3), torch.randn(32, 1)

    def facade_loss(params, xb, yb):
        out = torch.func.functional_call(model, dict(zip(names, params)), (xb,))
        return ((out - yb) ** 2).mean()

    def sgd_momentum(lr, mu):   # optax.sgd(lr, momentum=mu) semantics
        def init(params):
            return [jnp.zeros_like(p) for p in params]

        def update(grads, state):
            state = [mu * s + g for s, g in zip(state, grads)]
            return [-lr * s for s in state], state
        return init, update

    init, update = sgd_momentum(0.1, 0.9)
    params = [p.detach().jax() for p in model.parameters()]
    state = init(params)

    @jax.jit
    def step(params, state, xb, yb):
        loss, grads = jax.value_and_grad(to_jax(facade_loss))(params, xb, yb)
        updates, state = update(grads, state)
        return [p + u for p, u in zip(params, updates)], state, loss

    losses = []
    for _ in range(20):
        params, state, loss = step(params, state, x.jax(), y.jax())
        losses.append(float(loss))
    assert losses[-1] < losses[0]

    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(20):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    for p, q in zip(model.parameters(), params):
        np.testing.assert_allclose(p.detach().numpy(), np.asarray(q), rtol=1e-5, atol=1e-6)


def _optax_loop(tx, steps=20):
    """A facade model trained by optax: gradients from jax.grad of facade.func.to_jax."""
    import optax
    model = _model()
    names = [n for n, _ in model.named_parameters()]
    x, y = torch.randn(32, 3), torch.randn(32, 1)

    def facade_loss(params, xb, yb):
        out = torch.func.functional_call(model, dict(zip(names, params)), (xb,))
        return ((out - yb) ** 2).mean()

    params = [p.detach().jax() for p in model.parameters()]
    state = tx.init(params)

    @jax.jit
    def step(params, state, xb, yb):
        loss, grads = jax.value_and_grad(to_jax(facade_loss))(params, xb, yb)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss, grads

    first_grads, losses = None, []
    for _ in range(steps):
        params, state, loss, grads = step(params, state, x.jax(), y.jax())
        first_grads = grads if first_grads is None else first_grads
        losses.append(float(loss))
    return model, x, y, params, first_grads, losses


@pytest.mark.parametrize("name", ["sgd_momentum", "adam"])
def test_optax_trains_a_facade_model_like_torch_optim(name):
    """Real optax on facade code (jax.jit(jax.grad(to_jax(loss)))): the gradients equal
    loss.backward()'s, and optax.sgd / optax.adam give the parameters torch.optim.SGD /
    torch.optim.Adam give in facade's own loop."""
    optax = pytest.importorskip("optax")
    tx = optax.sgd(0.1, momentum=0.9) if name == "sgd_momentum" else optax.adam(1e-2)
    model, x, y, params, grads, losses = _optax_loop(tx)
    assert losses[-1] < losses[0]
    # the first step's gradients are the ones backward() computes at the initial parameters
    ref = _model()
    ((ref(x) - y) ** 2).mean().backward()
    for g, p in zip(grads, ref.parameters()):
        np.testing.assert_allclose(np.asarray(g), p.grad.numpy(), rtol=1e-5, atol=1e-7)
    opt = (torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9) if name == "sgd_momentum"
           else torch.optim.Adam(model.parameters(), lr=1e-2))
    for _ in range(20):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
    for p, q in zip(model.parameters(), params):
        np.testing.assert_allclose(p.detach().numpy(), np.asarray(q), rtol=1e-5, atol=1e-6)


def test_to_jax_under_vmap_and_pytrees():
    f = to_jax(lambda d, s: {"y": (d["a"] * d["b"]).sum() * s})
    a, b = np.random.rand(4, 3).astype(np.float32), np.random.rand(3).astype(np.float32)
    out = jax.vmap(f, in_axes=({"a": 0, "b": None}, None))({"a": a, "b": b}, 2.0)
    np.testing.assert_allclose(np.asarray(out["y"]), (a * b).sum(1) * 2, rtol=1e-6)


def test_to_jax_does_not_leak_tracers():
    w = torch.tensor([1.0, 2.0])
    lazy = w * 3                      # an outside lazy tensor used inside the trace
    f = jax.jit(to_jax(lambda x: (x * lazy).sum()))
    assert float(f(jnp.ones(2))) == 9.0
    assert lazy.tolist() == [3.0, 6.0]   # still computable outside


def test_jax_function_as_a_differentiable_op():
    softplus = from_jax(jax.nn.softplus)
    x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = softplus(x)
    assert type(y.grad_fn).__name__ == "JaxFunctionBackward0"
    np.testing.assert_allclose(y.detach().numpy(), np.log1p(np.exp([-1.0, 0.5, 2.0])),
                               rtol=1e-6)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    ref = jax.grad(lambda a: (jax.nn.softplus(a) * jnp.array([1.0, 2.0, 3.0])).sum())(
        jnp.array([-1.0, 0.5, 2.0]))
    np.testing.assert_allclose(x.grad.numpy(), np.asarray(ref), rtol=1e-6)


def test_jax_function_with_several_results_and_static_arguments():
    def f(a, b, *, power):
        return {"s": (a ** power).sum(0) + b, "p": a * b}
    g = from_jax(f)
    a = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64, requires_grad=True)
    out = g(a, b, power=3)
    assert set(out) == {"s", "p"} and tuple(out["p"].shape) == (4, 3)
    (out["s"].sum() + out["p"].sum()).backward()

    def ref(a, b):
        o = f(a, b, power=3)
        return o["s"].sum() + o["p"].sum()
    with jax.enable_x64(True):
        ga, gb = jax.grad(ref, argnums=(0, 1))(a.detach().jax(), b.detach().jax())
    np.testing.assert_allclose(a.grad.numpy(), np.asarray(ga), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), np.asarray(gb), rtol=1e-12)


def test_jax_function_gradient_by_finite_differences():
    fn = from_jax(lambda a: jnp.sin(a) * jnp.cumsum(a))
    x0 = np.array([0.3, -0.2, 0.9])
    x = torch.tensor(x0, requires_grad=True)
    fn(x).sum().backward()
    eps = 1e-6
    num = [(np.sum(np.sin(x0 + eps * e) * np.cumsum(x0 + eps * e))
            - np.sum(np.sin(x0 - eps * e) * np.cumsum(x0 - eps * e))) / (2 * eps)
           for e in np.eye(3)]
    np.testing.assert_allclose(x.grad.numpy(), num, rtol=1e-6)


def test_from_jax_rejects_other_things():
    with pytest.raises(TypeError, match="from_jax expects a JAX array or function"):
        from_jax(3)
