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

`donate=True` gives the state's old arrays to the step (XLA may write the new values into
them). `facade.compile` (torch.compile) is the same capture, with value reads allowed: the
graph recorded so far is computed there (PyTorch's graph break) and the capture goes on.
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

__all__ = ["jit", "compile", "JitValueError"]


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
    """State of one capture: the tensors written in place, the metas whose .grad was set.
    strict: a value read raises JitValueError (facade.jit); otherwise the graph recorded so
    far is computed there and the capture goes on (facade.compile's graph breaks)."""

    def __init__(self, name, strict=True):
        self.name = name
        self.strict = strict
        self.written = []     # weakrefs: temporaries written in place die with the call
        self.seen = set()
        self.grads = []
        self.breaks = 0

    def wrote(self, t):
        i = id(t)
        if i not in self.seen:
            self.seen.add(i)
            self.written.append(weakref.ref(t))

    def on_read(self, node):
        if not self.strict:
            self.breaks += 1
            return
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


def run_program(tensors, donate=()):
    """Compute the lazy values of `tensors` with one program (compiled at once, no tiers:
    a jitted step is meant to recur) and cache them on their nodes.

    donate: tensors written by the step; the arrays of their values from before the step
    that the program reads are donated to it (XLA may reuse their memory for the results;
    the old arrays are deleted)."""
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
    mask = _donatable(w, donate) if donate else ()
    key = ("jit", tuple(w.key), outs, mask)

    def make():
        k = key[1]
        if not any(mask):
            def fn(arrays, fs, is_, bufs):
                env = evaluate(k, arrays, fs, is_, bufs=bufs)
                return [env[s] for s in outs]
            return jax.jit(fn)

        def fn2(kept, given, fs, is_, bufs):
            ik, ig = iter(kept), iter(given)
            arrays = [next(ig) if m else next(ik) for m in mask]
            env = evaluate(k, arrays, fs, is_, bufs=bufs)
            return [env[s] for s in outs]
        jitted = jax.jit(fn2, donate_argnums=(1,))

        def split(arrays, fs, is_, bufs):
            return jitted([a for a, m in zip(arrays, mask) if not m],
                          [a for a, m in zip(arrays, mask) if m], fs, is_, bufs)
        return split

    _compile._counters["whole_runs"] += 1
    prog = PROGRAMS.get(key, make)
    vals = call(prog, w.arrays, *w.scalar_args(), w.bufs)
    for s, v in zip(outs, vals):
        set_value(w.nodes[s], v)


def _donatable(w, written):
    """Per input array of the walk: whether it is the value a written tensor had before the
    step (a node an in-place write of that tensor replaced), held by nothing else we know."""
    ids = {id(t) for t in written}
    mask, counts, ai = [], {}, 0
    for a in w.arrays:
        counts[id(a)] = counts.get(id(a), 0) + 1
    for s, e in enumerate(w.key):
        if e.__class__ is not int:
            continue
        a = w.arrays[ai]
        ai += 1
        n = w.nodes[s]
        ok = False
        if n is not None and n.over is not None and counts[id(a)] == 1 and \
                isinstance(a, jax.Array) and not a.is_deleted():
            t = n.over[0]()
            ok = t is not None and id(t) in ids
        mask.append(ok)
    return tuple(mask)


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
    donate: donate the state's old buffers to the step (parameters, optimizer state,
    buffers written in place): XLA may write the new values into their memory, so a step
    needs about one copy of the state instead of two. The arrays the state held before the
    call are deleted: a tensor computed from them before the step and not yet realized
    (or a `.jax()` array taken from them) can no longer be read.

    Also `facade.jit.script`, `.trace`, `.ignore`, `.is_scripting` ...: PyTorch's
    torch.jit names, so code written for TorchScript runs (eagerly, unchanged)."""
    return _compiled(fn, static_argnums, static_argnames, donate, strict=True)


def _compiled(fn, static_argnums, static_argnames, donate, strict):
    if fn is None:
        return lambda f: _compiled(f, static_argnums, static_argnames, donate, strict)
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
        cap = _Capture(name, strict)
        _compile.CAPTURE = cap
        try:
            out = fn(*args, **kwargs)
        finally:
            _compile.CAPTURE = None
        written = cap.tensors()
        run_program(_flat_tensors(out) + written, donate=written if donate else ())
        return out

    wrapper.__wrapped_jit__ = fn
    return wrapper


# ------------------------------------------------------------------ torch.compile
def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False):
    """torch.compile on facade.jit: the function (or module) runs as one program per
    step, written back as facade.jit does. Unlike facade.jit, reading a value inside
    (`if loss > 0`, `.item()`, `print`) is allowed, as a graph break of PyTorch's: the
    graph recorded so far is computed there and the step goes on; `fullgraph=True` makes
    such a read raise facade.JitValueError instead. dynamic, backend, mode and options are
    accepted (XLA compiles every program). On a Module it returns an `OptimizedModule`
    wrapping it (`._orig_mod`), as PyTorch does.

        >>> model = facade.compile(model)
        >>> @facade.compile
        ... def step(x, y): ...
    """
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, disable=disable)
    if disable:
        return model
    from .nn import Module
    if isinstance(model, Module):
        return _optimized_module()(model, fullgraph)
    if not callable(model):
        raise RuntimeError(f"torch.compile(): expected a callable or an nn.Module, got "
                           f"{type(model).__name__}")
    return _compiled(model, (), (), False, strict=fullgraph)


_OPTIMIZED = []


def _optimized_module():
    if _OPTIMIZED:
        return _OPTIMIZED[0]
    from .nn import Module

    class OptimizedModule(Module):
        """What torch.compile returns for a Module: the original as `_orig_mod` (its
        parameters, state_dict under `_orig_mod.`), called through a compiled forward."""

        def __init__(self, mod, fullgraph=False):
            super().__init__()
            self._orig_mod = mod
            self.__dict__["_compiled_call"] = _compiled(mod.__call__, (), (), False,
                                                        strict=fullgraph)

        def forward(self, *args, **kwargs):
            return self.__dict__["_compiled_call"](*args, **kwargs)

        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self._modules["_orig_mod"], name)

    _OPTIMIZED.append(OptimizedModule)
    return OptimizedModule


# ------------------------------------------------------------------ torch.jit's names
def _script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """torch.jit.script: TorchScript compiles the same semantics that run eagerly here,
    so the function or module is returned as it is."""
    return obj


def _trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
           check_tolerance=1e-5, strict=True, _force_outplace=False,
           _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
           _store_inputs=True):
    """torch.jit.trace: the function or module, run eagerly (the same results)."""
    return func


def _decorator(fn=None, **kwargs):
    """torch.jit.ignore / unused / export (also called with arguments, e.g. drop=True)."""
    if fn is None:
        return lambda f: f
    return fn


class _Future:
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value


jit.script = _script
jit.trace = _trace
jit.trace_module = lambda mod, inputs=None, **kw: mod
jit.ignore = _decorator
jit.unused = _decorator
jit.export = _decorator
jit.is_scripting = lambda: False
jit.is_tracing = lambda: False
jit.annotate = lambda the_type, the_value: the_value
jit.freeze = lambda mod, preserved_attrs=None, optimize_numerics=True: mod
jit.optimize_for_inference = lambda mod, other_methods=None: mod
jit.fork = lambda func, *args, **kwargs: _Future(func(*args, **kwargs))
jit.wait = lambda fut: fut.wait()
