"""torch.backends.mkl (reported as a CPU build of PyTorch does)."""


def is_available() -> bool:
    return True
