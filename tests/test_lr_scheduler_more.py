"""The lr schedulers beyond the tutorial's (ConstantLR, LinearLR, MultiplicativeLR,
PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, SequentialLR, ChainedScheduler):
errors, closed forms, state dicts and composition. Their lr sequences are checked against
recorded PyTorch runs in test_optim.py; the messages and values here were recorded from
PyTorch 2.13 running this same file with `import torch`.
"""
import math

import pytest

import facade as torch
from facade.optim import lr_scheduler as L


def opt(lr=0.1, groups=1, kind="SGD"):
    ps = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}[kind]
    return cls([{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(ps)], lr=lr)


ERRORS = [
    ("L.ConstantLR(o, factor=2)", ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    ("L.LinearLR(o, start_factor=0)", ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("L.LinearLR(o, end_factor=1.5)", ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    ("L.MultiplicativeLR(o, 3)", TypeError, "lr_lambda should be a function, but got int"),
    ("L.MultiplicativeLR(o, [lambda e: 1, lambda e: 1])", ValueError,
     "Expected 1 lr_lambdas, but got 2"),
    ("L.CosineAnnealingWarmRestarts(o, T_0=0)", ValueError,
     "Expected positive integer T_0, but got 0"),
    ("L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0)", ValueError,
     "Expected integer T_mult >= 1, but got 0"),
    ("L.CosineAnnealingWarmRestarts(o, T_0=2, eta_min='x')", ValueError,
     "Expected float or int eta_min, but got x of type <class 'str'>"),
    ("L.CyclicLR(o, 0.01, 0.1, mode='foo')", ValueError, "mode is invalid and scale_fn is None"),
    ("L.CyclicLR(o, [0.01, 0.02], 0.1)", ValueError,
     "base_lr must have the same length as optimizer.param_groups. base_lr has 2 values, "
     "param_groups has 1."),
    ("L.SequentialLR(o, [], milestones=[])", ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    ("L.SequentialLR(o, [L.StepLR(o, 2)], milestones=[2])", ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the "
     "number of milestone points, but got number of schedulers 1 and the number of milestones "
     "to be equal to 1"),
    ("L.SequentialLR(o, [L.StepLR(o, 2), L.ReduceLROnPlateau(o)], milestones=[2])", ValueError,
     "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires additional "
     "kwargs to be specified when calling `step`, but got one at index 1 in the given "
     "schedulers sequence."),
    ("L.ChainedScheduler([])", ValueError,
     "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."),
    ("L.ChainedScheduler([L.StepLR(o, 2), 3])", TypeError,
     "ChainedScheduler at index 1 should have `optimizer` as its attribute."),
]


@pytest.mark.parametrize("expr,exc,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(expr, exc, message):
    o = opt()
    with pytest.raises(exc) as info:
        eval(expr, {"L": L, "o": o})
    assert str(info.value) == message


def test_two_optimizers_in_one_sequential_lr():
    a, b = opt(), opt()
    with pytest.raises(ValueError, match="SequentialLR expects all schedulers to belong to the "
                                         "same optimizer, but got scheduler StepLR at index 1"):
        L.SequentialLR(a, [L.StepLR(a, 2), L.StepLR(b, 2)], milestones=[2])


def test_closed_forms_with_an_epoch_argument():
    expected = {
        "L.ConstantLR(o, factor=0.5, total_iters=3)": [0.05, 0.1, 0.05],
        "L.LinearLR(o, start_factor=0.5, total_iters=4)": [0.0625, 0.1, 0.075],
        "L.PolynomialLR(o, total_iters=4, power=2.0)": [0.05625, 0.0, 0.025],
    }
    for expr, want in expected.items():
        o = opt()
        s = eval(expr, {"L": L, "o": o})
        got = []
        for epoch in (1, 5, 2):
            o.step()
            with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` "
                                                 "was not necessary"):
                s.step(epoch)
            got.append(round(s.get_last_lr()[0], 10))
        assert got == want, expr


def test_warm_restarts_with_fractional_epochs():
    o = opt()
    s = L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.0)
    got = []
    for epoch in (0.5, 1.0, 2.5, 5.9, 6.0):
        o.step()
        s.step(epoch)
        got.append(round(s.get_last_lr()[0], 10))
    assert got == [0.0853553391, 0.05, 0.0961939766, 0.0001541333, 0.1]
    assert s.last_epoch == 6 and s.T_i == 8 and s.T_cur == 0


def test_sequential_and_chained_state_dicts_round_trip():
    def make(o):
        return L.SequentialLR(o, [L.LinearLR(o, 0.2, total_iters=3),
                                  L.ExponentialLR(o, 0.9)], milestones=[3])
    o = opt()
    s = make(o)
    for _ in range(4):
        o.step()
        s.step()
    sd = s.state_dict()
    assert sorted(sd) == ["_last_lr", "_milestones", "_schedulers", "last_epoch"]
    assert [sorted(x) for x in sd["_schedulers"]][1] == [
        "_get_lr_called_within_step", "_is_initial", "_last_lr", "_step_count", "base_lrs",
        "gamma", "last_epoch"]
    o2 = opt()
    s2 = make(o2)
    s2.load_state_dict(sd)
    o2.param_groups[0]["lr"] = o.param_groups[0]["lr"]
    for _ in range(3):
        o.step()
        s.step()
        o2.step()
        s2.step()
    assert s2.get_last_lr() == s.get_last_lr()
    assert math.isclose(s.get_last_lr()[0], 0.1 * 0.9 ** 4)

    o = opt(groups=2)
    c = L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=2),
                            L.ExponentialLR(o, gamma=0.9)])
    lrs = [c.get_last_lr()]
    for _ in range(3):
        o.step()
        c.step()
        lrs.append([round(x, 10) for x in c.get_last_lr()])
    assert lrs[0] == [0.05, 0.1]
    assert lrs[1:] == [[0.045, 0.09], [0.081, 0.162], [0.0729, 0.1458]]
    assert sorted(c.state_dict()) == ["_last_lr", "_schedulers"]


def test_cyclic_lr_cycles_momentum_and_betas_and_saves_its_state():
    o = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.5, momentum=0.9)
    s = L.CyclicLR(o, 0.01, 0.1, step_size_up=2)
    moms, lrs = [o.param_groups[0]["momentum"]], [s.get_last_lr()[0]]
    for _ in range(4):
        o.step()
        s.step()
        moms.append(round(o.param_groups[0]["momentum"], 10))
        lrs.append(round(s.get_last_lr()[0], 10))
    assert lrs == [0.01, 0.055, 0.1, 0.055, 0.01]
    assert moms == [0.9, 0.85, 0.8, 0.85, 0.9]
    sd = s.state_dict()
    assert "_scale_fn_ref" not in sd and sd["_scale_fn_custom"] is None
    s.load_state_dict(sd)
    o = opt(kind="Adam")
    s = L.CyclicLR(o, 0.01, 0.1, step_size_up=2, cycle_momentum=True)
    assert o.param_groups[0]["betas"] == (0.9, 0.999)
    o.step()
    s.step()
    assert o.param_groups[0]["betas"] == pytest.approx((0.85, 0.999))
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1 with "
                                         "`cycle_momentum` option enabled"):
        L.CyclicLR(torch.optim.Adagrad([torch.zeros(1, requires_grad=True)]), 0.01, 0.1)


def test_old_name_of_the_base_class():
    assert issubclass(L._LRScheduler, L.LRScheduler)
    assert L.LinearLR.__mro__[1] is L.LRScheduler
