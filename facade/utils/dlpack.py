"""torch.utils.dlpack: tensors to and from DLPack capsules or DLPack-capable arrays (no
copies where the producer and the device allow: facade tensors are JAX arrays)."""
from __future__ import annotations


def from_dlpack(ext_tensor):
    """A tensor over a DLPack-capable array (JAX, NumPy, PyTorch...) or a DLPack capsule."""
    import facade
    if type(ext_tensor).__name__ == "PyCapsule":   # a bare capsule (legacy protocol)
        ext_tensor = _Capsule(ext_tensor)
    return facade.from_dlpack(ext_tensor)


class _Capsule:
    """A DLPack capsule with the array protocol JAX reads (host memory: the legacy
    protocol does not say where the data lives)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, *args, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


def to_dlpack(tensor):
    """A DLPack capsule of the tensor's value (its JAX array's)."""
    return tensor.jax().__dlpack__()


__all__ = ["from_dlpack", "to_dlpack"]
