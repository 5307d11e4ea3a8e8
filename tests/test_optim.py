"""facade.optim and facade.optim.lr_scheduler: update rules against NumPy, trajectories and
learning-rate sequences against values recorded from PyTorch 2.13
(tests/golden/optim_reference.json, made by tests/golden/gen_optim_golden.py), state
dicts, PyTorch's errors, and program counts of a training step."""
import io
import json
import math
import os
import warnings

import numpy as np
import pytest

import facade as torch
from facade import debug, optim
from facade.optim import lr_scheduler

F = torch.nn.functional
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "golden", "optim_reference.json")) as fh:
    REF = json.load(fh)


# ------------------------------------------------------------------ the problem
def problem():
    """The same fixed least-squares problem as gen_optim_golden.problem()."""
    rs = np.random.RandomState(0)
    x = rs.randn(6, 4).astype(np.float32)
    y = rs.randn(6, 2).astype(np.float32)
    w = rs.randn(4, 2).astype(np.float32)
    b = rs.randn(2).astype(np.float32)
    return x, y, w, b


def np_grads(x, y, w, b):
    r = x @ w + b - y
    d = 2 * r / r.size
    return float(np.mean(r ** 2)), [x.T @ d, d.sum(0)]


def run_facade(make, steps, lrs=None, dtype=torch.float32):
    x, y, w0, b0 = problem()
    x, y = torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype)
    w = torch.tensor(w0, dtype=dtype, requires_grad=True)
    b = torch.tensor(b0, dtype=dtype, requires_grad=True)
    opt = make([w, b])
    losses = []
    for i in range(steps):
        if lrs is not None:
            for g in opt.param_groups:
                g["lr"] = lrs[i]
        loss = F.mse_loss(x @ w + b, y)
        losses.append(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [l.item() for l in losses], w.detach().numpy(), b.detach().numpy(), opt


# ------------------------------------------------------------------ NumPy update rules
def np_sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
           maximize=False):
    bufs = {}

    def step(params, grads):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            g = -g if maximize else g
            if weight_decay:
                g = g + weight_decay * p
            if momentum:
                bufs[i] = g.copy() if i not in bufs else momentum * bufs[i] + (1 - dampening) * g
                g = g + momentum * bufs[i] if nesterov else bufs[i]
            out.append(p - lr * g)
        return out
    return step


def np_adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
            maximize=False, decoupled=False):
    st = {}

    def step(params, grads):
        out = []
        b1, b2 = betas
        for i, (p, g) in enumerate(zip(params, grads)):
            s = st.setdefault(i, {"t": 0, "m": 0 * p, "v": 0 * p, "vmax": 0 * p})
            g = -g if maximize else g
            s["t"] += 1
            t = s["t"]
            if weight_decay:
                if decoupled:
                    p = p * (1 - lr * weight_decay)
                else:
                    g = g + weight_decay * p
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["v"] = b2 * s["v"] + (1 - b2) * g * g
            v = s["v"]
            if amsgrad:
                s["vmax"] = np.maximum(s["vmax"], v)
                v = s["vmax"]
            denom = np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps
            out.append(p - lr / (1 - b1 ** t) * s["m"] / denom)
        return out
    return step


def run_numpy(step, steps):
    x, y, w, b = (a.astype(np.float64) for a in problem())
    params, losses = [w, b], []
    for _ in range(steps):
        loss, grads = np_grads(x, y, *params)
        losses.append(loss)
        params = step(params, grads)
    return losses, params[0], params[1]


NUMPY_CASES = {
    "sgd_momentum": (lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
                     np_sgd(0.05, momentum=0.9)),
    "sgd_momentum_dampening": (lambda p: optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.3),
                               np_sgd(0.05, momentum=0.9, dampening=0.3)),
    "sgd_nesterov_weight_decay": (
        lambda p: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
        np_sgd(0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    "sgd_plain_maximize": (lambda p: optim.SGD(p, lr=0.01, maximize=True),
                           np_sgd(0.01, maximize=True)),
    "adam": (lambda p: optim.Adam(p, lr=0.05), np_adam(0.05)),
    "adam_amsgrad_weight_decay": (
        lambda p: optim.Adam(p, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1, amsgrad=True),
        np_adam(0.05, betas=(0.8, 0.95), weight_decay=0.1, amsgrad=True)),
    "adamw": (lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.2),
              np_adam(0.05, weight_decay=0.2, decoupled=True)),
    "adamw_amsgrad_maximize": (lambda p: optim.AdamW(p, lr=0.02, amsgrad=True, maximize=True),
                               np_adam(0.02, amsgrad=True, maximize=True, decoupled=True,
                                       weight_decay=1e-2)),
}


