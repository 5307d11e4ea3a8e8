"""torch.backends.cuda: built where JAX has a GPU backend; matmul precision flags kept."""


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True
    fp32_precision = "none"


matmul = _Matmul()


def is_built() -> bool:
    """Whether JAX has a CUDA/ROCm backend with devices (a CPU build of PyTorch: False)."""
    from .. import cuda
    return cuda.is_available()


def preferred_linalg_library(backend=None):
    return "default"


def flash_sdp_enabled() -> bool:
    return is_built()


def enable_flash_sdp(enabled: bool) -> None:
    pass


def math_sdp_enabled() -> bool:
    return True


def enable_math_sdp(enabled: bool) -> None:
    pass


def mem_efficient_sdp_enabled() -> bool:
    return is_built()


def enable_mem_efficient_sdp(enabled: bool) -> None:
    pass
