"""Re-record the PyTorch references used by tests/test_optim.py and
tests/test_serialization.py (needs torch; the tests themselves do not).

    .venv/bin/python tests/golden/gen_optim_golden.py

Writes tests/golden/optim_reference.json (learning-rate sequences of each scheduler, and
parameter trajectories of each optimizer) and tests/golden/torch_saved/*.pt (files written
by torch.save) with their expected contents in tests/golden/torch_saved/expected.json.
"""
import json
import math
import os
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
F = torch.nn.functional


def problem():
    """A small least-squares problem: fixed data and initial weights (float32)."""
    rs = np.random.RandomState(0)
    x = rs.randn(6, 4).astype(np.float32)
    y = rs.randn(6, 2).astype(np.float32)
    w = rs.randn(4, 2).astype(np.float32)
    b = rs.randn(2).astype(np.float32)
    return x, y, w, b


def trajectory(make, steps=8, lrs=None):
    x, y, w0, b0 = problem()
    x, y = torch.tensor(x), torch.tensor(y)
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    opt = make([w, b])
    losses = []
    for i in range(steps):
        if lrs is not None:
            for g in opt.param_groups:
                g["lr"] = lrs[i]
        loss = F.mse_loss(x @ w + b, y)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"losses": losses, "w": w.detach().tolist(), "b": b.detach().tolist()}


OPTIMIZERS = {
    "sgd": "torch.optim.SGD(p, lr=0.1)",
    "sgd_momentum_dampening_wd": "torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, "
                                 "weight_decay=0.01)",
    "sgd_nesterov_maximize": "torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, "
                             "maximize=True)",
    "adam": "torch.optim.Adam(p, lr=0.05)",
    "adam_amsgrad_wd": "torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, "
                       "amsgrad=True)",
    "adamw": "torch.optim.AdamW(p, lr=0.05, weight_decay=0.1)",
    "adamw_amsgrad_maximize": "torch.optim.AdamW(p, lr=0.05, amsgrad=True, maximize=True)",
    "rmsprop": "torch.optim.RMSprop(p, lr=0.01)",
    "rmsprop_centered_momentum_wd": "torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, "
                                    "weight_decay=0.05, momentum=0.5, centered=True)",
    "adagrad": "torch.optim.Adagrad(p, lr=0.1)",
    "adagrad_decay_init_wd": "torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, weight_decay=0.1, "
                             "initial_accumulator_value=0.5, eps=1e-6)",
}

SCHEDULERS = {
    "StepLR": ("SGD", "StepLR(opt, step_size=3, gamma=0.5)"),
    "MultiStepLR": ("SGD", "MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.3)"),
    "ExponentialLR": ("SGD", "ExponentialLR(opt, gamma=0.9)"),
    "CosineAnnealingLR": ("SGD", "CosineAnnealingLR(opt, T_max=5, eta_min=0.01)"),
    "LambdaLR": ("SGD", "LambdaLR(opt, lr_lambda=lambda e: 1.0 / (e + 1))"),
    "OneCycleLR_cos": ("SGDm", "OneCycleLR(opt, max_lr=1.0, total_steps=12)"),
    "OneCycleLR_linear_three_phase": ("Adam", "OneCycleLR(opt, max_lr=0.5, epochs=3, "
                                      "steps_per_epoch=4, anneal_strategy='linear', "
                                      "three_phase=True, div_factor=10.0, "
                                      "final_div_factor=100.0, pct_start=0.25)"),
    "MultiplicativeLR": ("SGD", "MultiplicativeLR(opt, lr_lambda=lambda e: 0.9 + 0.01 * e)"),
    "ConstantLR": ("SGD", "ConstantLR(opt, factor=0.25, total_iters=4)"),
    "LinearLR": ("SGD", "LinearLR(opt, start_factor=0.1, end_factor=0.8, total_iters=6)"),
    "PolynomialLR": ("SGD", "PolynomialLR(opt, total_iters=8, power=2.0)"),
    "CosineAnnealingWarmRestarts": ("SGD", "CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, "
                                    "eta_min=0.001)"),
    "CyclicLR_triangular2": ("SGDm", "CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3, "
                             "step_size_down=2, mode='triangular2')"),
    "CyclicLR_exp_range_adam": ("Adam", "CyclicLR(opt, base_lr=0.01, max_lr=0.1, "
                                "step_size_up=2, mode='exp_range', gamma=0.9)"),
    "SequentialLR_warmup_cosine": ("SGD", "SequentialLR(opt, [LinearLR(opt, start_factor=0.2, "
                                   "total_iters=3), CosineAnnealingLR(opt, T_max=6)], "
                                   "milestones=[3])"),
    "ChainedScheduler": ("SGD", "ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=3), "
                         "ExponentialLR(opt, gamma=0.9)])"),
    "chained_by_hand": ("SGD", "[StepLR(opt, step_size=2, gamma=0.5), "
                        "ExponentialLR(opt, gamma=0.9)]"),
}