@pytest.mark.parametrize("name", sorted(NUMPY_CASES))
def test_trajectory_matches_numpy_update_rule(name):
    make, np_step = NUMPY_CASES[name]
    losses, w, b, _ = run_facade(make, 20)
    ref_losses, ref_w, ref_b = run_numpy(np_step, 20)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w, ref_w, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b, ref_b, rtol=1e-5, atol=1e-5)


def _facade_expr(expr):
    return expr.replace("torch.optim.", "optim.")


@pytest.mark.parametrize("name", sorted(REF["optimizers"]))
def test_trajectory_matches_pytorch(name):
    case = REF["optimizers"][name]
    make = eval("lambda p: " + _facade_expr(case["expr"]), {"optim": optim})
    losses, w, b, opt = run_facade(make, len(case["losses"]), lrs=case.get("lrs"))
    np.testing.assert_allclose(losses, case["losses"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w, case["w"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b, case["b"], rtol=1e-5, atol=1e-5)


def test_float64_parameters_stay_float64():
    _, w, b, opt = run_facade(lambda p: optim.Adam(p, lr=0.05, amsgrad=True), 5,
                              dtype=torch.float64)
    assert w.dtype == np.float64
    st = opt.state[opt.param_groups[0]["params"][0]]
    assert st["exp_avg"].dtype is torch.float64 and st["step"].dtype is torch.float32
    ref_losses, ref_w, _ = run_numpy(np_adam(0.05, amsgrad=True), 5)
    np.testing.assert_allclose(w, ref_w, rtol=1e-10)


# ------------------------------------------------------------------ schedulers
def _make_sched(case):
    w = torch.zeros(2, requires_grad=True)
    opt = {"SGD": lambda: optim.SGD([w], lr=0.1),
           "SGDm": lambda: optim.SGD([w], lr=0.1, momentum=0.9),
           "Adam": lambda: optim.Adam([w], lr=0.1)}[case["optimizer"]]()
    env = {n: getattr(lr_scheduler, n) for n in lr_scheduler.__all__}
    env["opt"] = opt
    return opt, eval(case["expr"], env)


@pytest.mark.parametrize("name", sorted(REF["schedulers"]))
def test_scheduler_lr_sequence_matches_pytorch(name):
    case = REF["schedulers"][name]
    opt, sched = _make_sched(case)
    scheds = sched if isinstance(sched, list) else [sched]   # several stepped in turn
    mom = (lambda g: g["betas"][0]) if case["optimizer"] == "Adam" else (lambda g: g["momentum"])
    lrs, moms = [scheds[-1].get_last_lr()[0]], [mom(opt.param_groups[0])]
    for _ in range(len(case["lrs"]) - 1):
        opt.step()
        for s in scheds:
            s.step()
        lrs.append(scheds[-1].get_last_lr()[0])
        moms.append(mom(opt.param_groups[0]))
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(moms, case["momentum"], rtol=1e-12)
    assert opt.param_groups[0]["lr"] == lrs[-1]


def test_one_cycle_rejects_stepping_past_total_steps():
    w = torch.zeros(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    s = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        opt.step()
        s.step()
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total "
                                         "steps is 3"):
        s.step()
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([w]), max_lr=1.0, total_steps=3)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0)


@pytest.mark.parametrize("name", sorted(REF["plateau"]))
def test_reduce_lr_on_plateau_matches_pytorch(name):
    case = REF["plateau"][name]
    w = torch.zeros(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    s = lr_scheduler.ReduceLROnPlateau(opt, **case["kwargs"])
    lrs = []
    for m in case["metrics"]:
        s.step(torch.tensor(m))   # a tensor metric, as a loss would be
        lrs.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-12)
    assert s.get_last_lr() == [lrs[-1]]


def test_reduce_lr_on_plateau_errors():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=r"Factor should be < 1.0."):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown!"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="avg")
    with pytest.raises(ValueError, match="expected 1 min_lrs, got 2"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])


def test_scheduler_before_optimizer_warns_like_pytorch():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    s = lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before "
                                         r"`optimizer.step\(\)`. In PyTorch 1.1.0 and later"):
        s.step()
    opt2 = optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    s2 = lr_scheduler.StepLR(opt2, 2)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s2.step()   # the right order: no warning


