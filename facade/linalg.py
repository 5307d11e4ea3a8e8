"""facade.linalg: PyTorch's torch.linalg namespace.

Singular inputs: PyTorch raises `torch.linalg.LinAlgError` from inv/solve/cholesky after
looking at the values; facade records ops without computing, so it returns what the LU or
Cholesky factorization gives (inf/nan) instead of raising.
"""
from ._ops.linalg import (cholesky, cholesky_ex, det, eigh, eigvalsh, inv, inv_ex,
                          linalg_cross as cross, linalg_diagonal as diagonal, lstsq, matmul,
                          matrix_norm, matrix_power, matrix_rank, multi_dot, norm, pinv, qr,
                          slogdet, solve, solve_ex, svd, svdvals, vecdot)
from ._ops.reductions import vector_norm

__all__ = ["cholesky", "cholesky_ex", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv",
           "inv_ex", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
           "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "svd", "svdvals",
           "vecdot", "vector_norm"]
