"""nn.Module hooks beyond forward hooks: full backward (pre-)hooks, state_dict and
load_state_dict hooks, extra state, always_call forward hooks, set_submodule, and the
RemovableHandle of torch.utils.hooks.

Expected values are the math written out in NumPy; orders, messages and warnings were
recorded from PyTorch 2.13 (CPU) running the same code with `import torch`.
"""
import copy
import warnings

import numpy as np
import pytest

import facade as torch
from facade import nn


def fixed_linear(n_in=3, n_out=2):
    m = nn.Linear(n_in, n_out)
    with torch.no_grad():
        m.weight.copy_(torch.arange(n_in * n_out, dtype=torch.float32).reshape(n_out, n_in) / 10)
        m.bias.fill_(0.5)
    return m


def test_full_backward_hook_sees_input_and_output_gradients_in_pytorchs_order():
    rec = []
    m = fixed_linear()
    m.register_full_backward_pre_hook(lambda mod, go: rec.append(("pre", go[0].numpy())))
    m.register_full_backward_hook(lambda mod, gi, go: rec.append(("bw", gi[0].numpy(),
                                                                 go[0].numpy())))
    x = torch.ones(4, 3, requires_grad=True)
    (m(x) ** 2).sum().backward()
    w = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    y = np.ones((4, 3)) @ w.T + 0.5
    assert [r[0] for r in rec] == ["pre", "bw"]
    np.testing.assert_allclose(rec[0][1], 2 * y, rtol=1e-6)
    np.testing.assert_allclose(rec[1][2], 2 * y, rtol=1e-6)
    np.testing.assert_allclose(rec[1][1], 2 * y @ w, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), 2 * y @ w, rtol=1e-6)


def test_backward_hooks_replace_gradients():
    w = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    y = np.ones((4, 3)) @ w.T + 0.5
    m = fixed_linear()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
    x = torch.ones(4, 3, requires_grad=True)
    (m(x) ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 20 * y @ w, rtol=1e-6)
    np.testing.assert_allclose(m.bias.grad.numpy(), (2 * y).sum(0), rtol=1e-6)   # unchanged

    m = fixed_linear()
    m.register_full_backward_pre_hook(lambda mod, go: (torch.ones_like(go[0]),))
    x = torch.ones(4, 3, requires_grad=True)
    (m(x) ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones((4, 2)) @ w, rtol=1e-6)
    np.testing.assert_allclose(m.bias.grad.numpy(), [4., 4.])


class Two(nn.Module):
    def forward(self, a, b, k=3):
        return a * b, a + b


def test_backward_hook_with_several_inputs_and_outputs():
    rec = []
    m = Two()

    def hook(mod, gi, go):
        rec.append((gi, go))
        return (gi[0] * 2, gi[1], None)
    m.register_full_backward_hook(hook)
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., 4.], requires_grad=True)
    p, s = m(a, b, 5)
    (p * 3 + s).sum().backward()
    (gi, go), = rec
    assert len(gi) == 3 and gi[2] is None and len(go) == 2
    assert gi[0].tolist() == [10., 13.] and gi[1].tolist() == [4., 7.]
    assert go[0].tolist() == [3., 3.] and go[1].tolist() == [1., 1.]
    assert a.grad.tolist() == [20., 26.] and b.grad.tolist() == [4., 7.]


def test_backward_hook_input_without_grad_gets_zeros_and_no_grad_inputs_warn():
    rec = []
    m = Two()
    m.register_full_backward_hook(lambda mod, gi, go: rec.append(gi))
    a = torch.tensor([1., 2.], requires_grad=True)
    m(a, torch.tensor([3., 4.]))[0].sum().backward()
    assert rec[0][0].tolist() == [3., 4.] and rec[0][1].tolist() == [0., 0.]

    rec = []
    m = fixed_linear()
    m.register_full_backward_hook(lambda mod, gi, go: rec.append((gi, go[0].shape)))
    with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are "
                                         "computed with respect to module outputs since no "
                                         "inputs require gradients"):
        m(torch.ones(4, 3)).sum().backward()
    assert rec == [((None,), torch.Size([4, 2]))]

    m = fixed_linear()
    m.register_full_backward_hook(lambda mod, gi, go: (torch.ones(4, 3),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="Backward hook for Modules where no input "
                                               "requires gradient should always return None"):
            m(torch.ones(4, 3)).sum().backward()


def test_backward_hooks_order_removal_no_grad_and_errors():
    rec = []
    m = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    handles = [layer.register_full_backward_hook(lambda mod, gi, go, i=i: rec.append(i))
               for i, layer in enumerate(m)]
    x = torch.ones(4, 3, requires_grad=True)
    m(x).sum().backward()
    assert rec == [2, 1, 0]
    for h in handles:
        h.remove()
    m(x).sum().backward()
    assert rec == [2, 1, 0]

    m = fixed_linear()
    m.register_full_backward_hook(lambda mod, gi, go: rec.append("no"))
    with torch.no_grad():
        m(x)
    assert rec == [2, 1, 0]

    m = fixed_linear()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of "
                                           "grad_input, got 2, but expected 1"):
        m(x).sum().backward()
    m = fixed_linear()
    m.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full "
                                           "backward hooks on a single Module"):
        m.register_backward_hook(lambda *a: None)


