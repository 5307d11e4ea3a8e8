"""Regenerate the golden repr() strings in tests/test_format.py with real torch.

Usage (needs torch installed; the test itself needs only numpy):
    .venv/bin/python tests/tools/gen_format_cases.py

Each spec: (id, numpy expression, dtype name, options) where options may hold
``opts`` (set_printoptions kwargs), ``grad`` (torch expression of ``x`` giving
the printed tensor, after ``x.requires_grad_()``; "leaf" for the leaf itself),
``device`` (print a device suffix) and ``prefix`` (a Tensor subclass name).
Expressions see ``np``, ``nan``, ``inf`` and ``rs = np.random.RandomState(0)``.
"""

import pathlib
import pprint
import re

import numpy as np
import torch

SPECS = [
    # 0-d
    ("scalar_float", "np.array(3.5)", "float32", {}),
    ("scalar_intmode", "np.array(2.0)", "float32", {}),
    ("scalar_negzero", "np.array(-0.0)", "float32", {}),
    ("scalar_int64", "np.array(7)", "int64", {}),
    ("scalar_bool", "np.array(True)", "bool", {}),
    ("scalar_small_sci", "np.array(1e-5)", "float32", {}),
    ("scalar_nan", "np.array(nan)", "float32", {}),
    ("scalar_int32", "np.array(-3)", "int32", {}),
    ("scalar_float64", "np.array(1.0 / 3)", "float64", {}),
    ("scalar_bf16", "np.array(3.14159)", "bfloat16", {}),
    ("scalar_complex", "np.array(1.5 - 2j)", "complex64", {}),
    # 1-d
    ("arange_int", "np.arange(5)", "int64", {}),
    ("arange_float", "np.arange(5.0)", "float32", {}),
    ("mixed_simple", "np.array([1.5, -2.25, 3.0])", "float32", {}),
    ("randn7", "rs.randn(7)", "float32", {}),
    ("negative_big", "-rs.rand(5) * 100", "float32", {}),
    ("sci_small", "np.array([1e-5, 1.0, 2.0])", "float32", {}),
    ("sci_big", "np.array([1e9, 2.0])", "float32", {}),
    ("ratio_999", "np.array([1.0, 999.0])", "float32", {}),
    ("ratio_1001_int", "np.array([1.0, 1001.0])", "float32", {}),
    ("ratio_sci_frac", "np.array([0.1, 100.5])", "float32", {}),
    ("sci_huge_tiny", "np.array([1e20, -1e-20, 0.0])", "float64", {}),
    ("sci_1e8_ints", "np.array([1e8, 2e8])", "float32", {}),
    ("big_int_mode", "np.array([12345678.0, -5.0])", "float32", {}),
    ("min_1e-3", "np.array([0.001, 0.5])", "float32", {}),
    ("nan_inf_int", "np.array([nan, 1.0, inf, -inf])", "float32", {}),
    ("nan_inf_frac", "np.array([nan, 1.5, -inf])", "float32", {}),
    ("only_nonfinite", "np.array([nan, inf, -inf])", "float32", {}),
    ("nan_inf_sci", "np.array([nan, 1e-7, inf, 3.0])", "float32", {}),
    ("zeros", "np.zeros(4)", "float32", {}),
    ("signed_zeros", "np.array([0.0, -0.0, 0.0])", "float32", {}),
    ("negzero_frac", "np.array([-0.0, 1.5])", "float32", {}),
    ("wrap_float", "np.arange(30) * 1.1", "float32", {}),
    ("wrap_int", "np.arange(100)", "int64", {}),
    ("wrap_randn", "rs.randn(40)", "float32", {}),
    ("wrap_sci", "rs.randn(20) * 1e-6", "float32", {}),
    ("bool_1d", "np.array([True, False, True])", "bool", {}),
    ("int8", "np.array([-128, 0, 127])", "int8", {}),
    ("uint8", "np.array([0, 255, 7])", "uint8", {}),
    ("int16", "np.array([-300, 12])", "int16", {}),
    ("int32", "np.arange(-3, 4)", "int32", {}),
    ("float64", "rs.randn(5)", "float64", {}),
    ("float64_intmode", "np.array([1.0, 2.0])", "float64", {}),
    ("float16", "np.array([0.1, 0.2, 65504.0])", "float16", {}),
    ("float16_small", "np.array([0.1, 0.2, 3.0])", "float16", {}),
    ("float16_int", "np.array([1.0, 2.0])", "float16", {}),
    ("bf16_randn", "rs.randn(6)", "bfloat16", {}),
    ("bf16_sci", "np.array([1e-3, 300.0])", "bfloat16", {}),
    ("complex64", "np.array([1 + 2j, -3.5 - 0.5j])", "complex64", {}),
    ("complex128_sci", "np.array([1e-5 + 1j, 2 - 0j])", "complex128", {}),
    # 2-d and up
    ("int_2d", "np.arange(12).reshape(3, 4)", "int64", {}),
    ("randn_2d", "rs.randn(3, 4)", "float32", {}),
    ("wrap_rows_2d", "rs.randn(4, 25)", "float32", {}),
    ("intmode_2d", "np.array([[1.0, -20.0], [300.0, 4.0]])", "float32", {}),
    ("nan_2d", "np.array([[nan, 1.25, 2.0], [3.0, inf, -1.0]])", "float32", {}),
    ("bool_2d", "np.array([[True, False], [False, True]])", "bool", {}),
    ("summ_2d", "rs.randn(50, 50)", "float32", {}),
    ("summ_arange_float", "np.arange(2000.0)", "float32", {}),
    ("summ_arange_int", "np.arange(2000)", "int64", {}),
    ("summ_1001", "np.arange(1001.0)", "float32", {}),
    ("no_summ_1000", "np.arange(1000)", "int64", {}),
    ("summ_3d", "rs.randn(20, 10, 10)", "float32", {}),
    ("summ_inner_only", "rs.randn(2, 600)", "float32", {}),
    ("summ_sci_edges", "np.concatenate([[1e-9], np.ones(2000), [5.0]])", "float32", {}),
    ("randn_3d", "rs.randn(2, 3, 4)", "float32", {}),
    ("arange_4d", "np.arange(24).reshape(1, 2, 3, 4)", "int64", {}),
    ("randn_4d", "rs.randn(2, 2, 2, 2)", "float64", {}),
    ("complex_2d", "rs.randn(2, 3) + 1j * rs.randn(2, 3)", "complex64", {}),
    ("bf16_2d", "rs.randn(3, 3) * 10", "bfloat16", {}),
    # empty
    ("empty_1d", "np.zeros(0)", "float32", {}),
    ("empty_0x3", "np.zeros((0, 3))", "float32", {}),
    ("empty_2x0x4", "np.zeros((2, 0, 4))", "float32", {}),
    ("empty_int64", "np.zeros(0)", "int64", {}),
    ("empty_float64_2d", "np.zeros((3, 0))", "float64", {}),
    ("empty_bool", "np.zeros(0)", "bool", {}),
    ("empty_complex", "np.zeros(0)", "complex64", {}),
    # autograd suffixes
    ("grad_leaf", "rs.randn(3)", "float32", {"grad": "leaf"}),
    ("grad_6x6", "rs.randn(6, 6)", "float32", {"grad": "x + 0"}),
    ("grad_wrap_1d", "rs.randn(8)", "float32", {"grad": "x * 1"}),
    ("grad_fits_1d", "rs.randn(4)", "float32", {"grad": "x * 1"}),
    ("grad_float64", "np.array([1.0, 2.0])", "float64", {"grad": "leaf"}),
    ("grad_float64_wrap", "rs.randn(7)", "float64", {"grad": "x.view(-1)"}),
    ("grad_scalar", "np.array(2.5)", "float32", {"grad": "x * 1"}),
    ("grad_long_name", "rs.randn(2, 3)", "float32", {"grad": "x.transpose(0, 1).transpose(0, 1)"}),
    # print options
    ("opt_precision2", "rs.randn(5)", "float32", {"opts": {"precision": 2}}),
    ("opt_precision8", "rs.randn(3)", "float64", {"opts": {"precision": 8}}),
    ("opt_nosci", "np.array([1e-5, 1e5])", "float32", {"opts": {"sci_mode": False}}),
    ("opt_sci", "np.array([1.0, 2.0])", "float32", {"opts": {"sci_mode": True}}),
    ("opt_sci_p2", "rs.randn(4)", "float32", {"opts": {"sci_mode": True, "precision": 2}}),
    ("opt_threshold5", "np.arange(10)", "int64", {"opts": {"threshold": 5}}),
    ("opt_threshold5_2d", "rs.randn(8, 8)", "float32", {"opts": {"threshold": 5}}),
    ("opt_linewidth40", "rs.randn(20)", "float32", {"opts": {"linewidth": 40}}),
    ("opt_linewidth40_grad", "rs.randn(9)", "float32",
     {"opts": {"linewidth": 40}, "grad": "x + 0"}),
    ("opt_linewidth10", "np.arange(6)", "int64", {"opts": {"linewidth": 10}}),
    ("opt_short", "rs.randn(5, 5)", "float32", {"opts": {"profile": "short"}}),
    ("opt_short_summ", "rs.randn(40, 40)", "float32", {"opts": {"profile": "short"}}),
    ("opt_full", "np.arange(1500)", "int64", {"opts": {"profile": "full"}}),
    ("opt_edge1", "rs.randn(4, 4, 4)", "float32", {"opts": {"threshold": 5, "edgeitems": 1}}),
    ("opt_edge0_1d", "np.arange(10.0) * 1.5", "float32", {"opts": {"threshold": 5, "edgeitems": 0}}),
    ("opt_edge0_2d", "np.arange(20).reshape(4, 5)", "int64", {"opts": {"threshold": 5, "edgeitems": 0}}),
    ("opt_edge0_small", "np.arange(3.0)", "float64", {"opts": {"edgeitems": 0}}),
    # device suffix and subclass prefix
    ("device_float", "np.array([1.0, 2.5])", "float32", {"device": True}),
    ("device_dtype_grad", "rs.randn(6)", "float64", {"device": True, "grad": "leaf"}),
    ("prefix_subclass", "rs.randn(3, 4)", "float32", {"prefix": "MyTensor"}),
]


