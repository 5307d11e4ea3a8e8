"""torch.utils (the data-loading part: `facade.utils.data`)."""
from . import data

__all__ = ["data"]
