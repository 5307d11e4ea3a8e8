"""torch.utils (the data-loading part: `facade.utils.data`)."""
from . import data, dlpack

__all__ = ["data", "dlpack"]
