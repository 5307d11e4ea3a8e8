"""The lazy engine: laziness, program counts and caching, freeing, aliasing, hooks."""
import gc
import weakref

import numpy as np
import pytest

import facade as torch
from facade import debug

F = torch.nn.functional


def tutorial_setup(seed=0):
    rs = np.random.RandomState(seed)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor(rs.randn(5, 3).astype(np.float32), requires_grad=True)
    b = torch.tensor(rs.randn(3).astype(np.float32), requires_grad=True)
    return x, y, w, b


def tutorial_step(x, y, w, b, lr=0.1):
    z = torch.matmul(x, w) + b
    loss = F.binary_cross_entropy_with_logits(z, y)
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    return loss


def numpy_tutorial(seed, steps, lr=0.1):
    rs = np.random.RandomState(seed)
    w = rs.randn(5, 3).astype(np.float32).astype(np.float64)
    b = rs.randn(3).astype(np.float32).astype(np.float64)
    losses = []
    for _ in range(steps):
        z = np.ones(5) @ w + b
        losses.append(np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))))
        g = 1 / (1 + np.exp(-z)) / 3
        w, b = w - lr * np.outer(np.ones(5), g), b - lr * g
    return losses, w, b


def test_recording_computes_nothing():
    x, y, w, b = tutorial_setup()
    debug.reset_counters()
    z = torch.matmul(x, w) + b
    loss = F.binary_cross_entropy_with_logits(z, y)
    assert z.shape == (3,) and loss.shape == () and z.dtype is torch.float32
    assert debug.counters()["calls"] == 0
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        z + torch.ones(4)   # shape errors surface at the line, with nothing computed
    assert debug.counters()["calls"] == 0


# A new structure runs in segments and is compiled whole on its second sighting
# (facade.config.compile_after); the first step's structure differs from the next ones
# (lazy updates appear), so a loop settles within WARM steps.
WARM = 4


def test_training_loop_one_program_per_step_and_no_recompiles():
    x, y, w, b = tutorial_setup()
    for _ in range(WARM):
        tutorial_step(x, y, w, b)
    debug.reset_counters()
    steps = 1000
    for _ in range(steps):
        loss = tutorial_step(x, y, w, b)
        loss.item()   # the loss is the vjp's primal output: no extra program
    c = debug.counters()
    assert c["compiles"] == 0
    assert c["calls"] == steps  # one compiled program per step


def test_training_loop_matches_numpy():
    x, y, w, b = tutorial_setup(3)
    losses = [tutorial_step(x, y, w, b).item() for _ in range(20)]
    ref_losses, ref_w, ref_b = numpy_tutorial(3, 20)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    np.testing.assert_allclose(w.detach().numpy(), ref_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), ref_b, rtol=1e-5, atol=1e-6)


def test_printing_the_loss_costs_one_more_program_never_more():
    x, y, w, b = tutorial_setup()
    for _ in range(WARM):
        z = torch.matmul(x, w) + b
        loss = F.binary_cross_entropy_with_logits(z, y)
        repr(loss)
        tutorial_step(x, y, w, b)
    debug.reset_counters()
    for _ in range(10):
        z = torch.matmul(x, w) + b
        loss = F.binary_cross_entropy_with_logits(z, y)
        repr(loss)
        tutorial_step(x, y, w, b)
    assert debug.counters()["calls"] == 20 and debug.counters()["compiles"] == 0


def test_python_scalars_are_arguments_not_constants():
    x, y, w, b = tutorial_setup()
    for _ in range(WARM):
        tutorial_step(x, y, w, b, lr=0.1)
    debug.reset_counters()
    for i in range(20):
        tutorial_step(x, y, w, b, lr=0.1 / (i + 1))   # a changing learning rate
    assert debug.counters()["compiles"] == 0


def test_graph_is_freed_after_backward():
    x, y, w, b = tutorial_setup()
    for _ in range(3):
        tutorial_step(x, y, w, b)
    z = torch.matmul(x, w) + b
    loss = F.binary_cross_entropy_with_logits(z, y)
    zref = weakref.ref(z._node)
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    del z, loss
    gc.collect()
    assert zref() is None
    # lazy update chains do not grow across steps: the leaf's value is concrete again
    tutorial_step(x, y, w, b)
    assert w._node.value is not None or len(w._node.inputs) == 1


def test_memory_flat_over_many_steps():
    import tracemalloc
    x, y, w, b = tutorial_setup()
    for _ in range(50):
        tutorial_step(x, y, w, b)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(500):
        tutorial_step(x, y, w, b).item()
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    growth = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert growth < 200_000, growth


def test_views_alias_their_base():
    w = torch.ones(2, 3, requires_grad=True)
    w.data.sub_(0.5)                              # .data writes reach w, w stays a leaf
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy(), 0.5)
    d = w.detach()
    d[0, 1] = 7.0                                  # through detach() and an index
    assert w[0, 1].item() == 7.0
    x = torch.zeros(4)
    v = x.view(2, 2)
    v[1] += 1                                      # through a view
    assert x.tolist() == [0.0, 0.0, 1.0, 1.0]
    s = x[1:3]
    x.add_(1)                                      # the base changes: the slice sees it
    assert s.tolist() == [1.0, 2.0]
    t = torch.zeros(2, 3)
    t.t()[2, 0] = 5.0
    assert t[0, 2].item() == 5.0


