"""torch.backends.mps: Apple's GPUs, where JAX has the jax-metal plugin."""


def is_available() -> bool:
    from .. import _device
    return bool(_device._platform_devices("mps"))


def is_built() -> bool:
    return is_available()


def is_macos_or_newer(major: int, minor: int) -> bool:
    return False
