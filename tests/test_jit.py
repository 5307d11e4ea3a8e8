"""facade.jit: a whole imperative step as one program, written back; same numbers as
without it; one compile per structure; value reads inside raise a clear error."""
import numpy as np
import pytest

import facade as torch
import facade.nn.functional as F
from facade import nn


@pytest.fixture(autouse=True)
def _foreground_compiles():
    old = torch.config.background_compile
    torch.config.background_compile = False
    yield
    torch.config.background_compile = old


def _train(jitted, steps=50):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, y = torch.randn(32, 4), torch.randn(32, 1)

    def step(xb, yb):
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        return loss
    if jitted:
        step = torch.jit(step)
    per_step = []
    for _ in range(steps):
        before = torch.debug.counters()
        loss = step(x, y)
        after = torch.debug.counters()
        per_step.append((after["calls"] - before["calls"],
                         after["compiles"] - before["compiles"]))
    return [p.detach().numpy() for p in model.parameters()], loss.item(), per_step


def test_mlp_adam_loop_same_parameters_one_program_per_step():
    ref, ref_loss, _ = _train(False)
    got, loss, per_step = _train(True)
    for a, b in zip(ref, got):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert abs(loss - ref_loss) < 1e-5
    # the first steps create Adam's state (new structures while it settles); after that one
    # program each step, compiled once
    assert all(calls == 1 for calls, _ in per_step), per_step
    assert sum(c for _, c in per_step[3:]) == 0, per_step
    assert sum(c for _, c in per_step) <= 3


def test_manual_sgd_on_plain_tensors_with_closures():
    def run(jitted):
        torch.manual_seed(1)
        w = torch.randn(3, 2, requires_grad=True)
        b = torch.zeros(2, requires_grad=True)
        x, y = torch.randn(8, 3), torch.randn(8, 2)

        def step(lr):
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                w.sub_(lr * w.grad)
                b.sub_(lr * b.grad)
                w.grad.zero_()
                b.grad.zero_()
            return loss
        if jitted:
            step = torch.jit(step)
        losses = [step(0.1).item() for _ in range(20)]
        return w.detach().numpy(), b.detach().numpy(), losses
    w0, b0, l0 = run(False)
    w1, b1, l1 = run(True)
    np.testing.assert_allclose(w1, w0, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(b1, b0, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(l1, l0, rtol=1e-6)


def test_batchnorm_buffers_are_written_back():
    def run(jitted):
        torch.manual_seed(2)
        bn = nn.BatchNorm1d(3)
        f = (lambda x: bn(x).sum())
        if jitted:
            f = torch.jit(f)
        xs = [torch.randn(8, 3) for _ in range(4)]
        for x in xs:
            f(x)
        return bn.running_mean.numpy(), bn.running_var.numpy(), bn.num_batches_tracked.item()
    m0, v0, n0 = run(False)
    m1, v1, n1 = run(True)
    np.testing.assert_allclose(m1, m0, rtol=1e-6)
    np.testing.assert_allclose(v1, v0, rtol=1e-6)
    assert n0 == n1 == 4


def test_value_read_inside_jit_names_the_line():
    @torch.jit
    def branchy(x):
        if x.sum() > 0:
            return x
        return -x
    with pytest.raises(torch.JitValueError, match=r"test_jit\.py:\d+ \(\"if x\.sum\(\) > 0:"
                       r"\"\).*facade\.where.*static argument.*outside facade\.jit"):
        branchy(torch.randn(3))
    # nothing is left half-captured: ordinary code runs afterwards
    assert (torch.ones(2) * 2).tolist() == [2.0, 2.0]


def test_where_instead_of_a_branch_and_static_arguments():
    @torch.jit(static_argnums=(1,))
    def f(x, mode):
        y = torch.where(x > 0, x, -x)
        return y * 2 if mode == "double" else y
    x = torch.tensor([-1.0, 2.0])
    assert f(x, "double").tolist() == [2.0, 4.0]
    assert f(x, "single").tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="not hashable"):
        f(x, ["double"])


def test_one_compile_per_signature():
    @torch.jit
    def f(x):
        return (x * 3).sum()
    torch.debug.reset_counters()
    for _ in range(3):
        f(torch.ones(4))
    c = torch.debug.counters()
    assert c["whole_compiles"] == 1 and c["whole_calls"] == 3
    f(torch.ones(5))       # a new shape: a new program, never a stale one
    assert torch.debug.counters()["whole_compiles"] == 2
    assert f(torch.ones(5)).item() == 15.0


def test_custom_function_under_jit():
    class STE(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.round()

        @staticmethod
        def backward(ctx, g):
            return g
    w = torch.tensor([0.4, 1.6], requires_grad=True)

    @torch.jit
    def step():
        loss = (STE.apply(w) * torch.tensor([1.0, 2.0])).sum()
        loss.backward()
        return loss
    assert step().item() == 4.0
    assert w.grad.tolist() == [1.0, 2.0]


def test_jit_on_a_module_forward():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        @torch.jit
        def forward(self, x):
            return self.fc(x).relu()
    torch.manual_seed(3)
    net = Net()
    x = torch.randn(4, 3)
    out = net(x)
    ref = F.relu(x @ net.fc.weight.T + net.fc.bias)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6)
    out.sum().backward()     # the result keeps its autograd history
    assert net.fc.weight.grad is not None


def test_donated_state_buffers():
    """donate=True: the same numbers; the old arrays of the parameters (and of the momentum
    buffers, BatchNorm's statistics) are given to the step, deleted after it; no compile
    once the state has settled."""
    def run(donate, steps=6):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 1))
        opt = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
        x, y = torch.randn(16, 4), torch.randn(16, 1)

        @torch.jit(donate=donate)
        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss
        compiles = []
        for _ in range(steps):
            old = [p._node.value for p in model.parameters()]
            c = torch.debug.counters()["compiles"]
            loss = step()
            compiles.append(torch.debug.counters()["compiles"] - c)
        deleted = [getattr(a, "is_deleted", lambda: False)() for a in old]
        state = [p.detach().numpy() for p in model.parameters()]
        return state + [model[1].running_var.numpy()], loss.item(), deleted, compiles
    ref, ref_loss, kept, _ = run(False)
    got, loss, deleted, compiles = run(True)
    for a, b in zip(ref, got):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
    assert loss == pytest.approx(ref_loss, rel=1e-6)
    assert not any(kept) and all(deleted)
    assert sum(compiles[3:]) == 0, compiles


