"""Running a graph that is not compiled whole: in segments, each a small cached program.

Compiling a never-seen graph structure whole costs 35 ms to 1 s of XLA time, for one run;
PyTorch eager pays microseconds. So a structure runs whole only from its
`config.compile_after`-th sighting on (DESIGN.md 3, "Graphs are dynamic"). Before that its
op entries are cut into segments, each run by a program cached by the segment's own
structure, so the cost of a new graph is a few cached calls per repeated unit:

- the cut falls after each occurrence of the graph's most repeated op (the "anchor"), so
  the cell of an unrolled loop is one piece, whatever the loop's length; pieces are grouped
  into segments of at least SEGMENT_OPS ops (two cells of a small RNN: half the calls);
- a segment whose structure has been seen `compile_after` times (counting repeats within one
  graph: an RNN cell recurs at once) runs as one program; any other runs piece by piece,
  and a piece that does not recur op by op, through programs cached per (op, static params,
  input avals).

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


class _Tmpl:
    """One segment structure: how often it was seen, and zeros of its inputs' and outputs'
    avals (cotangents and accumulators where none flowed yet). Its programs are cached in
    SEGMENTS under ("f", tmpl) and ("v", tmpl, differentiated inputs)."""

    __slots__ = ("mini", "seen", "kind", "zeros")

    def __init__(self, mini, kind):
        self.mini, self.seen, self.kind, self.zeros = mini, 0, kind, {}

    def zero(self, v):
        k = (v.shape, v.dtype)
        z = self.zeros.get(k)
        if z is None:
            z = self.zeros[k] = _zeros(v.shape, v.dtype)
        return z


class _Templates:
    """Segment structures -> templates, least recently used forgotten past `maxsize`."""

    def __init__(self, maxsize):
        self.d = collections.OrderedDict()
        self.maxsize = maxsize

    def get(self, mini, kind):
        d = self.d
        t = d.get(mini)
        if t is None:
            t = d[mini] = _Tmpl(mini, kind)
            while len(d) > self.maxsize:
                d.popitem(last=False)
        else:
            d.move_to_end(mini)
        return t


# A graph counts as recurring only if it comes back before `compile_window` other
# structures were seen: a loop whose graph changes every step meets an old structure now
# and then, and compiling each of those whole would only grow the cache.
GRAPHS_SEEN = _Seen(lambda: config.compile_window)
SEGMENTS_SEEN = _Templates(8192)


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
_AS_INPUT: dict = {}   # an entry's sig -> the input sig of its value's aval


def _as_input(sig):
    s = _AS_INPUT.get(sig)
    if s is None:
        _, _, shape, dtype, _ = SIGS[sig]
        s = _AS_INPUT[sig] = input_sig(shape, dtype)
    return s


_DIFF: dict = {}   # op sig -> whether gradients flow through it


def _flows(sig):
    d = _DIFF.get(sig)
    if d is None:
        op, _, _, dtype, _ = SIGS[sig]
        d = _DIFF[sig] = not op.nograd and (dtype.is_floating_point or dtype.is_complex)
    return d


class _Run:
    """One segment of this graph: its template (structure `mini`: external inputs' sigs,
    its op entries with refs into them (>= 0) or into the segment (-1 - i), its outputs),
    and where it sits in the key (`ext`: the external slots, `outs`: the output slots);
    `diff`: the positions of the inputs a gradient flows to, `owners`: their slots."""

    __slots__ = ("tmpl", "ext", "outs", "vals", "diff", "owners")

    def __init__(self, key, slots, live, sigs, reach):
        local = {}
        for i, s in enumerate(slots):
            local[s] = i
        ext, pos, ops = [], {}, []
        for s in slots:
            e = key[s]
            refs = [e[0]]
            for r in e[1:]:
                li = local.get(r)
                if li is None:
                    j = pos.get(r)
                    if j is None:
                        j = pos[r] = len(ext)
                        ext.append(r)
                    refs.append(j)
                else:
                    refs.append(-1 - li)
            ops.append(tuple(refs))
        if len(slots) > 1:
            out = tuple([i for i, s in enumerate(slots) if s in live])
            kind = "segment"
        else:   # a lone op's value is always used elsewhere (or is a result)
            out = (0,)
            kind = "op"
        ins = []
        for r in ext:
            g = sigs[r]
            ins.append(g if g < 0 else _as_input(g))
        self.tmpl = SEGMENTS_SEEN.get((tuple(ins), tuple(ops), out), kind)
        self.ext = ext
        self.outs = [slots[i] for i in out]
        self.vals = None
        if reach is not None:
            self.diff = diff = tuple([j for j, r in enumerate(ext) if reach[r]])
            self.owners = [ext[j] for j in diff]


def _sigs(key):
    """Per slot: the entry's sig (an op's, or an input's), -1 / -2 for a float / int."""
    sigs = []
    for e in key:
        c = e.__class__
        if c is int:
            sigs.append(e)
        elif c is str:
            sigs.append(-1 if e == "f" else -2)
        elif e[0].__class__ is str:   # a packed input
            sigs.append(e[4])
        else:
            sigs.append(e[0])
    return sigs


