"""Counters and views of what facade compiles, for tests, benchmarks and notebooks."""
from __future__ import annotations

from ._compile import PROGRAMS, counters, reset_counters, wait_for_compiles


def cache_size() -> int:
    """Number of compiled programs held in the program cache."""
    return len(PROGRAMS)


__all__ = ["counters", "reset_counters", "cache_size", "wait_for_compiles"]
