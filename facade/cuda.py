"""torch.cuda, as far as device-agnostic tutorial code needs it: `is_available()` says
whether JAX sees a GPU (the devices issue brings the rest)."""
from __future__ import annotations

import jax


def _gpus():
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


def is_available() -> bool:
    return bool(_gpus())


def device_count() -> int:
    return len(_gpus())
