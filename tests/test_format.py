"""facade._format.tensor_repr against golden strings printed by real PyTorch.

The CASES block is written by tests/tools/gen_format_cases.py; this test
needs only numpy (ml_dtypes, shipped with jax, for the bfloat16 cases).
"""

import numpy as np
import pytest

from facade import _format
from facade._format import PRINT_OPTS, set_printoptions, tensor_repr


@pytest.fixture(autouse=True)
def _reset_printoptions():
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


def _array(expr, dtype_name):
    arr = eval(expr, {"np": np, "nan": np.nan, "inf": np.inf,
                      "rs": np.random.RandomState(0)})
    if dtype_name == "bfloat16":
        ml_dtypes = pytest.importorskip("ml_dtypes")
        # float32 first, as the generator does, so rounding is identical.
        return np.asarray(arr, np.float32).astype(ml_dtypes.bfloat16)
    return np.array(arr, dtype=dtype_name)


def pytest_generate_tests(metafunc):
    # Hook rather than a decorator so CASES can live at the end of the file.
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES, ids=[c["id"] for c in CASES])


def test_matches_torch(case):
    set_printoptions(**case["opts"])
    got = tensor_repr(_array(case["expr"], case["dtype"]), case["dtype"],
                      suffixes=case["suffixes"], prefix=case["prefix"],
                      device_suffix=case["device"])
    assert got == case["expected"], f"\n{got}\n!=\n{case['expected']}"


def test_set_printoptions_semantics():
    set_printoptions(precision=2, sci_mode=True)
    assert (PRINT_OPTS.precision, PRINT_OPTS.sci_mode) == (2, True)
    set_printoptions(linewidth=50)  # sci_mode is always assigned, like torch
    assert (PRINT_OPTS.precision, PRINT_OPTS.linewidth, PRINT_OPTS.sci_mode) == (2, 50, None)
    set_printoptions(profile="short", threshold=7)
    assert (PRINT_OPTS.precision, PRINT_OPTS.edgeitems, PRINT_OPTS.threshold) == (2, 2, 7)
    set_printoptions(profile="full")
    assert PRINT_OPTS.threshold == float("inf")
    set_printoptions(profile="default")
    assert _format.get_printoptions() == {
        "precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
        "sci_mode": None}


def test_printoptions_context_restores():
    with _format.printoptions(precision=1):
        assert tensor_repr(np.array([1.25, 2.5], np.float32), "float32") == "tensor([1.2, 2.5])"
    assert PRINT_OPTS.precision == 4


def test_input_dtype_does_not_matter():
    """dtype_name, not values.dtype, decides the text (callers may upcast)."""
    half = np.array([0.1, 0.2], np.float16)
    assert tensor_repr(half.astype(np.float64), "float16") == tensor_repr(half, "float16")


