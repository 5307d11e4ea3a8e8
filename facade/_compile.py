"""The ONLY place a lazy graph becomes a pure function, and the cache of compiled programs.

A walk over the graph yields a structural key: one entry per slot, in topological order:
  int sig            a concrete input array of that aval (sig of (None, (), shape, dtype))
  'f' / 'i'          a Python float / int scalar argument (packed into one host array each)
  (sig, *in_slots)   an op applied to earlier slots
The key fully determines the program, so `build` needs nothing else: programs are cached by
key, and input data and scalars are arguments, never baked-in constants.
"""
from __future__ import annotations

import collections
import itertools
import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax._src.core import trace_state_clean

from . import config
from ._graph import SIGS, Node, PackBuffer, Packed, intern_sig

# ------------------------------------------------------------------ counters
_counters = collections.Counter()


_COUNTER_NAMES = (
    "compiles", "calls", "cache_hits",   # all programs, whatever their tier
    "whole_compiles", "whole_calls", "whole_runs",     # graphs run as one program
    "tiered_runs",                                     # graphs run in segments (_tiers.py)
    "segment_compiles", "segment_calls", "op_compiles", "op_calls",
    "background_compiles", "background_errors",        # submitted, failed (see config)
    "donated")   # buffers of replaced values a training step took over (autograd/engine.py)


def counters() -> dict:
    """compiles: programs built; calls: program invocations; cache_hits: reuses; and the
    same per tier: whole graphs, recurring segments, single ops (see facade/_tiers.py);
    donated: buffers that training steps took over."""
    return {k: _counters[k] for k in _COUNTER_NAMES}


def reset_counters():
    _counters.clear()


# ------------------------------------------------------------------ the walk
_CONST_SIGS: dict = {}


def _input_sig(n):
    if n.op is LEAF and n.requires_grad:
        return leaf_input_sig(n.shape, n.dtype)
    return input_sig(n.shape, n.dtype)


def input_sig(shape, dtype):
    """The sig of a concrete input array of this aval."""
    k = (shape, dtype)
    s = _CONST_SIGS.get(k)
    if s is None:
        s = _CONST_SIGS[k] = intern_sig(None, (), shape, dtype, None)
    return s


def leaf_input_sig(shape, dtype):
    """The sig of a leaf that requires grad, as an input: a key then says which of its
    inputs autograd differentiates, so everything derived from it can be cached by it."""
    k = ("leaf", shape, dtype)
    s = _CONST_SIGS.get(k)
    if s is None:
        s = _CONST_SIGS[k] = intern_sig(None, ("leaf",), shape, dtype, None)
    return s


