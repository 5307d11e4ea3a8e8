"""Grad-mode context managers (per thread, as in PyTorch)."""
from __future__ import annotations

import functools

from .._dispatch import STATE


class _Mode:
    """Base: a context manager that is also a decorator."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)
        return wrapper

    _args = ()

    def clone(self):
        return self.__class__(*self._args)


class set_grad_enabled(_Mode):
    """Enable or disable gradient recording, as a function, context manager or decorator."""

    def __init__(self, mode):
        self._args = (bool(mode),)
        self.prev = STATE.enabled
        STATE.enabled = bool(mode)

    def __call__(self, fn):
        # as a decorator, the mode applies inside the function only: undo what __init__ set
        STATE.enabled = self.prev
        return super().__call__(fn)

    def __enter__(self):
        STATE.enabled = self._args[0]

    def __exit__(self, *exc):
        STATE.enabled = self.prev
        return False


class no_grad(_Mode):
    """Ops inside record no autograd history (they are still lazy and fused)."""

    def __init__(self, orig_func=None):
        if orig_func is not None and callable(orig_func):
            self._wrapped = orig_func

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            return cls()(orig_func)
        return self

    def __enter__(self):
        self.prev = STATE.enabled
        STATE.enabled = False

    def __exit__(self, *exc):
        STATE.enabled = self.prev
        return False


class enable_grad(no_grad):
    def __enter__(self):
        self.prev = STATE.enabled
        STATE.enabled = True


class inference_mode(_Mode):
    """Inference mode: no autograd, and tensors made inside are inference tensors.
    `inference_mode(False)` turns both off (grad mode on), as in PyTorch."""

    def __init__(self, mode=True):
        self._args = (mode,)
        self.mode = mode

    def __enter__(self):
        self.prev = STATE.enabled, STATE.inference
        mode = bool(self.mode)
        STATE.enabled, STATE.inference = not mode, mode

    def __exit__(self, *exc):
        STATE.enabled, STATE.inference = self.prev
        return False


def is_grad_enabled():
    return STATE.enabled


def is_inference_mode_enabled():
    return STATE.inference