def _plan(key, keep, cut_after=(), reach=None):
    """Segments to run, in order: the op entries are cut after each occurrence of the
    anchor, the most repeated local structure (an op's sig and its inputs' sigs: what makes
    two occurrences the same step of a repeated unit; ties: the earliest declared sig, so
    the choice is stable across steps), and after `cut_after` slots; these pieces are
    grouped up to SEGMENT_OPS ops. A segment whose structure has been seen `compile_after`
    times (repeats within one graph count) runs as one program; any other runs piece by
    piece, and a piece that does not recur op by op."""
    sigs = _sigs(key)
    ops, locs = [], []
    for s, e in enumerate(key):
        if e.__class__ is tuple and e[0].__class__ is int:
            ops.append(s)
            if len(e) == 2:
                locs.append((e[0], sigs[e[1]]))
            elif len(e) == 3:
                locs.append((e[0], sigs[e[1]], sigs[e[2]]))
            else:
                locs.append((e[0],) + tuple([sigs[r] for r in e[1:]]))
    counts = collections.Counter(locs)
    best = max(counts.values()) if counts else 0
    anchor = min(k for k, c in counts.items() if c == best) if best >= 2 else None
    seg_of = [-1] * len(key)
    coarse, cur = [], []
    cut_after = set(cut_after)
    for s, loc in zip(ops, locs):
        cur.append(s)
        seg_of[s] = len(coarse)
        if loc == anchor or s in cut_after:
            coarse.append(cur)
            cur = []
    if cur:
        coarse.append(cur)
    # pieces are grouped into segments of at least SEGMENT_OPS ops (two cells of a small
    # RNN, say), never across a cut made for a target; a group whose structure does not
    # recur yet runs piece by piece
    groups, cur, n = [], [], 0
    for piece in coarse:
        cur.append(piece)
        n += len(piece)
        if n >= SEGMENT_OPS or piece[-1] in cut_after:
            groups.append(cur)
            cur, n = [], 0
    if cur:
        groups.append(cur)
    grp_of = [-1] * len(key)
    for i, group in enumerate(groups):
        for piece in group:
            for s in piece:
                grp_of[s] = i
    live = set(keep)   # values used outside their piece (splitting others changes nothing)
    live_group = set(keep)
    for s in ops:
        i, g = seg_of[s], grp_of[s]
        for r in key[s][1:]:
            j = seg_of[r]
            if j >= 0 and j != i:
                live.add(r)
                if grp_of[r] != g:
                    live_group.add(r)
    plan = []
    after = config.compile_after
    for group in groups:
        if len(group) > 1:
            run = _Run(key, [s for piece in group for s in piece], live_group, sigs, reach)
            run.tmpl.seen += 1
            if run.tmpl.seen >= after:
                plan.append(run)
                continue
        for slots in group:
            if len(slots) > 1:
                run = _Run(key, slots, live, sigs, reach)
                run.tmpl.seen += 1
                if run.tmpl.seen >= after:
                    plan.append(run)
                    continue
            for s in slots:
                plan.append(_Run(key, (s,), live, sigs, reach))
    return plan


