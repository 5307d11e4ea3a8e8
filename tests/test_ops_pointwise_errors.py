"""Pointwise argument checks PyTorch makes (messages recorded from torch 2.13): clamp with
mixed tensor/number bounds, Python numbers where only tensors are accepted (atan2, hypot,
maximum, minimum), rounding ops and integer-only kernels on bool tensors, and
where(condition) / nonzero / argwhere."""
import numpy as np
import pytest

import facade as torch

SPECS = {}
NOT_DIRECT = {}
NO_FINITE_DIFFERENCES = {}

x = torch.tensor([1.0, 2.0, 3.0])
t = torch.tensor([1.5, 1.5, 1.5])
b = torch.tensor([True, False])

_CLAMP_FN = ("{}() received an invalid combination of arguments - got ({}), but expected one "
             "of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = "
             "None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = "
             "None)\n")
_WHY = "      didn't match because some of the arguments have invalid types: (!Tensor!, !float!)\n"
_CLAMP_METHOD = ("{}() received an invalid combination of arguments - got (Tensor, float), but "
                 "expected one of:\n * (Tensor min = None, Tensor max = None)\n" + _WHY +
                 " * (Number min = None, Number max = None)\n" + _WHY)

CASES = [
    (lambda: torch.clamp(x, t, 1.0), TypeError, _CLAMP_FN.format("clamp", "Tensor, Tensor, float")),
    (lambda: torch.clamp(x, 1.0, t), TypeError, _CLAMP_FN.format("clamp", "Tensor, float, Tensor")),
    (lambda: torch.clip(x, t, 1.0), TypeError, _CLAMP_FN.format("clip", "Tensor, Tensor, float")),
    (lambda: x.clamp(t, 1.0), TypeError, _CLAMP_METHOD.format("clamp")),
    (lambda: x.clone().clamp_(t, 1.0), TypeError, _CLAMP_METHOD.format("clamp_")),
    (lambda: torch.atan2(x, 1.0), TypeError,
     "atan2(): argument 'other' (position 2) must be Tensor, not float"),
    (lambda: torch.atan2(1.0, x), TypeError,
     "atan2(): argument 'input' (position 1) must be Tensor, not float"),
    (lambda: x.atan2(1.0), TypeError,
     "atan2(): argument 'other' (position 1) must be Tensor, not float"),
    (lambda: x.clone().atan2_(1.0), TypeError,
     "atan2_(): argument 'other' (position 1) must be Tensor, not float"),
    (lambda: torch.arctan2(x, 1.0), TypeError,
     "arctan2(): argument 'other' (position 2) must be Tensor, not float"),
    (lambda: torch.hypot(x, 1.0), TypeError,
     "hypot(): argument 'other' (position 2) must be Tensor, not float"),
    (lambda: x.clone().hypot_(2), TypeError,
     "hypot_(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda: torch.maximum(1, x), TypeError,
     "maximum(): argument 'input' (position 1) must be Tensor, not int"),
    (lambda: x.maximum(1), TypeError,
     "maximum(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda: torch.minimum(x, 1), TypeError,
     "minimum(): argument 'other' (position 2) must be Tensor, not int"),
    (lambda: torch.floor(b), NotImplementedError, "\"floor_vml_cpu\" not implemented for 'Bool'"),
    (lambda: b.clone().floor_(), NotImplementedError,
     "\"floor_vml_cpu\" not implemented for 'Bool'"),
    (lambda: torch.ceil(b), NotImplementedError, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    (lambda: b.trunc(), NotImplementedError, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    (lambda: torch.fix(b), NotImplementedError, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    (lambda: torch.round(b), NotImplementedError, "\"round_vml_cpu\" not implemented for 'Bool'"),
    (lambda: torch.round(b, decimals=1), NotImplementedError,
     "\"round_cpu\" not implemented for 'Bool'"),
    (lambda: torch.frac(b), NotImplementedError, "\"frac_cpu\" not implemented for 'Bool'"),
    (lambda: b ** b, NotImplementedError, "\"pow\" not implemented for 'Bool'"),
    (lambda: torch.pow(True, b), NotImplementedError, "\"pow\" not implemented for 'Bool'"),
    (lambda: torch.div(b, b, rounding_mode="trunc"), NotImplementedError,
     "\"div_trunc_cpu\" not implemented for 'Bool'"),
    (lambda: b // True, NotImplementedError, "\"div_floor_cpu\" not implemented for 'Bool'"),
    (lambda: b % True, NotImplementedError, "\"remainder_cpu\" not implemented for 'Bool'"),
    (lambda: torch.fmod(b, b), NotImplementedError, "\"fmod_cpu\" not implemented for 'Bool'"),
    (lambda: torch.where(b, x[:2]), TypeError,
     "where() received an invalid combination of arguments - got (Tensor, Tensor), but expected "
     "one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor other, *, "
     "Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n * (Tensor "
     "condition, Tensor input, Number other)\n * (Tensor condition, Number self, Number "
     "other)\n"),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_pytorch_rejects(i):
    fn, exc, msg = CASES[i]
    with pytest.raises(exc) as e:
        fn()
    assert str(e.value) == msg


def test_what_pytorch_accepts():
    # the same ops with arguments PyTorch takes
    np.testing.assert_allclose(torch.clamp(x, t, t + 1).numpy(), [1.5, 2.0, 2.5])
    np.testing.assert_allclose(torch.clamp(x, None, t).numpy(), [1.0, 1.5, 1.5])
    np.testing.assert_allclose(x.clamp(1.5, 2.5).numpy(), [1.5, 2.0, 2.5])
    assert torch.floor(torch.tensor([1, 2])).dtype == torch.int64
    assert torch.round(torch.tensor([1, 2])).dtype == torch.int64
    assert torch.pow(b, True).dtype == torch.bool
    assert torch.pow(b, 3).dtype == torch.int64
    assert torch.sign(b).dtype == torch.bool


def _eq(got, expected):
    assert isinstance(got, tuple) and len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.dtype == torch.int64 and g.tolist() == e


def test_where_condition_is_nonzero_as_tuple():
    c = torch.tensor([[1, 0], [0, 3]])
    _eq(torch.where(c), [[0, 1], [0, 1]])
    _eq(torch.where(c.bool()), [[0, 1], [0, 1]])
    _eq(torch.nonzero(c, as_tuple=True), [[0, 1], [0, 1]])
    _eq(torch.where(torch.tensor(3.0)), [[0]])
    _eq(torch.where(torch.tensor(0.0)), [[]])
    y = torch.tensor([1.0, 0.0], requires_grad=True)
    _eq(torch.where(y), [[0]])


def test_nonzero_and_argwhere():
    c = torch.tensor([[1, 0], [0, 3]])
    for r in (torch.nonzero(c), c.nonzero(), torch.argwhere(c), c.argwhere()):
        assert r.dtype == torch.int64 and r.tolist() == [[0, 0], [1, 1]]
    assert tuple(torch.nonzero(torch.tensor(3.0)).shape) == (1, 0)
    assert tuple(torch.argwhere(torch.tensor(0.0)).shape) == (0, 0)
    assert tuple(torch.nonzero(torch.zeros(2, 3)).shape) == (0, 2)
    r = torch.nonzero(torch.tensor([1.0, 0.0], requires_grad=True))
    assert r.tolist() == [[0]] and not r.requires_grad and r.grad_fn is None
