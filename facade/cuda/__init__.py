"""torch.cuda on JAX's GPU devices (CUDA or ROCm), as far as device-agnostic code needs it.

    device = "cuda" if facade.cuda.is_available() else "cpu"

Where JAX sees no GPU, the functions that need one raise what a CPU build of PyTorch raises
(`AssertionError: Torch not compiled with CUDA enabled`), so code takes the same branches.
Seeding: facade has one random stream for every device, seeded by `facade.manual_seed`;
`manual_seed`/`manual_seed_all` here leave it alone (as on a torch CPU build).
"""
from __future__ import annotations

import jax

from .. import _device
from .._device import NO_CUDA


def _gpus():
    return _device._platform_devices("cuda")


def _need():
    ds = _gpus()
    if not ds:
        raise AssertionError(NO_CUDA)
    return ds


def is_available() -> bool:
    """Whether JAX sees a GPU."""
    return bool(_gpus())


def device_count() -> int:
    return len(_gpus())


def is_initialized() -> bool:
    return is_available()


def current_device() -> int:
    """The index `"cuda"` without an index means (see set_device)."""
    _need()
    return _device.CUDA.current


def set_device(device) -> None:
    """Make `"cuda"` mean GPU `device` (an index, "cuda:i" or a facade device). Tensors
    made without `device=` stay on JAX's default device."""
    if not _gpus():   # what a CPU build of PyTorch raises here
        raise AttributeError("module 'torch._C' has no attribute '_cuda_setDevice'")
    ds = _need()
    i = device if isinstance(device, int) else _device.as_device(device).index
    if i is None or i < 0:
        return
    if i >= len(ds):
        raise RuntimeError("CUDA error: invalid device ordinal")
    _device.CUDA.current = i


def _index(device):
    ds = _need()
    if device is None:
        return ds[_device.CUDA.current]
    return _device.jax_device(device if not isinstance(device, int)
                              else _device.device("cuda", device))


def get_device_name(device=None) -> str:
    """JAX's name of the GPU (its device_kind, e.g. 'NVIDIA H100 80GB HBM3')."""
    return _index(device).device_kind


def synchronize(device=None) -> None:
    """Wait until every array on the GPU is computed (JAX dispatches asynchronously)."""
    d = _index(device)
    jax.block_until_ready([a for a in jax.live_arrays() if d in a.devices()])


def empty_cache() -> None:
    """Nothing to do: JAX's allocator owns the GPU memory."""


def manual_seed(seed) -> None:
    """No separate CUDA stream to seed: facade.manual_seed seeds every device's draws."""


manual_seed_all = manual_seed


def seed() -> None:
    """Nothing to seed separately (see manual_seed)."""


seed_all = seed


def initial_seed() -> int:
    _need()
    from .._factory import initial_seed as s
    return s()


def init() -> None:
    _need()


def get_arch_list() -> list:
    return [f"sm_{get_device_capability(d)[0]}{get_device_capability(d)[1]}"
            for d in range(device_count())] if _gpus() else []


default_generators = ()


def get_rng_state(device="cuda"):
    _need()
    from .._factory import default_generator
    return default_generator.get_state()


def set_rng_state(new_state, device="cuda") -> None:
    _need()
    from .._factory import default_generator
    default_generator.set_state(new_state)


def get_rng_state_all() -> list:
    return [get_rng_state() for _ in range(device_count())]


def set_rng_state_all(new_states) -> None:
    for s in new_states:
        set_rng_state(s)


# ------------------------------------------------------------------ memory
def _stats(device=None):
    """JAX's memory statistics of the GPU (an empty dict where it has none)."""
    if not _gpus():
        return {}
    try:
        return _index(device).memory_stats() or {}
    except Exception:   # pragma: no cover (backend without statistics)
        return {}


def memory_allocated(device=None) -> int:
    """Bytes held by arrays on the GPU (0 without one, as a CPU build of PyTorch says)."""
    return int(_stats(device).get("bytes_in_use", 0))


def max_memory_allocated(device=None) -> int:
    return int(_stats(device).get("peak_bytes_in_use", 0))


def memory_reserved(device=None) -> int:
    st = _stats(device)
    return int(st.get("bytes_reserved", st.get("bytes_in_use", 0)))


def max_memory_reserved(device=None) -> int:
    st = _stats(device)
    return int(st.get("peak_bytes_reserved", st.get("peak_bytes_in_use", 0)))


memory_cached = memory_reserved
max_memory_cached = max_memory_reserved


def reset_peak_memory_stats(device=None) -> None:
    """JAX keeps its own peak; nothing to reset."""


reset_max_memory_allocated = reset_peak_memory_stats
reset_accumulated_memory_stats = reset_peak_memory_stats


def memory_stats(device=None) -> dict:
    st = _stats(device)
    return {"allocated_bytes.all.current": int(st.get("bytes_in_use", 0)),
            "allocated_bytes.all.peak": int(st.get("peak_bytes_in_use", 0)),
            "reserved_bytes.all.current": memory_reserved(device)} if st else {}


def memory_summary(device=None, abbreviated=False) -> str:
    st = _stats(device)
    return ("|  JAX memory statistics  |\n" + "\n".join(f"{k}: {v}" for k, v in st.items())
            if st else "No CUDA device: no memory statistics.")


def mem_get_info(device=None):
    """(free, total) bytes of the GPU."""
    _need()
    st = _stats(device)
    total = int(st.get("bytes_limit", 0))
    return total - int(st.get("bytes_in_use", 0)), total


