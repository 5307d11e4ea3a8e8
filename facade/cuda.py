"""torch.cuda on JAX's GPU devices (CUDA or ROCm), as far as device-agnostic code needs it.

    device = "cuda" if facade.cuda.is_available() else "cpu"

Where JAX sees no GPU, the functions that need one raise what a CPU build of PyTorch raises
(`AssertionError: Torch not compiled with CUDA enabled`), so code takes the same branches.
Seeding: facade has one random stream for every device, seeded by `facade.manual_seed`;
`manual_seed`/`manual_seed_all` here leave it alone (as on a torch CPU build).
"""
from __future__ import annotations

import jax

from . import _device
from ._device import NO_CUDA


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


__all__ = ["is_available", "device_count", "is_initialized", "current_device", "set_device",
           "get_device_name", "synchronize", "empty_cache", "manual_seed", "manual_seed_all"]
