"""torch.xpu: Intel GPUs, which JAX does not drive: never available."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


__all__ = ["is_available", "device_count"]