# ------------------------------------------------------------------ properties
class _CudaDeviceProperties:
    """What torch.cuda.get_device_properties reports, from JAX's device."""

    def __init__(self, d):
        self.name = d.device_kind
        cc = str(getattr(d, "compute_capability", "0.0") or "0.0").split(".")
        self.major, self.minor = int(cc[0]), int(cc[1]) if len(cc) > 1 else 0
        try:
            self.total_memory = int((d.memory_stats() or {}).get("bytes_limit", 0))
        except Exception:   # pragma: no cover
            self.total_memory = 0
        self.multi_processor_count = int(getattr(d, "core_count", 0) or 0)
        self.is_integrated = False
        self.is_multi_gpu_board = False

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // 2 ** 20}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    return _CudaDeviceProperties(_index(device))


def get_device_capability(device=None):
    p = get_device_properties(device)
    return p.major, p.minor


def is_bf16_supported(including_emulation=True) -> bool:
    return bool(_gpus())


# ------------------------------------------------------------------ streams, events, devices
class Event:
    """torch.cuda.Event: record() marks a point (waiting for the GPU's work so far, as JAX
    dispatches asynchronously); elapsed_time(end) in milliseconds."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if not _gpus():
            raise RuntimeError("Tried to instantiate dummy base class Event")
        self._t = None

    def record(self, stream=None):
        import time
        synchronize()
        self._t = time.perf_counter()

    def synchronize(self):
        synchronize()

    def wait(self, stream=None):
        synchronize()

    def query(self):
        return True

    def elapsed_time(self, end_event):
        return (end_event._t - self._t) * 1e3


class Stream:
    """torch.cuda.Stream: JAX orders the work on a device itself; a stream is a token."""

    def __init__(self, device=None, priority=0, **kwargs):
        if not _gpus():
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
        self.device = _device.device("cuda", current_device() if device is None else
                                     _device.as_device(device).index or 0)

    def synchronize(self):
        synchronize()

    def wait_stream(self, stream):
        pass

    def wait_event(self, event):
        pass

    def record_event(self, event=None):
        event = event or Event()
        event.record()
        return event

    def query(self):
        return True


def current_stream(device=None):
    _need()
    return Stream(device)


default_stream = current_stream


class StreamContext:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def stream(stream):
    return StreamContext(stream)


class device:
    """torch.cuda.device(idx): a context manager making GPU idx the current one."""

    def __init__(self, device):
        self.idx = device if isinstance(device, int) or device is None else \
            (_device.as_device(device).index or 0 if _device.as_device(device).type == "cuda"
             else -1)

    def __enter__(self):
        if not _gpus():
            raise RuntimeError("PyTorch was compiled without CUDA support")
        self.prev = _device.CUDA.current
        if self.idx is not None and self.idx >= 0:
            set_device(self.idx)

    def __exit__(self, *exc):
        _device.CUDA.current = self.prev
        return False


class device_of(device):
    """torch.cuda.device_of(tensor): the tensor's GPU as the current one (no-op on CPU)."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else -1)

    def __enter__(self):
        if self.idx >= 0:
            super().__enter__()
        else:
            self.prev = _device.CUDA.current

    __exit__ = device.__exit__


# ------------------------------------------------------------------ legacy types
class _CudaType(type):
    def __instancecheck__(cls, obj):
        from .._tensor import Tensor
        return isinstance(obj, Tensor) and obj.is_cuda and obj.dtype is cls._dtype()


def _cuda_type(name, dtype_name):
    def new(cls, *args, **kwargs):
        if not _gpus():
            raise TypeError(f"type torch.cuda.{name} not available. Torch not compiled with "
                            "CUDA enabled.")
        from .._tensor import LEGACY_TYPES
        return LEGACY_TYPES[name](*args, **kwargs).cuda()
    return _CudaType(name, (), {"__new__": new,
                                "_dtype": staticmethod(lambda: getattr(__import__("facade"),
                                                                       dtype_name))})


FloatTensor = _cuda_type("FloatTensor", "float32")
DoubleTensor = _cuda_type("DoubleTensor", "float64")
HalfTensor = _cuda_type("HalfTensor", "float16")
BFloat16Tensor = _cuda_type("BFloat16Tensor", "bfloat16")
LongTensor = _cuda_type("LongTensor", "int64")
IntTensor = _cuda_type("IntTensor", "int32")
ShortTensor = _cuda_type("ShortTensor", "int16")
CharTensor = _cuda_type("CharTensor", "int8")
ByteTensor = _cuda_type("ByteTensor", "uint8")
BoolTensor = _cuda_type("BoolTensor", "bool")

from . import amp  # noqa: E402  (torch.cuda.amp)

__all__ = ["is_available", "device_count", "is_initialized", "current_device", "set_device",
           "get_device_name", "get_device_properties", "get_device_capability",
           "is_bf16_supported", "synchronize", "empty_cache", "manual_seed",
           "manual_seed_all", "seed", "seed_all", "initial_seed", "init", "get_arch_list",
           "get_rng_state", "set_rng_state", "memory_allocated", "max_memory_allocated",
           "memory_reserved", "max_memory_reserved", "reset_peak_memory_stats",
           "memory_stats", "memory_summary", "mem_get_info", "Event", "Stream",
           "current_stream", "default_stream", "stream", "device", "device_of", "amp"]
