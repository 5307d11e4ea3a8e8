"""torch.compiler: the few names code written for torch.compile calls (see facade.compile)."""
from __future__ import annotations

from . import _compile


def reset() -> None:
    """Drop every compiled program (the next calls compile again)."""
    _compile.PROGRAMS.clear()


def is_compiling() -> bool:
    """False: facade records Python code as it runs; it is never inside a compiler."""
    return False


is_dynamo_compiling = is_compiling


def disable(fn=None, recursive=True, *, reason=None):
    """A decorator that leaves `fn` as it is (facade has no tracer to turn off)."""
    if fn is None:
        return lambda f: f
    return fn


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


__all__ = ["reset", "is_compiling", "is_dynamo_compiling", "disable", "allow_in_graph",
           "assume_constant_result"]