def test_backward_hook_on_lstm_sees_nested_outputs_as_none():
    rec = []
    m = nn.LSTM(3, 2)
    m.register_full_backward_hook(lambda mod, gi, go: rec.append(
        ([None if g is None else tuple(g.shape) for g in gi],
         [None if g is None else tuple(g.shape) for g in go])))
    out, _ = m(torch.ones(2, 1, 3, requires_grad=True))
    out.sum().backward()
    assert rec == [([(2, 1, 3)], [(2, 1, 2), None])]


def test_always_call_forward_hooks_run_when_forward_raises():
    seen = []
    m = nn.Linear(3, 2)
    m.register_forward_hook(lambda mod, args, out: seen.append("always"), always_call=True)
    m.register_forward_hook(lambda mod, args, out: seen.append("normal"))
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        m(torch.ones(2, 5))
    assert seen == ["always"]
    m(torch.ones(2, 3))
    assert seen == ["always", "always", "normal"]

    m = nn.Linear(3, 2)
    m.register_forward_hook(lambda mod, args, out: 1 / 0, always_call=True)
    with pytest.warns(UserWarning, match="module forward hook with ``always_call=True`` raised "
                                         "an exception that was silenced"):
        with pytest.raises(RuntimeError):
            m(torch.ones(2, 5))


def test_state_dict_hooks():
    calls = []
    m = nn.Linear(2, 2)
    m.register_state_dict_pre_hook(lambda mod, prefix, keep: calls.append((prefix, keep)))

    def drop_bias(mod, sd, prefix, meta):
        del sd[prefix + "bias"]
    m.register_state_dict_post_hook(drop_bias)
    assert list(m.state_dict()) == ["weight"]
    assert list(nn.Sequential(m).state_dict(keep_vars=True)) == ["0.weight"]
    assert calls == [("", False), ("0.", True)]

    m = nn.Linear(2, 2)
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: {})
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        m.state_dict()
    m = nn.Linear(2, 2)
    m._register_state_dict_hook(lambda mod, sd, prefix, meta: {"x": 1})   # private: replaces
    assert m.state_dict() == {"x": 1}


def test_load_state_dict_hooks():
    rec = []
    m = nn.Sequential(nn.Linear(2, 2))
    m[0].register_load_state_dict_pre_hook(
        lambda mod, sd, prefix, *a: rec.append((type(mod).__name__, prefix, sorted(sd))))
    m.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.clear())
    sd = m.state_dict()
    del sd["0.bias"]
    res = m.load_state_dict(sd)
    assert rec == [("Linear", "0.", ["0.weight"])]
    assert repr(res) == "<All keys matched successfully>"

    m.register_load_state_dict_post_hook(lambda mod, keys: 1)
    with pytest.raises(AssertionError, match="Hooks registered with "
                                             "``register_load_state_dict_post_hook`` are not "
                                             "expected to return new values"):
        m.load_state_dict(m.state_dict())


class WithExtra(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(1, 1)
        self.n = 5

    def get_extra_state(self):
        return {"n": self.n}

    def set_extra_state(self, state):
        self.n = state["n"]


def test_extra_state():
    sd = WithExtra().state_dict()
    assert list(sd) == ["_extra_state", "lin.weight", "lin.bias"]
    assert sd["_extra_state"] == {"n": 5}
    e = WithExtra()
    e.n = 0
    e.load_state_dict(sd)
    assert e.n == 5
    del sd["_extra_state"]
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "_extra_state"'):
        e.load_state_dict(sd)
    sd = nn.Linear(1, 1).state_dict()
    sd["_extra_state"] = 3
    with pytest.raises(RuntimeError, match='Unexpected key\\(s\\) in state_dict: "_extra_state"'):
        nn.Linear(1, 1).load_state_dict(sd)


def test_state_dict_positional_args_warn_and_0d_compat():
    m = nn.Linear(2, 2)
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        assert list(m.state_dict(None, "p.")) == ["p.weight", "p.bias"]
    bn = nn.BatchNorm1d(2)
    sd = bn.state_dict()
    sd["num_batches_tracked"] = torch.tensor([5])       # old 1-element form of a 0-d buffer
    bn.load_state_dict(sd)
    assert bn.num_batches_tracked.shape == () and int(bn.num_batches_tracked) == 5
    sd["num_batches_tracked"] = torch.tensor([5, 6])
    with pytest.raises(RuntimeError, match="size mismatch for num_batches_tracked: copying a "
                                           "param with shape torch.Size\\(\\[2\\]\\)"):
        bn.load_state_dict(sd)


def test_set_submodule_to_empty_and_handles():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    m.set_submodule("1.0", nn.Tanh())
    assert type(m[1][0]).__name__ == "Tanh"
    with pytest.raises(AttributeError, match="`weight` is not an nn.Module"):
        m.set_submodule("0.weight", nn.Tanh())
    with pytest.raises(AttributeError, match="Sequential has no attribute `foo`"):
        m.set_submodule("foo", nn.Tanh(), strict=True)
    with pytest.raises(ValueError, match="Cannot set the submodule without a target name!"):
        m.set_submodule("", nn.Tanh())

    lin = nn.Linear(2, 3).to_empty(device="cpu")
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.shape == (3, 2)

    h = lin.register_forward_hook(lambda *a: None)
    assert type(h) is torch.utils.hooks.RemovableHandle
    with h:
        assert len(lin._forward_hooks) == 1
    assert len(lin._forward_hooks) == 0
    lin2 = copy.deepcopy(lin)
    assert lin2.weight is not lin.weight
