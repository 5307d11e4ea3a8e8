"""A compiled training step takes over the buffers of the values it replaces (old
parameters, old gradients, optimizer state) only where nothing else can read them: the
numbers are those of a step that copies, and every value the user can still reach stays
readable."""
import numpy as np
import pytest

import facade as torch
from facade import debug

# larger than a pack's items (facade/_graph.py PACK_MAX), so the results come back alone
SHAPE = (160, 128)


@pytest.fixture(autouse=True)
def _whole_programs():
    """Every step one whole program, compiled at once (a tiered run of the same graph can
    differ in the last bit, which would hide what these tests compare)."""
    bg, after = torch.config.background_compile, torch.config.compile_after
    torch.config.background_compile, torch.config.compile_after = False, 1
    yield
    torch.config.background_compile, torch.config.compile_after = bg, after
    torch.config.donate_replaced = True


def _model(seed=0):
    rs = np.random.RandomState(seed)
    w1 = torch.tensor(rs.randn(*SHAPE).astype(np.float32) * 0.1, requires_grad=True)
    w2 = torch.tensor(rs.randn(SHAPE[1], 4).astype(np.float32) * 0.1, requires_grad=True)
    x = torch.tensor(rs.randn(8, SHAPE[0]).astype(np.float32))
    return w1, w2, x


def _loss(w1, w2, x):
    return (torch.tanh(x @ w1) @ w2).pow(2).mean()


def _sgd_loop(donate, steps=6, before=None, after=None):
    torch.config.donate_replaced = donate
    w1, w2, x = _model()
    out = []
    for i in range(steps):
        loss = _loss(w1, w2, x)
        loss.backward()
        kept = before(w1) if before else None
        with torch.no_grad():
            w1 -= 0.1 * w1.grad
            w2 -= 0.1 * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
        out.append(kept)
        out.append(loss.item())
    # what was kept is read only now, after the steps that followed it
    out = [after(k) if before else k for k in out]
    return np.asarray(w1.detach()), np.asarray(w2.detach()), out


def test_a_training_step_gives_the_replaced_buffers_and_computes_the_same():
    ref = _sgd_loop(False)
    debug.reset_counters()
    got = _sgd_loop(True)
    c = debug.counters()
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])
    assert got[2] == ref[2]
    # from the second step on: w1 (160x128) and its old gradient, each step
    assert c["donated"] >= 2 * 4


def test_optimizer_state_is_given_too_and_one_program_runs_per_step():
    def run(donate):
        torch.config.donate_replaced = donate
        w1, w2, x = _model(1)
        opt = torch.optim.SGD([w1, w2], lr=0.05, momentum=0.9)
        for _ in range(4):
            opt.zero_grad()
            _loss(w1, w2, x).backward()
            opt.step()
        debug.reset_counters()
        for _ in range(5):
            opt.zero_grad()
            loss = _loss(w1, w2, x)
            loss.backward()
            opt.step()
        c = debug.counters()   # (reading w1 below computes its pending update: one call)
        return np.asarray(w1.detach()), loss.item(), c

    w_ref, l_ref, _ = run(False)
    w, l, c = run(True)
    np.testing.assert_array_equal(w, w_ref)
    assert l == l_ref
    assert c["compiles"] == 0 and c["calls"] == 5
    # w1 and its momentum buffer (zero_grad() set the gradients to None: no old ones)
    assert c["donated"] == 2 * 5


@pytest.mark.parametrize("hold", [
    "lazy_value_of_old_parameter", "numpy_view", "jax_array", "lazy_value_of_old_grad",
    "data_alias", "detached_alias"])
def test_a_value_still_reachable_after_the_step_is_not_given(hold):
    """Each way of keeping the old parameter (or gradient) reachable: its value afterwards
    is what it was, as with a step that copies."""
    def before(w):
        with torch.no_grad():
            if hold == "lazy_value_of_old_parameter":
                return w * 1                      # not computed yet: reads w's old buffer
            if hold == "lazy_value_of_old_grad":
                return w.grad * 1
        if hold == "numpy_view":
            return w.detach().numpy()
        if hold == "jax_array":
            return w.detach().jax()
        if hold == "data_alias":
            return w.data
        return w.detach()

    def after(kept):
        if isinstance(kept, float):   # a loss
            return kept
        return np.array(kept if isinstance(kept, np.ndarray) or not hasattr(kept, "detach")
                        else kept.detach())

    ref = _sgd_loop(False, steps=4, before=before, after=after)
    got = _sgd_loop(True, steps=4, before=before, after=after)
    np.testing.assert_array_equal(got[0], ref[0])
    for a, b in zip(got[2], ref[2]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("donate", [False, True])
def test_a_graph_kept_across_steps_gives_pytorchs_version_error(donate):
    """A loss kept with its graph (retain_graph) after later steps replaced the parameters
    it saved: backward raises PyTorch's in-place error (not a deleted buffer's)."""
    torch.config.donate_replaced = donate
    w1, w2, x = _model(2)
    for i in range(4):
        loss = _loss(w1, w2, x)
        loss.backward(retain_graph=(i == 0))
        if i == 0:
            first = loss
        with torch.no_grad():
            w1 -= 0.1 * w1.grad
            w2 -= 0.1 * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
    assert np.isfinite(first.item())
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        first.backward()


def test_with_background_compiles_the_loop_settles_on_one_donating_program():
    """The buffers given are fixed per structure: while the whole program compiles in the
    background (and the tiered steps hold other references), the compile policy still sees
    one structure, and the loop ends on one program call per step."""
    torch.config.background_compile, torch.config.compile_after = True, 2
    w1, w2, x = _model(3)

    def step():
        nonlocal w1, w2
        loss = _loss(w1, w2, x)
        loss.backward()
        with torch.no_grad():
            w1 -= 0.1 * w1.grad
            w2 -= 0.1 * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
        return loss.item()

    for _ in range(12):
        step()
    debug.wait_for_compiles()
    step()
    debug.reset_counters()
    for _ in range(5):
        step()
    c = debug.counters()
    assert (c["calls"], c["whole_runs"], c["compiles"]) == (5, 5, 0)
    assert c["donated"] == 2 * 5


def test_the_paths_that_do_not_donate_still_compile_in_the_background():
    """backward() with a hook and autograd.grad take the general path (no donation); their
    recurring graphs compile on the worker thread as before."""
    torch.config.background_compile, torch.config.compile_after = True, 2
    w = torch.randn(200, 100, requires_grad=True)
    x = torch.randn(4, 200)
    debug.reset_counters()
    for _ in range(6):
        y = (x @ w).tanh()
        y.register_hook(lambda g: g * 2)
        (y * y).sum().backward()
        torch.autograd.grad((x @ w).sum(), [w])
    debug.wait_for_compiles()
    c = debug.counters()
    assert c["background_compiles"] >= 2 and c["background_errors"] == 0
