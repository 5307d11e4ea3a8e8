"""backward and autograd.grad: the recorded graph becomes one jitted jax.vjp program.

The program also returns the loss (the vjp's primal output, for free), the values of
leaves that were still lazy (so update chains never grow across steps) and the accumulated
`.grad` (old grad + new, so `grad.zero_()` fuses in). Hooks on non-leaf tensors split the
backward at those tensors, as PyTorch's engine would run them there.
"""
from __future__ import annotations

import collections
import math
import sys
import warnings

import jax
import jax.extend.core as jcore
import jax.numpy as jnp
import numpy as np

from .. import _compile, _tiers, config
from .._compile import PROGRAMS, Walk, call, program, vjp_program
from .._dispatch import STATE, record
from .._graph import PACK_MAX, SIGS, Node, const_node, pack_layout
from .._ops import core as C
from .._ops.table import defop
from .._tensor import SINK, Size, Tensor
from . import saved


PACK_MIN = 2   # pack the results of a backward with more small results than this

# ------------------------------------------------------------------ checks
def _make_grads(outputs, grads):
    if len(outputs) == 1 and grads[0] is None:  # loss.backward(): the common case
        o = outputs[0]
        if o.requires_grad and o.numel() != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return [None]
    out = []
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if o.requires_grad:
                if o.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
            out.append(None)
            continue
        if not isinstance(g, Tensor):
            from .._tensor import tensor
            g = tensor(g, dtype=o.dtype)
        if tuple(g.shape) != tuple(o.shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {Size(g.shape)} and "
                f"output[{i}] has a shape of {Size(o.shape)}.")
        out.append(g)
    return out


def _as_tuple(x):
    if x is None:
        return None
    return (x,) if isinstance(x, Tensor) else tuple(x)


# ------------------------------------------------------------------ the engine
def run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=None,
                 accumulate=True, allow_unused=False):
    """Shared by Tensor.backward, autograd.backward and autograd.grad."""
    grads = _make_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    roots = []
    for i, o in enumerate(outputs):
        n = o._base_sync()
        if not n.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        roots.append(n)
    if inputs is not None:
        for t in inputs:
            if accumulate:   # backward(inputs=...) retains the grads of non-leaf inputs
                t.retain_grad()
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
    if create_graph or _compile.CAPTURE is not None:
        # inside facade.jit, backward records the gradients lazily (detached unless
        # create_graph), so they become part of the step's one program
        if accumulate and create_graph:
            _warn_create_graph_cycle()
        return _backward_graph(roots, grads, inputs, accumulate, allow_unused,
                               detach=not create_graph)
    return _backward_now(roots, grads, inputs, accumulate, retain_graph, allow_unused)


_warned_cycle = []


def _warn_create_graph_cycle():
    """PyTorch warns once per process that .grad with create_graph keeps a cycle alive."""
    if not _warned_cycle:
        _warned_cycle.append(True)
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.", UserWarning, stacklevel=4)


_PLANS: collections.OrderedDict = collections.OrderedDict()
_PLANS_MAX = 32


def _live(key, nodes, root_slots):
    """Per slot: whether the gradient from the roots reaches it, through the autograd graph
    (a value only read through detach() or no_grad is not reached)."""
    live = [False] * len(key)
    for r in root_slots:
        live[r] = True
    for s in range(len(key) - 1, -1, -1):
        if not live[s]:
            continue
        n = nodes[s]
        e = key[s]
        if n.op is C.LEAF or e.__class__ is not tuple or e[0].__class__ is not int:
            continue
        for r in e[1:]:
            x = nodes[r]
            if x is not None and x.requires_grad:
                live[r] = True
    return live


def _runs(key, nodes, live, targets):
    """Per slot: whether PyTorch's engine runs that node's backward: it is reached and
    passes gradient on towards a target."""
    dep = [False] * len(key)
    runs = [False] * len(key)
    for t in targets:
        dep[t] = True
    for s, e in enumerate(key):
        if e.__class__ is not tuple or e[0].__class__ is not int:
            continue
        n = nodes[s]
        if n.op is C.LEAF or not n.requires_grad:
            continue
        for r in e[1:]:
            if dep[r]:
                dep[s] = True
                runs[s] = live[s]
                break
    return runs


