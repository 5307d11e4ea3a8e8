"""torch.amp: autocast and GradScaler, so mixed-precision training code runs unchanged.

facade does not change dtypes inside `autocast`: ops compute in their inputs' dtypes (on a
CPU, and on a GPU where XLA picks its own precisions), so results are float32 where PyTorch's
would be float16/bfloat16 (more precise, not bit-equal). As on a CPU build of PyTorch,
`autocast("cuda")` and `GradScaler("cuda")` without a GPU warn and disable themselves.
GradScaler scales the loss by a power of two and unscales the gradients exactly, skipping a
step whose gradients are not finite, as PyTorch's does.
"""
from __future__ import annotations

import functools
import warnings

from . import _device

_STATE = {"enabled": {}, "dtype": {}}


def _available(device_type):
    if device_type == "cpu":
        return True
    return bool(_device._platform_devices(device_type))


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a context
    manager (or decorator) that records that autocast is on (`is_autocast_enabled`);
    dtypes are left as they are (see the module docstring)."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        _device.device(device_type)    # PyTorch's error for an unknown device type
        self.device = device_type
        from . import _dtype as D
        self.fast_dtype = dtype if dtype is not None else (
            D.bfloat16 if device_type == "cpu" else D.float16)
        if enabled and device_type == "cuda" and not _available("cuda"):
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          UserWarning, stacklevel=2)
            enabled = False
        self._enabled = bool(enabled)

    def __enter__(self):
        self.prev = (_STATE["enabled"].get(self.device, False),
                     _STATE["dtype"].get(self.device))
        _STATE["enabled"][self.device] = self._enabled
        _STATE["dtype"][self.device] = self.fast_dtype
        return self

    def __exit__(self, *exc):
        _STATE["enabled"][self.device], _STATE["dtype"][self.device] = self.prev
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return wrapper


def is_autocast_enabled(device_type=None) -> bool:
    return bool(_STATE["enabled"].get(device_type or "cuda", False))


def get_autocast_dtype(device_type):
    from . import _dtype as D
    return _STATE["dtype"].get(device_type) or (D.bfloat16 if device_type == "cpu"
                                                else D.float16)


def custom_fwd(fwd=None, *, device_type=None, cast_inputs=None):
    if fwd is None:
        return lambda f: f
    return fwd


def custom_bwd(bwd=None, *, device_type=None):
    if bwd is None:
        return lambda f: f
    return bwd


class GradScaler:
    """torch.amp.GradScaler: scale(loss) multiplies by the scale, step(optimizer) unscales
    the gradients (once per step) and skips the step when one is inf/nan, update() grows or
    shrinks the scale. Disabled (the identity) when asked for CUDA without a GPU."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0,
                 backoff_factor=0.5, growth_interval=2000, enabled=True):
        self._device = device
        if enabled and device == "cuda" and not _available("cuda"):
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                          "Disabling.", UserWarning, stacklevel=2)
            enabled = False
        self._enabled = bool(enabled)
        self._scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._unscaled = {}     # id(optimizer) -> found inf

    def is_enabled(self):
        return self._enabled

    def scale(self, outputs):
        if not self._enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        return outputs * self._scale

    def unscale_(self, optimizer):
        if not self._enabled:
            return
        if id(optimizer) in self._unscaled:
            raise RuntimeError("unscale_() has already been called on this optimizer since "
                               "the last update().")
        import facade
        inv = 1.0 / self._scale
        found = False
        with facade.no_grad():
            grads = [p.grad for g in optimizer.param_groups for p in g["params"]
                     if p.grad is not None]
            for g in grads:
                g.mul_(inv)
            if grads:
                found = not bool(facade.stack([g.isfinite().all() for g in grads]).all())
        self._unscaled[id(optimizer)] = found

    def step(self, optimizer, *args, **kwargs):
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if id(optimizer) not in self._unscaled:
            self.unscale_(optimizer)
        if self._unscaled[id(optimizer)]:
            return None
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale)
        elif any(self._unscaled.values()):
            self._scale *= self._backoff_factor
            self._growth_tracker = 0
        else:
            self._growth_tracker += 1
            if self._growth_tracker == self._growth_interval:
                self._scale *= self._growth_factor
                self._growth_tracker = 0
        self._unscaled = {}

    def get_scale(self):
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = float(new_factor)

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = float(new_factor)

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = int(new_interval)

    def state_dict(self):
        if not self._enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval,
                "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])


__all__ = ["autocast", "GradScaler", "is_autocast_enabled", "get_autocast_dtype",
           "custom_fwd", "custom_bwd"]