class Walk:
    """Collects the key, the input arrays and scalars of the subgraph below some roots.

    mode 'value': any node with a value is an input.
    mode 'grad':  nodes in the autograd graph are traced through even if realized,
                  so the vjp reaches the leaves.
    mode 'graph': the autograd subgraph only; everything outside it (and every leaf)
                  is an input node (used for create_graph, where the program is itself
                  recorded as an op).
    """

    __slots__ = ("mode", "gen", "key", "nodes", "arrays", "fs", "is_", "leaves", "hooked",
                 "input_nodes", "stop", "bufs", "_buf_ids", "stale")

    def __init__(self, mode):
        self.mode = mode
        self.gen = next(_GENERATIONS)  # nodes visited by this walk carry mark == gen
        self.stop = None     # nodes to treat as inputs whatever their state
        self.key = []
        self.nodes = []      # per slot: Node, or None for a scalar
        self.arrays = []
        self.fs = []
        self.is_ = []
        self.leaves = []     # slots of requires-grad leaves met
        self.hooked = []     # slots of non-leaf nodes carrying hooks / retain_grad
        self.stale = []      # slots of autograd nodes whose saved values may be stale or
        #                      freed: the engine checks those its backward runs
        self.input_nodes = []  # nodes (or scalars) feeding the program, in argument order
        self.bufs = []       # PackBuffer arrays that packed input values slice
        self._buf_ids = {}

    def slot_of(self, n):
        return n.slot if n.mark == self.gen else None

    def add(self, root) -> int:
        """Visit the graph below `root` (post-order, iterative); return root's slot."""
        gen = self.gen
        if root.mark == gen:
            return root.slot
        key, nodes, arrays = self.key, self.nodes, self.arrays
        mode = self.mode
        graph = mode == "graph"
        value_mode = mode == "value"
        grad_mode = not value_mode
        stop = self.stop
        leaves = self.leaves
        stack = [root]
        push, pop = stack.append, stack.pop
        kappend, nappend = key.append, nodes.append
        expanded = -gen   # the mark of a node whose inputs were pushed: emit it next time
        while stack:
            n = stack[-1]
            m = n.mark
            if m == gen:
                pop()
                continue
            if m == expanded:
                pass
            elif value_mode:
                terminal = n.value is not None
            elif graph:
                terminal = not n.requires_grad or n.op is LEAF
            else:
                terminal = n.value is not None and (not n.requires_grad or n.op is LEAF)
            if m != expanded and (terminal or (stop is not None and n in stop)):
                pop()
                n.mark, n.slot = gen, len(key)
                if n.op is LEAF and n.requires_grad:
                    leaves.append(n.slot)
                nappend(n)
                if graph:
                    self.input_nodes.append(n)
                    kappend(_input_sig(n))
                    continue
                v = n.value
                if v.__class__ is Packed:
                    k = self._buf_ids.get(id(v.buf))
                    if k is None:
                        k = self._buf_ids[id(v.buf)] = len(self.bufs)
                        self.bufs.append(v.buf.array)
                    kappend(("p", k, v.off, v.size, _input_sig(n)))
                else:
                    kappend(_input_sig(n))
                    arrays.append(v)
                continue
            ins = n.inputs
            if m != expanded:
                pending = False
                for x in reversed(ins):   # first input on top: slots follow record order
                    if x.__class__ is Node and x.mark != gen:
                        push(x)
                        pending = True
                if pending:
                    n.mark = expanded
                    continue
            pop()
            stale = n.freed or n.over is not None
            if len(ins) == 1 and ins[0].__class__ is Node:   # the common unary op
                x = ins[0]
                refs = (n.sig, x.slot)
                if x.over is not None:
                    stale = True
            else:
                refs = [n.sig]
                for x in ins:
                    if x.__class__ is Node:
                        refs.append(x.slot)
                        if x.over is not None:
                            stale = True
                    else:
                        refs.append(len(key))
                        if x.__class__ is float:
                            kappend("f")
                            self.fs.append(x)
                        else:
                            kappend("i")
                            self.is_.append(int(x))
                        nappend(None)
                        if graph:
                            self.input_nodes.append(x)
                refs = tuple(refs)
            if stale and grad_mode:
                _note_stale(self, n, len(key))
            n.mark, n.slot = gen, len(key)
            if n.op is LEAF:
                leaves.append(n.slot)
            elif grad_mode and n.meta is not None and n.requires_grad:
                self.hooked.append(n.slot)
            kappend(refs)
            nappend(n)
        return root.slot

    def grad_leaves(self, roots):
        """Slots of the leaves a gradient from `roots` reaches (through the autograd graph
        only: a leaf's old value under a no_grad update is not one)."""
        key, nodes = self.key, self.nodes
        live = [False] * len(key)
        for r in roots:
            live[r] = True
        out = []
        for s in range(len(key) - 1, -1, -1):
            n = nodes[s]
            if not live[s] or n is None or not n.requires_grad:
                continue
            if n.op is LEAF:
                out.append(s)
                continue
            for r in key[s][1:]:
                live[r] = True
        out.reverse()
        return out

    def scalar_args(self):
        """The Python scalars as two device arrays (float64, int64). A training loop passes
        the same numbers each step (lr, constants), so the arrays are cached by content and
        the host-to-device copy is skipped."""
        return _scalars(self.fs, np.float64), _scalars(self.is_, np.int64)


_SCALAR_ARRAYS: collections.OrderedDict = collections.OrderedDict()


def outside_traces() -> bool:
    """False while a JAX transform traces facade code (facade.func, to_jax): values made
    then are tracers and must not be cached beyond that trace."""
    return trace_state_clean()


def _scalars(values, dtype):
    host = np.array(values, dtype)
    if not outside_traces():
        return host
    k = (dtype, host.tobytes())   # exact (0.0 and -0.0 differ here)
    dev = _SCALAR_ARRAYS.get(k)
    if dev is None:
        with _x64(True):
            dev = _SCALAR_ARRAYS[k] = jax.device_put(host)
        if len(_SCALAR_ARRAYS) > 256:
            _SCALAR_ARRAYS.popitem(last=False)
    return dev


