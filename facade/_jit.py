"""facade.jit: a whole imperative step (forward, backward, optimizer update) as ONE program.

    >>> @facade.jit
    ... def step(x, y):
    ...     opt.zero_grad()
    ...     loss = F.mse_loss(model(x), y)
    ...     loss.backward()
    ...     opt.step()
    ...     return loss

How: each call runs the function in *capture* mode, where nothing executes. `backward()`
records the gradients as lazy ops (the vjp of the recorded forward) instead of running a
program; in-place writes (parameter updates, optimizer state, BatchNorm buffers, `.grad`)
are noted, whether the tensors came in as arguments or through closures (the model, the
optimizer). On return, the function's results and every tensor it wrote are computed by one
program over the values the tensors had on entry, and written back. The program is cached
by the recorded graph's structure (shapes, dtypes, ops, which leaves require grad), so a
loop compiles once per signature and then makes one program call per step; data and
Python scalars (a learning rate) are arguments, never baked-in constants.

Recording costs microseconds of Python per op each call (the function is re-run, not
replayed), which keeps it exact: a new shape, a different branch or a static argument is a
new structure, never a stale program.

Reading a tensor's value inside the function (`if loss > 0`, `loss.item()`, `float(t)`,
printing) raises `JitValueError` naming the line: the value does not exist until the step
runs. Use `facade.where`, a static argument, or move that part outside `jit`.
"""
from __future__ import annotations

import functools
import inspect
import os
import weakref

import jax

from . import _compile
from ._compile import PROGRAMS, Walk, call, evaluate, set_value
from ._tensor import Tensor

__all__ = ["jit", "JitValueError"]


class JitValueError(RuntimeError):
    """A tensor's value was read (bool, item, float, print...) inside facade.jit."""


_FACADE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_frame():
    """The innermost frame outside facade itself: the line that read the value."""
    f = inspect.currentframe()
    while f is not None:
        path = os.path.abspath(f.f_code.co_filename)
        if not path.startswith(_FACADE_DIR + os.sep):
            return f
        f = f.f_back
    return None


class _Capture:
    """State of one capture: the tensors written in place, the metas whose .grad was set."""

    def __init__(self, name):
        self.name = name
        self.written = []     # weakrefs: temporaries written in place die with the call
        self.seen = set()
        self.grads = []

    def wrote(self, t):
        i = id(t)
        if i not in self.seen:
            self.seen.add(i)
            self.written.append(weakref.ref(t))

    def on_read(self, node):
        f = _user_frame()
        where = ""
        if f is not None:
            import linecache
            line = linecache.getline(f.f_code.co_filename, f.f_lineno).strip()
            where = f' at {f.f_code.co_filename}:{f.f_lineno} ("{line}")'
        raise JitValueError(
            f"facade.jit({self.name}): the value of a tensor was read{where} while the "
            "function is being compiled: Python control flow or conversion on a tensor "
            "(bool(t), if t, t.item(), float(t), print(t)) needs a value that does not exist "
            "until the whole step runs. Use facade.where(cond, a, b) instead of a branch on "
            "a tensor, pass the value as a static argument (static_argnums/static_argnames), "
            "or run that part outside facade.jit.")

    def tensors(self):
        """Tensors to write back: those written in place (still alive) and new gradients."""
        out = []
        for r in self.written:
            t = r()
            if t is not None and t._base is None:
                out.append(t)
        for meta in self.grads:
            if meta.grad is not None:
                out.append(meta.grad)
        return out


def _flat_tensors(tree):
    leaves = jax.tree_util.tree_leaves(tree, is_leaf=lambda x: isinstance(x, Tensor))
    return [x for x in leaves if isinstance(x, Tensor)]


def run_program(tensors):
    """Compute the lazy values of `tensors` with one program (compiled at once, no tiers:
    a jitted step is meant to recur) and cache them on their nodes."""
    nodes, seen = [], set()
    for t in tensors:
        n = t._base_sync()
        if n.value is None and id(n) not in seen:
            seen.add(id(n))
            nodes.append(n)
    if not nodes:
        return
    w = Walk("value")
    outs = tuple(w.add(n) for n in nodes)
    lazy_leaves = tuple(s for s in w.leaves if w.nodes[s].value is None and s not in outs)
    outs = outs + lazy_leaves
    key = ("jit", tuple(w.key), outs)

    def make():
        k = key[1]

        def fn(arrays, fs, is_, bufs):
            env = evaluate(k, arrays, fs, is_, bufs=bufs)
            return [env[s] for s in outs]
        return jax.jit(fn)

    _compile._counters["whole_runs"] += 1
    prog = PROGRAMS.get(key, make)
    vals = call(prog, w.arrays, *w.scalar_args(), w.bufs)
    for s, v in zip(outs, vals):
        set_value(w.nodes[s], v)


def _check_static(fn, static_argnums, static_argnames, args, kwargs):
    for i in static_argnums:
        if i < len(args):
            _hashable(args[i], f"argument {i}")
    for k in static_argnames:
        if k in kwargs:
            _hashable(kwargs[k], f"argument {k!r}")


def _hashable(v, what):
    if isinstance(v, Tensor):
        raise TypeError(f"facade.jit: static {what} is a Tensor; static arguments must be "
                        "hashable Python values (pass tensors as ordinary arguments)")
    try:
        hash(v)
    except TypeError:
        raise TypeError(f"facade.jit: static {what} of type {type(v).__name__} is not "
                        "hashable") from None


def jit(fn=None, *, static_argnums=(), static_argnames=(), donate=False):
    """Compile a whole imperative step into one cached program (see the module docstring).
    Usable as `@facade.jit`, `@facade.jit(static_argnums=(1,))`, on a method (e.g. a
    Module's forward) or on a module (`facade.jit(model)`).

    static_argnums / static_argnames: arguments that select the program (Python values that
    steer control flow); they must be hashable. Any change of structure (shapes, dtypes,
    branches taken) selects another program in any case, so these document intent.
    donate: accepted for compatibility; the state's old buffers are not donated yet."""
    if fn is None:
        return lambda f: jit(f, static_argnums=static_argnums,
                             static_argnames=static_argnames, donate=donate)
    if isinstance(static_argnums, int):
        static_argnums = (static_argnums,)
    if isinstance(static_argnames, str):
        static_argnames = (static_argnames,)
    name = getattr(fn, "__qualname__", None) or type(fn).__name__

    @functools.wraps(fn if not hasattr(fn, "forward") else fn.forward)
    def wrapper(*args, **kwargs):
        if _compile.CAPTURE is not None:   # nested: part of the outer step
            return fn(*args, **kwargs)
        _check_static(fn, static_argnums, static_argnames, args, kwargs)
        cap = _Capture(name)
        _compile.CAPTURE = cap
        try:
            out = fn(*args, **kwargs)
        finally:
            _compile.CAPTURE = None
        run_program(_flat_tensors(out) + cap.tensors())
        return out

    wrapper.__wrapped_jit__ = fn
    return wrapper
