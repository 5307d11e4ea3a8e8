"""facade.save / facade.load: round trips of tensors and state dicts, a format that cannot
run code, and files written by torch.save (tests/golden/torch_saved, recorded by
tests/golden/gen_optim_golden.py with PyTorch 2.13)."""
import io
import json
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import facade as torch
from facade import optim

HERE = os.path.dirname(os.path.abspath(__file__))
SAVED = os.path.join(HERE, "golden", "torch_saved")
with open(os.path.join(SAVED, "expected.json")) as fh:
    EXPECTED = json.load(fh)


def roundtrip(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16,
                                   torch.int64, torch.int32, torch.int8, torch.uint8,
                                   torch.bool, torch.complex64])
def test_tensor_round_trip_keeps_dtype_shape_and_values(dtype):
    for a in [np.arange(24).reshape(2, 3, 4) % 7 - 3, np.array(3), np.array([-2])]:
        t = torch.tensor(a).to(dtype)
        r = roundtrip(t)
        assert r.dtype is dtype and r.shape == a.shape     # 0-d stays 0-d
        np.testing.assert_array_equal(np.asarray(r.to(torch.float64) if dtype is torch.bfloat16
                                                 else r),
                                      np.asarray(t.to(torch.float64) if dtype is torch.bfloat16
                                                 else t))


def test_state_dict_metadata_and_0d_state_round_trip():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
    model(torch.randn(4, 2))
    sd = roundtrip(model.state_dict())
    assert sd._metadata == model.state_dict()._metadata
    assert sd._metadata["1"] == {"version": 2}
    assert sd["1.num_batches_tracked"].shape == () and sd["1.num_batches_tracked"].item() == 1
    model.load_state_dict(sd)
    w = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.Adam([w])
    w.sum().backward()
    opt.step()
    st = roundtrip(opt.state_dict())["state"][0]
    assert st["step"].shape == () and st["step"].item() == 1.0


def test_nested_containers_round_trip(tmp_path):
    w = torch.randn(3, 2)
    obj = {"w": w, "same": w, "scalars": [1, 2.5, float("inf"), -math.inf, None, True, "s"],
           "tuple": (1, (2, 3)), 7: "int key", (1, 2): "tuple key",
           "od": OrderedDict([("b", torch.zeros(1)), ("a", torch.ones(2, dtype=torch.int64))]),
           "dtype": torch.float64, "empty": torch.zeros(0, 3),
           "view": torch.arange(6.0).reshape(2, 3).t()}
    path = tmp_path / "obj.pt"
    torch.save(obj, path)
    r = torch.load(path)
    assert r["w"].tolist() == w.tolist() and r["same"] is r["w"]   # sharing is kept
    assert r["scalars"][:2] == [1, 2.5] and r["scalars"][2] == math.inf
    assert r["scalars"][3] == -math.inf and r["scalars"][4:] == [None, True, "s"]
    assert isinstance(r["scalars"][0], int) and isinstance(r["scalars"][1], float)
    assert r["tuple"] == (1, (2, 3)) and r[7] == "int key" and r[(1, 2)] == "tuple key"
    assert isinstance(r["od"], OrderedDict) and list(r["od"]) == ["b", "a"]
    assert r["od"]["a"].dtype is torch.int64 and r["dtype"] is torch.float64
    assert r["empty"].shape == (0, 3)
    assert r["view"].tolist() == [[0, 3], [1, 4], [2, 5]]
    nan = roundtrip([float("nan")])[0]
    assert math.isnan(nan)


def test_the_format_is_json_plus_npy():
    buf = io.BytesIO()
    torch.save({"a": torch.ones(2), "n": 3}, buf)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    assert sorted(z.namelist()) == ["facade.json", "tensors/0.npy"]
    manifest = json.loads(z.read("facade.json"))
    assert manifest["format"] == "facade" and manifest["version"] == 1
    assert manifest["root"] == {"dict": [["a", {"tensor": 0, "dtype": "float32",
                                                "requires_grad": False, "parameter": False}],
                                         ["n", 3]]}
    arr = np.load(io.BytesIO(z.read("tensors/0.npy")), allow_pickle=False)
    assert arr.tolist() == [1.0, 1.0]


def test_requires_grad_and_parameters_round_trip():
    w = torch.ones(2, requires_grad=True)
    r = roundtrip({"w": w, "x": w.detach()})
    assert r["w"].requires_grad and r["w"].is_leaf and not r["x"].requires_grad
    Parameter = getattr(torch.nn, "Parameter", None)
    if Parameter is not None:
        p = roundtrip(Parameter(torch.zeros(3)))
        assert isinstance(p, Parameter) and p.requires_grad


def test_save_refuses_arbitrary_objects():
    with pytest.raises(TypeError, match="facade.save cannot store an object of type object "
                                        r"\(at \['x'\]\[1\]\)"):
        roundtrip({"x": [1, object()]})
    with pytest.raises(TypeError, match="function"):
        roundtrip(lambda: 0)