_GENERATIONS = itertools.count(1)
_x64 = jax.enable_x64

def _note_stale(w, n, slot):
    """A node with a freed graph or a replaced input: a view or detach() alias of a replaced
    value is replaced too (they share PyTorch's version counter); autograd nodes are
    checked by the engine, where its backward runs through them (autograd/saved.py)."""
    if n.over is None and (n.op.view or n.op is DETACH) and n.inputs[0].__class__ is Node:
        n.over = n.inputs[0].over
    if n.requires_grad and n.op is not LEAF:
        w.stale.append(slot)


# the leaf op is declared here because the walk must recognise it
from ._ops.core import DETACH, LEAF  # noqa: E402


# ------------------------------------------------------------------ key -> function
def evaluate(key, arrays, fs, is_, override=None, bufs=(), only=None):
    """Run the graph described by `key` on JAX values (traced or concrete).

    override: {slot: fn(value) -> value}, applied right after a slot is computed; the vjp
    uses it to substitute the differentiated leaves and to add zero perturbations.
    only: compute just these op slots (the others stay None).
    """
    env = []
    ai = fi = ii = 0
    for i, e in enumerate(key):
        c = e.__class__
        if c is int:
            v = arrays[ai]
            ai += 1
        elif c is str:
            if e == "f":
                v = fs[fi]
                fi += 1
            else:
                v = is_[ii]
                ii += 1
        elif e[0].__class__ is str:  # ("p", buffer, offset, size, sig): a packed input
            v = bufs[e[1]][e[2]:e[2] + e[3]].reshape(SIGS[e[4]][2])
        elif only is not None and i not in only:
            v = None
        else:
            op, params, shape, dtype, cdtype = SIGS[e[0]]
            args = op_args(key, e, env)
            v = op.impl(*args, **dict(params)) if params else op.impl(*args)
            if v.dtype != dtype.np:
                v = v.astype(dtype.np)
        if override is not None:
            f = override.get(len(env))
            if f is not None:
                v = f(v)
        env.append(v)
    return env


def closure(key, slots):
    """The slots that computing `slots` needs."""
    need, stack = set(), [s for s in slots if s >= 0]
    while stack:
        s = stack.pop()
        if s in need:
            continue
        need.add(s)
        e = key[s]
        if e.__class__ is tuple and e[0].__class__ is int:
            stack.extend(e[1:])
    return need


def op_args(key, e, env):
    """The arguments of op entry `e`: scalars cast to the compute dtype, and tensors too
    for ops that promote (PyTorch computes `int_tensor * 2.5` in float32)."""
    op, params, shape, dtype, cdtype = SIGS[e[0]]
    args = []
    for r in e[1:]:
        a = env[r]
        if key[r].__class__ is str or (op.promote and a.dtype != cdtype.np):
            a = a.astype(cdtype.np if cdtype is not None else dtype.np)
        args.append(a)
    return args


def vjp_program(key, roots, cots, targets, perturbed, olds=(), extra=(), pack=None):
    """fn(arrays, fs, is_, bufs, ct_in) -> (root values, grads of targets, [env[s] for s in
    extra]), or (root values, packed buffers of grads + extras) when `pack` is a layout.

    roots: slots of the outputs. cots: per root, the slot of its cotangent, -1 for ones, or
    -2-k for ct_in[k]. targets: slots to differentiate. perturbed: per target, True to
    differentiate an added zero (paths through the node are kept: non-leaf inputs of
    autograd.grad, retain_grad), False to substitute a variable (leaves, and the cut points
    where hooks run). olds: per target, a slot added to its gradient (accumulation), or -1.
    """
    # outside the vjp, compute only what it does not produce (the leaves' values, the
    # cotangents, old gradients, extra outputs): the forward runs once, inside the vjp
    outside = closure(key, [t for t, p in zip(targets, perturbed) if not p] + list(cots)
                      + list(olds) + list(extra))

    def fn(arrays, fs, is_, bufs=(), ct_in=()):
        env = evaluate(key, arrays, fs, is_, bufs=bufs, only=outside)
        primals = [jnp.zeros(SIGS[_sig(key[t])][2], SIGS[_sig(key[t])][3].np) if p else env[t]
                   for t, p in zip(targets, perturbed)]

        def f(*tv):
            ov = {}
            for t, p, v in zip(targets, perturbed, tv):
                ov[t] = (lambda x, v=v: x + v) if p else (lambda x, v=v: v)
            e2 = evaluate(key, arrays, fs, is_, ov, bufs)
            return [e2[r] for r in roots]

        outs, pull = jax.vjp(f, *primals)
        ct = []
        for o, c in zip(outs, cots):
            v = jnp.ones_like(o) if c == -1 else (env[c] if c >= 0 else ct_in[-2 - c])
            ct.append(jnp.broadcast_to(v.astype(o.dtype), o.shape))
        grads = list(pull(ct))
        for i, o in enumerate(olds):
            if o >= 0:
                grads[i] = env[o] + grads[i]
        rest = grads + [env[s] for s in extra]
        if pack is None:
            return outs, grads, rest[len(grads):]
        order, places = pack
        flat = [[] for _ in order]
        alone = []
        for x, (g, _, _) in zip(rest, places):
            (alone if g < 0 else flat[g]).append(x if g < 0 else x.ravel())
        return outs, [jnp.concatenate(parts) for parts in flat], alone
    return fn


