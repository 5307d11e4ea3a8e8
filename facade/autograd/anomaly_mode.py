"""Anomaly detection: forward tracebacks on recorded nodes, and a backward that names the
first backward function producing NaN (slow: a debugging mode, as in PyTorch)."""
from __future__ import annotations

import os
import traceback
import warnings

import jax
import numpy as np

from .._dispatch import STATE

_ENABLED_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime "
                    "and should only be enabled for debugging.")


class detect_anomaly:
    """Context manager/decorator: enable anomaly detection inside."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn(_ENABLED_WARNING, UserWarning, stacklevel=2)

    def __enter__(self):
        self.prev = STATE.anomaly, STATE.anomaly_nan
        STATE.anomaly, STATE.anomaly_nan = True, self.check_nan

    def __exit__(self, *exc):
        STATE.anomaly, STATE.anomaly_nan = self.prev
        return False

    def __call__(self, fn):
        def wrapper(*a, **k):
            with detect_anomaly(self.check_nan):
                return fn(*a, **k)
        return wrapper


class set_detect_anomaly:
    """Enable or disable anomaly detection, as a function or a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = STATE.anomaly, STATE.anomaly_nan
        STATE.anomaly, STATE.anomaly_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        STATE.anomaly, STATE.anomaly_nan = self.prev
        return False


def is_anomaly_enabled():
    return STATE.anomaly


def is_anomaly_check_nan_enabled():
    return STATE.anomaly_nan


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def forward_stack():
    """Where the op was written (recorded on nodes while anomaly mode is on): the user's
    frames, not facade's own."""
    frames = [f for f in traceback.extract_stack()
              if not os.path.abspath(f.filename).startswith(_PACKAGE + os.sep)]
    return traceback.format_list(frames)


def check_nan(w, root_slots, cot_slots):
    """Find, in backward order, the first node whose vjp returns NaN; raise PyTorch's error."""
    from .._compile import PROGRAMS, call, op_args, vjp_program
    from .._graph import SIGS
    from .._ops import core as C
    from .graph import grad_fn_of
    inner = [s for s, n in enumerate(w.nodes) if n is not None and n.requires_grad
             and n.op is not C.LEAF and w.key[s].__class__ is tuple]
    if not inner:
        return
    key = tuple(w.key)
    prog = PROGRAMS.get(("anomaly", key, root_slots, cot_slots, tuple(inner)),
                        lambda: jax.jit(vjp_program(key, root_slots, cot_slots, inner,
                                                    (True,) * len(inner), (),
                                                    tuple(range(len(key))))))
    _, cots, env = call(prog, w.arrays, *w.scalar_args(), w.bufs)
    for s, cot in sorted(zip(inner, cots), key=lambda p: -p[0]):
        n = w.nodes[s]
        op, params = SIGS[key[s][0]][:2]
        with jax.enable_x64(True):
            args = op_args(key, key[s], env)
            _, pull = jax.vjp(lambda *a: op.impl(*a, **dict(params)), *args)
            outs = pull(cot.astype(n.dtype.np))
        for i, (g, x) in enumerate(zip(outs, n.inputs)):
            if getattr(x, "requires_grad", False) and np.isnan(np.asarray(g)).any():
                name = type(grad_fn_of(n)).__name__
                tb = getattr(n, "tb", None) or []
                warnings.warn(f"Error detected in {name}. Traceback of forward call that "
                              "caused the error:\n" + "".join(tb), UserWarning)
                raise RuntimeError(f"Function '{name}' returned nan values in its {i}th "
                                   "output.")