def test_scheduler_state_dict_round_trip_and_closed_form():
    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    s = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    assert list(s.state_dict()) == ["step_size", "gamma", "base_lrs", "last_epoch",
                                    "_step_count", "_is_initial",
                                    "_get_lr_called_within_step", "_last_lr"]
    for _ in range(3):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert sd["last_epoch"] == 3 and sd["_last_lr"] == [0.5] and sd["base_lrs"] == [1.0]
    opt2 = optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    s2 = lr_scheduler.StepLR(opt2, step_size=1, gamma=0.1)
    s2.load_state_dict(sd)
    assert s2.step_size == 2 and s2.last_epoch == 3
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
        s.step(6)   # the closed form: 1.0 * 0.5 ** 3
    assert s.get_last_lr() == [0.125]
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        s.get_lr()
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        lr_scheduler.StepLR(3, 1)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        lr_scheduler.StepLR(optim.SGD([torch.zeros(1, requires_grad=True)]), 1, last_epoch=3)


def test_lambda_lr_per_group_and_state_dict():
    a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
    s = lr_scheduler.LambdaLR(opt, [lambda e: 0.5 ** e, lambda e: e + 1])
    opt.step()
    s.step()
    assert s.get_last_lr() == [0.5, 1.0]
    assert s.state_dict()["lr_lambdas"] == [None, None]
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])


# ------------------------------------------------------------------ state_dict
def test_state_dict_layout_is_pytorchs():
    _, _, _, opt = run_facade(lambda p: optim.Adam(p, lr=0.05, amsgrad=True), 3)
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0, 1]
    st = sd["state"][0]
    assert list(st) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    assert st["step"].shape == () and st["step"].dtype is torch.float32
    assert st["step"].item() == 3.0
    assert st["exp_avg"].shape == (4, 2)
    g = sd["param_groups"][0]
    assert g["params"] == [0, 1]
    assert list(g) == ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach",
                       "capturable", "differentiable", "fused", "decoupled_weight_decay",
                       "params"]
    sgd = optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    assert list(sgd.state_dict()["param_groups"][0]) == [
        "lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach",
        "differentiable", "fused", "params"]
    ada = optim.Adagrad([torch.zeros(2, requires_grad=True)], initial_accumulator_value=0.5)
    st = ada.state_dict()["state"][0]
    assert st["step"].item() == 0.0 and st["sum"].tolist() == [0.5, 0.5]


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    lambda p: optim.Adam(p, lr=0.05, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.05),
    lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01),
], ids=["sgd", "adam", "adamw", "rmsprop", "adagrad"])
@pytest.mark.parametrize("through_file", [False, True])
def test_state_dict_round_trip_resumes_the_same_trajectory(make, through_file):
    x, y, w0, b0 = problem()
    x, y = torch.tensor(x), torch.tensor(y)

    def fresh():
        return (torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True))

    def train(params, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            F.mse_loss(x @ params[0] + params[1], y).backward()
            opt.step()

    p1 = fresh()
    o1 = make(list(p1))
    train(p1, o1, 7)
    p2 = fresh()
    o2 = make(list(p2))
    train(p2, o2, 3)
    sd = o2.state_dict()
    if through_file:
        buf = io.BytesIO()
        torch.save(sd, buf)
        buf.seek(0)
        sd = torch.load(buf)
    p3 = tuple(t.detach().clone().requires_grad_(True) for t in p2)
    o3 = make(list(p3))
    o3.load_state_dict(sd)
    assert o3.state_dict()["param_groups"] == o2.state_dict()["param_groups"]
    train(p3, o3, 4)
    for a, b in zip(p1, p3):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6,
                                   atol=1e-7)


def test_load_state_dict_errors():
    w = torch.zeros(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="loaded state dict has a different number of "
                                         "parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(ValueError, match="loaded state dict contains a parameter group that "
                                         "doesn't match the size of optimizer's group"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0, 1]}]})


