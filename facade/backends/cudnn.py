"""torch.backends.cudnn: available where JAX sees an NVIDIA GPU (XLA uses cuDNN there)."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10


def is_available() -> bool:
    from .. import cuda
    return cuda.is_available()


def version():
    """None without a GPU (as a CPU build of PyTorch answers), else an int like 90100."""
    if not is_available():
        return None
    try:
        from jax._src.lib import cuda_versions
        return cuda_versions.cudnn_get_version()
    except Exception:   # pragma: no cover (depends on the jaxlib build)
        return None


def is_acceptable(tensor) -> bool:
    return is_available() and tensor.is_cuda


class flags:
    """Context manager setting the flags for a block (PyTorch's torch.backends.cudnn.flags)."""

    def __init__(self, enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
                 allow_tf32=True):
        self.new = dict(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                        deterministic=deterministic, allow_tf32=allow_tf32)

    def __enter__(self):
        g = globals()
        self.old = {k: g[k] for k in self.new}
        g.update(self.new)

    def __exit__(self, *exc):
        globals().update(self.old)
        return False
