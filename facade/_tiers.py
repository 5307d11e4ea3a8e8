"""Running a graph that is not compiled whole: in segments, each a small cached program.

Compiling a never-seen graph structure whole costs 35 ms to 1 s of XLA time, for one run;
PyTorch eager pays microseconds. So a structure runs whole only from its
`config.compile_after`-th sighting on (DESIGN.md 3, "Graphs are dynamic"). Before that its
op entries are cut into segments, each run by a program cached by the segment's own
structure, so the cost of a new graph is a few cached calls per repeated unit:

- the cut falls after each occurrence of the graph's most repeated op (the "anchor"), so
  the cell of an unrolled loop is one segment, whatever the loop's length;
- a segment whose structure has been seen `compile_after` times (counting repeats within one
  graph: an RNN cell recurs at once) runs as one program; any other runs op by op, through
  programs cached per (op, static params, input avals).

Segments evaluate the same key entries with the same `evaluate` as the whole program, so
every tier computes the same numbers. Backward runs each segment's `jax.vjp` in reverse
order, threading the running cotangent of each input through (no separate additions).
"""
from __future__ import annotations

import collections

import jax
import jax.numpy as jnp

from . import config
from ._compile import PROGRAMS, _counters, _sig, _x64, compile_later, evaluate, input_sig
from ._graph import SIGS


class _Cache:
    """Segment and op programs: bounded, least recently used evicted."""

    def __init__(self):
        self.d = collections.OrderedDict()

    def get(self, key, make, kind):
        d = self.d
        p = d.get(key)
        if p is not None:
            d.move_to_end(key)
            _counters["cache_hits"] += 1
            return p
        p = d[key] = make()
        _counters["compiles"] += 1
        _counters[kind + "_compiles"] += 1
        while len(d) > config.max_segment_programs:
            d.popitem(last=False)
        return p

    def __len__(self):
        return len(self.d)


SEGMENTS = _Cache()


class _Seen:
    """How often each structure (by hash) has been seen, forgetting the least recently
    seen past `maxsize` distinct ones (a callable: read from config at each use)."""

    def __init__(self, maxsize):
        self.d = collections.OrderedDict()
        self.maxsize = maxsize

    def bump(self, key) -> int:
        h = hash(key)
        d = self.d
        c = d.get(h, 0) + 1
        d[h] = c
        d.move_to_end(h)
        while len(d) > self.maxsize():
            d.popitem(last=False)
        return c


# A graph counts as recurring only if it comes back before `compile_window` other
# structures were seen: a loop whose graph changes every step meets an old structure now
# and then, and compiling each of those whole would only grow the cache.
GRAPHS_SEEN = _Seen(lambda: config.compile_window)
SEGMENTS_SEEN = _Seen(lambda: 8192)


def whole_due(key, make, args) -> bool:
    """Run this graph as one program? Yes once compiled. On its compile_after-th sighting,
    compile it now, or with `config.background_compile` on a worker thread while it keeps
    running tiered (so a rare repeat of a large structure never stalls the loop).
    args: a function giving the program's arguments (for the background warm-up)."""
    if key in PROGRAMS:
        return True
    if GRAPHS_SEEN.bump(key) < config.compile_after:
        return False
    if config.background_compile:
        compile_later(key, make, args())
        return False
    return True


# ------------------------------------------------------------------ segmentation
def _is_op(e):
    return e.__class__ is tuple and e[0].__class__ is int


_SCALAR_REF = {"f": -1, "i": -2}


def _local(key, s):
    """An op entry's sig and its inputs' sigs: what makes two occurrences the same step of
    a repeated unit (an op's sig alone does not say which inputs it combines)."""
    e = key[s]
    refs = []
    for r in e[1:]:
        x = key[r]
        refs.append(_SCALAR_REF[x] if x.__class__ is str else _sig(x))
    return (e[0], tuple(refs))


def _partition(key, ops, cut_after):
    """Op slots in segments: cut after each occurrence of the anchor, the most repeated
    local structure (ties: the earliest declared sig, so the choice is stable across
    steps), and after `cut_after` slots."""
    locs = [_local(key, s) for s in ops]
    counts = collections.Counter(locs)
    best = max(counts.values()) if counts else 0
    anchor = min(k for k, c in counts.items() if c == best) if best >= 2 else None
    segs, cur = [], []
    for s, loc in zip(ops, locs):
        cur.append(s)
        if loc == anchor or s in cut_after:
            segs.append(cur)
            cur = []
    if cur:
        segs.append(cur)
    return segs