# ------------------------------------------------------------------ errors and API
def test_errors_are_pytorchs():
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        optim.SGD([w], lr=-1)
    with pytest.raises(ValueError, match="^Invalid learning rate: -0.5$"):
        optim.Adam([w], lr=-0.5)
    with pytest.raises(TypeError, match="optimizer parameters need to be organized in ordered "
                                        "collections, but the ordering of tensors in sets will "
                                        "change between runs. Please use a list instead."):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter "
                                         "group$"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an "
                                        "iterable of Tensors or dicts, but got "
                                        "torch.FloatTensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the "
                                        "params is float"):
        optim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero "
                                         "dampening"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid momentum value: -1"):
        optim.SGD([w], lr=0.1, momentum=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="betas must be either both floats or both Tensors"):
        optim.Adam([w], betas=(0.9, 0))
    with pytest.raises(ValueError, match="Invalid epsilon value: -1"):
        optim.Adam([w], eps=-1)
    with pytest.raises(ValueError, match="Invalid alpha value: -1"):
        optim.RMSprop([w], alpha=-1)
    with pytest.raises(ValueError, match="Invalid initial_accumulator_value value: -1"):
        optim.Adagrad([w], initial_accumulator_value=-1)
    with pytest.raises(TypeError, match="param_group must be a dict, but got <class 'list'>"):
        optim.SGD([w]).add_param_group([w])
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate "
                                         "parameters"):
        optim.SGD([w, w], lr=0.1)
    with pytest.raises(NotImplementedError):
        optim.Optimizer([w], {}).step()
    # a top-level set is turned into a list by PyTorch (no error there)
    assert optim.SGD({w}, lr=0.1).param_groups[0]["params"] == [w]


def test_param_groups_defaults_repr_and_add_param_group():
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    opt = optim.SGD([{"params": [a], "lr": 0.5}], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b})
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[1]["lr"] == 0.1
    assert opt.param_groups[1]["params"] == [b] and opt.param_groups[1]["momentum"] == 0.9
    assert repr(opt).startswith("SGD (\nParameter Group 0\n    dampening: 0\n    "
                                "differentiable: False\n    foreach: None\n    fused: None\n"
                                "    lr: 0.5\n")
    named = optim.SGD([("w", a)], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w"]


def test_zero_grad_and_step_skips_params_without_grad():
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = optim.SGD([a, b], lr=0.5, momentum=0.9)
    (a * 3).sum().backward()
    opt.step()
    assert a.tolist() == [-0.5, -0.5] and b.tolist() == [1.0, 1.0]
    assert b not in opt.state and "momentum_buffer" in opt.state[a]
    opt.zero_grad(set_to_none=False)
    assert a.grad.tolist() == [0.0, 0.0] and b.grad is None
    opt.zero_grad()
    assert a.grad is None


def test_closure_is_reevaluated_with_grad_enabled():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    seen = []

    def closure():
        seen.append(torch.is_grad_enabled())
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with torch.no_grad():
        loss = opt.step(closure)
    assert seen == [True] and loss.item() == 5.0
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6], rtol=1e-6)


def test_step_hooks_run_in_order_and_can_be_removed():
    w = torch.ones(1, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    opt.step()
    h1.remove()
    opt.step()
    assert calls == ["pre", "post", "post"]


def test_step_records_lazily_and_leaves_stay_leaves():
    x, y, w0, b0 = problem()
    w = torch.tensor(w0, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    F.mse_loss(torch.tensor(x) @ w, torch.tensor(y)[:, :2]).backward()
    debug.reset_counters()
    opt.step()
    assert debug.counters()["calls"] == 0   # nothing runs until the value is needed
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    st = opt.state[w]
    assert not st["exp_avg"].requires_grad and st["exp_avg"].is_leaf


# ------------------------------------------------------------------ program counts
@pytest.fixture
def compile_policy():
    """Compile recurring structures in the foreground (counts do not depend on how fast a
    background compile finishes); `set(n)` compiles a structure whole from its n-th run."""
    try:
        from facade import config
    except ImportError:   # an engine without execution tiers
        yield lambda n: None
        return
    old = (config.background_compile, config.compile_after)
    config.background_compile = False

    def set_after(n):
        config.compile_after = n
    yield set_after
    config.background_compile, config.compile_after = old


def mlp_setup(seed=0):
    rs = np.random.RandomState(seed)
    x = torch.tensor(rs.randn(32, 10).astype(np.float32))
    y = torch.tensor(rs.randint(0, 3, 32))
    params = [torch.tensor((rs.randn(10, 16) * 0.3).astype(np.float32), requires_grad=True),
              torch.zeros(16, requires_grad=True),
              torch.tensor((rs.randn(16, 3) * 0.3).astype(np.float32), requires_grad=True),
              torch.zeros(3, requires_grad=True)]
    return x, y, params


def mlp_loss(x, y, p):
    h = torch.relu(x @ p[0] + p[1])
    return F.cross_entropy(h @ p[2] + p[3], y)


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    lambda p: optim.Adam(p, lr=1e-2),
    lambda p: optim.AdamW(p, lr=1e-2, amsgrad=True),
    lambda p: optim.RMSprop(p, lr=1e-3, momentum=0.5, centered=True),
    lambda p: optim.Adagrad(p, lr=0.1),
], ids=["sgd_momentum", "sgd_nesterov", "adam", "adamw_amsgrad", "rmsprop", "adagrad"])
def test_training_step_is_one_program_and_never_recompiles(make, compile_policy):
    x, y, params = mlp_setup()
    opt = make(params)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=7)   # lr changes every step

    def step():
        opt.zero_grad()
        loss = mlp_loss(x, y, params)
        loss.backward()
        opt.step()
        sched.step()
        return loss

    first = [step().item() for _ in range(6)]   # warm-up (first structures, then fused)
    debug.reset_counters()
    steps = 30
    losses = [step().item() for _ in range(steps)]
    c = debug.counters()
    assert c["compiles"] == 0, c
    assert c["calls"] == steps, c   # one program per step: update + forward + backward
    assert losses[-1] < first[0]