def _plan(w, k, root_slots, inputs):
    """(live, targets: per input its slots, runs), cached by the walk's key (a recurring
    autograd.grad call derives them once). inputs None: the leaves reached."""
    if inputs is not None:
        cands = []
        for t in inputs:
            n = t._base_sync()
            if n.op is C.LEAF:   # every version of the leaf the graph used (no_grad updates)
                meta = n.meta
                cands.append(() if meta is SINK else
                             tuple(s for s in w.leaves if w.nodes[s].meta is meta))
            else:
                s = w.slot_of(n)
                cands.append(() if s is None else (s,))
        cands = tuple(cands)
    else:
        cands = None
    pk = (k, root_slots, cands)
    hit = _PLANS.get(pk)
    if hit is None:
        live = _live(k, w.nodes, root_slots)
        if cands is None:
            per = None
            slots = tuple(s for s in dict.fromkeys(w.leaves) if live[s])
        else:
            per = tuple(tuple(s for s in c if live[s]) for c in cands)
            slots = tuple(dict.fromkeys(s for g in per for s in g))
        hit = _PLANS[pk] = (live, per, slots, _runs(k, w.nodes, live, slots))
        if len(_PLANS) > _PLANS_MAX:
            _PLANS.popitem(last=False)
    else:
        _PLANS.move_to_end(pk)
    live, per, slots, runs = hit
    if per is None:   # backward(): per leaf tensor, the slots of its versions in the graph
        groups = {}
        for s in slots:
            groups.setdefault(id(w.nodes[s].meta), []).append(s)
        per = tuple(groups.values())
    return live, per, slots, runs