# Pieces (cut after each anchor) are grouped until a segment has this many ops: fewer,
# larger program calls per step (each call costs about as much as the arithmetic of a small
# cell), at the price of more distinct segment structures to compile.
SEGMENT_OPS = 8


# ------------------------------------------------------------------ programs
def _std_key(mini):
    """A segment's structure as a key that `evaluate` runs: its inputs, then its ops."""
    ins, ops, out = mini
    n = len(ins)
    key = [("f" if g == -1 else "i" if g == -2 else g) for g in ins]
    for e in ops:
        key.append((e[0],) + tuple([r if r >= 0 else n - 1 - r for r in e[1:]]))
    return key, [n + i for i in out]


def _split(key, vals):
    """The external values of a segment as evaluate's (arrays, floats, ints)."""
    arrays, fs, is_ = [], [], []
    for e, v in zip(key, vals):
        (fs if e == "f" else is_ if e == "i" else arrays).append(v)
    return arrays, fs, is_


def _forward_program(mini):
    key, out = _std_key(mini)
    n = len(mini[0])

    def fn(vals):
        env = evaluate(key, *_split(key[:n], vals))
        return [env[p] for p in out]
    return jax.jit(fn)


def _vjp_program(mini, diff):
    """fn(vals, cts, accs) -> per differentiated input (positions `diff` in vals), its
    running cotangent `accs[k]` plus this segment's contribution. Every output gets a
    cotangent and every input an accumulator (zeros where there is none yet), so one
    program serves all steps of a loop."""
    key, out = _std_key(mini)
    n = len(mini[0])

    def fn(vals, cts, accs):
        def f(*dv):
            v = list(vals)
            for i, x in zip(diff, dv):
                v[i] = x
            env = evaluate(key, *_split(key[:n], v))
            return [env[p] for p in out]
        _, pull = jax.vjp(f, *[vals[i] for i in diff])
        return [a + g for a, g in zip(accs, pull(list(cts)))]
    return jax.jit(fn)


def _run_forward(plan, env):
    get = SEGMENTS.get
    for run in plan:
        t = run.tmpl
        prog = get(("f", t), lambda: _forward_program(t.mini), t.kind)
        vals = run.vals = [env[r] for r in run.ext]
        _counters[t.kind + "_calls"] += 1
        for s, v in zip(run.outs, prog(vals)):
            env[s] = v
    _counters["calls"] += len(plan)


def _unpacker(items):
    return jax.jit(lambda buf: [buf[o:o + n].reshape(shape) for o, n, shape in items])


_SCALARS: collections.OrderedDict = collections.OrderedDict()


def _scalar(v, kind):
    """A Python scalar as a (cached) device array: float64 / int64, as whole programs get
    them, and an argument a program call takes without converting it each time."""
    k = (kind, v.hex()) if kind == "f" else (kind, v)
    a = _SCALARS.get(k)
    if a is None:
        a = _SCALARS[k] = jnp.asarray(v, jnp.float64 if kind == "f" else jnp.int64)
        if len(_SCALARS) > 1024:
            _SCALARS.popitem(last=False)
    return a


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
                env[s] = _scalar(float(fs[fi]), "f")
                fi += 1
            else:
                env[s] = _scalar(int(is_[ii]), "i")
                ii += 1
        elif e[0].__class__ is str:  # a packed input
            packed.setdefault(e[1], []).append((s, (e[2], e[3], SIGS[e[4]][2])))
    for b, items in packed.items():
        layout = tuple(i for _, i in items)
        prog = SEGMENTS.get(("unpack", layout), lambda: _unpacker(layout), "op")
        _counters["calls"] += 1
        _counters["op_calls"] += 1
        for (s, _), v in zip(items, prog(bufs[b])):
            env[s] = v
    return env


def _finisher(pack, olds):
    """The end of a tiered backward, as one call: the old gradients added in, and the
    results packed like the whole program's (so the next step sees the same structure)."""
    def fn(grads, old, extra):
        gs = list(grads)
        for i, o in zip(olds, old):
            gs[i] = o + gs[i]
        values = gs + list(extra)
        if pack is None:
            return values
        order, places = pack
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
    with _x64(True):
        env = _inputs_env(key, arrays, fs, is_, bufs)
        _run_forward(_plan(key, set(outs)), env)
    return env


