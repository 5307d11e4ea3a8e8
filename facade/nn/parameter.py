"""torch.nn.Parameter: a leaf Tensor that a Module registers as one of its parameters."""
from __future__ import annotations

from .._dispatch import record
from .._ops import core as C
from .._tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module parameter: a leaf with `requires_grad=True` by default.

        >>> p = Parameter(torch.ones(2))
        >>> p
        Parameter containing:
        tensor([1., 1.], requires_grad=True)

    Unlike PyTorch's, it does not share memory with `data` (facade tensors are values; a
    later in-place write to `data` does not reach the parameter)."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._factory import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not "
                            f"{type(data).__name__}")
        n = data._base_sync()
        if n.requires_grad:
            n = record(C.DETACH, (n,))
        t = object.__new__(cls)
        t._node = n
        t._base = None
        if requires_grad:
            if not (n.dtype.is_floating_point or n.dtype.is_complex):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                                   "gradients")
            t.requires_grad_(True)
        return t

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        import numpy as np
        return (_rebuild_parameter, (np.asarray(self._value()), self.dtype.name,
                                     self.requires_grad))


def _rebuild_parameter(arr, dtype_name, requires_grad):
    from .. import _dtype as D
    from .._tensor import tensor
    return Parameter(tensor(arr, dtype=D._BY_NAME[dtype_name]), requires_grad)


class _BufferMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and getattr(obj, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """torch.nn.Buffer: marks a tensor assigned to a module attribute as a buffer.

    `module.x = Buffer(t)` registers a detached alias of `t` as the buffer `x` (persistent
    unless `persistent=False`), as `register_buffer` does."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from .._factory import empty
            data = empty(0)
        t = data.detach()
        t.persistent = persistent
        t._is_buffer = True
        return t