def _make_array(expr, dtype_name):
    arr = eval(expr, {"np": np, "nan": np.nan, "inf": np.inf,
                      "rs": np.random.RandomState(0)})
    if dtype_name == "bfloat16":
        return torch.from_numpy(np.asarray(arr, np.float32)).to(torch.bfloat16)
    return torch.from_numpy(np.array(arr, dtype=dtype_name))


class MyTensor(torch.Tensor):
    pass


def generate():
    cases = []
    real_default_device = torch._C._get_default_device
    for cid, expr, dtype_name, extra in SPECS:
        torch.set_printoptions(profile="default")
        t = _make_array(expr, dtype_name)
        grad = extra.get("grad")
        if grad:
            x = t.requires_grad_()
            t = x if grad == "leaf" else eval(grad, {"x": x})
        suffixes = []
        if t.grad_fn is not None:
            suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
        elif t.requires_grad:
            suffixes.append("requires_grad=True")
        if extra.get("prefix"):
            t = t.as_subclass(MyTensor)
        if extra.get("device"):  # pretend the default device is cuda
            torch._C._get_default_device = lambda: "cuda"
        try:
            torch.set_printoptions(**extra.get("opts", {}))
            expected = repr(t)
        finally:
            torch._C._get_default_device = real_default_device
            torch.set_printoptions(profile="default")
        cases.append({
            "id": cid, "expr": expr, "dtype": dtype_name,
            "opts": extra.get("opts", {}), "suffixes": suffixes,
            "device": "device='cpu'" if extra.get("device") else None,
            "prefix": extra["prefix"] + "(" if extra.get("prefix") else "tensor(",
            "expected": expected,
        })
    return cases


def main():
    path = pathlib.Path(__file__).resolve().parents[1] / "test_format.py"
    text = path.read_text()
    block = ("# BEGIN GENERATED (tests/tools/gen_format_cases.py, torch "
             + torch.__version__ + ")\nCASES = "
             + pprint.pformat(generate(), width=100, sort_dicts=False)
             + "\n# END GENERATED")
    new = re.sub(r"# BEGIN GENERATED.*?# END GENERATED", lambda m: block, text,
                 flags=re.S)
    path.write_text(new)
    print(f"wrote {len(SPECS)} cases to {path}")


if __name__ == "__main__":
    main()