@pytest.mark.parametrize("read", ["x.sum().item()", "float(x.sum())", "print(x)",
                                  "x.tolist()", "x.numpy()", "bool(x.sum() > 0)"])
def test_every_value_read_names_the_line(read):
    ns = {"torch": torch}
    exec(compile(f"def f(x):\n    y = x * 2\n    {read}\n    return y\n", "user_step.py",
                 "exec"), ns)
    with pytest.raises(torch.JitValueError) as e:
        torch.jit(ns["f"])(torch.ones(2))
    msg = str(e.value)
    assert "user_step.py:3" in msg and "facade.where" in msg and "static argument" in msg
    assert "outside facade.jit" in msg and "facade.jit(f)" in msg


def test_compile_allows_graph_breaks_and_wraps_modules():
    """facade.compile (torch.compile): a value read computes what was recorded so far and
    the step goes on, with the numbers of the undecorated code; fullgraph=True refuses."""
    def run(decorate):
        torch.manual_seed(4)
        model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        x, y = torch.randn(8, 3), torch.randn(8, 1)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            if loss.item() > 0.0:          # a graph break in PyTorch's terms
                loss = loss * 2
            loss.backward()
            opt.step()
            return loss
        step = decorate(step)
        losses = [step().item() for _ in range(4)]
        return losses, [p.detach().numpy() for p in model.parameters()]
    ref_losses, ref = run(lambda f: f)
    losses, got = run(torch.compile)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-6)
    for a, b in zip(ref, got):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
    with pytest.raises(torch.JitValueError):
        torch.compile(lambda t: t * t.sum().item(), fullgraph=True)(torch.ones(2))
    lin = nn.Linear(2, 3)
    cm = torch.compile(lin)
    assert type(cm).__name__ == "OptimizedModule" and cm._orig_mod is lin
    assert cm.weight is lin.weight and cm.in_features == 2
    assert list(cm.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    np.testing.assert_allclose(cm(torch.ones(1, 2)).detach().numpy(),
                               lin(torch.ones(1, 2)).detach().numpy(), rtol=1e-6)
    assert torch.compile(lin, disable=True) is lin
    assert torch.compiler.is_compiling() is False


def test_torch_jit_names_run_eagerly():
    def f(x):
        return x * 2
    m = nn.Linear(2, 2)
    assert torch.jit.script(f) is f and torch.jit.script(m) is m
    assert torch.jit.trace(f, (torch.ones(1),)) is f
    assert torch.jit.is_scripting() is False and torch.jit.is_tracing() is False
    assert torch.jit.ignore(f) is f and torch.jit.unused(f) is f
    assert torch.jit.ignore(drop=True)(f) is f
    assert torch.jit.wait(torch.jit.fork(f, torch.ones(1))).tolist() == [2.0]


def test_transforms_inside_a_jitted_step():
    """Per-sample gradients (vmap(grad)) and their clipped mean, as one jitted step
    (DP-SGD's shape): the same parameters as without jit."""
    def run(jitted):
        torch.manual_seed(5)
        model = nn.Linear(3, 1)
        x, y = torch.randn(6, 3), torch.randn(6, 1)
        names = [n for n, _ in model.named_parameters()]

        def loss(p, xi, yi):
            out = torch.func.functional_call(model, p, (xi.unsqueeze(0),))
            return ((out - yi.unsqueeze(0)) ** 2).mean()

        def step():
            params = {k: v.detach() for k, v in model.named_parameters()}
            per = torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0, 0))(params, x, y)
            with torch.no_grad():
                for k, p in zip(names, model.parameters()):
                    g = per[k].clamp(-0.5, 0.5).mean(0)
                    p.sub_(0.1 * g)
        if jitted:
            step = torch.jit(step)
        for _ in range(4):
            step()
        return [p.detach().numpy() for p in model.parameters()]
    for a, b in zip(run(False), run(True)):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_static_argnames_and_results_of_any_structure():
    @torch.jit(static_argnames="mode")
    def f(x, mode="double"):
        y = x * (2 if mode == "double" else 3)
        return {"y": y, "pair": (y + 1, "tag")}
    x = torch.tensor([1.0, 2.0])
    out = f(x, mode="triple")
    assert out["y"].tolist() == [3.0, 6.0] and out["pair"][0].tolist() == [4.0, 7.0]
    assert out["pair"][1] == "tag" and f(x)["y"].tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="static argument 'mode' of type list is not hashable"):
        f(x, mode=["double"])


def test_sgd_mlp_step_compiles_once():
    """With plain SGD (no optimizer state to create on the first step) the jitted step is
    compiled exactly once and every step is one program call."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=1e-2)
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    x.numpy(), y.numpy()
    for p in model.parameters():
        p.detach().numpy()

    @torch.jit
    def step(xb, yb):
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        return loss
    torch.debug.reset_counters()
    for _ in range(5):
        step(x, y)
    c = torch.debug.counters()
    assert c["compiles"] == 1 and c["calls"] == 5, c