def _not_used(i):
    return RuntimeError(
        f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior.")


def _backward_now(roots, grads, inputs, accumulate, retain_graph, allow_unused):
    while True:
        w = Walk("grad")
        root_slots = tuple([w.add(r) for r in roots])
        cot_slots = tuple([-1 if g is None else w.add(g._base_sync()) for g in grads])
        if not w.stale:
            break
        # saved values changed since: PyTorch's errors where the backward runs, or (changed
        # through .data) the values the backward reads now
        subs = []
        saved.check(w, _plan(w, tuple(w.key), root_slots, inputs)[3].__getitem__, subs)
        if not subs:
            break
        roots = _substitute(w, roots, subs)
    if STATE.anomaly and STATE.anomaly_nan:
        from .anomaly_mode import check_nan
        check_nan(w, root_slots, cot_slots)
    hooked = [s for s in dict.fromkeys(w.hooked) if _has_hooks(w.nodes[s].meta)] \
        if w.hooked else ()
    if inputs is None and accumulate and not hooked:
        _backward_step(w, roots, root_slots, cot_slots, retain_graph)
        return None
    return _backward_general(w, roots, root_slots, cot_slots, hooked, inputs, accumulate,
                             retain_graph, allow_unused)


def _backward_general(w, roots, root_slots, cot_slots, hooked, inputs, accumulate,
                      retain_graph, allow_unused):
    """backward() with hooks or stale saved values, backward(inputs=...), autograd.grad:
    only the part of the graph between the roots and the targets runs, as in PyTorch's
    engine (hooks elsewhere are not called, saved values elsewhere are not checked or
    freed)."""
    nodes = w.nodes
    k = tuple(w.key)
    live, per, slots, runs = _plan(w, k, root_slots, inputs)
    unused = [i for i, g in enumerate(per) if not g] if inputs is not None else []
    if not slots:   # nothing reachable: PyTorch runs nothing
        if unused and not accumulate and not allow_unused:
            raise _not_used(unused[0])
        return (None,) * len(inputs) if not accumulate else None
    pert = tuple(nodes[s].op is not C.LEAF for s in slots)
    cuts = [c for c in hooked if live[c] and (runs[c] or c in slots)]
    lazy = tuple(s for s in dict.fromkeys(w.leaves) if nodes[s].value is None)
    captured = {}
    if cuts:
        outs, gvals, extra, captured = _staged(w, k, root_slots, cot_slots, slots, pert,
                                               cuts, lazy, runs)
    else:
        states = tuple(w.add(n) for n in _compile.pending_states(list(roots))) \
            if _compile.outside_traces() else ()
        if states:
            lazy = tuple(dict.fromkeys(lazy + states))
            k = tuple(w.key)
        key = ("grad", k, root_slots, cot_slots, slots, pert, lazy)

        def make():
            return program(vjp_program(k, root_slots, cot_slots, slots, pert, (), lazy),
                           (w.arrays, *w.scalar_args(), w.bufs))

        if not _tiers.whole_due(key, make, lambda: (w.arrays, *w.scalar_args(), w.bufs)):
            outs, gl, extra = _tiers.run_vjp(k, w.arrays, w.fs, w.is_, w.bufs, root_slots,
                                             cot_slots, slots, pert, (), lazy)
        else:
            _compile._counters["whole_runs"] += 1
            outs, gl, extra = call(PROGRAMS.get(key, make), w.arrays, *w.scalar_args(),
                                   w.bufs)
        gvals = dict(zip(slots, gl))

    for r, v in zip(roots, outs):
        if r.value is None:
            r.value = v
    for s, v in zip(lazy, extra):
        _compile.set_value(nodes[s], v)
    if not retain_graph:
        for s, r in enumerate(runs):
            if r:
                nodes[s].freed = True

    if not accumulate:
        res = []
        for t, group in zip(inputs, per):
            if not group:
                res.append(None)
                continue
            if group[0] in captured:   # a hooked non-leaf input: before its hooks where
                raw, hooked_g = captured[group[0]]   # its backward runs on, else after
                res.append(raw if runs[group[0]] else hooked_g)
                continue
            g = _sum_grads(gvals, group, t.dtype)
            meta = nodes[group[0]].meta if nodes[group[0]].op is C.LEAF else None
            if meta is not None and meta.hooks:
                g = _run_hooks(meta, g)
            res.append(g)
        if unused and not allow_unused:
            raise _not_used(unused[0])
        return tuple(res)
    for group in per:
        if not group:
            continue
        n = nodes[group[0]]
        if n.op is C.LEAF:   # non-leaf inputs retain their grads (through the cuts)
            _accumulate(n.meta, n.dtype, _sum_grads(gvals, group, n.dtype), False)
    return None


def _saved_sub_impl(*args, op, params, subs, cdtype, nin):
    k = len(args) - len(subs)
    orig = list(args[:k])
    if op.promote and cdtype is not None:
        orig = [a.astype(cdtype.np) if a.dtype != cdtype.np else a for a in orig]

    def run(xs):
        return op.impl(*xs, **dict(params)) if params else op.impl(*xs)
    sg = jax.lax.stop_gradient
    sub = list(orig)
    for i, x in zip(subs, args[k:]):
        sub[i] = sg(x).astype(orig[i].dtype) + (orig[i] - sg(orig[i]))
    y, ys = run(orig), run(sub)
    return ys - sg(ys) + sg(y)   # the forward's value, the derivative at the new values


def _saved_sub_rule(*inputs, op, params, subs, cdtype, nin):
    shape, dtype, _ = op.rule(*inputs[:nin], **dict(params))
    return shape, dtype, cdtype


def _inner(p, field):
    p = dict(p)
    v = getattr(p["op"], field)
    return v(p["params"]) if callable(v) else v


# A node whose saved inputs were changed through .data after the forward: its value is the
# forward's, its derivative is taken at the values those inputs hold now (the last inputs),
# as PyTorch's backward reads saved tensors from their storage.
SAVED_SUB = defop(
    "saved_sub", _saved_sub_impl, _saved_sub_rule, lambda p: _inner(p, "grad_fn"),
    visible=lambda p: _inner(p, "visible") or tuple(range(dict(p)["nin"])),
    saves=False)


def _substitute(w, roots, subs):
    """Replace each node whose saved inputs were changed through .data by a SAVED_SUB node
    (re-pointing its users in the walked graph); returns the roots to walk again."""
    repl = {}
    for n, found in subs:
        idx = tuple(i for i, x in enumerate(n.inputs) if x.__class__ is Node and x in found)
        params = (("op", n.op), ("params", n.params), ("subs", idx),
                  ("cdtype", SIGS[n.sig][4]), ("nin", len(n.inputs)))
        m = record(SAVED_SUB, n.inputs + tuple(found[n.inputs[i]] for i in idx), params,
                   grad=True)
        m.meta = n.meta
        repl[n] = m
    for s, e in enumerate(w.key):
        if e.__class__ is tuple and e[0].__class__ is int:
            u = w.nodes[s]
            if any(x.__class__ is Node and x in repl for x in u.inputs):
                u.inputs = tuple(repl.get(x, x) if x.__class__ is Node else x
                                 for x in u.inputs)
    return [repl.get(r, r) for r in roots]


def _sum_grads(gvals, group, dtype):
    g = gvals[group[0]]
    for s in group[1:]:
        g = g + gvals[s]
    return Tensor._wrap(const_node(g, dtype)) if not isinstance(g, Tensor) else g


# The targets and lazy leaves of a walk: a function of its key (leaves that require grad have
# their own input sig), cached so a recurring step does not derive them again (nor the
# inputs it may donate, see _givable). Small: a training loop cycles through a few
# structures, and each entry holds a whole key.
_TARGETS: collections.OrderedDict = collections.OrderedDict()
_TARGETS_MAX = 32


class _StepPlan:
    """What a compiled backward step returns and where it goes, derived once per key."""

    __slots__ = ("slots", "lazy", "olds", "pack", "avals", "sigs", "ops")

    def __init__(self, w, slots, olds, lazy, packed):
        self.slots, self.olds, self.lazy = slots, olds, lazy
        self.avals = [(w.nodes[s].shape, w.nodes[s].dtype) for s in slots + lazy]
        self.pack = pack_layout(self.avals) if packed else None
        self.sigs = [_compile.input_sig(shape, dt) for shape, dt in self.avals]
        # the op entries: the only nodes a backward may free
        self.ops = tuple([s for s, e in enumerate(w.key) if e.__class__ is tuple
                          and e[0].__class__ is int])


def _backward_step(w, roots, root_slots, cot_slots, retain_graph):
    """loss.backward() in a training step: one program (or the tiers, for a new structure)
    computes the pending updates, the forward, the vjp and the accumulated `.grad`."""
    nodes = w.nodes
    k0 = (tuple(w.key), root_slots, cot_slots)
    pre = _TARGETS.get(k0)
    if pre is None:
        pre = _TARGETS[k0] = (tuple(w.grad_leaves(root_slots)),
                              tuple([s for s in dict.fromkeys(w.leaves)
                                     if nodes[s].value is None]), {})
        if len(_TARGETS) > _TARGETS_MAX:
            _TARGETS.popitem(last=False)
    else:
        _TARGETS.move_to_end(k0)
    slots, lazy, donatable = pre
    olds = []
    for s in slots:   # the old gradient, added inside the program (grad.zero_() fuses in)
        meta = nodes[s].meta
        g = meta.grad
        olds.append(w.add(g._base_sync()) if g is not None and not meta.hooks
                    and not g.requires_grad else -1)
    olds = tuple(olds)
    if _compile.STATES and _compile.outside_traces():
        # state written lazily outside autograd: computed by this program too
        # (no list of the old gradients' nodes outlives this line: see _safe)
        states = tuple([w.add(n) for n in _compile.pending_states(
            [nodes[o] for o in olds if o >= 0] + list(roots))])
        if states:
            lazy = tuple(dict.fromkeys(lazy + states))
    packed = len(slots) + len(lazy) > PACK_MIN
    key = ("step", tuple(w.key), root_slots, cot_slots, olds, lazy)
    # the arguments the program takes over: fixed per structure (so the compile policy sees
    # one structure); one that something else still holds is given as a copy
    cands = _givable(donatable, key, slots) if config.donate_replaced else ()
    give = tuple([i for i, _, _ in cands])
    if give:
        key += (give,)
    entry = PROGRAMS.lookup(key)
    if entry is None:
        plan = _StepPlan(w, slots, olds, lazy, packed)

        def make():
            fn = vjp_program(key[1], root_slots, cot_slots, slots, (False,) * len(slots),
                             olds, lazy, plan.pack)
            if give:
                return program(_giving(fn, give, len(w.arrays)),
                               (*_split_given(w.arrays, give), *w.scalar_args(), w.bufs),
                               donate=(0,)), plan
            return program(fn, (w.arrays, *w.scalar_args(), w.bufs)), plan

        def example():   # the background compile's warm-up call (it may not take these)
            if give:
                given, kept = _split_given(w.arrays, give)
                return ([jnp.array(a, copy=True) for a in given], kept, *w.scalar_args(),
                        w.bufs)
            return (w.arrays, *w.scalar_args(), w.bufs)

        if not _tiers.whole_due(key, make, example):
            res = _tiers.run_vjp(key[1], w.arrays, w.fs, w.is_, w.bufs, root_slots,
                                 cot_slots, slots, (False,) * len(slots), olds, lazy,
                                 pack=plan.pack)
        else:
            entry = PROGRAMS.get(key, make)
    if entry is not None:
        _compile._counters["whole_runs"] += 1
        prog, plan = entry
        if give:
            safe = _safe(w, cands)   # (before the lists below hold the arrays too)
            given, kept = _split_given(w.arrays, give)
            for j, i in enumerate(give):
                if i not in safe:
                    given[j] = jnp.array(given[j], copy=True)
            _compile._counters["donated"] += len(safe)
            res = call(prog, given, kept, *w.scalar_args(), w.bufs)
        else:
            res = call(prog, w.arrays, *w.scalar_args(), w.bufs)
    outs = res[0]
    if plan.pack is None:
        vals = res[1] + res[2]
    else:
        vals = _compile.unpack(res[1], res[2], plan.pack, plan.avals)
    for r, v in zip(roots, outs):
        if r.value is None:
            r.value = v
    n_t = len(slots)
    sigs = plan.sigs
    for i, s in enumerate(slots):
        n = nodes[s]
        meta = n.meta
        g = const_node(vals[i], n.dtype, sigs[i])
        if olds[i] >= 0:   # the program added the old gradient: write it in place
            old = meta.grad
            old._node = g
            old._version += 1
        else:
            _accumulate(meta, n.dtype, Tensor._wrap(g), False)
    for j, s in enumerate(lazy):
        _compile.set_value(nodes[s], vals[n_t + j])
    if not retain_graph:
        for s in plan.ops:
            n = nodes[s]
            if n.requires_grad and n.op is not C.LEAF:
                n.freed = True


# ------------------------------------------------------------------ donation
# A training step replaces the values it reads: the old parameters (inputs of the pending
# no_grad updates) and the old gradients (added in, or zeroed) die with the step. Giving
# their buffers to the program lets XLA write the new values in place, as a hand-written
# jitted step with donated parameters does: no fresh memory per step (glibc's heap
# fragments under that pattern, and first-touching the pages costs time). An input is given
# only where nothing else can read it after the step: every holder of its node is a node of
# this step that dies with it (checked by reference counts: another tensor, a grad_fn
# object, a saved graph or an exported array holds one more), up to the leaves whose new
# values the step computes and the old gradients it replaces.

def _candidates(key, roots, cots, slots, olds, lazy):
    """Per array argument that might be given: (index, the nodes to check: (slot, uses
    within the step), the lazy leaves and old gradients its holders end in). Static per
    step key."""
    users = collections.defaultdict(list)
    arg_slots = []
    for s, e in enumerate(key):
        if e.__class__ is int:
            arg_slots.append(s)
        elif e.__class__ is tuple and e[0].__class__ is int:
            for r in e[1:]:
                users[r].append(s)
    kept = set(roots) | set(slots) | {c for c in cots if c >= 0}
    sinks_lazy, sinks_old = set(lazy), {o for o in olds if o >= 0}
    # the results a given buffer may become: those larger than a pack's items (alone)
    room = collections.Counter()
    for s in list(slots) + list(lazy):
        shape, dtype = _aval(key[s])
        if math.prod(shape) > PACK_MAX:
            room[(shape, dtype)] += 1
    out = []
    for i, s in enumerate(arg_slots):
        shape, dtype = _aval(key[s])
        if math.prod(shape) <= PACK_MAX or room[(shape, dtype)] == 0 or s in kept \
                or s in sinks_lazy or s in sinks_old:
            continue
        check, ends, todo, seen, ok = [], [], [s], set(), True
        while todo and ok:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            check.append((n, len(users[n])))
            for u in users[n]:
                if u in sinks_lazy or u in sinks_old:   # (a lazy leaf may be a target)
                    if u not in seen:
                        seen.add(u)
                        ends.append((u, len(users[u]), u in sinks_old))
                elif u in kept:
                    ok = False
                else:
                    todo.append(u)
        if ok:
            room[(shape, dtype)] -= 1
            out.append((i, tuple(check), tuple(ends)))
    return tuple(out)


def _aval(e):
    """(shape, dtype) of a key entry."""
    _, _, shape, dtype, _ = SIGS[_compile._sig(e)]
    return shape, dtype


def _givable(cache, key, slots):
    """The step's array arguments the program takes over (see _candidates): those that die
    with the step unless something outside holds them (`cache`: the candidates per old
    gradients and lazy leaves, for this walk's key)."""
    if not _compile.outside_traces():
        return ()
    _, wkey, roots, cots, olds, lazy = key
    cands = cache.get((olds, lazy))
    if cands is None:
        if len(cache) > 8:
            cache.clear()
        cands = cache[(olds, lazy)] = _candidates(wkey, roots, cots, slots, olds, lazy)
    return cands


def _safe(w, cands):
    """The candidates that nothing outside the step holds (checked by reference counts)."""
    nodes, arrays = w.nodes, w.arrays
    # a node replaced in place remembers (to name it, never to read it) the node that
    # replaced it (autograd/saved.py): those references are allowed
    by, seen = collections.Counter(), set()
    for _, check, _ in cands:
        for s, _ in check:
            o = nodes[s].over
            if o is not None and id(o) not in seen:   # (views share their base's record)
                seen.add(id(o))
                by[id(o[2])] += 1
    safe = set()
    for i, check, ends in cands:
        if _holders(arrays[i]) != 2:   # its node's value and the argument list
            continue
        # each node: held by the step's node list, its uses in the step, the replaced
        # nodes naming it, and nothing else
        if any(_holders(nodes[s]) != 1 + uses + by[id(nodes[s])] for s, uses in check):
            continue
        for s, uses, old in ends:
            if old:   # an old gradient: also held by its tensor, which gets the new one
                if _holders(nodes[s]) != 2 + uses + by[id(nodes[s])] \
                        or nodes[s].requires_grad:
                    break
            elif nodes[s].requires_grad and nodes[s].op is not C.LEAF:
                break   # (a lazy leaf forgets its inputs once its value is set)
        else:
            safe.add(i)
    return safe


def _holders(x):
    """The references that hold x, apart from this call's own (calibrated below, for a call
    `_holders(seq[i])`, the only form used)."""
    return sys.getrefcount(x) - _CALL_REFS


_PROBE = [object()]   # held by this list alone
_CALL_REFS = 0
_CALL_REFS = _holders(_PROBE[0]) - 1
del _PROBE


def _giving(fn, give, n):
    """fn(arrays, ...) as f(given, kept, ...): the given arrays as one donated argument."""
    given = set(give)
    keep = [i for i in range(n) if i not in given]

    def f(gv, kv, *rest):
        arrays = [None] * n
        for i, a in zip(give, gv):
            arrays[i] = a
        for i, a in zip(keep, kv):
            arrays[i] = a
        return fn(arrays, *rest)
    return f


def _split_given(arrays, give):
    given = set(give)
    return ([arrays[i] for i in give],
            [a for i, a in enumerate(arrays) if i not in given])


def _has_hooks(meta):
    return meta is not None and (meta.hooks or meta.retains_grad)


def _run_hooks(meta, g):
    """Call a tensor's hooks on its gradient; each may return a replacement (PyTorch's
    checks on what it returns)."""
    for h in list(meta.hooks.values()):
        r = h(g)
        if r is None:
            continue
        if not isinstance(r, Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
        name = getattr(h, "__name__", type(h).__name__)
        if r.shape != g.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value")
        if r.dtype is not g.dtype:
            raise RuntimeError(f"hook '{name}' has changed the type of value (was {g.type()} "
                               f"got {r.type()})")
        g = r
    return g


def _accumulate(meta, dtype, g, folded):
    """Write a computed gradient into meta.grad (in place, as PyTorch accumulates)."""
    if meta is SINK:   # a no_grad view's: goes nowhere
        return
    old = meta.grad
    if folded:  # the program already added the old gradient
        old._node = const_node(g, dtype)
        old._version += 1
        return
    gt = Tensor._wrap(const_node(g, dtype)) if not isinstance(g, Tensor) else g
    if meta.hooks:
        gt = _run_hooks(meta, gt)
    if old is None:
        meta.grad = gt
    elif old._base is None and not old._node.requires_grad:
        from .._ops.elementwise import ADD
        new = record(ADD, (old._node, gt._base_sync()), grad=False)
        old._node = new
        old._version += 1
    else:   # a .grad with history (or a view): `grad += new` under no_grad keeps it
        prev = STATE.enabled
        STATE.enabled = False
        try:
            old.add_(gt)
        finally:
            STATE.enabled = prev


def _staged(w, k, root_slots, cot_slots, targets, perts, cuts, lazy, runs):
    """Backward with Python hooks on non-leaf tensors: run the vjp up to the hooked tensors
    (cut points), call their hooks, and continue from each, latest first.

    Returns the roots' values, {target slot: gradient}, the lazy leaves' values and
    {cut: (gradient before its hooks, after them)}; a cut whose backward does not run
    (a hooked input of autograd.grad that leads nowhere else) is not continued from."""
    nodes = w.nodes
    args = (w.arrays,) + w.scalar_args() + (w.bufs,)
    cuts = sorted(cuts)
    cut_set = set(cuts)
    plain = [(t, p) for t, p in zip(targets, perts) if t not in cut_set]
    plain_t = tuple(t for t, _ in plain)
    plain_p = tuple(p for _, p in plain)
    totals = {}
    pending = {}
    captured = {}

    def stage(seeds, seed_cots, ct_in, at):
        tg = plain_t + tuple(at)
        pert = plain_p + (False,) * len(at)
        key = ("stage", k, seeds, seed_cots, tg, pert, lazy)
        prog = PROGRAMS.get(key, lambda: jax.jit(vjp_program(k, seeds, seed_cots, tg, pert,
                                                             (), lazy)))
        outs, grads, extra = call(prog, *args, ct_in)
        for t, g in zip(plain_t, grads):
            totals[t] = g if t not in totals else totals[t] + g
        for c, g in zip(at, grads[len(plain_t):]):
            pending[c] = g if c not in pending else pending[c] + g
        return outs, extra

    outs, extra = stage(root_slots, cot_slots, [], tuple(cuts))
    while cuts:
        c = cuts.pop()  # the latest remaining cut: everything downstream of it is done
        meta = nodes[c].meta
        raw = Tensor._wrap(const_node(pending.pop(c), nodes[c].dtype))
        g = _run_hooks(meta, raw)
        if meta.retains_grad:
            meta.grad = g if meta.grad is None else meta.grad + g
        captured[c] = (raw, g)
        if runs[c]:
            stage((c,), (-2,), [g._value()], tuple(cuts))
    return outs, totals, extra, captured


# ------------------------------------------------------------------ create_graph
def _vjp_graph_impl(*inputs, key, roots, cots, targets, perturbed, index, name):
    arrays, fs, is_ = [], [], []
    it = iter(inputs)
    for e in key:
        if e.__class__ is str:
            (fs if e == "f" else is_).append(next(it))
        elif e.__class__ is int:
            arrays.append(next(it))
    fn = vjp_program(key, roots, cots, targets, perturbed)
    return fn(arrays, fs, is_)[1][index]


def _vjp_graph_rule(*inputs, key, targets, index, **_):
    e = key[targets[index]]
    _, _, shape, dtype, _ = SIGS[e if e.__class__ is int else e[0]]
    return shape, dtype, None


def _vjp_graph_name(params):
    return dict(params)["name"]


# A gradient recorded as an op (create_graph=True, or a grad_fn called by hand): its value
# is the vjp of a subgraph, and differentiating it again is jax.vjp of jax.vjp.
VJP_GRAPH = defop("vjp_graph", _vjp_graph_impl, _vjp_graph_rule, _vjp_graph_name)


def _grad_name(key, roots, t):
    """PyTorch names a gradient after the last backward formula that produced it: an
    accumulation (AddBackward0) where the input is used more than once, else the backward of
    its one user (looking through gradients recorded inside the graph)."""
    seen = set()
    while t not in roots and t not in seen:
        seen.add(t)
        users = [i for i, e in enumerate(key) if e.__class__ is tuple
                 and e[0].__class__ is int and t in e[1:]]
        if len(users) != 1 or key[users[0]][1:].count(t) > 1:   # x * x: two uses
            return "AddBackward0"
        e = key[users[0]]
        op, params = SIGS[e[0]][:2]
        if op.name in ("add", "sub") and len(e) == 4 and e[2] == t:
            return "MulBackward1"   # the other input's gradient, times alpha (a Scalar)
        if op is VJP_GRAPH:
            p = dict(params)
            inner_inputs = [i for i, x in enumerate(p["key"]) if x.__class__ in (int, str)]
            return _grad_name(p["key"], p["roots"], inner_inputs[e[1:].index(t)])
        if op.vjp_name is not None:
            return op.vjp_name
        t = users[0]
    return "MulBackward0"


_DEPS: dict = {}


def _depends_on(node_inputs, params):
    """Which inputs the recorded gradient really depends on (PyTorch only saves those)."""
    avals = [jax.ShapeDtypeStruct(x.shape, x.dtype.np) if isinstance(x, Node)
             else jax.ShapeDtypeStruct((), np.float64 if isinstance(x, float) else np.int64)
             for x in node_inputs]
    k = (params, tuple((a.shape, a.dtype) for a in avals))
    hit = _DEPS.get(k)
    if hit is None:
        p = dict(params)
        jaxpr = _compile.trace_in_x64(
            lambda *a: jax.make_jaxpr(lambda *b: _vjp_graph_impl(*b, **p))(*a), *avals)
        hit = _DEPS[k] = _jaxpr_deps(jaxpr.jaxpr)
    return hit


_CALLS = ("jit", "pjit", "closed_call", "core_call")


def _inexact(v):
    return jnp.issubdtype(v.aval.dtype, jnp.inexact)


def _jaxpr_deps(jaxpr, outs=None):
    """The inputs the outputs (all, or those at `outs`) depend on differentiably: through
    float values (not comparisons or integer results) and not through stop_gradient;
    calls are looked into, other higher-order primitives are taken as depending on all of
    their float inputs."""
    outvars = jaxpr.outvars if outs is None else [jaxpr.outvars[i] for i in outs]
    live = {v for v in outvars if not isinstance(v, jcore.Literal) and _inexact(v)}
    for eqn in reversed(jaxpr.eqns):
        hit = [i for i, o in enumerate(eqn.outvars) if o in live]
        if not hit or eqn.primitive.name == "stop_gradient":
            continue
        sub = eqn.params.get("jaxpr") if eqn.primitive.name in _CALLS else None
        if sub is not None:
            inner = getattr(sub, "jaxpr", sub)
            ins = [eqn.invars[i] for i in sorted(_jaxpr_deps(inner, hit))]
        else:
            ins = eqn.invars
        live.update(v for v in ins if not isinstance(v, jcore.Literal) and _inexact(v))
    return frozenset(i for i, v in enumerate(jaxpr.invars) if v in live)


def _record_vjp(w, roots, cots, targets, perturbed, index, name):
    params = (("key", tuple(w.key)), ("roots", roots), ("cots", cots), ("targets", targets),
              ("perturbed", perturbed), ("index", index), ("name", name))
    ins = tuple(w.input_nodes)
    node = record(VJP_GRAPH, ins, params, grad=True)
    if node.requires_grad:
        deps = _depends_on(ins, params)
        if not any(isinstance(ins[i], Node) and ins[i].requires_grad for i in deps):
            node.requires_grad = False
        elif any(isinstance(x, Node) and x.requires_grad and i not in deps
                 for i, x in enumerate(ins)):
            # inputs the gradient does not depend on are not edges of its graph (PyTorch
            # saves only what the backward formula uses): a later backward does not reach them
            ins = tuple(record(C.DETACH, (x,)) if isinstance(x, Node) and x.requires_grad
                        and i not in deps else x for i, x in enumerate(ins))
            node = record(VJP_GRAPH, ins, params, grad=True)
    return Tensor._wrap(node)


def _backward_graph(roots, grads, inputs, accumulate, allow_unused, detach=False):
    from .._factory import ones
    w = Walk("graph")
    root_slots = tuple(w.add(r) for r in roots)
    cot_slots = tuple(w.add((g if g is not None else ones(r.shape, dtype=r.dtype))._base_sync())
                      for r, g in zip(roots, grads))
    k = tuple(w.key)
    live, per, slots, runs = _plan(w, k, root_slots, inputs)
    if w.stale:
        saved.check(w, runs.__getitem__)
    pert = tuple(w.nodes[s].op is not C.LEAF for s in slots)
    gs = {s: _record_vjp(w, root_slots, cot_slots, slots, pert, i,
                         _grad_name(w.key, root_slots, s)) for i, s in enumerate(slots)}
    res = []
    for group in per:
        g = None
        for s in group:
            g = gs[s] if g is None else g + gs[s]
        if g is not None and detach:
            g = Tensor._wrap(record(C.DETACH, (g._node,)))
        res.append(g)
    if not accumulate:
        if not allow_unused:
            for i, g in enumerate(res):
                if g is None:
                    raise _not_used(i)
        return tuple(res)
    for group, g in zip(per, res):
        if g is None:
            continue
        meta = w.nodes[group[0]].meta   # a leaf's, or a non-leaf input's (retain_grad)
        old = meta.grad
        if old is None:  # PyTorch copies the first gradient in (CopyBackwards)
            from .._factory import zeros_like
            from .._dispatch import apply
            g = apply(C.COPY, (zeros_like(g), g))
        meta.grad = g if old is None else old + g
        if _compile.CAPTURE is not None:
            _compile.CAPTURE.grads.append(meta)
    return None


def node_vjp(n, grads):
    """grad_fn(*grads) called by hand: the vjp of one node, recorded like create_graph."""
    from .._tensor import tensor
    w = Walk("graph")
    w.stop = {x for x in n.inputs if isinstance(x, Node)}
    root = w.add(n)
    if w.stale:
        saved.check(w, root.__eq__)
    g = grads[0] if grads else None
    g = g if isinstance(g, Tensor) else tensor(1.0 if g is None else g, dtype=n.dtype)
    cot = w.add(g._base_sync())
    vis = n.op.visible
    if callable(vis):
        vis = vis(n.params)
    if vis is None:
        vis = tuple(range(len(n.inputs)))
    outs = []
    for i in vis:
        x = n.inputs[i] if i is not None and i < len(n.inputs) else None
        if not (isinstance(x, Node) and x.requires_grad):
            outs.append(None)
            continue
        s = w.slot_of(x)
        outs.append(_record_vjp(w, (root,), (cot,), (s,), (x.op is not C.LEAF,), 0,
                                n.op.vjp_name or "AddBackward0"))
    with_grad = STATE.enabled
    if not with_grad:
        outs = [o.detach() if o is not None else None for o in outs]
    return outs[0] if len(outs) == 1 else tuple(outs)


_ = jnp
