"""torch.backends: what device-agnostic code asks about the backends (on JAX's devices).

    device = ("cuda" if facade.cuda.is_available() else
              "mps" if facade.backends.mps.is_available() else "cpu")

The flags code sets (`cudnn.benchmark`, `cudnn.deterministic`, `cuda.matmul.allow_tf32`)
are kept and read back; XLA chooses its own kernels, so they change no result.
"""
from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
