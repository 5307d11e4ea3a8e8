"""facade: PyTorch's imperative autograd API on JAX.

    import facade as torch

Ops record a lazy graph; observing a value or calling backward() runs one cached,
jitted XLA program for the unevaluated part of the graph.
"""
from __future__ import annotations

from . import _ops  # noqa: F401  (declares the op table)
from ._dtype import (bfloat16, complex64, complex128, dtype, finfo, float16, float32, float64,
                     get_default_dtype, iinfo, int8, int16, int32, int64, promote_types,
                     set_default_dtype, uint8)
from ._dtype import bool_ as bool  # noqa: A001
from ._format import set_printoptions
from ._ops.table import FUNCTIONS as _FUNCTIONS
from ._tensor import LEGACY_TYPES as _LEGACY_TYPES
from ._tensor import Size, Tensor, _install_methods, device, tensor
from ._device import get_default_device, set_default_device
from ._device import install as _device_install
from ._factory import (Generator, arange, as_tensor, default_generator, empty, empty_like, eye,
                       from_numpy, full, full_like, initial_seed, linspace, manual_seed, ones,
                       ones_like, rand, rand_like, randint, randint_like, randn, randn_like,
                       randperm, seed, zeros, zeros_like)
from . import accelerator, autograd, config, cuda, debug, distributed, linalg, nn
from . import func, optim, utils, viz
from . import amp, backends, mps, xpu
from .amp import autocast, is_autocast_enabled
from ._jit import JitValueError, compile, jit  # noqa: A004  (torch.compile)
from . import compiler
from .func import vmap
from .serialization import load, save
from .autograd import (enable_grad, inference_mode, is_anomaly_check_nan_enabled,
                       is_anomaly_enabled, set_detect_anomaly, is_grad_enabled, is_inference_mode_enabled,
                       no_grad, set_grad_enabled)

_install_methods()
_device_install(Tensor)


def from_jax(array):
    """A tensor over a JAX array, no copy (facade.func.from_jax also wraps JAX functions)."""
    return func.tensor_of(array)


def from_dlpack(ext_tensor):
    """A tensor sharing the memory of a DLPack-capable array (JAX, NumPy, PyTorch...)."""
    import jax
    import jax.dlpack
    with jax.enable_x64(True):   # float64 stays float64
        return func.tensor_of(jax.dlpack.from_dlpack(ext_tensor))


globals().update(_LEGACY_TYPES)
globals().update({k: v for k, v in _FUNCTIONS.items() if k not in globals()})

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128
__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


def result_type(tensor1, tensor2):
    from ._ops.table import promoted
    nodes = [t._base_sync() if isinstance(t, Tensor) else t for t in (tensor1, tensor2)]
    return promoted(nodes)


def can_cast(from_, to):
    from ._tensor import _can_cast
    return _can_cast(from_, to)


def broadcast_shapes(*shapes):
    from ._ops.table import broadcast_shapes as b
    return Size(b(*[(s,) if isinstance(s, builtins_int) else tuple(s) for s in shapes]))


import builtins as _builtins  # noqa: E402

builtins_int = _builtins.int


# ------------------------------------------------------------------ global switches
_MATMUL_PRECISION = ["highest"]
_DETERMINISTIC = [False, False]


def set_float32_matmul_precision(precision):
    """torch.set_float32_matmul_precision ("highest", "high", "medium"): kept and read back
    (XLA on a CPU computes float32 matmuls in float32 whatever it says)."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision}")
    _MATMUL_PRECISION[0] = precision


def get_float32_matmul_precision():
    return _MATMUL_PRECISION[0]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Kept and read back: XLA's programs are deterministic on a CPU."""
    _DETERMINISTIC[:] = [_builtins.bool(mode), _builtins.bool(warn_only)]


def are_deterministic_algorithms_enabled():
    return _DETERMINISTIC[0]


def is_deterministic_algorithms_warn_only_enabled():
    return _DETERMINISTIC[1]