# BEGIN GENERATED (tests/tools/gen_format_cases.py, torch 2.13.0+cpu)
CASES = [{'id': 'scalar_float',
  'expr': 'np.array(3.5)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(3.5000)'},
 {'id': 'scalar_intmode',
  'expr': 'np.array(2.0)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(2.)'},
 {'id': 'scalar_negzero',
  'expr': 'np.array(-0.0)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(-0.)'},
 {'id': 'scalar_int64',
  'expr': 'np.array(7)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(7)'},
 {'id': 'scalar_bool',
  'expr': 'np.array(True)',
  'dtype': 'bool',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(True)'},
 {'id': 'scalar_small_sci',
  'expr': 'np.array(1e-5)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(1.0000e-05)'},
 {'id': 'scalar_nan',
  'expr': 'np.array(nan)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(nan)'},
 {'id': 'scalar_int32',
  'expr': 'np.array(-3)',
  'dtype': 'int32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(-3, dtype=torch.int32)'},
 {'id': 'scalar_float64',
  'expr': 'np.array(1.0 / 3)',
  'dtype': 'float64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(0.3333, dtype=torch.float64)'},
 {'id': 'scalar_bf16',
  'expr': 'np.array(3.14159)',
  'dtype': 'bfloat16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(3.1406, dtype=torch.bfloat16)'},
 {'id': 'scalar_complex',
  'expr': 'np.array(1.5 - 2j)',
  'dtype': 'complex64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(1.5000-2.j)'},
 {'id': 'arange_int',
  'expr': 'np.arange(5)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0, 1, 2, 3, 4])'},
 {'id': 'arange_float',
  'expr': 'np.arange(5.0)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0., 1., 2., 3., 4.])'},
 {'id': 'mixed_simple',
  'expr': 'np.array([1.5, -2.25, 3.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.5000, -2.2500,  3.0000])'},
 {'id': 'randn7',
  'expr': 'rs.randn(7)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773,  0.9501])'},
 {'id': 'negative_big',
  'expr': '-rs.rand(5) * 100',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([-54.8814, -71.5189, -60.2763, -54.4883, -42.3655])'},
 {'id': 'sci_small',
  'expr': 'np.array([1e-5, 1.0, 2.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e-05, 1.0000e+00, 2.0000e+00])'},
 {'id': 'sci_big',
  'expr': 'np.array([1e9, 2.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e+09, 2.0000e+00])'},
 {'id': 'ratio_999',
  'expr': 'np.array([1.0, 999.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([  1., 999.])'},
 {'id': 'ratio_1001_int',
  'expr': 'np.array([1.0, 1001.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e+00, 1.0010e+03])'},
 {'id': 'ratio_sci_frac',
  'expr': 'np.array([0.1, 100.5])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e-01, 1.0050e+02])'},
 {'id': 'sci_huge_tiny',
  'expr': 'np.array([1e20, -1e-20, 0.0])',
  'dtype': 'float64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.0000e+20, -1.0000e-20,  0.0000e+00], dtype=torch.float64)'},
 {'id': 'sci_1e8_ints',
  'expr': 'np.array([1e8, 2e8])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e+08, 2.0000e+08])'},
 {'id': 'big_int_mode',
  'expr': 'np.array([12345678.0, -5.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.2346e+07, -5.0000e+00])'},
 {'id': 'min_1e-3',
  'expr': 'np.array([0.001, 0.5])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0.0010, 0.5000])'},
 {'id': 'nan_inf_int',
  'expr': 'np.array([nan, 1.0, inf, -inf])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([nan, 1., inf, -inf])'},
 {'id': 'nan_inf_frac',
  'expr': 'np.array([nan, 1.5, -inf])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([   nan, 1.5000,   -inf])'},
 {'id': 'only_nonfinite',
  'expr': 'np.array([nan, inf, -inf])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([nan, inf, -inf])'},
 {'id': 'nan_inf_sci',
  'expr': 'np.array([nan, 1e-7, inf, 3.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([       nan, 1.0000e-07,        inf, 3.0000e+00])'},
 {'id': 'zeros',
  'expr': 'np.zeros(4)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0., 0., 0., 0.])'},
 {'id': 'signed_zeros',
  'expr': 'np.array([0.0, -0.0, 0.0])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0., -0., 0.])'},
 {'id': 'negzero_frac',
  'expr': 'np.array([-0.0, 1.5])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([-0.0000, 1.5000])'},
 {'id': 'wrap_float',
  'expr': 'np.arange(30) * 1.1',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 0.0000,  1.1000,  2.2000,  3.3000,  4.4000,  5.5000,  6.6000,  7.7000,\n'
              '         8.8000,  9.9000, 11.0000, 12.1000, 13.2000, 14.3000, 15.4000, 16.5000,\n'
              '        17.6000, 18.7000, 19.8000, 20.9000, 22.0000, 23.1000, 24.2000, 25.3000,\n'
              '        26.4000, 27.5000, 28.6000, 29.7000, 30.8000, 31.9000])'},
 {'id': 'wrap_int',
  'expr': 'np.arange(100)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n'
              '        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n'
              '        36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,\n'
              '        54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n'
              '        72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,\n'
              '        90, 91, 92, 93, 94, 95, 96, 97, 98, 99])'},
 {'id': 'wrap_randn',
  'expr': 'rs.randn(40)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773,  0.9501, -0.1514,\n'
              '        -0.1032,  0.4106,  0.1440,  1.4543,  0.7610,  0.1217,  0.4439,  0.3337,\n'
              '         1.4941, -0.2052,  0.3131, -0.8541, -2.5530,  0.6536,  0.8644, -0.7422,\n'
              '         2.2698, -1.4544,  0.0458, -0.1872,  1.5328,  1.4694,  0.1549,  0.3782,\n'
              '        -0.8878, -1.9808, -0.3479,  0.1563,  1.2303,  1.2024, -0.3873, -0.3023])'},
 {'id': 'wrap_sci',
  'expr': 'rs.randn(20) * 1e-6',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641e-06,  4.0016e-07,  9.7874e-07,  2.2409e-06,  1.8676e-06,\n'
              '        -9.7728e-07,  9.5009e-07, -1.5136e-07, -1.0322e-07,  4.1060e-07,\n'
              '         1.4404e-07,  1.4543e-06,  7.6104e-07,  1.2168e-07,  4.4386e-07,\n'
              '         3.3367e-07,  1.4941e-06, -2.0516e-07,  3.1307e-07, -8.5410e-07])'},
 {'id': 'bool_1d',
  'expr': 'np.array([True, False, True])',
  'dtype': 'bool',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ True, False,  True])'},
 {'id': 'int8',
  'expr': 'np.array([-128, 0, 127])',
  'dtype': 'int8',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([-128,    0,  127], dtype=torch.int8)'},
 {'id': 'uint8',
  'expr': 'np.array([0, 255, 7])',
  'dtype': 'uint8',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([  0, 255,   7], dtype=torch.uint8)'},
 {'id': 'int16',
  'expr': 'np.array([-300, 12])',
  'dtype': 'int16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([-300,   12], dtype=torch.int16)'},
 {'id': 'int32',
  'expr': 'np.arange(-3, 4)',
  'dtype': 'int32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([-3, -2, -1,  0,  1,  2,  3], dtype=torch.int32)'},
 {'id': 'float64',
  'expr': 'rs.randn(5)',
  'dtype': 'float64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.7641, 0.4002, 0.9787, 2.2409, 1.8676], dtype=torch.float64)'},
 {'id': 'float64_intmode',
  'expr': 'np.array([1.0, 2.0])',
  'dtype': 'float64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1., 2.], dtype=torch.float64)'},
 {'id': 'float16',
  'expr': 'np.array([0.1, 0.2, 65504.0])',
  'dtype': 'float16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([9.9976e-02, 1.9995e-01, 6.5504e+04], dtype=torch.float16)'},
 {'id': 'float16_small',
  'expr': 'np.array([0.1, 0.2, 3.0])',
  'dtype': 'float16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0.1000, 0.2000, 3.0000], dtype=torch.float16)'},
 {'id': 'float16_int',
  'expr': 'np.array([1.0, 2.0])',
  'dtype': 'float16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1., 2.], dtype=torch.float16)'},
 {'id': 'bf16_randn',
  'expr': 'rs.randn(6)',
  'dtype': 'bfloat16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7656,  0.4004,  0.9805,  2.2344,  1.8672, -0.9766],\n'
              '       dtype=torch.bfloat16)'},
 {'id': 'bf16_sci',
  'expr': 'np.array([1e-3, 300.0])',
  'dtype': 'bfloat16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([9.9945e-04, 3.0000e+02], dtype=torch.bfloat16)'},
 {'id': 'complex64',
  'expr': 'np.array([1 + 2j, -3.5 - 0.5j])',
  'dtype': 'complex64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.0000+2.0000j, -3.5000-0.5000j])'},
 {'id': 'complex128_sci',
  'expr': 'np.array([1e-5 + 1j, 2 - 0j])',
  'dtype': 'complex128',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e-05+1.j, 2.0000e+00+0.j], dtype=torch.complex128)'},
 {'id': 'int_2d',
  'expr': 'np.arange(12).reshape(3, 4)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 0,  1,  2,  3],\n        [ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]])'},
 {'id': 'randn_2d',
  'expr': 'rs.randn(3, 4)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787,  2.2409],\n'
              '        [ 1.8676, -0.9773,  0.9501, -0.1514],\n'
              '        [-0.1032,  0.4106,  0.1440,  1.4543]])'},
 {'id': 'wrap_rows_2d',
  'expr': 'rs.randn(4, 25)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773,  0.9501, -0.1514,\n'
              '         -0.1032,  0.4106,  0.1440,  1.4543,  0.7610,  0.1217,  0.4439,  0.3337,\n'
              '          1.4941, -0.2052,  0.3131, -0.8541, -2.5530,  0.6536,  0.8644, -0.7422,\n'
              '          2.2698],\n'
              '        [-1.4544,  0.0458, -0.1872,  1.5328,  1.4694,  0.1549,  0.3782, -0.8878,\n'
              '         -1.9808, -0.3479,  0.1563,  1.2303,  1.2024, -0.3873, -0.3023, -1.0486,\n'
              '         -1.4200, -1.7063,  1.9508, -0.5097, -0.4381, -1.2528,  0.7775, -1.6139,\n'
              '         -0.2127],\n'
              '        [-0.8955,  0.3869, -0.5108, -1.1806, -0.0282,  0.4283,  0.0665,  0.3025,\n'
              '         -0.6343, -0.3627, -0.6725, -0.3596, -0.8131, -1.7263,  0.1774, -0.4018,\n'
              '         -1.6302,  0.4628, -0.9073,  0.0519,  0.7291,  0.1290,  1.1394, -1.2348,\n'
              '          0.4023],\n'
              '        [-0.6848, -0.8708, -0.5788, -0.3116,  0.0562, -1.1651,  0.9008,  0.4657,\n'
              '         -1.5362,  1.4883,  1.8959,  1.1788, -0.1799, -1.0708,  1.0545, -0.4032,\n'
              '          1.2224,  0.2083,  0.9766,  0.3564,  0.7066,  0.0105,  1.7859,  0.1269,\n'
              '          0.4020]])'},
 {'id': 'intmode_2d',
  'expr': 'np.array([[1.0, -20.0], [300.0, 4.0]])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[  1., -20.],\n        [300.,   4.]])'},
 {'id': 'nan_2d',
  'expr': 'np.array([[nan, 1.25, 2.0], [3.0, inf, -1.0]])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[    nan,  1.2500,  2.0000],\n        [ 3.0000,     inf, -1.0000]])'},
 {'id': 'bool_2d',
  'expr': 'np.array([[True, False], [False, True]])',
  'dtype': 'bool',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ True, False],\n        [False,  True]])'},
 {'id': 'summ_2d',
  'expr': 'rs.randn(50, 50)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787,  ...,  0.7775, -1.6139, -0.2127],\n'
              '        [-0.8955,  0.3869, -0.5108,  ...,  1.7859,  0.1269,  0.4020],\n'
              '        [ 1.8832, -1.3478, -1.2705,  ...,  1.1170, -1.3159, -0.4616],\n'
              '        ...,\n'
              '        [ 0.3111, -1.0784,  1.0616,  ...,  0.6588, -0.5969, -0.2230],\n'
              '        [ 0.1522, -0.3741, -0.0135,  ..., -0.4736,  0.3037,  1.0340],\n'
              '        [ 1.9093,  1.6639,  0.9008,  ...,  1.1364,  0.6716, -0.9742]])'},
 {'id': 'summ_arange_float',
  'expr': 'np.arange(2000.0)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n'
              '        1.9990e+03])'},
 {'id': 'summ_arange_int',
  'expr': 'np.arange(2000)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])'},
 {'id': 'summ_1001',
  'expr': 'np.arange(1001.0)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])'},
 {'id': 'no_summ_1000',
  'expr': 'np.arange(1000)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([  0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,\n'
              '         14,  15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,\n'
              '         28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,  41,\n'
              '         42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,\n'
              '         56,  57,  58,  59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,\n'
              '         70,  71,  72,  73,  74,  75,  76,  77,  78,  79,  80,  81,  82,  83,\n'
              '         84,  85,  86,  87,  88,  89,  90,  91,  92,  93,  94,  95,  96,  97,\n'
              '         98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,\n'
              '        112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125,\n'
              '        126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139,\n'
              '        140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153,\n'
              '        154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167,\n'
              '        168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,\n'
              '        182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195,\n'
              '        196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209,\n'
              '        210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,\n'
              '        224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237,\n'
              '        238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251,\n'
              '        252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265,\n'
              '        266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279,\n'
              '        280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293,\n'
              '        294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307,\n'
              '        308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321,\n'
              '        322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335,\n'
              '        336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349,\n'
              '        350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363,\n'
              '        364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377,\n'
              '        378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391,\n'
              '        392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405,\n'
              '        406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419,\n'
              '        420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433,\n'
              '        434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447,\n'
              '        448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461,\n'
              '        462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475,\n'
              '        476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489,\n'
              '        490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503,\n'
              '        504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517,\n'
              '        518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531,\n'
              '        532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543, 544, 545,\n'
              '        546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559,\n'
              '        560, 561, 562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573,\n'
              '        574, 575, 576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586, 587,\n'
              '        588, 589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601,\n'
              '        602, 603, 604, 605, 606, 607, 608, 609, 610, 611, 612, 613, 614, 615,\n'
              '        616, 617, 618, 619, 620, 621, 622, 623, 624, 625, 626, 627, 628, 629,\n'
              '        630, 631, 632, 633, 634, 635, 636, 637, 638, 639, 640, 641, 642, 643,\n'
              '        644, 645, 646, 647, 648, 649, 650, 651, 652, 653, 654, 655, 656, 657,\n'
              '        658, 659, 660, 661, 662, 663, 664, 665, 666, 667, 668, 669, 670, 671,\n'
              '        672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 684, 685,\n'
              '        686, 687, 688, 689, 690, 691, 692, 693, 694, 695, 696, 697, 698, 699,\n'
              '        700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713,\n'
              '        714, 715, 716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727,\n'
              '        728, 729, 730, 731, 732, 733, 734, 735, 736, 737, 738, 739, 740, 741,\n'
              '        742, 743, 744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755,\n'
              '        756, 757, 758, 759, 760, 761, 762, 763, 764, 765, 766, 767, 768, 769,\n'
              '        770, 771, 772, 773, 774, 775, 776, 777, 778, 779, 780, 781, 782, 783,\n'
              '        784, 785, 786, 787, 788, 789, 790, 791, 792, 793, 794, 795, 796, 797,\n'
              '        798, 799, 800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811,\n'
              '        812, 813, 814, 815, 816, 817, 818, 819, 820, 821, 822, 823, 824, 825,\n'
              '        826, 827, 828, 829, 830, 831, 832, 833, 834, 835, 836, 837, 838, 839,\n'
              '        840, 841, 842, 843, 844, 845, 846, 847, 848, 849, 850, 851, 852, 853,\n'
              '        854, 855, 856, 857, 858, 859, 860, 861, 862, 863, 864, 865, 866, 867,\n'
              '        868, 869, 870, 871, 872, 873, 874, 875, 876, 877, 878, 879, 880, 881,\n'
              '        882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895,\n'
              '        896, 897, 898, 899, 900, 901, 902, 903, 904, 905, 906, 907, 908, 909,\n'
              '        910, 911, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923,\n'
              '        924, 925, 926, 927, 928, 929, 930, 931, 932, 933, 934, 935, 936, 937,\n'
              '        938, 939, 940, 941, 942, 943, 944, 945, 946, 947, 948, 949, 950, 951,\n'
              '        952, 953, 954, 955, 956, 957, 958, 959, 960, 961, 962, 963, 964, 965,\n'
              '        966, 967, 968, 969, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979,\n'
              '        980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 990, 991, 992, 993,\n'
              '        994, 995, 996, 997, 998, 999])'},
 {'id': 'summ_3d',
  'expr': 'rs.randn(20, 10, 10)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[[ 1.7641e+00,  4.0016e-01,  9.7874e-01,  ..., -1.5136e-01,\n'
              '          -1.0322e-01,  4.1060e-01],\n'
              '         [ 1.4404e-01,  1.4543e+00,  7.6104e-01,  ..., -2.0516e-01,\n'
              '           3.1307e-01, -8.5410e-01],\n'
              '         [-2.5530e+00,  6.5362e-01,  8.6444e-01,  ..., -1.8718e-01,\n'
              '           1.5328e+00,  1.4694e+00],\n'
              '         ...,\n'
              '         [ 7.2909e-01,  1.2898e-01,  1.1394e+00,  ..., -5.7885e-01,\n'
              '          -3.1155e-01,  5.6165e-02],\n'
              '         [-1.1651e+00,  9.0083e-01,  4.6566e-01,  ..., -1.7992e-01,\n'
              '          -1.0708e+00,  1.0545e+00],\n'
              '         [-4.0318e-01,  1.2224e+00,  2.0827e-01,  ...,  1.7859e+00,\n'
              '           1.2691e-01,  4.0199e-01]],\n'
              '\n'
              '        [[ 1.8832e+00, -1.3478e+00, -1.2705e+00,  ..., -7.4745e-01,\n'
              '           1.9229e+00,  1.4805e+00],\n'
              '         [ 1.8676e+00,  9.0604e-01, -8.6123e-01,  ..., -1.5501e-01,\n'
              '           6.1408e-01,  9.2221e-01],\n'
              '         [ 3.7643e-01, -1.0994e+00,  2.9824e-01,  ...,  1.8493e+00,\n'
              '           6.7229e-01,  4.0746e-01],\n'
              '         ...,\n'
              '         [ 9.2086e-01,  3.1873e-01,  8.5683e-01,  ..., -6.8955e-01,\n'
              '          -4.5553e-01,  1.7479e-02],\n'
              '         [-3.5399e-01, -1.3750e+00, -6.4362e-01,  ...,  5.2165e-02,\n'
              '          -7.3956e-01,  1.5430e+00],\n'
              '         [-1.2929e+00,  2.6705e-01, -3.9283e-02,  ...,  8.2350e-01,\n'
              '           2.1632e+00,  1.3365e+00]],\n'
              '\n'
              '        [[-3.6918e-01, -2.3938e-01,  1.0997e+00,  ..., -7.3803e-01,\n'
              '           2.7992e-01, -9.8150e-02],\n'
              '         [ 9.1018e-01,  3.1722e-01,  7.8633e-01,  ...,  3.7915e-01,\n'
              '           2.2593e+00, -4.2257e-02],\n'
              '         [-9.5595e-01, -3.4598e-01, -4.6360e-01,  ...,  2.3218e-01,\n'
              '          -5.9732e-01, -2.3792e-01],\n'
              '         ...,\n'
              '         [ 3.9905e-01, -2.7726e+00,  1.9559e+00,  ..., -1.1610e-01,\n'
              '          -2.0307e+00,  2.0645e+00],\n'
              '         [-1.1054e-01,  1.0202e+00, -6.9205e-01,  ...,  1.2111e+00,\n'
              '           6.8982e-01,  1.3018e+00],\n'
              '         [-6.2809e-01, -4.8103e-01,  2.3039e+00,  ...,  5.8295e-01,\n'
              '          -3.9945e-01,  3.7006e-01]],\n'
              '\n'
              '        ...,\n'
              '\n'
              '        [[-1.5580e+00, -5.0703e-01,  8.4500e-01,  ..., -5.7892e-01,\n'
              '          -1.6924e+00,  7.2935e-01],\n'
              '         [ 6.9914e-01, -2.9876e-01, -1.1022e+00,  ..., -1.0514e+00,\n'
              '           2.4665e-01,  6.0799e-01],\n'
              '         [-8.3963e-01, -1.3682e+00,  1.5613e+00,  ..., -2.5632e-01,\n'
              '           4.6079e-01, -4.0099e-01],\n'
              '         ...,\n'
              '         [ 2.1524e-01, -1.0064e+00, -1.8290e-01,  ...,  4.0053e-01,\n'
              '          -8.5770e-01,  1.3545e-01],\n'
              '         [ 4.5166e-02,  1.8593e+00, -1.6263e+00,  ...,  1.1149e+00,\n'
              '           1.3748e-02, -1.8447e+00],\n'
              '         [-3.6111e-01,  6.0896e-01, -1.5914e+00,  ...,  1.8345e-01,\n'
              '          -4.7074e-01,  2.7280e-01]],\n'
              '\n'
              '        [[ 8.1798e-01, -2.7891e-01,  1.4316e+00,  ..., -1.2657e-01,\n'
              '          -3.6344e-01,  7.7905e-01],\n'
              '         [-1.5097e+00, -2.7739e-01,  9.6874e-01,  ..., -7.4747e-01,\n'
              '          -1.3003e+00, -8.0385e-01],\n'
              '         [-7.7430e-01, -2.6939e-01,  8.2537e-01,  ...,  4.2539e-02,\n'
              '           1.5309e+00,  9.2448e-02],\n'
              '         ...,\n'
              '         [ 7.1967e-01, -2.4842e-01, -7.3087e-01,  ..., -4.9173e-01,\n'
              '           9.5419e-01,  5.4414e-01],\n'
              '         [ 4.4721e-01, -6.1612e-01,  4.6629e-01,  ...,  1.3986e+00,\n'
              '          -3.9791e-01,  7.8258e-01],\n'
              '         [-1.7232e+00,  1.7975e+00, -3.5687e-01,  ..., -1.6480e+00,\n'
              '           2.9871e-01,  9.1065e-01]],\n'
              '\n'
              '        [[-2.9856e-02, -1.1817e-01, -1.4269e-01,  ..., -2.7228e-01,\n'
              '          -4.8973e-01, -2.7930e-01],\n'
              '         [ 1.2577e+00, -2.0866e+00,  4.0071e-02,  ..., -2.1239e+00,\n'
              '           4.5958e-01,  2.8006e-01],\n'
              '         [ 1.3905e+00, -1.6413e+00, -1.5504e-01,  ...,  2.0348e+00,\n'
              '           1.0542e+00,  9.5083e-01],\n'
              '         ...,\n'
              '         [ 1.2698e+00, -7.0985e-01,  1.7516e-02,  ...,  4.3284e-01,\n'
              '          -8.0872e-01, -1.1041e+00],\n'
              '         [-7.8910e-01,  1.2485e-03, -1.5994e-01,  ..., -4.0019e-02,\n'
              '          -1.2598e+00,  2.8621e-02],\n'
              '         [ 1.3426e+00, -7.3994e-01,  1.3151e+00,  ...,  1.5843e-01,\n'
              '          -1.1419e+00, -1.3110e+00]]])'},
 {'id': 'summ_inner_only',
  'expr': 'rs.randn(2, 600)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787,  ..., -0.2167, -0.9302, -0.1786],\n'
              '        [-1.5504,  0.4173, -0.9444,  ..., -0.5938, -2.0119,  0.5897]])'},
 {'id': 'summ_sci_edges',
  'expr': 'np.concatenate([[1e-9], np.ones(2000), [5.0]])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e-09, 1.0000e+00, 1.0000e+00,  ..., 1.0000e+00, 1.0000e+00,\n'
              '        5.0000e+00])'},
 {'id': 'randn_3d',
  'expr': 'rs.randn(2, 3, 4)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[[ 1.7641,  0.4002,  0.9787,  2.2409],\n'
              '         [ 1.8676, -0.9773,  0.9501, -0.1514],\n'
              '         [-0.1032,  0.4106,  0.1440,  1.4543]],\n'
              '\n'
              '        [[ 0.7610,  0.1217,  0.4439,  0.3337],\n'
              '         [ 1.4941, -0.2052,  0.3131, -0.8541],\n'
              '         [-2.5530,  0.6536,  0.8644, -0.7422]]])'},
 {'id': 'arange_4d',
  'expr': 'np.arange(24).reshape(1, 2, 3, 4)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[[[ 0,  1,  2,  3],\n'
              '          [ 4,  5,  6,  7],\n'
              '          [ 8,  9, 10, 11]],\n'
              '\n'
              '         [[12, 13, 14, 15],\n'
              '          [16, 17, 18, 19],\n'
              '          [20, 21, 22, 23]]]])'},
 {'id': 'randn_4d',
  'expr': 'rs.randn(2, 2, 2, 2)',
  'dtype': 'float64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[[[ 1.7641,  0.4002],\n'
              '          [ 0.9787,  2.2409]],\n'
              '\n'
              '         [[ 1.8676, -0.9773],\n'
              '          [ 0.9501, -0.1514]]],\n'
              '\n'
              '\n'
              '        [[[-0.1032,  0.4106],\n'
              '          [ 0.1440,  1.4543]],\n'
              '\n'
              '         [[ 0.7610,  0.1217],\n'
              '          [ 0.4439,  0.3337]]]], dtype=torch.float64)'},
 {'id': 'complex_2d',
  'expr': 'rs.randn(2, 3) + 1j * rs.randn(2, 3)',
  'dtype': 'complex64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641+0.9501j,  0.4002-0.1514j,  0.9787-0.1032j],\n'
              '        [ 2.2409+0.4106j,  1.8676+0.1440j, -0.9773+1.4543j]])'},
 {'id': 'bf16_2d',
  'expr': 'rs.randn(3, 3) * 10',
  'dtype': 'bfloat16',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[17.6250,  4.0000,  9.8125],\n'
              '        [22.3750, 18.6250, -9.7500],\n'
              '        [ 9.5000, -1.5156, -1.0312]], dtype=torch.bfloat16)'},
 {'id': 'empty_1d',
  'expr': 'np.zeros(0)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([])'},
 {'id': 'empty_0x3',
  'expr': 'np.zeros((0, 3))',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([], size=(0, 3))'},
 {'id': 'empty_2x0x4',
  'expr': 'np.zeros((2, 0, 4))',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([], size=(2, 0, 4))'},
 {'id': 'empty_int64',
  'expr': 'np.zeros(0)',
  'dtype': 'int64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([], dtype=torch.int64)'},
 {'id': 'empty_float64_2d',
  'expr': 'np.zeros((3, 0))',
  'dtype': 'float64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([], size=(3, 0), dtype=torch.float64)'},
 {'id': 'empty_bool',
  'expr': 'np.zeros(0)',
  'dtype': 'bool',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([], dtype=torch.bool)'},
 {'id': 'empty_complex',
  'expr': 'np.zeros(0)',
  'dtype': 'complex64',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([], dtype=torch.complex64)'},
 {'id': 'grad_leaf',
  'expr': 'rs.randn(3)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': ['requires_grad=True'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.7641, 0.4002, 0.9787], requires_grad=True)'},
 {'id': 'grad_6x6',
  'expr': 'rs.randn(6, 6)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': ['grad_fn=<AddBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773],\n'
              '        [ 0.9501, -0.1514, -0.1032,  0.4106,  0.1440,  1.4543],\n'
              '        [ 0.7610,  0.1217,  0.4439,  0.3337,  1.4941, -0.2052],\n'
              '        [ 0.3131, -0.8541, -2.5530,  0.6536,  0.8644, -0.7422],\n'
              '        [ 2.2698, -1.4544,  0.0458, -0.1872,  1.5328,  1.4694],\n'
              '        [ 0.1549,  0.3782, -0.8878, -1.9808, -0.3479,  0.1563]],\n'
              '       grad_fn=<AddBackward0>)'},
 {'id': 'grad_wrap_1d',
  'expr': 'rs.randn(8)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': ['grad_fn=<MulBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773,  0.9501, -0.1514],\n'
              '       grad_fn=<MulBackward0>)'},
 {'id': 'grad_fits_1d',
  'expr': 'rs.randn(4)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': ['grad_fn=<MulBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.7641, 0.4002, 0.9787, 2.2409], grad_fn=<MulBackward0>)'},
 {'id': 'grad_float64',
  'expr': 'np.array([1.0, 2.0])',
  'dtype': 'float64',
  'opts': {},
  'suffixes': ['requires_grad=True'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1., 2.], dtype=torch.float64, requires_grad=True)'},
 {'id': 'grad_float64_wrap',
  'expr': 'rs.randn(7)',
  'dtype': 'float64',
  'opts': {},
  'suffixes': ['grad_fn=<ViewBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773,  0.9501],\n'
              '       dtype=torch.float64, grad_fn=<ViewBackward0>)'},
 {'id': 'grad_scalar',
  'expr': 'np.array(2.5)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': ['grad_fn=<MulBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor(2.5000, grad_fn=<MulBackward0>)'},
 {'id': 'grad_long_name',
  'expr': 'rs.randn(2, 3)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': ['grad_fn=<TransposeBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787],\n'
              '        [ 2.2409,  1.8676, -0.9773]], grad_fn=<TransposeBackward0>)'},
 {'id': 'opt_precision2',
  'expr': 'rs.randn(5)',
  'dtype': 'float32',
  'opts': {'precision': 2},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.76, 0.40, 0.98, 2.24, 1.87])'},
 {'id': 'opt_precision8',
  'expr': 'rs.randn(3)',
  'dtype': 'float64',
  'opts': {'precision': 8},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.76405235, 0.40015721, 0.97873798], dtype=torch.float64)'},
 {'id': 'opt_nosci',
  'expr': 'np.array([1e-5, 1e5])',
  'dtype': 'float32',
  'opts': {'sci_mode': False},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([     0.0000, 100000.0000])'},
 {'id': 'opt_sci',
  'expr': 'np.array([1.0, 2.0])',
  'dtype': 'float32',
  'opts': {'sci_mode': True},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.0000e+00, 2.0000e+00])'},
 {'id': 'opt_sci_p2',
  'expr': 'rs.randn(4)',
  'dtype': 'float32',
  'opts': {'sci_mode': True, 'precision': 2},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([1.76e+00, 4.00e-01, 9.79e-01, 2.24e+00])'},
 {'id': 'opt_threshold5',
  'expr': 'np.arange(10)',
  'dtype': 'int64',
  'opts': {'threshold': 5},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0, 1, 2,  ..., 7, 8, 9])'},
 {'id': 'opt_threshold5_2d',
  'expr': 'rs.randn(8, 8)',
  'dtype': 'float32',
  'opts': {'threshold': 5},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.7641,  0.4002,  0.9787,  ..., -0.9773,  0.9501, -0.1514],\n'
              '        [-0.1032,  0.4106,  0.1440,  ...,  0.1217,  0.4439,  0.3337],\n'
              '        [ 1.4941, -0.2052,  0.3131,  ...,  0.6536,  0.8644, -0.7422],\n'
              '        ...,\n'
              '        [-1.0486, -1.4200, -1.7063,  ..., -0.4381, -1.2528,  0.7775],\n'
              '        [-1.6139, -0.2127, -0.8955,  ..., -1.1806, -0.0282,  0.4283],\n'
              '        [ 0.0665,  0.3025, -0.6343,  ..., -0.3596, -0.8131, -1.7263]])'},
 {'id': 'opt_linewidth40',
  'expr': 'rs.randn(20)',
  'dtype': 'float32',
  'opts': {'linewidth': 40},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641,  0.4002,  0.9787,\n'
              '         2.2409,  1.8676, -0.9773,\n'
              '         0.9501, -0.1514, -0.1032,\n'
              '         0.4106,  0.1440,  1.4543,\n'
              '         0.7610,  0.1217,  0.4439,\n'
              '         0.3337,  1.4941, -0.2052,\n'
              '         0.3131, -0.8541])'},
 {'id': 'opt_linewidth40_grad',
  'expr': 'rs.randn(9)',
  'dtype': 'float32',
  'opts': {'linewidth': 40},
  'suffixes': ['grad_fn=<AddBackward0>'],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([ 1.7641,  0.4002,  0.9787,\n'
              '         2.2409,  1.8676, -0.9773,\n'
              '         0.9501, -0.1514, -0.1032],\n'
              '       grad_fn=<AddBackward0>)'},
 {'id': 'opt_linewidth10',
  'expr': 'np.arange(6)',
  'dtype': 'int64',
  'opts': {'linewidth': 10},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0,\n        1,\n        2,\n        3,\n        4,\n        5])'},
 {'id': 'opt_short',
  'expr': 'rs.randn(5, 5)',
  'dtype': 'float32',
  'opts': {'profile': 'short'},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.76,  0.40,  0.98,  2.24,  1.87],\n'
              '        [-0.98,  0.95, -0.15, -0.10,  0.41],\n'
              '        [ 0.14,  1.45,  0.76,  0.12,  0.44],\n'
              '        [ 0.33,  1.49, -0.21,  0.31, -0.85],\n'
              '        [-2.55,  0.65,  0.86, -0.74,  2.27]])'},
 {'id': 'opt_short_summ',
  'expr': 'rs.randn(40, 40)',
  'dtype': 'float32',
  'opts': {'profile': 'short'},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[ 1.76,  0.40,  ..., -0.39, -0.30],\n'
              '        [-1.05, -1.42,  ..., -0.31,  0.06],\n'
              '        ...,\n'
              '        [ 1.36, -0.40,  ..., -0.64,  0.15],\n'
              '        [ 1.59, -0.64,  ..., -1.38, -0.54]])'},
 {'id': 'opt_full',
  'expr': 'np.arange(1500)',
  'dtype': 'int64',
  'opts': {'profile': 'full'},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([   0,    1,    2,    3,    4,    5,    6,    7,    8,    9,   10,   11,\n'
              '          12,   13,   14,   15,   16,   17,   18,   19,   20,   21,   22,   23,\n'
              '          24,   25,   26,   27,   28,   29,   30,   31,   32,   33,   34,   35,\n'
              '          36,   37,   38,   39,   40,   41,   42,   43,   44,   45,   46,   47,\n'
              '          48,   49,   50,   51,   52,   53,   54,   55,   56,   57,   58,   59,\n'
              '          60,   61,   62,   63,   64,   65,   66,   67,   68,   69,   70,   71,\n'
              '          72,   73,   74,   75,   76,   77,   78,   79,   80,   81,   82,   83,\n'
              '          84,   85,   86,   87,   88,   89,   90,   91,   92,   93,   94,   95,\n'
              '          96,   97,   98,   99,  100,  101,  102,  103,  104,  105,  106,  107,\n'
              '         108,  109,  110,  111,  112,  113,  114,  115,  116,  117,  118,  119,\n'
              '         120,  121,  122,  123,  124,  125,  126,  127,  128,  129,  130,  131,\n'
              '         132,  133,  134,  135,  136,  137,  138,  139,  140,  141,  142,  143,\n'
              '         144,  145,  146,  147,  148,  149,  150,  151,  152,  153,  154,  155,\n'
              '         156,  157,  158,  159,  160,  161,  162,  163,  164,  165,  166,  167,\n'
              '         168,  169,  170,  171,  172,  173,  174,  175,  176,  177,  178,  179,\n'
              '         180,  181,  182,  183,  184,  185,  186,  187,  188,  189,  190,  191,\n'
              '         192,  193,  194,  195,  196,  197,  198,  199,  200,  201,  202,  203,\n'
              '         204,  205,  206,  207,  208,  209,  210,  211,  212,  213,  214,  215,\n'
              '         216,  217,  218,  219,  220,  221,  222,  223,  224,  225,  226,  227,\n'
              '         228,  229,  230,  231,  232,  233,  234,  235,  236,  237,  238,  239,\n'
              '         240,  241,  242,  243,  244,  245,  246,  247,  248,  249,  250,  251,\n'
              '         252,  253,  254,  255,  256,  257,  258,  259,  260,  261,  262,  263,\n'
              '         264,  265,  266,  267,  268,  269,  270,  271,  272,  273,  274,  275,\n'
              '         276,  277,  278,  279,  280,  281,  282,  283,  284,  285,  286,  287,\n'
              '         288,  289,  290,  291,  292,  293,  294,  295,  296,  297,  298,  299,\n'
              '         300,  301,  302,  303,  304,  305,  306,  307,  308,  309,  310,  311,\n'
              '         312,  313,  314,  315,  316,  317,  318,  319,  320,  321,  322,  323,\n'
              '         324,  325,  326,  327,  328,  329,  330,  331,  332,  333,  334,  335,\n'
              '         336,  337,  338,  339,  340,  341,  342,  343,  344,  345,  346,  347,\n'
              '         348,  349,  350,  351,  352,  353,  354,  355,  356,  357,  358,  359,\n'
              '         360,  361,  362,  363,  364,  365,  366,  367,  368,  369,  370,  371,\n'
              '         372,  373,  374,  375,  376,  377,  378,  379,  380,  381,  382,  383,\n'
              '         384,  385,  386,  387,  388,  389,  390,  391,  392,  393,  394,  395,\n'
              '         396,  397,  398,  399,  400,  401,  402,  403,  404,  405,  406,  407,\n'
              '         408,  409,  410,  411,  412,  413,  414,  415,  416,  417,  418,  419,\n'
              '         420,  421,  422,  423,  424,  425,  426,  427,  428,  429,  430,  431,\n'
              '         432,  433,  434,  435,  436,  437,  438,  439,  440,  441,  442,  443,\n'
              '         444,  445,  446,  447,  448,  449,  450,  451,  452,  453,  454,  455,\n'
              '         456,  457,  458,  459,  460,  461,  462,  463,  464,  465,  466,  467,\n'
              '         468,  469,  470,  471,  472,  473,  474,  475,  476,  477,  478,  479,\n'
              '         480,  481,  482,  483,  484,  485,  486,  487,  488,  489,  490,  491,\n'
              '         492,  493,  494,  495,  496,  497,  498,  499,  500,  501,  502,  503,\n'
              '         504,  505,  506,  507,  508,  509,  510,  511,  512,  513,  514,  515,\n'
              '         516,  517,  518,  519,  520,  521,  522,  523,  524,  525,  526,  527,\n'
              '         528,  529,  530,  531,  532,  533,  534,  535,  536,  537,  538,  539,\n'
              '         540,  541,  542,  543,  544,  545,  546,  547,  548,  549,  550,  551,\n'
              '         552,  553,  554,  555,  556,  557,  558,  559,  560,  561,  562,  563,\n'
              '         564,  565,  566,  567,  568,  569,  570,  571,  572,  573,  574,  575,\n'
              '         576,  577,  578,  579,  580,  581,  582,  583,  584,  585,  586,  587,\n'
              '         588,  589,  590,  591,  592,  593,  594,  595,  596,  597,  598,  599,\n'
              '         600,  601,  602,  603,  604,  605,  606,  607,  608,  609,  610,  611,\n'
              '         612,  613,  614,  615,  616,  617,  618,  619,  620,  621,  622,  623,\n'
              '         624,  625,  626,  627,  628,  629,  630,  631,  632,  633,  634,  635,\n'
              '         636,  637,  638,  639,  640,  641,  642,  643,  644,  645,  646,  647,\n'
              '         648,  649,  650,  651,  652,  653,  654,  655,  656,  657,  658,  659,\n'
              '         660,  661,  662,  663,  664,  665,  666,  667,  668,  669,  670,  671,\n'
              '         672,  673,  674,  675,  676,  677,  678,  679,  680,  681,  682,  683,\n'
              '         684,  685,  686,  687,  688,  689,  690,  691,  692,  693,  694,  695,\n'
              '         696,  697,  698,  699,  700,  701,  702,  703,  704,  705,  706,  707,\n'
              '         708,  709,  710,  711,  712,  713,  714,  715,  716,  717,  718,  719,\n'
              '         720,  721,  722,  723,  724,  725,  726,  727,  728,  729,  730,  731,\n'
              '         732,  733,  734,  735,  736,  737,  738,  739,  740,  741,  742,  743,\n'
              '         744,  745,  746,  747,  748,  749,  750,  751,  752,  753,  754,  755,\n'
              '         756,  757,  758,  759,  760,  761,  762,  763,  764,  765,  766,  767,\n'
              '         768,  769,  770,  771,  772,  773,  774,  775,  776,  777,  778,  779,\n'
              '         780,  781,  782,  783,  784,  785,  786,  787,  788,  789,  790,  791,\n'
              '         792,  793,  794,  795,  796,  797,  798,  799,  800,  801,  802,  803,\n'
              '         804,  805,  806,  807,  808,  809,  810,  811,  812,  813,  814,  815,\n'
              '         816,  817,  818,  819,  820,  821,  822,  823,  824,  825,  826,  827,\n'
              '         828,  829,  830,  831,  832,  833,  834,  835,  836,  837,  838,  839,\n'
              '         840,  841,  842,  843,  844,  845,  846,  847,  848,  849,  850,  851,\n'
              '         852,  853,  854,  855,  856,  857,  858,  859,  860,  861,  862,  863,\n'
              '         864,  865,  866,  867,  868,  869,  870,  871,  872,  873,  874,  875,\n'
              '         876,  877,  878,  879,  880,  881,  882,  883,  884,  885,  886,  887,\n'
              '         888,  889,  890,  891,  892,  893,  894,  895,  896,  897,  898,  899,\n'
              '         900,  901,  902,  903,  904,  905,  906,  907,  908,  909,  910,  911,\n'
              '         912,  913,  914,  915,  916,  917,  918,  919,  920,  921,  922,  923,\n'
              '         924,  925,  926,  927,  928,  929,  930,  931,  932,  933,  934,  935,\n'
              '         936,  937,  938,  939,  940,  941,  942,  943,  944,  945,  946,  947,\n'
              '         948,  949,  950,  951,  952,  953,  954,  955,  956,  957,  958,  959,\n'
              '         960,  961,  962,  963,  964,  965,  966,  967,  968,  969,  970,  971,\n'
              '         972,  973,  974,  975,  976,  977,  978,  979,  980,  981,  982,  983,\n'
              '         984,  985,  986,  987,  988,  989,  990,  991,  992,  993,  994,  995,\n'
              '         996,  997,  998,  999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007,\n'
              '        1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019,\n'
              '        1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031,\n'
              '        1032, 1033, 1034, 1035, 1036, 1037, 1038, 1039, 1040, 1041, 1042, 1043,\n'
              '        1044, 1045, 1046, 1047, 1048, 1049, 1050, 1051, 1052, 1053, 1054, 1055,\n'
              '        1056, 1057, 1058, 1059, 1060, 1061, 1062, 1063, 1064, 1065, 1066, 1067,\n'
              '        1068, 1069, 1070, 1071, 1072, 1073, 1074, 1075, 1076, 1077, 1078, 1079,\n'
              '        1080, 1081, 1082, 1083, 1084, 1085, 1086, 1087, 1088, 1089, 1090, 1091,\n'
              '        1092, 1093, 1094, 1095, 1096, 1097, 1098, 1099, 1100, 1101, 1102, 1103,\n'
              '        1104, 1105, 1106, 1107, 1108, 1109, 1110, 1111, 1112, 1113, 1114, 1115,\n'
              '        1116, 1117, 1118, 1119, 1120, 1121, 1122, 1123, 1124, 1125, 1126, 1127,\n'
              '        1128, 1129, 1130, 1131, 1132, 1133, 1134, 1135, 1136, 1137, 1138, 1139,\n'
              '        1140, 1141, 1142, 1143, 1144, 1145, 1146, 1147, 1148, 1149, 1150, 1151,\n'
              '        1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1162, 1163,\n'
              '        1164, 1165, 1166, 1167, 1168, 1169, 1170, 1171, 1172, 1173, 1174, 1175,\n'
              '        1176, 1177, 1178, 1179, 1180, 1181, 1182, 1183, 1184, 1185, 1186, 1187,\n'
              '        1188, 1189, 1190, 1191, 1192, 1193, 1194, 1195, 1196, 1197, 1198, 1199,\n'
              '        1200, 1201, 1202, 1203, 1204, 1205, 1206, 1207, 1208, 1209, 1210, 1211,\n'
              '        1212, 1213, 1214, 1215, 1216, 1217, 1218, 1219, 1220, 1221, 1222, 1223,\n'
              '        1224, 1225, 1226, 1227, 1228, 1229, 1230, 1231, 1232, 1233, 1234, 1235,\n'
              '        1236, 1237, 1238, 1239, 1240, 1241, 1242, 1243, 1244, 1245, 1246, 1247,\n'
              '        1248, 1249, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258, 1259,\n'
              '        1260, 1261, 1262, 1263, 1264, 1265, 1266, 1267, 1268, 1269, 1270, 1271,\n'
              '        1272, 1273, 1274, 1275, 1276, 1277, 1278, 1279, 1280, 1281, 1282, 1283,\n'
              '        1284, 1285, 1286, 1287, 1288, 1289, 1290, 1291, 1292, 1293, 1294, 1295,\n'
              '        1296, 1297, 1298, 1299, 1300, 1301, 1302, 1303, 1304, 1305, 1306, 1307,\n'
              '        1308, 1309, 1310, 1311, 1312, 1313, 1314, 1315, 1316, 1317, 1318, 1319,\n'
              '        1320, 1321, 1322, 1323, 1324, 1325, 1326, 1327, 1328, 1329, 1330, 1331,\n'
              '        1332, 1333, 1334, 1335, 1336, 1337, 1338, 1339, 1340, 1341, 1342, 1343,\n'
              '        1344, 1345, 1346, 1347, 1348, 1349, 1350, 1351, 1352, 1353, 1354, 1355,\n'
              '        1356, 1357, 1358, 1359, 1360, 1361, 1362, 1363, 1364, 1365, 1366, 1367,\n'
              '        1368, 1369, 1370, 1371, 1372, 1373, 1374, 1375, 1376, 1377, 1378, 1379,\n'
              '        1380, 1381, 1382, 1383, 1384, 1385, 1386, 1387, 1388, 1389, 1390, 1391,\n'
              '        1392, 1393, 1394, 1395, 1396, 1397, 1398, 1399, 1400, 1401, 1402, 1403,\n'
              '        1404, 1405, 1406, 1407, 1408, 1409, 1410, 1411, 1412, 1413, 1414, 1415,\n'
              '        1416, 1417, 1418, 1419, 1420, 1421, 1422, 1423, 1424, 1425, 1426, 1427,\n'
              '        1428, 1429, 1430, 1431, 1432, 1433, 1434, 1435, 1436, 1437, 1438, 1439,\n'
              '        1440, 1441, 1442, 1443, 1444, 1445, 1446, 1447, 1448, 1449, 1450, 1451,\n'
              '        1452, 1453, 1454, 1455, 1456, 1457, 1458, 1459, 1460, 1461, 1462, 1463,\n'
              '        1464, 1465, 1466, 1467, 1468, 1469, 1470, 1471, 1472, 1473, 1474, 1475,\n'
              '        1476, 1477, 1478, 1479, 1480, 1481, 1482, 1483, 1484, 1485, 1486, 1487,\n'
              '        1488, 1489, 1490, 1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1499])'},
 {'id': 'opt_edge1',
  'expr': 'rs.randn(4, 4, 4)',
  'dtype': 'float32',
  'opts': {'threshold': 5, 'edgeitems': 1},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([[[ 1.7641,  ...,  2.2409],\n'
              '         ...,\n'
              '         [ 0.7610,  ...,  0.3337]],\n'
              '\n'
              '        ...,\n'
              '\n'
              '        [[-1.6139,  ...,  0.3869],\n'
              '         ...,\n'
              '         [-0.6725,  ..., -1.7263]]])'},
 {'id': 'opt_edge0_1d',
  'expr': 'np.arange(10.0) * 1.5',
  'dtype': 'float32',
  'opts': {'threshold': 5, 'edgeitems': 0},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([...], size=(10,))'},
 {'id': 'opt_edge0_2d',
  'expr': 'np.arange(20).reshape(4, 5)',
  'dtype': 'int64',
  'opts': {'threshold': 5, 'edgeitems': 0},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([...], size=(4, 5))'},
 {'id': 'opt_edge0_small',
  'expr': 'np.arange(3.0)',
  'dtype': 'float64',
  'opts': {'edgeitems': 0},
  'suffixes': [],
  'device': None,
  'prefix': 'tensor(',
  'expected': 'tensor([0., 1., 2.], size=(3,), dtype=torch.float64)'},
 {'id': 'device_float',
  'expr': 'np.array([1.0, 2.5])',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': "device='cpu'",
  'prefix': 'tensor(',
  'expected': "tensor([1.0000, 2.5000], device='cpu')"},
 {'id': 'device_dtype_grad',
  'expr': 'rs.randn(6)',
  'dtype': 'float64',
  'opts': {},
  'suffixes': ['requires_grad=True'],
  'device': "device='cpu'",
  'prefix': 'tensor(',
  'expected': "tensor([ 1.7641,  0.4002,  0.9787,  2.2409,  1.8676, -0.9773], device='cpu',\n"
              '       dtype=torch.float64, requires_grad=True)'},
 {'id': 'prefix_subclass',
  'expr': 'rs.randn(3, 4)',
  'dtype': 'float32',
  'opts': {},
  'suffixes': [],
  'device': None,
  'prefix': 'MyTensor(',
  'expected': 'MyTensor([[ 1.7641,  0.4002,  0.9787,  2.2409],\n'
              '          [ 1.8676, -0.9773,  0.9501, -0.1514],\n'
              '          [-0.1032,  0.4106,  0.1440,  1.4543]])'}]
# END GENERATED
