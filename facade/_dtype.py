"""dtypes: PyTorch's names and promotion rules over NumPy/JAX dtypes.

PyTorch promotes by category (bool < integer < floating < complex) in three tiers:
dimensioned tensors, zero-dim tensors, then Python scalars ("wrapped numbers"). A
lower tier only matters when it is of a higher category, so `float32_tensor * 2.5`
stays float32 and `int_tensor * 2.5` becomes the default float dtype.
"""
from __future__ import annotations

import numpy as np

try:  # ml_dtypes ships with jax
    from ml_dtypes import bfloat16 as _np_bfloat16
except ImportError:  # pragma: no cover
    _np_bfloat16 = None


class dtype:
    """A PyTorch-like dtype: `facade.float32`, printed as `torch.float32`."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed", "_kind")

    def __init__(self, name, np_dtype, kind):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self._kind = kind  # 0 bool, 1 int, 2 float, 3 complex
        self.is_floating_point = kind == 2
        self.is_complex = kind == 3
        self.is_signed = name not in ("bool", "uint8")

    def __repr__(self):
        return "torch." + self.name

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self):
        return {"float64": complex128}.get(self.name, complex64)

    def __reduce__(self):
        return (_by_name, (self.name,))


def _by_name(name):
    return _BY_NAME[name]


bool_ = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
bfloat16 = dtype("bfloat16", _np_bfloat16, 2) if _np_bfloat16 is not None else None
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)

ALL = [d for d in (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32,
                   float64, complex64, complex128) if d is not None]
_BY_NAME = {d.name: d for d in ALL}
_BY_NP = {d.np: d for d in ALL}
# PyTorch's aliases
ALIASES = {"bool": bool_, "half": float16, "float": float32, "double": float64,
           "short": int16, "int": int32, "long": int64, "cfloat": complex64,
           "cdouble": complex128, "float16": float16, "float32": float32, "float64": float64,
           "bfloat16": bfloat16, "uint8": uint8, "int8": int8, "int16": int16,
           "int32": int32, "int64": int64, "complex64": complex64, "complex128": complex128}

_default_float = float32


# the names PyTorch's error messages use: ScalarType ("Float") and C++ ("float")
_SCALAR_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                 "int32": "Int", "int64": "Long", "float16": "Half", "bfloat16": "BFloat16",
                 "float32": "Float", "float64": "Double", "complex64": "ComplexFloat",
                 "complex128": "ComplexDouble"}
_CPP_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
              "int16": "short int", "int32": "int", "int64": "long int", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
              "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def scalar_name(d) -> str:
    return _SCALAR_NAMES[d.name]


def cpp_name(d) -> str:
    return _CPP_NAMES[d.name]


def get_default_dtype():
    return _default_float


def set_default_dtype(d):
    global _default_float
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def as_dtype(d) -> dtype:
    """Accept a facade dtype, a NumPy/JAX dtype, a Python type or a name."""
    if isinstance(d, dtype):
        return d
    if d is bool:
        return bool_
    if d is int:
        return int64
    if d is float:
        return _default_float
    if d is complex:
        return complex64
    if isinstance(d, str) and d in ALIASES:
        return ALIASES[d]
    try:
        npd = np.dtype(d)
    except TypeError:
        raise TypeError(f"dtype must be a facade dtype, got {d!r}") from None
    if npd in _BY_NP:
        return _BY_NP[npd]
    if npd == np.dtype(np.uint32) or npd == np.dtype(np.uint64):
        return int64
    raise TypeError(f"unsupported dtype {d!r}")


def from_numpy_dtype(npd) -> dtype:
    return _BY_NP[np.dtype(npd)]


def _promote_same_category(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a._kind == 2:  # both floating
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize > b.itemsize else b
    if a._kind == 3:
        return a if a.itemsize > b.itemsize else b
    if a._kind == 0:
        return a
    # integers: uint8 mixes with signed ints like NumPy
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize > b.itemsize else b


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types: the higher category wins; within one, the wider type."""
    if a is b:
        return a
    if a._kind != b._kind:
        hi, lo = (a, b) if a._kind > b._kind else (b, a)
        if hi._kind == 3 and lo._kind == 2:
            return _promote_same_category(hi, lo.to_complex())
        return hi
    return _promote_same_category(a, b)


def _combine_categories(higher, lower):
    """c10's combine_categories: the result of a tier only wins if its category is higher."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(v) -> dtype:
    """The dtype PyTorch gives a Python number standing alone."""
    if isinstance(v, bool):
        return bool_
    if isinstance(v, int):
        return int64
    if isinstance(v, complex):
        return complex64 if _default_float is float32 else complex128
    return _default_float


def result_type(dims, zero_dims, scalars):
    """PyTorch's result type for dimensioned tensors, 0-d tensors and Python scalars."""
    d = z = s = None
    for t in dims:
        d = t if d is None else promote_types(d, t)
    for t in zero_dims:
        z = t if z is None else promote_types(z, t)
    for v in scalars:
        t = scalar_dtype(v)
        s = t if s is None else promote_types(s, t)
    return _combine_categories(d, _combine_categories(z, s))


def is_integral(d: dtype, include_bool=False) -> bool:
    return d._kind == 1 or (include_bool and d._kind == 0)


class finfo:
    """torch.finfo over NumPy's."""

    def __init__(self, d=None):
        d = as_dtype(d if d is not None else _default_float)
        fi = np.finfo(d.np) if d is not bfloat16 else None
        if fi is None:
            import ml_dtypes
            fi = ml_dtypes.finfo(d.np)
        self.dtype = d.name
        self.bits = d.itemsize * 8
        self.eps = float(fi.eps)
        self.max = float(fi.max)
        self.min = float(fi.min)
        self.tiny = self.smallest_normal = float(fi.tiny)
        self.resolution = float(fi.resolution)


class iinfo:
    """torch.iinfo over NumPy's."""

    def __init__(self, d):
        d = as_dtype(d)
        ii = np.iinfo(d.np)
        self.dtype = d.name
        self.bits = d.itemsize * 8
        self.max = int(ii.max)
        self.min = int(ii.min)