def test_adam_step_count_and_lr_are_arguments_not_constants(compile_policy):
    x, y, params = mlp_setup(1)
    opt = optim.Adam(params, lr=1e-2)
    for _ in range(6):
        opt.zero_grad()
        mlp_loss(x, y, params).backward()
        opt.step()
    debug.reset_counters()
    for i in range(20):
        for g in opt.param_groups:
            g["lr"] = 1e-2 / (i + 1)    # a new lr and a new t = step count each step
        opt.zero_grad()
        mlp_loss(x, y, params).backward()
        opt.step()
    assert debug.counters()["compiles"] == 0
    assert opt.state[params[0]]["step"].item() == 26.0


def test_optimizer_state_does_not_grow_across_steps():
    """State buffers are returned by the step's program (not recomputed from a growing
    chain of updates): after many steps, a buffer's value is already computed."""
    x, y, params = mlp_setup(2)
    opt = optim.SGD(params, lr=0.05, momentum=0.9)
    for _ in range(12):
        opt.zero_grad()
        mlp_loss(x, y, params).backward()
        opt.step()
    opt.zero_grad()
    mlp_loss(x, y, params).backward()   # computes the last update too
    buf = opt.state[params[0]]["momentum_buffer"]
    assert buf._base_sync().value is not None   # computed by that program, chain cut


def test_optimization_tutorial_train_loop_with_nn(compile_policy):
    """The Optimization tutorial's train_loop/test_loop on synthetic FashionMNIST-shaped
    data, with the Build Model chapter's NeuralNetwork."""
    nn = torch.nn
    if not hasattr(nn, "Sequential") or not hasattr(nn, "CrossEntropyLoss"):
        pytest.skip("facade.nn modules are not available")
    from facade.utils.data import DataLoader, TensorDataset

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    compile_policy(1)   # compile each structure whole at once (fewer, larger programs)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    n = 256
    rs = np.random.RandomState(0)
    labels_np = rs.randint(0, 10, n)
    images_np = rs.rand(n, 1, 28, 28).astype(np.float32) * 0.5 \
        + labels_np.reshape(n, 1, 1, 1).astype(np.float32) / 10.0   # a learnable signal
    images, labels = torch.tensor(images_np), torch.tensor(labels_np)
    train_dataloader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True,
                                  generator=g)
    test_dataloader = DataLoader(TensorDataset(images, labels), batch_size=64)
    model = NeuralNetwork()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=1e-1)

    def train_loop(dataloader, model, loss_fn, optimizer):
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

    def test_loop(dataloader, model, loss_fn):
        model.eval()
        num_batches = len(dataloader)
        test_loss = correct = 0
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        return test_loss / num_batches, correct / len(dataloader.dataset)

    before, _ = test_loop(test_dataloader, model, loss_fn)
    train_loop(train_dataloader, model, loss_fn, optimizer)
    train_loop(train_dataloader, model, loss_fn, optimizer)
    debug.reset_counters()
    train_loop(train_dataloader, model, loss_fn, optimizer)   # 4 batches of 64
    c = debug.counters()
    after, acc = test_loop(test_dataloader, model, loss_fn)
    assert after < before
    assert c["compiles"] == 0 and c["calls"] == 4, c   # one program per step


