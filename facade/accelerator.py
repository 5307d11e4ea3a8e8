"""torch.accelerator: which accelerator JAX found (its default backend when not the CPU).

    >>> facade.accelerator.current_accelerator()      # on a machine with GPUs
    device(type='cuda')
    >>> facade.accelerator.current_accelerator()      # CPU only
    None
"""
from __future__ import annotations

import jax

from . import _device

_NONE = "Cannot access accelerator device when none is available."


def current_accelerator(check_available: bool = False):
    """The accelerator's device type as a facade device (no index), or None."""
    t = _device._accelerator_type()
    return None if t is None else _device.device(t)


def is_available() -> bool:
    return _device._accelerator_type() is not None


def device_count() -> int:
    t = _device._accelerator_type()
    return 0 if t is None else len(_device._platform_devices(t))


def _need():
    t = _device._accelerator_type()
    if t is None:
        raise RuntimeError(_NONE)
    return t


def current_device_index() -> int:
    t = _need()
    return _device.CUDA.current if t == "cuda" else 0


current_device_idx = current_device_index


def set_device_index(device) -> None:
    t = _need()
    if t == "cuda":
        from . import cuda
        cuda.set_device(device)


set_device_idx = set_device_index


def synchronize(device=None) -> None:
    """Wait until every array on the accelerator is computed."""
    t = _need()
    d = _device.jax_device(device if device is not None else _device.device(t))
    jax.block_until_ready([a for a in jax.live_arrays() if d in a.devices()])


__all__ = ["current_accelerator", "is_available", "device_count", "current_device_index",
           "set_device_index", "synchronize"]