def schedule(opt_kind, expr, steps=15):
    w = torch.zeros(2, requires_grad=True)
    opt = {"SGD": lambda: torch.optim.SGD([w], lr=0.1),
           "SGDm": lambda: torch.optim.SGD([w], lr=0.1, momentum=0.9),
           "Adam": lambda: torch.optim.Adam([w], lr=0.1)}[opt_kind]()
    env = dict(vars(torch.optim.lr_scheduler), opt=opt)
    sched = eval(expr, env)
    scheds = sched if isinstance(sched, list) else [sched]   # several stepped in turn
    total = getattr(sched, "total_steps", steps)
    lrs, moms = [scheds[-1].get_last_lr()[0]], []
    mom = (lambda g: g["betas"][0]) if opt_kind == "Adam" else (lambda g: g["momentum"])
    moms.append(mom(opt.param_groups[0]))
    for _ in range(min(steps, total - 1)):
        opt.step()
        for s in scheds:
            s.step()
        lrs.append(scheds[-1].get_last_lr()[0])
        moms.append(mom(opt.param_groups[0]))
    return {"optimizer": opt_kind, "expr": expr, "lrs": lrs, "momentum": moms}


def plateau():
    w = torch.zeros(2, requires_grad=True)
    out = {}
    metrics = [1.0, 0.9, 0.9, 0.91, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6]
    for name, kw in {"min_rel": dict(patience=2),
                     "max_abs_cooldown": dict(mode="max", threshold=0.05,
                                              threshold_mode="abs", patience=1, cooldown=2,
                                              factor=0.5, min_lr=0.02)}.items():
        opt = torch.optim.SGD([w], lr=0.1)
        s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        lrs = []
        for m in metrics:
            s.step(torch.tensor(m))
            lrs.append(opt.param_groups[0]["lr"])
        out[name] = {"kwargs": kw, "metrics": metrics, "lrs": lrs}
    return out


def saved_files():
    d = os.path.join(HERE, "torch_saved")
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    torch.save(lin.state_dict(), os.path.join(d, "linear.pt"))
    linear = {k: v.tolist() for k, v in lin.state_dict().items()}
    f64 = torch.linspace(-1, 1, 5, dtype=torch.float64)
    torch.save(f64, os.path.join(d, "float64.pt"))
    i64 = torch.tensor([[1, -2, 3], [2**40, 0, -(2**40)]], dtype=torch.int64)
    torch.save({"ints": i64, "n": 7, "name": "x"}, os.path.join(d, "int64.pt"))
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    tr = base.t()
    view = base[1:, 1::2]
    torch.save({"t": tr, "view": view, "base": base}, os.path.join(d, "transposed.pt"))
    opt = torch.optim.Adam(lin.parameters(), lr=0.01)
    for _ in range(2):
        opt.zero_grad()
        lin(torch.ones(4, 3)).pow(2).sum().backward()
        opt.step()
    torch.save(opt.state_dict(), os.path.join(d, "adam.pt"))
    sd = opt.state_dict()
    expected = {
        "linear": linear,
        "float64": f64.tolist(),
        "int64": {"ints": i64.tolist(), "n": 7, "name": "x"},
        "transposed": {"t": tr.tolist(), "view": view.tolist(), "base": base.tolist()},
        "adam": {"state": {str(k): {n: t.tolist() for n, t in v.items()}
                           for k, v in sd["state"].items()},
                 "param_groups": sd["param_groups"]},
    }
    # the parameters after the same two steps, to check a facade Adam resumed from them
    expected["linear_after_adam"] = {k: v.tolist() for k, v in lin.state_dict().items()}
    with open(os.path.join(d, "expected.json"), "w") as fh:
        json.dump(expected, fh, indent=1)


def main():
    warnings.simplefilter("ignore")
    ref = {"problem": "see problem() in this file", "torch": torch.__version__,
           "optimizers": {}, "schedulers": {}}
    for name, expr in OPTIMIZERS.items():
        ref["optimizers"][name] = {"expr": expr,
                                   **trajectory(lambda p, e=expr: eval(e, {"torch": torch,
                                                                           "p": p}))}
    lrs = [0.1 * (0.5 + 0.5 * math.cos(i)) for i in range(8)]
    ref["optimizers"]["adam_changing_lr"] = {
        "expr": "torch.optim.Adam(p, lr=0.1)", "lrs": lrs,
        **trajectory(lambda p: torch.optim.Adam(p, lr=0.1), lrs=lrs)}
    for name, (kind, expr) in SCHEDULERS.items():
        ref["schedulers"][name] = schedule(kind, expr)
    ref["plateau"] = plateau()
    with open(os.path.join(HERE, "optim_reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1)
    saved_files()


if __name__ == "__main__":
    main()
