"""torch.nn.functional: bound from the op table."""
from .._ops.table import FUNCTIONAL as _F

globals().update(_F)
__all__ = sorted(_F)