def test_tensor_hyper_parameter_and_fused_errors_are_pytorchs():
    w = torch.zeros(2, requires_grad=True)
    for make in (lambda lr: optim.SGD([w], lr=lr), lambda lr: optim.Adam([w], lr=lr),
                 lambda lr: optim.RMSprop([w], lr=lr), lambda lr: optim.Adagrad([w], lr=lr)):
        with pytest.raises(ValueError, match="^Tensor lr must be 1-element$"):
            make(torch.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match="^lr as a Tensor is not supported for capturable=False "
                                         "and foreach=True$"):
        optim.Adam([w], lr=torch.tensor(0.1), foreach=True)
    for cls in (optim.SGD, optim.Adam, optim.Adagrad):
        with pytest.raises(RuntimeError, match="^`fused` and `foreach` cannot be `True` "
                                               "together.$"):
            cls([w], fused=True, foreach=True)
        with pytest.raises(RuntimeError, match="^`fused` does not support `differentiable`$"):
            cls([w], fused=True, differentiable=True)
    opt = optim.Adam([w], lr=0.1, betas=(torch.tensor([0.8]), torch.tensor([0.9])))
    b1, b2 = opt.defaults["betas"]
    assert b1.shape == () and b2.shape == ()        # squeezed, as PyTorch's _to_scalar
    (w * 2).sum().backward()
    opt.step()
    assert w.tolist() == pytest.approx([-0.1, -0.1], rel=1e-5)


@pytest.mark.parametrize("cls,defaults", [
    (optim.SGD, {"nesterov": False, "maximize": False, "foreach": None,
                 "differentiable": False, "fused": False}),
    (optim.Adam, {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                  "differentiable": False, "decoupled_weight_decay": False, "fused": None}),
    (optim.AdamW, {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                   "differentiable": False, "decoupled_weight_decay": True, "fused": None}),
    (optim.RMSprop, {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                     "differentiable": False, "capturable": False}),
    (optim.Adagrad, {"foreach": None, "maximize": False, "differentiable": False,
                     "fused": None}),
])
def test_loading_an_old_state_dict_fills_in_pytorchs_defaults(cls, defaults):
    """As PyTorch's __setstate__ does for groups saved before an option existed (recorded
    from PyTorch 2.13); a step saved as a number becomes the float32 tensor."""
    w = torch.zeros(2, requires_grad=True)
    opt = cls([w], lr=0.3)
    opt.load_state_dict({"state": {}, "param_groups": [{"lr": 0.3, "params": [0]}]})
    got = {k: v for k, v in opt.param_groups[0].items() if k not in ("params", "lr")}
    assert got == defaults
    if cls is not optim.SGD:
        opt = cls([w], lr=0.3)
        (w * 2).sum().backward()
        opt.step()
        sd = opt.state_dict()
        sd["state"][0]["step"] = 5
        opt2 = cls([w], lr=0.3)
        opt2.load_state_dict(sd)
        step = opt2.state[w]["step"]
        assert isinstance(step, torch.Tensor) and step.dtype == torch.float32 and step.item() == 5


@pytest.mark.parametrize("make_opt,make_sched", [
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
     lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.2, total_steps=40)),
    (lambda p: optim.Adam(p, lr=1e-2),
     lambda o: lr_scheduler.OneCycleLR(o, max_lr=1e-2, total_steps=40)),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
     lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=3)),
    (lambda p: optim.SGD(p, lr=0.1),
     lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.LinearLR(o, 0.1, total_iters=5),
                                             lr_scheduler.CosineAnnealingLR(o, 10)], [5])),
], ids=["one_cycle_momentum", "one_cycle_betas", "cyclic_momentum", "warmup_then_cosine"])
def test_cycled_momentum_and_betas_recompile_nothing(make_opt, make_sched, compile_policy):
    """Schedulers that change momentum (SGD) or beta1 (Adam) every step, as well as the lr:
    they are Python numbers too, so they enter the program as arguments."""
    x, y, params = mlp_setup(2)
    opt = make_opt(params)
    sched = make_sched(opt)
    for _ in range(6):
        opt.zero_grad()
        mlp_loss(x, y, params).backward()
        opt.step()
        sched.step()
    debug.reset_counters()
    for _ in range(20):
        opt.zero_grad()
        mlp_loss(x, y, params).backward()
        opt.step()
        sched.step()
    c = debug.counters()
    assert c["compiles"] == 0 and c["calls"] == 20, c