class _Segment:
    """One segment's program signature: the mini key (its external inputs as input entries,
    then its ops), the external slots, and which of its values leave it (`out`, positions
    in the mini key)."""

    __slots__ = ("slots", "ext", "mini", "out", "key")

    def __init__(self, key, slots, live):
        ext, where = [], dict.fromkeys(slots, -1)  # -1: internal, resolved below
        for s in slots:
            for r in key[s][1:]:
                if r not in where:
                    where[r] = len(ext)
                    ext.append(r)
        n = len(ext)
        mini = [_ext_entry(key[r]) for r in ext]
        for i, s in enumerate(slots):
            where[s] = n + i
        for s in slots:
            e = key[s]
            mini.append((e[0],) + tuple([where[r] for r in e[1:]]))
        out = tuple([n + i for i, s in enumerate(slots) if s in live]) if len(slots) > 1 \
            else (n,)   # a lone op's value is always used elsewhere (or is a result)
        self.slots, self.ext, self.mini, self.out = slots, ext, tuple(mini), out
        self.key = (self.mini, out)


def _ext_entry(e):
    """An external input of a segment as an entry of its mini key."""
    if e.__class__ is str:
        return e
    _, _, shape, dtype, _ = SIGS[_sig(e)]
    return input_sig(shape, dtype)


def _plan(key, keep, cut_after=()):
    """Segments to run: each recurring one as a unit, the others op by op."""
    ops = [s for s, e in enumerate(key) if e.__class__ is tuple and e[0].__class__ is int]
    coarse = _partition(key, ops, set(cut_after))
    seg_of = {}
    for i, slots in enumerate(coarse):
        for s in slots:
            seg_of[s] = i
    live = set(keep)   # values used outside their segment (splitting others changes nothing)
    for s in ops:
        i = seg_of[s]
        for r in key[s][1:]:
            j = seg_of.get(r)
            if j is not None and j != i:
                live.add(r)
    plan = []
    after = config.compile_after
    for slots in coarse:
        if len(slots) > 1:
            seg = _Segment(key, slots, live)
            if SEGMENTS_SEEN.bump(seg.key) >= after:
                plan.append(seg)
                continue
        for s in slots:
            plan.append(_Segment(key, (s,), live))
    return plan


# ------------------------------------------------------------------ programs
def _forward_program(seg):
    mini, out = seg.mini, seg.out

    def fn(arrays, fs, is_):
        env = evaluate(mini, arrays, fs, is_)
        return [env[p] for p in out]
    return jax.jit(fn)


def _vjp_program(seg, diff):
    """fn(arrays, fs, is_, cts, accs) -> per differentiated array input (positions `diff` in
    `arrays`), its running cotangent `accs[k]` plus this segment's contribution. Every
    output gets a cotangent and every input an accumulator (zeros where there is none yet),
    so one program serves all steps of a loop."""
    mini, out = seg.mini, seg.out

    def fn(arrays, fs, is_, cts, accs):
        def f(*dv):
            arrs = list(arrays)
            for i, v in zip(diff, dv):
                arrs[i] = v
            env = evaluate(mini, arrs, fs, is_)
            return [env[p] for p in out]
        _, pull = jax.vjp(f, *[arrays[i] for i in diff])
        return [a + g for a, g in zip(accs, pull(list(cts)))]
    return jax.jit(fn)


def _ext_args(seg, key, env):
    arrays, fs, is_ = [], [], []
    for r in seg.ext:
        e = key[r]
        if e == "f":
            fs.append(env[r])
        elif e == "i":
            is_.append(env[r])
        else:
            arrays.append(env[r])
    return arrays, fs, is_


def _kind(seg):
    return "segment" if len(seg.slots) > 1 else "op"


def _run_forward(plan, key, env):
    for seg in plan:
        prog = SEGMENTS.get(("f", seg.key), lambda: _forward_program(seg), _kind(seg))
        vals = prog(*_ext_args(seg, key, env))
        _counters["calls"] += 1
        _counters[_kind(seg) + "_calls"] += 1
        for p, v in zip(seg.out, vals):
            env[seg.slots[p - len(seg.ext)]] = v


def _unpacker(items):
    return jax.jit(lambda buf: [buf[o:o + n].reshape(shape) for o, n, shape in items])


def _inputs_env(key, arrays, fs, is_, bufs):
    """Values of the key's input entries; None for op slots. Packed inputs are sliced out
    of their buffers on the device, one call per buffer."""
    env = [None] * len(key)
    ai = fi = ii = 0
    packed = {}
    for s, e in enumerate(key):
        c = e.__class__
        if c is int:
            env[s] = arrays[ai]
            ai += 1
        elif c is str:
            if e == "f":
                env[s] = fs[fi]
                fi += 1
            else:
                env[s] = is_[ii]
                ii += 1
        elif e[0].__class__ is str:  # a packed input
            packed.setdefault(e[1], []).append((s, (e[2], e[3], SIGS[e[4]][2])))
    for b, items in packed.items():
        layout = tuple(i for _, i in items)
        prog = SEGMENTS.get(("unpack", layout), lambda: _unpacker(layout), "op")
        _counters["calls"] += 1
        _counters["op_calls"] += 1
        with _x64(True):
            for (s, _), v in zip(items, prog(bufs[b])):
                env[s] = v
    return env


def _packer(pack):
    order, places = pack

    def fn(values):
        flat = [[] for _ in order]
        alone = []
        for x, (g, _, _) in zip(values, places):
            (alone if g < 0 else flat[g]).append(x if g < 0 else x.ravel())
        return [jnp.concatenate(parts) for parts in flat], alone
    return jax.jit(fn)


