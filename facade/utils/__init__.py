"""torch.utils: data loading (`facade.utils.data`), DLPack (`facade.utils.dlpack`) and hook
handles (`facade.utils.hooks`)."""
from . import data, dlpack, hooks

__all__ = ["data", "dlpack", "hooks"]
