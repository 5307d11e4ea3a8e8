"""facade.linalg: the vector norm (matrix functions are not implemented)."""
from ._ops.reductions import vector_norm

__all__ = ["vector_norm"]
