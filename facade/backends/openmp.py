"""torch.backends.openmp (reported as a CPU build of PyTorch does)."""


def is_available() -> bool:
    return True