# ------------------------------------------------------------------ entry points
def run_value(key, outs, arrays, fs, is_, bufs):
    """env with the values of `outs` (and of every segment's live-out)."""
    _counters["tiered_runs"] += 1
    env = _inputs_env(key, arrays, fs, is_, bufs)
    plan = _plan(key, set(outs))
    with _x64(True):
        _run_forward(plan, key, env)
    return env


_ONES: dict = {}


def _ones(shape, dtype):
    k = (shape, dtype)
    v = _ONES.get(k)
    if v is None:
        with _x64(True):
            v = _ONES[k] = jnp.ones(shape, dtype)
    return v


def _zeros_like(v):
    return _zeros(v.shape, v.dtype)


def _zeros(shape, dtype):
    k = ("0", shape, dtype)
    v = _ONES.get(k)
    if v is None:
        with _x64(True):
            v = _ONES[k] = jnp.zeros(shape, dtype)
    return v


_ADD = jax.jit(lambda a, b: a + b)
_CAST = jax.jit(lambda a, like: jnp.broadcast_to(a.astype(like.dtype), like.shape))


def run_vjp(key, arrays, fs, is_, bufs, roots, cots, targets, perturbed, olds=(), extra=(),
            ct_in=(), pack=None):
    """What `_compile.vjp_program` computes, segment by segment: (root values, gradients of
    targets, values of `extra`), or with a `pack` layout (root values, buffers, the large
    items alone) like the whole program, so the next step sees the same structure either way."""
    _counters["tiered_runs"] += 1
    env = _inputs_env(key, arrays, fs, is_, bufs)
    keep = set(roots) | {c for c in cots if c >= 0} | {o for o in olds if o >= 0} \
        | set(extra) | set(targets)
    op_targets = [t for t in targets if _is_op(key[t])]
    plan = _plan(key, keep, op_targets)
    # which slots lead to a target (only those need cotangents)
    tset = set(targets)
    reach = [False] * len(key)
    for s, e in enumerate(key):
        if s in tset:
            reach[s] = True
        elif _is_op(e) and not SIGS[e[0]][0].nograd and _differentiable(SIGS[e[0]][3]):
            reach[s] = any(reach[r] for r in e[1:])
    substituted = {t for t, p in zip(targets, perturbed) if not p}
    with _x64(True):
        _run_forward(plan, key, env)
        ct = {}
        for r, c in zip(roots, cots):
            o = env[r]
            v = _ones(o.shape, o.dtype) if c == -1 else (env[c] if c >= 0 else ct_in[-2 - c])
            if v.shape != o.shape or v.dtype != o.dtype:
                v = _CAST(v, o)
            ct[r] = v if r not in ct else _ADD(ct[r], v)
        final = {}
        for seg in reversed(plan):
            for s in seg.slots:
                if s in tset:
                    final[s] = ct.get(s)
                    if s in substituted:
                        ct.pop(s, None)
            _backward_segment(seg, key, env, ct, reach)
        grads = []
        for i, t in enumerate(targets):
            g = final[t] if t in final else ct.get(t)
            if g is None:
                _, _, shape, dtype, _ = SIGS[_sig(key[t])]
                g = _zeros(shape, dtype.np)
            if olds and olds[i] >= 0:
                g = _ADD(env[olds[i]], g)
                _counters["calls"] += 1
            grads.append(g)
        outs = [env[r] for r in roots]
        if pack is not None:
            hkey = ("pack", tuple(pack[0]), tuple(pack[1]))
            prog = SEGMENTS.get(hkey, lambda: _packer(pack), "op")
            _counters["calls"] += 1
            _counters["op_calls"] += 1
            return (outs,) + tuple(prog(grads + [env[s] for s in extra]))
    return outs, grads, [env[s] for s in extra]


def _differentiable(dtype):
    return dtype.is_floating_point or dtype.is_complex


def _backward_segment(seg, key, env, ct, reach):
    n = len(seg.ext)
    outs = [seg.slots[p - n] for p in seg.out]
    if not any(o in ct for o in outs):
        return
    arrays, fs, is_ = _ext_args(seg, key, env)
    diff, owners = [], []
    a = 0
    for r in seg.ext:
        if key[r].__class__ is str:
            continue
        if reach[r]:
            diff.append(a)
            owners.append(r)
        a += 1
    if not diff:
        return
    kind = _kind(seg)
    diff = tuple(diff)
    prog = SEGMENTS.get(("v", seg.key, diff), lambda: _vjp_program(seg, diff), kind)
    cts = [ct.pop(o) if o in ct else _zeros_like(env[o]) for o in outs]
    accs = [ct[r] if r in ct else _zeros_like(env[r]) for r in owners]
    gs = prog(arrays, fs, is_, cts, accs)
    _counters["calls"] += 1
    _counters[kind + "_calls"] += 1
    for r, g in zip(owners, gs):
        ct[r] = g
