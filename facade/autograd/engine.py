"""backward and autograd.grad: the recorded graph becomes one jitted jax.vjp program.

The program also returns the loss (the vjp's primal output, for free), the values of
leaves that were still lazy (so update chains never grow across steps) and the accumulated
`.grad` (old grad + new, so `grad.zero_()` fuses in). Hooks on non-leaf tensors split the
backward at those tensors, as PyTorch's engine would run them there.
"""
from __future__ import annotations

import collections
import warnings

import jax
import jax.extend.core as jcore
import jax.numpy as jnp
import numpy as np

from .. import _compile, _tiers
from .._compile import PROGRAMS, Walk, call, vjp_program
from .._dispatch import STATE, record
from .._graph import SIGS, Node, const_node, pack_layout
from .._ops import core as C
from .._ops.table import defop
from .._tensor import Size, Tensor


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


def _targets(w, roots, inputs, allow_unused):
    """Slots to differentiate, whether each is perturbed, and the tensors they belong to."""
    if inputs is None:
        slots = w.grad_leaves(roots)
        return slots, [False] * len(slots), [w.nodes[s].meta for s in slots], []
    slots, pert, metas, unused = [], [], [], []
    for i, t in enumerate(inputs):
        n = t._base_sync()
        s = w.slot_of(n)
        if s is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
            unused.append(i)
            continue
        slots.append(s)
        pert.append(n.op is not C.LEAF)
        metas.append(t)
    return slots, pert, metas, unused


def _backward_now(roots, grads, inputs, accumulate, retain_graph, allow_unused):
    w = Walk("grad")
    root_slots = tuple([w.add(r) for r in roots])
    cot_slots = tuple([-1 if g is None else w.add(g._base_sync()) for g in grads])
    if STATE.anomaly and STATE.anomaly_nan:
        from .anomaly_mode import check_nan
        check_nan(w, root_slots, cot_slots)
    hooked = [s for s in dict.fromkeys(w.hooked) if _has_hooks(w.nodes[s].meta)] \
        if w.hooked else ()
    if inputs is None and accumulate and not hooked:
        _backward_step(w, roots, root_slots, cot_slots, retain_graph)
        return None
    slots, pert, owners, unused = _targets(w, root_slots, inputs, allow_unused)
    lazy = tuple(s for s in dict.fromkeys(w.leaves) if w.nodes[s].value is None)

    if hooked and inputs is None:
        outs, gvals, extra = _staged(w, root_slots, cot_slots, slots, hooked, lazy)
        olds_used = [False] * len(slots)
    else:   # autograd.grad / backward(inputs=...): gradients of the given tensors
        states = tuple(w.add(n) for n in _compile.pending_states(list(roots))) \
            if _compile.outside_traces() else ()
        lazy = tuple(dict.fromkeys(lazy + states))
        key = ("grad", tuple(w.key), root_slots, cot_slots, tuple(slots), tuple(pert), lazy)

        def make():
            return jax.jit(vjp_program(key[1], root_slots, cot_slots, slots, pert, (), lazy))

        if not _tiers.whole_due(key, make, lambda: (w.arrays, *w.scalar_args(), w.bufs)):
            outs, gvals, extra = _tiers.run_vjp(key[1], w.arrays, w.fs, w.is_, w.bufs,
                                                root_slots, cot_slots, slots, pert, (), lazy)
        else:
            _compile._counters["whole_runs"] += 1
            outs, gvals, extra = call(PROGRAMS.get(key, make), w.arrays, *w.scalar_args(),
                                      w.bufs)
        olds_used = [False] * len(slots)

    for r, v in zip(roots, outs):
        if r.value is None:
            r.value = v
    for s, v in zip(lazy, extra):
        _compile.set_value(w.nodes[s], v)
    if not retain_graph:
        for n in w.nodes:
            if n is not None and n.requires_grad and n.op is not C.LEAF:
                n.freed = True

    if not accumulate:
        res = [Tensor._wrap(const_node(g, owners[i]._base_sync().dtype))
               for i, g in enumerate(gvals)]
        for i in unused:
            res.insert(i, None)
        return tuple(res)
    if inputs is None:
        for s, g, folded in zip(slots, gvals, olds_used):
            _accumulate(w.nodes[s].meta, w.nodes[s].dtype, g, folded)
    else:
        for t, g in zip(owners, gvals):
            if t._meta is None:
                from .._tensor import AutogradMeta
                t._meta = AutogradMeta(t)
            _accumulate(t._meta, t.dtype, g, False)
    return None



