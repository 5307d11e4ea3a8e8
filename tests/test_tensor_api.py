"""Tensor API details that ported PyTorch code relies on."""
import numpy as np
import pytest

import facade as torch


def test_legacy_constructors():
    assert torch.Tensor([1, 2]).dtype is torch.float32
    assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor(2, 3).sum().item() == 0
    assert torch.Tensor().shape == (0,)
    assert torch.LongTensor([1, 2]).dtype is torch.int64
    assert isinstance(torch.ones(1), torch.FloatTensor)
    assert not isinstance(torch.ones(1, dtype=torch.float64), torch.FloatTensor)
    assert isinstance(torch.ones(1, dtype=torch.float64), torch.DoubleTensor)
    with pytest.raises(TypeError, match="data must be a sequence"):
        torch.Tensor(2.5)


def test_variable_is_a_tensor():
    v = torch.autograd.Variable(torch.ones(2), requires_grad=True)
    assert isinstance(v, torch.Tensor) and v.requires_grad and v.is_leaf


def test_device_agnostic_code_runs_here():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    x = torch.ones(2).to(device)
    assert x.sum().item() == 2.0


def test_transpose_property_warnings():
    with pytest.warns(UserWarning, match="dimension other than 2"):
        assert torch.ones(2, 3, 4).T.shape == (4, 3, 2)
    with pytest.warns(UserWarning, match="0-D tensors"):
        torch.tensor(1.0).T
    assert torch.ones(2, 3).T.shape == (3, 2)


def test_scalar_conversions_and_numpy():
    t = torch.tensor([1.5, 2.5])
    assert np.array(t).tolist() == [1.5, 2.5]
    assert f"{torch.tensor(1.2345):.2f}" == "1.23"
    with pytest.raises(ValueError, match="only one element tensors"):
        float(t)
    assert int(torch.tensor(3)) == 3 and isinstance(torch.tensor(3).item(), int)