def test_model_and_optimizer_state_dicts_round_trip():
    if not hasattr(torch.nn, "Linear"):
        pytest.skip("facade.nn.Linear is not available")
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.1)
    model(torch.ones(4, 3)).pow(2).sum().backward()
    opt.step()
    sd, osd = roundtrip(model.state_dict()), roundtrip(opt.state_dict())
    model2 = torch.nn.Linear(3, 2)
    model2.load_state_dict(sd)
    np.testing.assert_array_equal(model2.weight.detach().numpy(),
                                  model.weight.detach().numpy())
    opt2 = optim.Adam(model2.parameters(), lr=0.5)
    opt2.load_state_dict(osd)
    assert opt2.param_groups[0]["lr"] == 0.1
    assert opt2.state[model2.weight]["step"].item() == 1.0


# ------------------------------------------------------------------ safety
def _torch_like_zip(pickled):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", pickled)
        z.writestr("archive/byteorder", "little")
    buf.seek(0)
    return buf


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_loading_a_torch_file_cannot_run_code():
    buf = _torch_like_zip(pickle.dumps({"x": _Evil()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="refusing to load (posix|os|nt).system"):
        torch.load(buf, weights_only=False)
    buf = _torch_like_zip(pickle.dumps(("builtins", "eval"), protocol=2).replace(
        b"\x8c\x08builtins", b"\x8c\x08builtins"))
    assert torch.load(buf) == ("builtins", "eval")   # plain strings are fine
    evil = b"\x80\x02cbuiltins\neval\nX\x06\x00\x00\x001 + 1\x85R."
    with pytest.raises(pickle.UnpicklingError, match="refusing to load builtins.eval"):
        torch.load(_torch_like_zip(evil))


def test_load_rejects_other_files():
    with pytest.raises(RuntimeError, match="not a zip archive"):
        torch.load(io.BytesIO(b"\x80\x02}q\x00."))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hi")
    buf.seek(0)
    with pytest.raises(RuntimeError, match="neither facade.json nor a PyTorch data.pkl"):
        torch.load(buf)


# ------------------------------------------------------------------ files from torch.save
def test_load_pytorch_linear_state_dict():
    sd = torch.load(os.path.join(SAVED, "linear.pt"))
    assert isinstance(sd, OrderedDict) and list(sd) == ["weight", "bias"]
    assert sd["weight"].shape == (2, 3) and sd["weight"].dtype is torch.float32
    np.testing.assert_array_equal(sd["weight"].numpy(),
                                  np.float32(EXPECTED["linear"]["weight"]))
    np.testing.assert_array_equal(sd["bias"].numpy(), np.float32(EXPECTED["linear"]["bias"]))
    assert not sd["weight"].requires_grad
    if hasattr(torch.nn, "Linear"):
        m = torch.nn.Linear(3, 2)
        m.load_state_dict(sd)
        assert m.weight.tolist() == sd["weight"].tolist()


def test_load_pytorch_float64_and_int64():
    t = torch.load(os.path.join(SAVED, "float64.pt"), map_location="cpu")
    assert t.dtype is torch.float64 and t.tolist() == EXPECTED["float64"]
    d = torch.load(os.path.join(SAVED, "int64.pt"))
    assert d["ints"].dtype is torch.int64 and d["ints"].tolist() == EXPECTED["int64"]["ints"]
    assert d["n"] == 7 and d["name"] == "x"


def test_load_pytorch_views_with_offsets_and_strides():
    d = torch.load(os.path.join(SAVED, "transposed.pt"))
    for k in ("t", "view", "base"):
        assert d[k].tolist() == EXPECTED["transposed"][k], k
    assert d["t"].shape == (4, 3) and d["view"].shape == (2, 2)


def test_load_pytorch_adam_state_dict_into_facade_adam():
    sd = torch.load(os.path.join(SAVED, "adam.pt"))
    exp = EXPECTED["adam"]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)   # a tuple (JSON has lists)
    assert sd["param_groups"] == [dict(exp["param_groups"][0], betas=(0.9, 0.999))]
    for k, st in exp["state"].items():
        got = sd["state"][int(k)]
        assert list(got) == list(st)
        for name, v in st.items():
            np.testing.assert_allclose(np.asarray(got[name]), np.asarray(v, np.float32))
    assert sd["state"][0]["step"].dtype is torch.float32 and sd["state"][0]["step"].shape == ()
    w = torch.tensor(EXPECTED["linear_after_adam"]["weight"], requires_grad=True)
    b = torch.tensor(EXPECTED["linear_after_adam"]["bias"], requires_grad=True)
    opt = optim.Adam([w, b], lr=0.5)
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.01 and opt.param_groups[0]["params"] == [w, b]
    (w.sum() + b.sum()).backward()
    opt.step()   # the third Adam step, from PyTorch's state
    st = opt.state[w]
    assert st["step"].item() == 3.0
    m = np.float32(exp["state"]["0"]["exp_avg"]) * 0.9 + 0.1
    np.testing.assert_allclose(st["exp_avg"].numpy(), m, rtol=1e-6)