# The targets and lazy leaves of a walk: a function of its key (leaves that require grad have
# their own input sig), cached so a recurring step does not derive them again.
_TARGETS: collections.OrderedDict = collections.OrderedDict()


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
                                     if nodes[s].value is None]))
        if len(_TARGETS) > 4096:
            _TARGETS.popitem(last=False)
    slots, lazy = pre
    olds = []
    for s in slots:   # the old gradient, added inside the program (grad.zero_() fuses in)
        meta = nodes[s].meta
        g = meta.grad
        olds.append(w.add(g._base_sync()) if g is not None and not meta.hooks
                    and not g.requires_grad else -1)
    olds = tuple(olds)
    if _compile.STATES and _compile.outside_traces():
        # state written lazily outside autograd: computed by this program too
        old_nodes = [nodes[o] for o in olds if o >= 0]
        states = tuple([w.add(n) for n in _compile.pending_states(old_nodes + list(roots))])
        if states:
            lazy = tuple(dict.fromkeys(lazy + states))
    packed = len(slots) + len(lazy) > PACK_MIN
    key = ("step", tuple(w.key), root_slots, cot_slots, olds, lazy)
    entry = PROGRAMS.lookup(key)
    if entry is None:
        plan = _StepPlan(w, slots, olds, lazy, packed)

        def make():
            return jax.jit(vjp_program(key[1], root_slots, cot_slots, slots,
                                       (False,) * len(slots), olds, lazy, plan.pack)), plan

        if not _tiers.whole_due(key, make, lambda: (w.arrays, *w.scalar_args(), w.bufs)):
            res = _tiers.run_vjp(key[1], w.arrays, w.fs, w.is_, w.bufs, root_slots,
                                 cot_slots, slots, (False,) * len(slots), olds, lazy,
                                 pack=plan.pack)
        else:
            entry = PROGRAMS.get(key, make)
    if entry is not None:
        _compile._counters["whole_runs"] += 1
        prog, plan = entry
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

def _has_hooks(meta):
    return meta is not None and (meta.hooks or meta.retains_grad)


def _run_hooks(meta, g):
    for h in list(meta.hooks.values()):
        r = h(g)
        if r is not None:
            g = r
    return g


def _accumulate(meta, dtype, g, folded):
    """Write a computed gradient into meta.grad (in place, as PyTorch accumulates)."""
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
    elif old.requires_grad or gt.requires_grad:
        meta.grad = old + gt
    else:
        from .._ops.elementwise import ADD
        new = record(ADD, (old._base_sync(), gt._base_sync()))
        old._node = new
        old._version += 1


def _staged(w, root_slots, cot_slots, leaf_slots, hooked, lazy):
    """Backward with Python hooks on non-leaf tensors: run the vjp up to the hooked tensors
    (cut points), call their hooks, and continue from each, latest first."""
    key_entries = tuple(w.key)
    args = (w.arrays,) + w.scalar_args() + (w.bufs,)
    cuts = sorted(hooked)
    totals = [None] * len(leaf_slots)
    pending = {}

    def stage(seeds, seed_cots, ct_in, cut_set):
        targets = tuple(leaf_slots) + tuple(cut_set)
        pert = (False,) * len(targets)
        key = ("stage", key_entries, seeds, seed_cots, targets, lazy)
        prog = PROGRAMS.get(key, lambda: jax.jit(vjp_program(key_entries, seeds, seed_cots,
                                                             targets, pert, (), lazy)))
        outs, grads, extra = call(prog, *args, ct_in)
        for i in range(len(leaf_slots)):
            totals[i] = grads[i] if totals[i] is None else totals[i] + grads[i]
        for c, g in zip(cut_set, grads[len(leaf_slots):]):
            pending[c] = g if c not in pending else pending[c] + g
        return outs, extra

    outs, extra = stage(root_slots, cot_slots, [], tuple(cuts))
    while cuts:
        c = cuts.pop()  # the latest remaining cut: everything downstream of it is done
        meta = w.nodes[c].meta
        g = Tensor._wrap(const_node(pending.pop(c), w.nodes[c].dtype))
        g = _run_hooks(meta, g)
        if meta.retains_grad:
            meta.grad = g if meta.grad is None else meta.grad + g
        stage((c,), (-2,), [g._value()], tuple(cuts))
    return outs, totals, extra


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
        if len(users) != 1:
            return "AddBackward0"
        e = key[users[0]]
        op, params = SIGS[e[0]][:2]
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


def _jaxpr_deps(jaxpr):
    live = {v for v in jaxpr.outvars if not isinstance(v, jcore.Literal)}
    for eqn in reversed(jaxpr.eqns):
        if any(o in live for o in eqn.outvars):
            live.update(v for v in eqn.invars if not isinstance(v, jcore.Literal))
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
    return Tensor._wrap(node)


def _backward_graph(roots, grads, inputs, accumulate, allow_unused, detach=False):
    from .._factory import ones
    w = Walk("graph")
    root_slots = tuple(w.add(r) for r in roots)
    cot_slots = tuple(w.add((g if g is not None else ones(r.shape, dtype=r.dtype))._base_sync())
                      for r, g in zip(roots, grads))
    slots, pert, owners, unused = _targets(w, root_slots, inputs, allow_unused)
    slots, pert = tuple(slots), tuple(pert)
    res = [_record_vjp(w, root_slots, cot_slots, slots, pert, i,
                       _grad_name(w.key, root_slots, s)) for i, s in enumerate(slots)]
    if detach:
        res = [Tensor._wrap(record(C.DETACH, (r._node,))) for r in res]
    if not accumulate:
        for i in unused:
            res.insert(i, None)
        return tuple(res)
    metas = [w.nodes[s].meta for s in slots] if inputs is None else [t._meta for t in owners]
    for meta, g in zip(metas, res):
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