def _sig(e):
    """The sig of a key entry (an input's, a packed input's or an op's)."""
    if e.__class__ is int:
        return e
    return e[4] if e[0].__class__ is str else e[0]


def unpack(buffers, alone, pack, avals):
    """Host side of a packed result: one Packed value per small item (sharing the
    buffers), the large items as they came."""
    bufs = [PackBuffer(b) for b in buffers]
    alone = iter(alone)
    return [Packed(bufs[g], off, size, shape) if g >= 0 else next(alone)
            for (g, off, size), (shape, _) in zip(pack[1], avals)]


# ------------------------------------------------------------------ the program cache
class ProgramCache:
    """Structural key -> jitted program (with whatever the caller keeps beside it), least
    recently used evicted past `maxsize`. `make()` builds the entry on a miss."""

    def __init__(self, maxsize=None):
        self.maxsize = maxsize   # None: config.max_programs
        self._d = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        d = self._d
        prog = d.get(key)
        if prog is not None:
            _counters["cache_hits"] += 1
            d.move_to_end(key)
            return prog
        prog = make()
        _counters["compiles"] += 1
        _counters["whole_compiles"] += 1
        bound = self.maxsize or config.max_programs
        with self._lock:
            d[key] = prog
            while len(d) > bound:
                d.popitem(last=False)
        return prog

    def lookup(self, key):
        """The entry for `key`, or None (no compile on a miss)."""
        prog = self._d.get(key)
        if prog is not None:
            _counters["cache_hits"] += 1
            self._d.move_to_end(key)
        return prog

    def put(self, key, prog):
        """Insert a program built elsewhere (a background compile)."""
        _counters["compiles"] += 1
        _counters["whole_compiles"] += 1
        bound = self.maxsize or config.max_programs
        with self._lock:
            self._d[key] = prog
            while len(self._d) > bound:
                self._d.popitem(last=False)

    def clear(self):
        self._d.clear()

    def __contains__(self, key):
        return key in self._d

    def __len__(self):
        return len(self._d)


PROGRAMS = ProgramCache()


_POOL = None
_PENDING: dict = {}   # key -> Future of a whole-graph program being compiled


def compile_later(key, make, args):
    """Build a whole-graph program on a worker thread and run it once there (so the jit
    caches are warm); the graph keeps running tiered until it lands in PROGRAMS. XLA
    compiles outside the GIL, so the user's loop goes on meanwhile."""
    global _POOL
    if key in _PENDING:
        return
    if _POOL is None:
        import concurrent.futures
        _POOL = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="facade-compile")

    def work():
        try:
            entry = make()
            prog = entry[0] if entry.__class__ is tuple else entry
            with _x64(True):
                jax.block_until_ready(prog(*args))
            PROGRAMS.put(key, entry)
        except Exception:   # the tiered path keeps working (and raises the user's error)
            _counters["background_errors"] += 1
        finally:
            _PENDING.pop(key, None)
    _counters["background_compiles"] += 1
    _PENDING[key] = _POOL.submit(work)


def wait_for_compiles():
    """Block until the background compiles submitted so far are done."""
    for f in list(_PENDING.values()):
        f.result()


