"""facade's layers against PyTorch 2.13's recorded runs (tests/golden/nn_reference.json,
written by tests/golden/gen_nn_golden.py): the same module built from PyTorch's state_dict,
called on the same inputs, gives PyTorch's outputs, input and parameter gradients (for the
same cotangents), buffers after the call (running statistics) and warnings."""
import json
import os
import warnings

import numpy as np
import pytest

import facade as torch
from facade import nn

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "golden", "nn_reference.json")) as fh:
    REF = json.load(fh)["cases"]

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64,
          "bool": torch.bool}


def decode(e):
    vals = [float(v) if isinstance(v, str) else v for v in e["values"]]
    return np.asarray(vals, dtype=np.dtype(e["dtype"])).reshape(e["shape"])


def to_tensor(e, grad=False):
    if isinstance(e, list):
        return tuple(to_tensor(x, grad) for x in e)
    t = torch.tensor(decode(e), dtype=DTYPES[e["dtype"]])
    return t.requires_grad_(True) if grad and t.is_floating_point() else t


def flat(o):
    if isinstance(o, (tuple, list)):
        return [y for x in o for y in flat(x)]
    return [o]


def close(got, want, what, rtol=2e-4, atol=2e-5):
    assert tuple(got.shape) == want.shape, (what, tuple(got.shape), want.shape)
    np.testing.assert_allclose(got.detach().numpy().astype(np.float64),
                               want.astype(np.float64), rtol=rtol, atol=atol, err_msg=what)


@pytest.mark.parametrize("name", sorted(REF))
def test_layer_matches_pytorch(name):
    case = REF[name]
    with warnings.catch_warnings(record=True) as ctor_warnings:
        warnings.simplefilter("always")
        m = eval(case["ctor"], {"nn": nn, "torch": torch})
    assert [str(w.message) for w in ctor_warnings] == case["ctor_warnings"]
    m.load_state_dict({k: to_tensor(v) for k, v in case["state_dict"].items()})
    m.train(case["train"])
    loss = case["ctor"].split("(")[0].endswith("Loss")
    args = [to_tensor(e, grad=not (loss and i > 0)) for i, e in enumerate(case["inputs"])]
    plain = {k: v for k, v in case["kwargs"].items() if not isinstance(v, list)}
    kwargs = {k: to_tensor(e) for k, e in case["kwarg_inputs"].items()}
    with warnings.catch_warnings(record=True) as call_warnings:
        warnings.simplefilter("always")
        out = m(*args, **kwargs, **plain)
    assert [str(w.message) for w in call_warnings] == case["call_warnings"]
    outs = flat(out)
    assert len(outs) == len(case["outputs"])
    total = 0
    for i, (o, want, cot) in enumerate(zip(outs, case["outputs"], case["cotangents"])):
        if want is None:
            assert o is None
            continue
        assert o.dtype == DTYPES[want["dtype"]], (i, o.dtype)
        close(o, decode(want), f"output {i}")
        if cot is not None:
            total = total + (o * torch.tensor(decode(cot))).sum()
    total.backward()
    for i, (a, want) in enumerate(zip(flat(args), case["grad_inputs"])):
        if want is None:
            assert a.grad is None, f"input {i}"
        else:
            close(a.grad, decode(want), f"grad of input {i}")
    grads = {k: p.grad for k, p in m.named_parameters() if p.grad is not None}
    assert sorted(grads) == sorted(case["grad_params"])
    for k, g in grads.items():
        close(g, decode(case["grad_params"][k]), f"grad of {k}")
    bufs = dict(m.named_buffers())
    assert sorted(bufs) == sorted(case["buffers"])
    for k, b in bufs.items():
        want = case["buffers"][k]
        assert b.dtype == DTYPES[want["dtype"]]
        close(b, decode(want), f"buffer {k}")
