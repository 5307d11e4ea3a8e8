"""facade.linalg: PyTorch's torch.linalg namespace.

Singular inputs: PyTorch raises `torch.linalg.LinAlgError` from inv/solve/cholesky after
looking at the values; facade records ops without computing, so it returns what the LU or
Cholesky factorization gives (inf/nan) instead of raising.
"""
from ._ops.linalg import (cholesky, det, eigh, eigvalsh, inv, linalg_cross as cross, matmul,
                          matrix_norm, matrix_power, norm, pinv, qr, slogdet, solve, svd,
                          svdvals)
from ._ops.reductions import vector_norm

__all__ = ["cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
           "matrix_power", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
           "vector_norm"]