class Program:
    """A program compiled ahead of time for the avals and placements of the arguments it
    was built with (`jax.jit(fn).lower(*args).compile()`): a quarter of the memory a
    `jax.jit` function keeps per program, and no retracing. Called with inputs placed
    elsewhere (another device, a mesh), it falls back to `jax.jit` once for good."""

    __slots__ = ("exe", "fn", "donate")

    def __init__(self, fn, args, donate=()):
        self.fn, self.donate = fn, donate
        with _x64(True):
            self.exe = jax.jit(fn, donate_argnums=donate).lower(*args).compile()

    def __call__(self, *args):
        try:
            return self.exe(*args)
        except (ValueError, TypeError):   # placed otherwise, or traced: not this executable
            if self.fn is None:
                raise
            self.exe, self.fn = jax.jit(self.fn, donate_argnums=self.donate), None
            return self.exe(*args)


def program(fn, args, donate=()):
    """The program running `fn` on `args`-like inputs (see Program), giving the buffers of
    the `donate` arguments to its results; inside a JAX trace (facade.func, to_jax), a
    jitted function, which JAX inlines."""
    if not outside_traces():
        return jax.jit(fn)
    return Program(fn, args, donate)


def call(prog, *args):
    """Run a compiled program in x64 mode (so float64/int64 are real), count the call."""
    _counters["calls"] += 1
    _counters["whole_calls"] += 1
    with _x64(True):
        return prog(*args)


def trace_in_x64(fn, *args):
    with _x64(True):
        return fn(*args)


# ------------------------------------------------------------------ lazy state
# Tensors written in place outside autograd whose new value is still lazy (optimizer
# buffers, BatchNorm running stats, zeroed grads): weak references, appended by
# Tensor._set_root. The next program computes their values too, so their chains of updates
# never grow across steps even when nothing reads them.
STATES: list = []


def pending_states(exclude=()):
    """The lazy state nodes still current in their tensors; empties the register."""
    if not STATES:
        return []
    out, seen = [], {id(n) for n in exclude}
    for ref in STATES:
        t = ref()
        if t is None:
            continue
        n = t._node
        if n.value is None and not n.requires_grad and id(n) not in seen:
            seen.add(id(n))
            out.append(n)
    STATES.clear()
    return out


# ------------------------------------------------------------------ realize
# facade.jit's capture state while a jitted function is being recorded (see facade/jit.py):
# reading a value then is Python control flow on a tensor, which it reports
CAPTURE = None


def realize(root: Node):
    """Compute a node's value with one program over its unevaluated subgraph."""
    if root.value is not None:
        return value_of(root)
    if CAPTURE is not None:
        CAPTURE.on_read(root)
    w = Walk("value")
    r = w.add(root)
    lazy_leaves = tuple(s for s in w.leaves if w.nodes[s].value is None)
    states = tuple(w.add(n) for n in pending_states((root,))) if outside_traces() else ()
    outs = (r,) + tuple(dict.fromkeys(lazy_leaves + states))
    key = ("value", tuple(w.key), outs)

    def make():
        k = key[1]

        def fn(arrays, fs, is_, bufs):
            env = evaluate(k, arrays, fs, is_, bufs=bufs)
            return [env[s] for s in outs]
        return program(fn, (w.arrays, *w.scalar_args(), w.bufs))

    if not _tiers.whole_due(key, make, lambda: (w.arrays, *w.scalar_args(), w.bufs)):
        env = _tiers.run_value(key[1], outs, w.arrays, w.fs, w.is_, w.bufs)
        for s, n in enumerate(w.nodes):   # keep every value computed: later reads are free
            v = env[s]
            if v is not None and n is not None and n.value is None:
                set_value(n, v)
        return value_of(root)
    _counters["whole_runs"] += 1
    prog = PROGRAMS.get(key, make)
    vals = call(prog, w.arrays, *w.scalar_args(), w.bufs)
    for s, v in zip(outs, vals):
        set_value(w.nodes[s], v)
    return value_of(root)


def value_of(n: Node):
    """A realized node's value as an array (packed values are sliced out on the host)."""
    v = n.value
    return v.materialize() if v.__class__ is Packed else v


def set_value(n: Node, v):
    """Cache a computed value; a node outside the autograd graph forgets its inputs."""
    n.value = v
    if not n.requires_grad or n.op is LEAF:
        n.inputs = ()


from . import _tiers  # noqa: E402  (imports evaluate and the counters from here)
