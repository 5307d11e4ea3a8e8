"""torch.mps: Apple's GPUs (JAX's jax-metal plugin), as far as device-agnostic code asks."""
from __future__ import annotations

from . import _device


def _devices():
    return _device._platform_devices("mps")


def device_count() -> int:
    return len(_devices())


def synchronize() -> None:
    import jax
    ds = _devices()
    if not ds:
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    jax.block_until_ready([a for a in jax.live_arrays() if ds[0] in a.devices()])


def empty_cache() -> None:
    pass


def manual_seed(seed) -> None:
    """facade.manual_seed seeds every device's draws."""


def seed() -> None:
    pass


def current_allocated_memory() -> int:
    return 0


def driver_allocated_memory() -> int:
    return 0


__all__ = ["device_count", "synchronize", "empty_cache", "manual_seed", "seed",
           "current_allocated_memory", "driver_allocated_memory"]