_ONES: dict = {}


def _ones(shape, dtype):
    k = (shape, dtype)
    v = _ONES.get(k)
    if v is None:
        v = _ONES[k] = jnp.ones(shape, dtype)
    return v


def _zeros(shape, dtype):
    k = ("0", shape, dtype)
    v = _ONES.get(k)
    if v is None:
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
    with _x64(True):
        return _run_vjp(key, arrays, fs, is_, bufs, roots, cots, targets, perturbed, olds,
                        extra, ct_in, pack)


def _run_vjp(key, arrays, fs, is_, bufs, roots, cots, targets, perturbed, olds, extra, ct_in,
             pack):
    env = _inputs_env(key, arrays, fs, is_, bufs)
    keep = set(roots)
    keep.update(c for c in cots if c >= 0)
    keep.update(o for o in olds if o >= 0)
    keep.update(extra)
    keep.update(targets)
    op_targets = [t for t in targets if key[t].__class__ is tuple
                  and key[t][0].__class__ is int]
    # which slots lead to a target (only those need cotangents)
    tset = set(targets)
    reach = [False] * len(key)
    for t in targets:
        reach[t] = True
    for s, e in enumerate(key):
        if e.__class__ is tuple and e[0].__class__ is int and not reach[s] \
                and _flows(e[0]):
            for r in e[1:]:
                if reach[r]:
                    reach[s] = True
                    break
    plan = _plan(key, keep, op_targets, reach)
    substituted = {t for t, p in zip(targets, perturbed) if not p}
    _run_forward(plan, env)
    ct = {}
    for r, c in zip(roots, cots):
        o = env[r]
        v = _ones(o.shape, o.dtype) if c == -1 else (env[c] if c >= 0 else ct_in[-2 - c])
        if v.shape != o.shape or v.dtype != o.dtype:
            v = _CAST(v, o)
        ct[r] = v if r not in ct else _ADD(ct[r], v)
    final = {}
    get = SEGMENTS.get
    calls = 0
    for run in reversed(plan):
        outs = run.outs
        for s in outs:
            if s in tset:
                final[s] = ct.get(s)
                if s in substituted:
                    ct.pop(s, None)
        diff = run.diff
        if not diff:
            continue
        for o in outs:
            if o in ct:
                break
        else:
            continue
        t = run.tmpl
        prog = get(("v", t, diff), lambda: _vjp_program(t.mini, diff), t.kind)
        cts = []
        for o in outs:
            g = ct.pop(o, None)
            cts.append(t.zero(env[o]) if g is None else g)
        owners = run.owners
        accs = []
        for r in owners:
            g = ct.get(r)
            accs.append(t.zero(env[r]) if g is None else g)
        for r, g in zip(owners, prog(run.vals, cts, accs)):
            ct[r] = g
        _counters[t.kind + "_calls"] += 1
        calls += 1
    _counters["calls"] += calls
    grads = []
    for t in targets:
        g = final[t] if t in final else ct.get(t)
        if g is None:
            _, _, shape, dtype, _ = SIGS[_sig(key[t])]
            g = _zeros(shape, dtype.np)
        grads.append(g)
    outs = [env[r] for r in roots]
    with_old = tuple([i for i, o in enumerate(olds) if o >= 0]) if olds else ()
    if pack is None and not with_old:
        return outs, grads, [env[s] for s in extra]
    hkey = ("finish", tuple(pack[0]) if pack else None, tuple(pack[1]) if pack else None,
            with_old)
    prog = SEGMENTS.get(hkey, lambda: _finisher(pack, with_old), "op")
    _counters["calls"] += 1
    _counters["op_calls"] += 1
    res = prog(grads, [env[olds[i]] for i in with_old], [env[s] for s in extra])
    if pack is not None:
        return (outs,) + tuple(res)
    return outs, res[:len(targets)], res[len(targets):]