def test_inplace_on_nonleaf_keeps_history():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    y[0] = 10.0            # CopySlices: gradient to a only through y[1]
    y.sum().backward()
    assert a.grad.tolist() == [0.0, 2.0]
    assert type(y.grad_fn).__name__ == "CopySlices"
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    z = b * 3
    with torch.no_grad():
        z.add_(100)        # value changes, history (MulBackward0) stays
    assert type(z.grad_fn).__name__ == "MulBackward0"
    z.sum().backward()
    assert b.grad.tolist() == [3.0, 3.0]
    assert z.tolist() == [103.0, 106.0]


def test_hooks_and_retain_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    h.register_hook(lambda g: g * 10)
    (h * h).sum().backward()
    assert h.grad.tolist() == [40.0, 80.0]       # d(h*h)/dh = 2h, hooked *10
    assert x.grad.tolist() == [80.0, 160.0]      # the replaced gradient flows on
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]]
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_create_graph_second_derivative():
    x = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    assert repr(g) == "tensor(12., grad_fn=<MulBackward0>)"
    (g2,) = torch.autograd.grad(g, x)
    assert repr(g2) == "tensor(12.)"
    y = torch.tensor([1.0, 2.0], requires_grad=True)
    from facade.autograd import engine
    engine._warned_cycle.clear()
    with pytest.warns(UserWarning, match="create a reference cycle"):
        (y ** 4).sum().backward(create_graph=True)
    assert y.grad.requires_grad
    y.grad.sum().backward()     # d/dy sum(4 y^3) = 12 y^2 accumulates onto y.grad (4 y^3)
    np.testing.assert_allclose(y.grad.detach().numpy(), [4 + 12, 32 + 48])


def test_grad_of_nonleaf_inputs_and_unused():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    out = (h * 3).sum() + h.sum()
    gh, gx = torch.autograd.grad(out, [h, x])
    assert gh.tolist() == [4.0, 4.0] and gx.tolist() == [8.0, 16.0]
    z = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="index 1 appears to not have been used"):
        torch.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = torch.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.tolist() == [2.0, 2.0]
    assert x.grad is None  # autograd.grad never touches .grad


def test_backward_inputs_only():
    x = torch.tensor([1.0], requires_grad=True)
    w = torch.tensor([2.0], requires_grad=True)
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None and w.grad.tolist() == [1.0]


def test_grad_mode_is_per_thread():
    import threading
    seen = []
    with torch.no_grad():
        t = threading.Thread(target=lambda: seen.append(torch.is_grad_enabled()))
        t.start()
        t.join()
        assert not torch.is_grad_enabled()
    assert seen == [True]


def test_no_grad_decorator_and_enable_grad():
    x = torch.ones(2, requires_grad=True)

    @torch.no_grad()
    def f():
        with torch.enable_grad():
            inner = (x * 2).requires_grad
        return (x * 2).requires_grad, inner

    assert f() == (False, True)
    torch.set_grad_enabled(False)
    assert not (x * 2).requires_grad
    torch.set_grad_enabled(True)
    with torch.inference_mode():
        assert not (x * 2).requires_grad


def test_float64_does_not_change_users_jax_defaults():
    import jax.numpy as jnp
    t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (t * t).sum().backward()
    assert t.grad.dtype is torch.float64
    assert jnp.array(1.0).dtype == jnp.float32


def test_random_is_reproducible_and_lazy():
    torch.manual_seed(3)
    a = torch.randn(3, 4)
    b = torch.rand(2)
    torch.manual_seed(3)
    assert torch.randn(3, 4).tolist() == a.tolist()
    assert torch.rand(2).tolist() == b.tolist()
    assert not np.allclose(torch.randn(3, 4).numpy(), a.numpy())
    r = torch.randint(0, 5, (100,))
    assert r.dtype is torch.int64 and 0 <= min(r.tolist()) and max(r.tolist()) < 5


def test_anomaly_mode_names_the_backward_that_made_nan():
    x = torch.tensor([-1.0, 1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx = torch.autograd.detect_anomaly()
    with ctx:
        y = x.sqrt()
        with pytest.warns(UserWarning, match="Error detected in SqrtBackward0"):
            with pytest.raises(RuntimeError,
                               match="Function 'SqrtBackward0' returned nan values in its 0th"):
                y.sum().backward()
    assert not torch.is_anomaly_enabled()


def test_write_through_a_view_under_no_grad_keeps_the_graph():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[0:2]
    with torch.no_grad():
        v.fill_(5.0)
    assert y.tolist() == [5.0, 5.0, 6.0] and type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("steps", [1, 4])   # tiered first, then compiled whole
def test_results_made_without_grad_are_constants_for_autograd(steps):
    """An op recorded under no_grad (or a non-differentiable one) on inputs that require grad
    is a constant: backward does not differentiate through it, in any tier."""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(steps):
        with torch.no_grad():
            a = w * 2
        mask = (w > 1.5).float()
        (a * w * 3 + mask * w).sum().backward()
        np.testing.assert_allclose(w.grad.numpy(), [6.0, 13.0])   # a * 3 + mask
        w.grad = None
    with torch.no_grad():
        a = w * 2
    (a + w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 1.0])
