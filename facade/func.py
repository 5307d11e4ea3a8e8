"""torch.func-style transforms, and the bridge between facade and JAX.

facade records a lazy graph of pure JAX op implementations, so a function written with facade
tensors *is* a JAX function once its inputs are JAX values: `to_jax(fn)` wraps its array
inputs (concrete or tracers) as facade tensors, runs `fn` (recording), and evaluates the
recorded graph inside the caller's trace.

How each transform runs, as in PyTorch's torch.func:

- `grad`, `grad_and_value` and `vjp`, called from ordinary code, run on facade's own autograd
  (as PyTorch's do on its autograd): the inputs become fresh leaves, `autograd.grad(...,
  create_graph=True)` records the gradient lazily. So the function may branch on values
  (`if x.sum() > 0`, `.item()`), and the results stay connected to the caller's graph (a
  tensor that requires grad, closed over or passed in, gets gradients through them).
- `vmap`, `jvp`, `jacrev`, `jacfwd`, `hessian` (and `grad` nested inside them) are JAX's own
  transforms of `to_jax(fn)`; they compose freely, each handing the next facade tensors whose
  values are JAX tracers. Called from ordinary code, their results join facade's autograd
  graph as one op (differentiated by `jax.vjp`) when something they read requires grad.

    >>> import facade as torch
    >>> from facade.func import grad, vmap
    >>> f = lambda x: (x.sin() ** 2).sum()
    >>> x = torch.randn(3)
    >>> g = grad(f)(x)                          # 2 sin(x) cos(x)
    >>> per_row = vmap(grad(f))(torch.randn(4, 3))
"""
from __future__ import annotations

import collections
import functools
import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from . import _compile
from . import _dtype as D
from ._compile import PROGRAMS, Walk, _x64, call, evaluate, input_sig, realize, value_of
from ._dispatch import STATE
from ._graph import Node, Packed, const_node, intern_sig
from ._tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "linearize", "functionalize", "functional_call", "stack_module_state",
           "replace_all_batch_norm_modules_", "debug_unwrap", "to_jax", "from_jax"]


# ------------------------------------------------------------------ arrays <-> tensors
def _dtype_of(a):
    npd = np.dtype(a.dtype)
    return D._BY_NP.get(npd) or D.as_dtype(npd)


def tensor_of(a) -> Tensor:
    """A facade tensor over a JAX array or tracer (no copy: the array is the node's value)."""
    if isinstance(a, np.ndarray) or np.isscalar(a):
        a = np.asarray(a)
        with _x64(True):
            a = jax.device_put(a)
    dtype = _dtype_of(a)
    if isinstance(a, Tracer):
        # a value inside a JAX transform: no placement to read (const_node inspects it)
        shape = tuple(a.shape)
        return Tensor._wrap(Node(None, (), (), shape, dtype,
                                 intern_sig(None, (), shape, dtype, None), False, a))
    return Tensor._wrap(const_node(a, dtype))


def array_of(t: Tensor):
    """The JAX value of a tensor: its cached value (a tracer inside a transform), or the
    result of realizing it. No copy, except for values packed into a shared buffer."""
    n = t._base_sync()
    v = n.value
    if _T.closure and not isinstance(v, Tracer):
        # a transform recorded into facade's graph reads this from outside (see _Closure)
        return evaluate_tensors([t])[0]
    if v is None:
        if not _compile.outside_traces():
            # inside a JAX transform: compute without caching (a value cached on a node
            # would be a tracer outliving its trace)
            return evaluate_tensors([t])[0]
        realize(n)
        v = n.value
    if v.__class__ is Packed:
        with _x64(True):
            v = jnp.asarray(value_of(n))
    return v


def _is_jax_value(x):
    return isinstance(x, (jax.Array, np.ndarray))


def _to_tensors(tree):
    return jax.tree_util.tree_map(lambda x: tensor_of(x) if _is_jax_value(x) else x, tree)


def _to_arrays(tree):
    return jax.tree_util.tree_map(lambda x: array_of(x) if isinstance(x, Tensor) else x, tree,
                                  is_leaf=lambda x: isinstance(x, Tensor))


# ------------------------------------------------------------------ evaluating inside traces
# While a transform called from ordinary code runs (see _run), each evaluation of facade code
# inside it notes what it reads from outside the transform (arrays, Python scalars), so the
# transform can be recorded as one op of facade's graph with those as its inputs; when that
# op is traced again (its backward), the same evaluations read them from the op's inputs.
class _PerThread(threading.local):
    """What the transforms being traced on this thread note (a background compile traces
    programs on a worker thread)."""

    def __init__(self):
        self.closure = []   # _Closure frames (see below)
        self.vmaps = []     # (randomness, batch index tracer or None) of the vmaps traced


_T = _PerThread()


class _Closure:
    """The outside inputs of one run of a transform: `nodes` (a Node, or None for an array of
    Python scalars) and `values`, in the order the evaluations meet them; `keys`, the
    structural key of each evaluation. mode "discover" notes them ("abstract": under
    jax.eval_shape, lazy values replaced by zeros); mode "replay" reads them from `feeds`."""

    __slots__ = ("mode", "abstract", "nodes", "values", "keys", "feeds", "cursor", "calls",
                 "inside")

    def __init__(self, mode, abstract=False, feeds=None, keys=None):
        self.mode, self.abstract = mode, abstract
        self.nodes, self.values = [], []
        self.inside = set()   # the transform's own inputs (concrete when JAX maps no axis)
        self.keys = [] if keys is None else keys
        self.feeds, self.cursor, self.calls = feeds, 0, 0


_RETRACED = ("facade.func: a transform recorded into facade's graph computed something else "
             "when it was traced again for backward (a tensor it reads was modified in place "
             "since, or Python state it depends on changed)")


def evaluate_tensors(tensors):
    """The values of some tensors, computed by one program over their lazy subgraph, without
    caching them on the nodes (inside a JAX transform the values are tracers, which must not
    outlive the trace)."""
    if _T.closure:
        return _evaluate_closure(tensors, _T.closure[-1])
    w = Walk("value")
    outs = tuple(w.add(t._base_sync()) for t in tensors)
    key = ("value", tuple(w.key), outs)
    prog = PROGRAMS.get(key, lambda: _value_program(key[1], outs))
    # host scalars, not Walk.scalar_args(): its cache of device arrays must not receive
    # values created inside a JAX trace
    return call(prog, w.arrays, np.array(w.fs, np.float64), np.array(w.is_, np.int64), w.bufs)


def _value_program(k, outs):
    def fn(arrays, fs, is_, bufs):
        env = evaluate(k, arrays, fs, is_, bufs=bufs)
        return [env[s] for s in outs]
    return jax.jit(fn)


def _frontier(roots, inside):
    """The nodes that do not depend on a tracer or an input of the transform (`inside`) but
    feed one that does, or are roots: the outside inputs of the evaluation, whatever has been
    computed already (so a second trace meets the same ones)."""
    dep, nodes = {}, {}
    stack = list(roots)
    while stack:
        n = stack[-1]
        i = id(n)
        if i in dep:
            stack.pop()
            continue
        v = n.value
        if v is not None:
            dep[i] = isinstance(v, Tracer) or n in inside
            stack.pop()
            continue
        pending = [x for x in n.inputs if x.__class__ is Node and id(x) not in dep]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        dep[i] = any(dep[id(x)] for x in n.inputs if x.__class__ is Node)
        nodes[i] = n
    front = {r for r in roots if not dep[id(r)]}
    for i, n in nodes.items():
        if dep[i]:
            front.update(x for x in n.inputs if x.__class__ is Node and not dep[id(x)])
    return front


def _evaluate_closure(tensors, fr):
    roots = [t._base_sync() for t in tensors]
    front = _frontier(roots, fr.inside)
    w = Walk("value")
    w.stop = front
    outs = tuple(w.add(r) for r in roots)
    key, arrays, ai = list(w.key), [], 0
    replay = fr.mode == "replay"
    for s, e in enumerate(key):
        n = w.nodes[s]
        if e.__class__ is int:
            v = w.arrays[ai]
            ai += 1
        elif e.__class__ is tuple and e[0].__class__ is str:   # a packed value
            v = n.value
            key[s] = input_sig(n.shape, n.dtype)
        else:
            continue
        if n in front:
            if replay:
                v = fr.feeds[fr.cursor]
                fr.cursor += 1
            else:
                if v is None or v.__class__ is Packed:
                    v = (jnp.zeros(n.shape, n.dtype.np) if fr.abstract and v is None
                         else _host_value(n))
                fr.nodes.append(n)
                fr.values.append(v)
        arrays.append(v)
    key = tuple(key)
    scalars = [np.array(w.fs, np.float64), np.array(w.is_, np.int64)]
    if replay:
        if fr.calls >= len(fr.keys) or fr.keys[fr.calls] != key:
            raise RuntimeError(_RETRACED)
        for j in range(2):
            if scalars[j].size:
                scalars[j] = fr.feeds[fr.cursor]
                fr.cursor += 1
    else:
        fr.keys.append(key)
        for sc in scalars:
            if sc.size:
                fr.nodes.append(None)
                fr.values.append(sc)
    fr.calls += 1
    k = ("value", key, outs)
    prog = PROGRAMS.get(k, lambda: _value_program(key, outs))
    return call(prog, arrays, scalars[0], scalars[1], [])


def _input(a, grad=False):
    """A tensor over one of a transform's own array inputs; with grad, a leaf that requires
    grad (as PyTorch wraps what grad/vjp/jacrev differentiate), so what the function
    computes from it under no_grad is recorded as a constant (stop-gradient) op."""
    t = tensor_of(a)
    if grad and (t.dtype.is_floating_point or t.dtype.is_complex):
        t.requires_grad_(True)
    if _T.closure:
        _T.closure[-1].inside.add(t._base_sync())
    return t


def _host_value(n):
    """The value of an outside node, computing it if needed (it depends on no tracer)."""
    if n.value is None:
        realize(n)
    v = n.value
    if v.__class__ is Packed:
        with _x64(True):
            v = jnp.asarray(value_of(n))
    return v


# ------------------------------------------------------------------ transforms as facade ops
_LIFTED: collections.OrderedDict = collections.OrderedDict()


def _lifted_op(ident, jfn):
    """The op recording a transform's call into facade's graph, one per transform identity
    (the function, its transform and static arguments) so programs are reused across calls;
    its implementation traces the transform again on the op's inputs (see _Closure)."""
    from ._ops.table import OpDef
    op = _LIFTED.get(ident)
    if op is not None:
        _LIFTED.move_to_end(ident)
        return op

    def impl(*arrays, keys, n, index, aval):
        fr = _Closure("replay", feeds=arrays[n:], keys=keys)
        _T.closure.append(fr)
        try:
            out = jfn(*arrays[:n])
        finally:
            _T.closure.pop()
        if fr.calls != len(keys) or fr.cursor != len(fr.feeds):
            raise RuntimeError(_RETRACED)
        return jax.tree_util.tree_leaves(out)[index]

    def rule(*nodes, keys, n, index, aval):
        return aval[0], aval[1], None

    op = OpDef(f"func:{ident[0]}", impl, rule, f"{ident[0].capitalize()}Backward0")
    _LIFTED[ident] = op
    if len(_LIFTED) > 256:
        _LIFTED.popitem(last=False)
    return op


def _run(name, ident, jfn, tensors):
    """jfn(*arrays) -> a pytree of arrays: a JAX transform of facade code, on the values of
    `tensors`. Inside a JAX trace it is simply called. From ordinary code its results are
    computed now and, when grad mode is on and the inputs or anything the function reads
    require grad (or inside facade.jit, where nothing is computed yet), recorded as ops of
    facade's graph over those, so backward() differentiates through the transform."""
    if not _compile.outside_traces() or _T.closure:
        return _to_tensors(_x64_call(jfn, *[array_of(t) for t in tensors]))
    capture = _compile.CAPTURE is not None
    if not STATE.enabled and not capture:
        return _to_tensors(_x64_call(jfn, *[array_of(t) for t in tensors]))
    if capture:   # facade.jit: record only; the step's program computes it
        arrays = [jax.ShapeDtypeStruct(tuple(t.shape), t.dtype.np) for t in tensors]
    else:
        arrays = [array_of(t) for t in tensors]
    fr = _Closure("discover", abstract=capture)
    _T.closure.append(fr)
    try:
        if capture:
            out = _x64_call(lambda *a: jax.eval_shape(jfn, *a), *arrays)
        else:
            out = _x64_call(jfn, *arrays)
    finally:
        _T.closure.pop()
    needed = capture or any(t.requires_grad for t in tensors) or any(
        n is not None and n.requires_grad for n in fr.nodes)
    if not needed:
        return _to_tensors(out)
    from ._dispatch import apply
    op = _lifted_op(ident, jfn)
    inputs = list(tensors) + [Tensor._wrap(n) if n is not None else tensor_of(v)
                              for n, v in zip(fr.nodes, fr.values)]
    leaves, tree = jax.tree_util.tree_flatten(out)
    keys = tuple(fr.keys)
    res = []
    for i, leaf in enumerate(leaves):
        aval = (tuple(leaf.shape), _dtype_of(leaf))
        t = apply(op, inputs, (("keys", keys), ("n", len(tensors)), ("index", i),
                               ("aval", aval)))
        if not capture:
            _compile.set_value(t._node, leaf)   # computed already: backward retraces it
        res.append(t)
    return jax.tree_util.tree_unflatten(tree, res)


def _x64_call(f, *args):
    """Run a JAX transform of facade code in x64 mode (facade's float64 is real float64, and
    the transform's own transposition sees the dtypes facade traced)."""
    with _x64(True):
        return f(*args)


# ------------------------------------------------------------------ PyTorch's pytrees
class _Spec:
    """torch.utils._pytree's TreeSpec (tuples, lists, dicts, namedtuples; anything else,
    None included, is a leaf), with its equality and repr for PyTorch's messages."""

    __slots__ = ("type", "context", "children", "num_leaves")

    def __init__(self, type_, context, children):
        self.type, self.context, self.children = type_, context, children
        self.num_leaves = 1 if type_ is None else sum(c.num_leaves for c in children)

    def __eq__(self, other):
        return (isinstance(other, _Spec) and self.type is other.type
                and self.context == other.context and self.children == other.children)

    __hash__ = None

    def __repr__(self, indent=0):
        if self.type is None:
            return "*"
        s = f"TreeSpec({self.type.__name__}, {self.context}, ["
        if self.children:
            indent += 2
            s += self.children[0].__repr__(indent)
            s += "," if len(self.children) > 1 else ""
            s += ",".join("\n" + " " * indent + c.__repr__(indent) for c in self.children[1:])
        return s + "])"


_LEAF = _Spec(None, None, [])
_DICTS = (dict, collections.OrderedDict)


def _is_node(x):
    t = type(x)
    return t is tuple or t is list or t in _DICTS or (isinstance(x, tuple)
                                                       and hasattr(x, "_fields"))


def _flat(x, leaves):
    t = type(x)
    if t is tuple or t is list:
        return _Spec(t, None, [_flat(c, leaves) for c in x])
    if t in _DICTS:
        keys = list(x)
        return _Spec(t, keys, [_flat(x[k], leaves) for k in keys])
    if isinstance(x, tuple) and hasattr(x, "_fields"):    # a namedtuple
        return _Spec(t, t, [_flat(c, leaves) for c in x])
    leaves.append(x)
    return _LEAF


def _flatten(tree):
    leaves = []
    spec = _flat(tree, leaves)
    return leaves, spec


def _unflatten(leaves, spec):
    it = iter(leaves)
    return _build(it, spec)


def _build(it, spec):
    if spec.type is None:
        return next(it)
    kids = [_build(it, c) for c in spec.children]
    t = spec.type
    if t is tuple or t is list:
        return t(kids)
    if spec.context is t:
        return t(*kids)
    return t(zip(spec.context, kids))


def _broadcast(prefix, spec):
    """torch's _broadcast_to_and_flatten: each leaf of `prefix` repeated over the leaves of
    the matching subtree of `spec`; None when prefix is not a prefix of it."""
    out = []

    def go(p, s):
        if not _is_node(p):
            out.extend([p] * s.num_leaves)
            return True
        if s.type is not type(p):
            return False
        if type(p) in _DICTS:
            if set(p) != set(s.context):
                return False
            return all(go(p[k], c) for k, c in zip(s.context, s.children))
        if len(p) != len(s.children):
            return False
        return all(go(a, c) for a, c in zip(p, s.children))
    return out if go(prefix, spec) else None


def _pprint(spec):
    """torch's treespec_pprint: the structure with its leaves drawn as *."""
    class Star:
        def __repr__(self):
            return "*"
    return repr(_unflatten([Star()] * spec.num_leaves, spec))


def _name(func):
    if hasattr(func, "__name__"):
        return func.__name__
    if isinstance(func, functools.partial):
        return f"functools.partial({_name(func.func)}, ...)"
    return repr(func)


class _Static:
    """A value in a transform's identity (see _lifted_op): equal by value when hashable, by
    identity otherwise."""

    __slots__ = ("value", "_h")

    def __init__(self, value):
        self.value = value
        try:
            self._h = hash((type(value), value))
        except TypeError:
            self._h = None

    def __hash__(self):
        return self._h if self._h is not None else id(self.value)

    def __eq__(self, other):
        if other.__class__ is not _Static:
            return False
        if self._h is None or other._h is None:
            return self.value is other.value
        return type(self.value) is type(other.value) and bool(self.value == other.value)


Static = _Static   # (autograd.Function and from_jax use it too)


class _Args:
    """A call's arguments flattened PyTorch's way: the tensors become the JAX function's
    array arguments, everything else stays a Python value."""

    def __init__(self, args):
        self.leaves, self.spec = _flatten(tuple(args))
        self.where = [i for i, x in enumerate(self.leaves) if isinstance(x, Tensor)]
        self.tensors = [self.leaves[i] for i in self.where]
        self.starts = [0]     # the first leaf of each positional argument
        for c in self.spec.children:
            self.starts.append(self.starts[-1] + c.num_leaves)

    def positions(self, nums):
        """The positions among `tensors` of the leaves of the arguments `nums` selects."""
        sel = (nums,) if isinstance(nums, int) else nums
        k = {leaf: j for j, leaf in enumerate(self.where)}
        return tuple(k[i] for a in sel for i in range(self.starts[a], self.starts[a + 1]))

    def rebuild(self, arrays, grad=()):
        """The arguments with the tensors over `arrays`; positions (among the tensors) in
        `grad` are differentiated by the transform."""
        leaves = list(self.leaves)
        for k, (i, a) in enumerate(zip(self.where, arrays)):
            leaves[i] = _input(a, k in grad)
        return _unflatten(leaves, self.spec)

    def ident(self):
        return (_Static(self.spec.__repr__()), _Static(tuple(
            None if isinstance(x, Tensor) else _Static(x) for x in self.leaves)))


def _kwargs_ident(kwargs):
    """Keyword arguments in a transform's identity: tensors by position (the transform reads
    them as outside inputs), other values as _Static."""
    return tuple((k, None if isinstance(v, Tensor) else _Static(v))
                 for k, v in sorted(kwargs.items()))


def _outputs(tree):
    """A pytree of the function's results with its tensors replaced by their JAX values."""
    leaves, treedef = jax.tree_util.tree_flatten(tree, is_leaf=lambda x: isinstance(x, Tensor))
    where = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
    if where:
        vals = evaluate_tensors([leaves[i] for i in where])
        for i, v in zip(where, vals):
            leaves[i] = v
    return jax.tree_util.tree_unflatten(treedef, leaves)


def _values(tensors):
    return evaluate_tensors(tensors) if tensors else []


# ------------------------------------------------------------------ the JAX bridge
def to_jax(fn):
    """Wrap a function of facade tensors as a pure JAX function of arrays.

    Its array arguments (and arrays nested in lists, tuples and dicts) become facade tensors;
    the tensors it returns become arrays. The result composes with `jax.jit`, `jax.grad`,
    `jax.vmap` and optax:

        >>> loss = facade.func.to_jax(lambda w, x: (x @ w).relu().sum())
        >>> jax.jit(jax.grad(loss))(w_array, x_array)

    facade computes in JAX's x64 mode (float64 tensors are real float64); a float32 pipeline
    behaves the same whether or not the caller enables x64.
    """
    @functools.wraps(fn)
    def jfn(*args, **kwargs):
        args, kwargs = _to_tensors((args, kwargs))
        return _outputs(fn(*args, **kwargs))
    return jfn


def from_jax(fn_or_array):
    """Two uses, like `to_jax`'s inverse:

    - on a JAX array: a facade tensor over it, no copy (as `facade.from_jax(a)`);
    - on a JAX function: a facade function calling it as one differentiable op. Its tensor
      arguments (positional, also nested in lists/tuples/dicts) are passed as arrays, other
      arguments as static values; its array results come back as tensors. backward()
      differentiates it with jax.vjp.

        >>> softplus = facade.func.from_jax(jax.nn.softplus)
        >>> y = softplus(torch.randn(3, requires_grad=True)); y.sum().backward()
    """
    if _is_jax_value(fn_or_array):
        return tensor_of(fn_or_array)
    if not callable(fn_or_array):
        raise TypeError(f"from_jax expects a JAX array or function, got "
                        f"{type(fn_or_array).__name__}")

    @functools.wraps(fn_or_array)
    def wrapper(*args, **kwargs):
        return call_jax_function(fn_or_array, args, kwargs)
    return wrapper


def split_args(tree):
    """Flatten (args, kwargs): the tensors, and a static spec to rebuild the rest."""
    leaves, treedef = jax.tree_util.tree_flatten(tree, is_leaf=lambda x: isinstance(x, Tensor))
    tensors = [x for x in leaves if isinstance(x, Tensor)]
    spec = tuple(None if isinstance(x, Tensor) else Static(x) for x in leaves)
    return tensors, treedef, spec


def join_args(values, treedef, spec):
    it = iter(values)
    return jax.tree_util.tree_unflatten(treedef, [next(it) if s is None else s.value
                                                  for s in spec])


_JAX_OPS: dict = {}
_SHAPES: dict = {}


def _jax_op(fn):
    """One op per wrapped JAX function (a user's op, not one of the table's)."""
    from ._ops.table import OpDef
    op = _JAX_OPS.get(fn)
    if op is None:
        def impl(*arrays, treedef, spec, index):
            args, kwargs = join_args(arrays, treedef, spec)
            return jax.tree_util.tree_leaves(fn(*args, **kwargs))[index]

        def rule(*nodes, treedef, spec, index):
            shape, dtype = _out_avals(fn, nodes, treedef, spec)[1][index]
            return shape, dtype, None
        name = getattr(fn, "__name__", "jax_function")
        op = _JAX_OPS[fn] = OpDef(f"jax:{name}", impl, rule, "JaxFunctionBackward0")
    return op


def _out_avals(fn, nodes, treedef, spec):
    """(output treedef, [(shape, dtype)]) of a JAX function for these input avals."""
    avals = tuple((n.shape, n.dtype) for n in nodes)
    k = (fn, treedef, spec, avals)
    hit = _SHAPES.get(k)
    if hit is None:
        structs = [jax.ShapeDtypeStruct(s, d.np) for s, d in avals]

        def f(*arrays):
            args, kwargs = join_args(arrays, treedef, spec)
            return fn(*args, **kwargs)
        with _x64(True):
            out = jax.eval_shape(f, *structs)
        leaves, otree = jax.tree_util.tree_flatten(out)
        hit = _SHAPES[k] = (otree, [(tuple(o.shape), _dtype_of(o)) for o in leaves])
    return hit


def call_jax_function(fn, args, kwargs):
    """fn(*args, **kwargs) recorded as one op per array result (see from_jax)."""
    from ._dispatch import apply
    tensors, treedef, spec = split_args((args, kwargs))
    op = _jax_op(fn)
    otree, avals = _out_avals(fn, [t._base_sync() for t in tensors], treedef, spec)
    outs = [apply(op, tensors, (("treedef", treedef), ("spec", spec), ("index", i)))
            for i in range(len(avals))]
    return jax.tree_util.tree_unflatten(otree, outs)


# ------------------------------------------------------------------ argument checks
def _check_argnum(a, n):
    if not isinstance(a, int):
        raise RuntimeError(f"argnum must be int, got: {type(a)}")
    if 0 <= a < n:
        return a
    if -n <= a < 0:
        return a + n
    raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")


def _argnums(argnums, n):
    """torch.func's argnums checks: an int or a non-empty tuple of distinct ints, wrapped."""
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if isinstance(argnums, int):
        return _check_argnum(argnums, n)
    nums = tuple(_check_argnum(a, n) for a in argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    if len(set(nums)) != len(nums):
        raise RuntimeError(f"argnums elements must be unique, got {nums}")
    return nums


def _selected(args, nums):
    return args[nums] if isinstance(nums, int) else tuple(args[i] for i in nums)


def _check_differentiable(x):
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise RuntimeError("only Tensors of floating point dtype can require gradients")


def _check_aux(aux):
    for a in _flatten(aux)[0]:
        if not isinstance(a, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(a)}")


def _split_aux(out, has_aux, api):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) if "
                           "has_aux is True")
    return out


def _check_scalar(out):
    if not isinstance(out, Tensor):
        raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, "
                           f"got {type(out)}")
    if out.dim() != 0:
        raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar "
                           f"Tensor, got tensor with {out.dim()} dims. Maybe you wanted to use "
                           "the vjp or jacrev APIs instead?")


def _check_tensor_outputs(flat, api):
    if (len(flat) == 1 and flat[0] is None) or len(flat) < 1:
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                           f"(got output = {flat})")
    for o in flat:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")


def _check_float_outputs(flat):
    for o in flat:
        if not (o.dtype.is_floating_point or o.dtype.is_complex):
            raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or "
                               f"complex Tensors, got Tensor with dtype {o.dtype}")


# ------------------------------------------------------------------ value reads in traces
_VMAP_ITEM = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap "
              "over calling .item() on a Tensor, please try to rewrite what you're doing with "
              "other operations. If error is occurring somewhere inside PyTorch internals, "
              "please file a bug report.")
_VMAP_FLOW = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent "
              "control flow. We don't support that yet, please file an issue at "
              "https://github.com/pytorch/pytorch/issues .")
_JVP_READ = ("{api}: the function read a tensor's value (.item(), float(), .tolist(), "
             ".numpy()) while it was being traced by JAX; forward-mode transforms in facade "
             "are JAX's, which need values to stay symbolic. Compute that part outside the "
             "transform, or use facade.where instead of a branch")


def _translate(api):
    """Turn JAX's errors for a value read inside a trace into PyTorch's (vmap) or a facade
    message naming the transform."""
    def deco(f):
        @functools.wraps(f)
        def g(*a, **k):
            try:
                return f(*a, **k)
            except jax.errors.TracerBoolConversionError:
                if api == "vmap":
                    raise RuntimeError(_VMAP_FLOW) from None
                raise RuntimeError(_JVP_READ.format(api=api)) from None
            except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                    jax.errors.TracerIntegerConversionError) as e:
                if api == "vmap":
                    # Tensor.__bool__ reads the value through item(): control flow
                    raise RuntimeError(_VMAP_FLOW if _in_bool(e) else _VMAP_ITEM) from None
                raise RuntimeError(_JVP_READ.format(api=api)) from None
            except TypeError as e:   # (after JAX's tracer errors, which are TypeErrors)
                if "custom_vjp" in str(e) and "forward-mode" in str(e):
                    # an autograd.Function (a custom_vjp) under jvp / jacfwd / hessian
                    raise NotImplementedError(
                        "You must implement the jvp function for custom autograd.Function to "
                        "use it with forward mode AD.") from None
                raise
        return g
    return deco


def _in_bool(e):
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "__bool__":
            return True
        tb = tb.tb_next
    return False


# ------------------------------------------------------------------ grad, vjp (autograd)
def _autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=True):
    """torch.func's _autograd_grad: create_graph, unused inputs and outputs that need no
    grad give zeros."""
    from ._factory import zeros_like
    from .autograd import grad as autograd_grad
    if grad_outputs is None:
        pairs = [(o, None) for o in outputs if o.requires_grad]
    else:
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return [zeros_like(i) for i in inputs]
    outs = [o for o, _ in pairs]
    gos = None if grad_outputs is None else [g for _, g in pairs]
    gs = autograd_grad(outs, inputs, gos, retain_graph=retain_graph, create_graph=True,
                       allow_unused=True)
    return [zeros_like(i) if g is None else g for g, i in zip(gs, inputs)]


class _Level:
    """One reverse-mode transform on facade's autograd: its inputs as fresh leaves (or, for
    a tensor that requires grad, a differentiable alias), and the rule that decides whether a
    result stays attached to the caller's graph."""

    def __init__(self):
        self.private = set()

    def track(self, x):
        _check_differentiable(x)
        if x.requires_grad:
            return x.view_as(x)      # the caller's graph continues through it
        t = x.detach().requires_grad_(True)
        self.private.add(t._base_sync())
        return t

    def finish(self, tree, keep=True):
        """Results detached unless they depend on a tensor of the caller's that requires
        grad (and grad mode was on at the call), as PyTorch unwraps a transform's level."""
        leaves, spec = _flatten(tree)
        out = [x.detach() if isinstance(x, Tensor) and x.requires_grad
               and not (keep and self._outer(x)) else x for x in leaves]
        return _unflatten(out, spec)

    def _outer(self, t):
        from ._ops.core import LEAF
        stack, seen = [t._base_sync()], set()
        while stack:
            n = stack.pop()
            if id(n) in seen:
                continue
            seen.add(id(n))
            if n.op is LEAF:
                if n not in self.private:
                    return True
                continue
            stack.extend(x for x in n.inputs if x.__class__ is Node and x.requires_grad)
        return False


def _grad_and_value_autograd(func, argnums, has_aux, args, kwargs):
    from .autograd.grad_mode import enable_grad
    nums = _argnums(argnums, len(args))
    level, keep = _Level(), STATE.enabled
    leaves, spec = _flatten(_selected(args, nums))
    with enable_grad():
        tracked = [level.track(x) for x in leaves]
        new = list(args)
        diff = _unflatten(tracked, spec)
        if isinstance(nums, int):
            new[nums] = diff
        else:
            for i, d in zip(nums, diff):
                new[i] = d
        out, aux = _split_aux(func(*new, **kwargs), has_aux, "grad_and_value(f)(*args)")
        _check_scalar(out)
        grads = _autograd_grad([out], tracked)
    if has_aux:
        _check_aux(aux)
    g = level.finish(_unflatten(grads, spec), keep)
    out = level.finish(out, keep)
    return (g, (out, level.finish(aux, keep))) if has_aux else (g, out)


def _grad_and_value_jax(func, argnums, has_aux, args, kwargs):
    nums = _argnums(argnums, len(args))
    sel = _selected(args, nums)
    for x in _flatten(sel)[0]:
        _check_differentiable(x)
    a = _Args(args)
    dspec = _flatten(sel)[1]
    wrt = a.positions(nums)
    box = {}

    def f(*arrays):
        out, aux = _split_aux(func(*a.rebuild(arrays, wrt), **kwargs), has_aux,
                              "grad_and_value(f)(*args)")
        _check_scalar(out)
        if has_aux:
            _check_aux(aux)
        aleaves, box["aux"] = _flatten(aux) if has_aux else ([], None)
        vals = _values([out] + aleaves)
        return vals[0], vals[1:]
    arrays = [array_of(t) for t in a.tensors]
    (value, aux_vals), grads = _x64_call(jax.value_and_grad(f, argnums=wrt, has_aux=True),
                                         *arrays)
    g = _unflatten([tensor_of(x) for x in grads], dspec)
    value = tensor_of(value)
    if has_aux:
        return g, (value, _unflatten([tensor_of(x) for x in aux_vals], box["aux"]))
    return g, value


def grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: `(grad, value)`, or `(grad, (value, aux))` with has_aux.
    The gradient has the structure of the argument(s) selected by argnums.

        >>> g, v = grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1.0, 2.0]))
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _compile.outside_traces() and not _T.closure:
            return _grad_and_value_autograd(func, argnums, has_aux, args, kwargs)
        return _grad_and_value_jax(func, argnums, has_aux, args, kwargs)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """torch.func.grad: the gradient of a scalar function with respect to argument `argnums`
    (an int or tuple of ints; the argument may be a dict of tensors); `(grad, aux)` with
    has_aux. The function may branch on values; a closed-over tensor that requires grad
    gets gradients through the result (MAML-style second order).

        >>> grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))   # tensor([ 3., 12.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux=False):
    """torch.func.vjp: `(output, vjp_fn)` (and aux); `vjp_fn(cotangents, retain_graph=True,
    create_graph=None)` returns a tuple with one gradient per primal.

        >>> out, vjp_fn = vjp(torch.sin, torch.tensor([0.0, 1.0]))
        >>> (g,) = vjp_fn(torch.ones(2))                               # cos(x)
    """
    if not (_compile.outside_traces() and not _T.closure):
        return _vjp_jax(func, primals, has_aux)
    from .autograd.grad_mode import enable_grad
    level, keep = _Level(), STATE.enabled
    leaves, spec = _flatten(primals)
    with enable_grad():
        tracked = [level.track(x) for x in leaves]
        out, aux = _split_aux(func(*_unflatten(tracked, spec)), has_aux, "vjp(f, *primals)")
        flat_out, out_spec = _flatten(out)
        _check_tensor_outputs(flat_out, "vjp(f, *primals)")
        _check_float_outputs(flat_out)
    if has_aux:
        _check_aux(aux)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        if create_graph is None:
            create_graph = STATE.enabled
        flat_ct, ct_spec = _flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. cotangents: "
                               f"{_pprint(ct_spec)}, primal output: {_pprint(out_spec)}")
        with enable_grad():
            grads = _autograd_grad(flat_out, tracked, flat_ct, retain_graph=retain_graph)
        return level.finish(_unflatten(grads, spec), create_graph and STATE.enabled)

    res = level.finish(out, keep)
    if has_aux:
        return res, vjp_fn, level.finish(aux, keep)
    return res, vjp_fn


def _vjp_jax(func, primals, has_aux):
    """vjp inside a JAX transform: jax.vjp of the flattened function."""
    a = _Args(primals)
    for x in a.leaves:
        _check_differentiable(x)
    box = {}

    def f(*arrays):
        out, aux = _split_aux(func(*a.rebuild(arrays, range(len(arrays)))), has_aux,
                              "vjp(f, *primals)")
        flat, box["out"] = _flatten(out)
        _check_tensor_outputs(flat, "vjp(f, *primals)")
        _check_float_outputs(flat)
        if has_aux:
            _check_aux(aux)
        aleaves, box["aux"] = _flatten(aux) if has_aux else ([], None)
        vals = _values(flat + aleaves)
        return vals[:len(flat)], vals[len(flat):]
    out, pull, aux = _x64_call(lambda *x: jax.vjp(f, *x, has_aux=True),
                               *[array_of(t) for t in a.tensors])
    out_spec = box["out"]

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        flat_ct, ct_spec = _flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. cotangents: "
                               f"{_pprint(ct_spec)}, primal output: {_pprint(out_spec)}")
        cts = [array_of(c).astype(o.dtype) for c, o in zip(flat_ct, out)]
        gs = _x64_call(pull, cts)
        return _unflatten([tensor_of(g) for g in gs], a.spec)

    res = _unflatten([tensor_of(o) for o in out], out_spec)
    if has_aux:
        return res, vjp_fn, _unflatten([tensor_of(x) for x in aux], box["aux"])
    return res, vjp_fn


# ------------------------------------------------------------------ jvp, jacobians (JAX)
_JVP = "jvp(f, primals, tangents)"


def _check_tensor_list(elts, argname):
    if not elts:
        raise RuntimeError(f"{_JVP}: Expected {argname} to contain at least one Tensor.")
    for e in elts:
        if not isinstance(e, Tensor):
            raise RuntimeError(f"{_JVP}: Expected {argname} to only contain Tensors, got "
                               f"{type(e)}")


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: `(output, jvp_out)` (and aux) for a tuple of primals and tangents of
    the same structure (forward mode, jax.jvp)."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    fp, pspec = _flatten(primals)
    ft, tspec = _flatten(tangents)
    if pspec != tspec:
        raise RuntimeError(f"{_JVP}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, "
                           f"tangents also must be. Got primals with structure {pspec} and "
                           f"tangents with structure {tspec}")
    _check_tensor_list(fp, "primals")
    _check_tensor_list(ft, "tangents")
    for p, t in zip(fp, ft):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError("Trying to set a forward gradient that has a different size "
                               "than that of the original Tensor, this is not supported. "
                               f"Tensor is of size {list(p.shape)} while the given forward "
                               f"gradient is of size {list(t.shape)}.")
    n = len(fp)
    box = {}

    def f(*arrays):
        # (forward mode ignores no_grad in PyTorch: the inputs are not marked)
        out, aux = _split_aux(func(*_unflatten([_input(a) for a in arrays], pspec)),
                              has_aux, _JVP)
        flat, box["out"] = _flatten(out)
        _check_tensor_outputs(flat, _JVP)
        if has_aux:
            _check_aux(aux)
        aleaves, box["aux"] = _flatten(aux) if has_aux else ([], None)
        vals = _values(flat + aleaves)
        return vals[:len(flat)], vals[len(flat):]

    def jfn(*arrays):
        prim, tan = arrays[:n], [t.astype(p.dtype) for p, t in zip(arrays[:n], arrays[n:])]
        (out, aux), (tout, _) = jax.jvp(f, tuple(prim), tuple(tan))
        return out, tout, aux
    ident = ("jvp", _Static(func), _Static(repr(pspec)), has_aux)
    out, tout, aux = _translate("jvp")(_run)("jvp", ident, jfn, fp + ft)
    spec = box["out"]
    res = (_unflatten(out, spec), _unflatten(tout, spec))
    return res + (_unflatten(aux, box["aux"]),) if has_aux else res


def linearize(func, *primals):
    """torch.func.linearize: `(output, jvp_fn)`, jvp_fn(*tangents) the Jacobian-vector
    product at `primals` (jax.linearize: the linearization is computed once)."""
    fp, pspec = _flatten(primals)
    for p in fp:
        _check_differentiable(p)
    box = {}

    def f(*arrays):
        out = func(*_unflatten([tensor_of(a) for a in arrays], pspec))
        flat, box["out"] = _flatten(out)
        _check_tensor_outputs(flat, "linearize")
        return _values(flat)
    out, lin = _translate("linearize")(_x64_call)(
        lambda *a: jax.linearize(f, *a), *[array_of(p) for p in fp])
    spec = box["out"]

    def jvp_fn(*tangents):
        ft, tspec = _flatten(tangents)
        if tspec != pspec:
            raise RuntimeError("linearize: Expected tangents to have the same structure as "
                               f"primals. Got {tspec} and {pspec}")
        tout = _x64_call(lin, *[array_of(t).astype(a.dtype) for t, a in
                                zip(ft, [array_of(p) for p in fp])])
        return _unflatten([tensor_of(t) for t in tout], spec)
    return _unflatten([tensor_of(o) for o in out], spec), jvp_fn


def _jacobian(kind, func, argnums, has_aux, randomness, args):
    """jacrev / jacfwd: JAX's jacobian of the flattened function, rebuilt as torch.func
    returns it (the output's structure outside, the arguments' inside)."""
    nums = _argnums(argnums, len(args))
    sel = _selected(args, nums)
    for x in _flatten(sel)[0]:
        _check_differentiable(x)
    a = _Args(args)
    dspec = _flatten(sel)[1]
    wrt = a.positions(nums)
    box = {}
    api = "vjp(f, *primals)" if kind == "jacrev" else _JVP

    def f(*arrays):
        with _random_mode(randomness):
            # reverse mode respects no_grad inside the function, forward mode does not
            out, aux = _split_aux(func(*a.rebuild(arrays, wrt if kind == "jacrev" else ())),
                                  has_aux, api)
            flat, box["out"] = _flatten(out)
            if kind == "jacrev":
                _check_tensor_outputs(flat, api)
                _check_float_outputs(flat)
            else:
                _check_tensor_outputs(flat, _JVP)
            if has_aux:
                _check_aux(aux)
            aleaves, box["aux"] = _flatten(aux) if has_aux else ([], None)
            vals = _values(flat + aleaves)
        return vals[:len(flat)], vals[len(flat):]
    transform = jax.jacrev if kind == "jacrev" else jax.jacfwd

    def jfn(*arrays):
        return transform(f, argnums=wrt, has_aux=True)(*arrays)
    ident = (kind, _Static(func), nums, has_aux, randomness) + a.ident()
    jac, aux = _translate("vmap")(_run)(kind, ident, jfn, a.tensors)
    rows = [_unflatten(list(r), dspec) for r in jac]
    res = _unflatten(rows, box["out"])
    return (res, _unflatten(aux, box["aux"])) if has_aux else res


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """torch.func.jacrev: the Jacobian by reverse mode (jax.jacrev; chunk_size is accepted,
    the result is the same)."""
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args):
        return _jacobian("jacrev", func, argnums, has_aux, "error", args)
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the Jacobian by forward mode (jax.jacfwd). randomness as vmap's
    ("different" draws the same sample for every column here)."""
    @functools.wraps(func)
    def wrapper(*args):
        _check_randomness(randomness)
        return _jacobian("jacfwd", func, argnums, has_aux, randomness, args)
    return wrapper


def hessian(func, argnums=0):
    """torch.func.hessian: jacfwd(jacrev(func, argnums), argnums), as PyTorch computes it."""
    return jacfwd(jacrev(func, argnums), argnums)


# ------------------------------------------------------------------ vmap
_RANDOMNESS = ("error", "different", "same")
_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either "
                 "use the 'same' or 'different' randomness flags on vmap or perform the "
                 "randomness operation out of vmap")


def _check_randomness(randomness):
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


class _random_mode:
    """While a vmap (or jacfwd) traces: random draws raise ("error"), are shared by the
    batch ("same") or differ per element ("different": the element's index is folded into
    the draw's key)."""

    def __init__(self, randomness, index=None):
        self.frame = (randomness, index)

    def __enter__(self):
        from . import _factory
        _T.vmaps.append(self.frame)
        _factory.RANDOM_HOOK = _random_hook   # installed once; idle outside vmaps

    def __exit__(self, *exc):
        _T.vmaps.pop()


def _random_hook(lo, hi, c, batched=True):
    if not _T.vmaps:
        return lo, hi, c
    if any(m == "error" for m, _ in _T.vmaps):
        raise RuntimeError(_RANDOM_ERROR)
    idx = [i for m, i in _T.vmaps if m == "different" and i is not None]
    if not idx or not batched:
        return lo, hi, c
    # the counter as a small int64 tensor (the draw's counter, then each element's index):
    # recorded from the Python int, so a transform traced again draws the same numbers
    import facade
    parts = [facade.full((1,), c, dtype=D.int64)] + [
        tensor_of(i.astype(jnp.int64)).reshape(1) for i in idx]
    return lo, hi, facade.cat(parts)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap: map `func` over a dimension of its inputs (in_dims: an int, or a
    tuple matching the arguments, nested like them, None for an unmapped input; out_dims
    likewise for the results). Keyword arguments are passed through unmapped.

    randomness: "error" (a random op inside raises, PyTorch's default), "same" (one draw for
    the whole batch) or "different" (a draw per element). chunk_size is accepted (the result
    is the same; JAX maps the whole batch at once).

        >>> per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(params, xs, ys)
    """
    _check_randomness(randomness)
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _vmap_call(func, in_dims, out_dims, randomness, args, kwargs)
    return wrapper


def _vmap_call(func, in_dims, out_dims, randomness, args, kwargs):
    name = _name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` "
                         "to be int or a (potentially nested) tuple matching the structure of "
                         f"inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. "
                         "The latter is unsupported.")
    if not isinstance(out_dims, int):
        for d in _flatten(out_dims)[0]:
            if d is not None and not isinstance(d, int):
                raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be "
                                 "an int, None or a python collection of ints representing "
                                 "where in the outputs the vmapped dimension should appear.")
    a = _Args(args)
    dims = _broadcast(in_dims, a.spec)
    if dims is None:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                         "compatible with the structure of `inputs`. in_dims has structure "
                         f"{_flatten(in_dims)[1]} but inputs has structure {a.spec}.")
    sizes = []
    for i, (x, d) in enumerate(zip(a.leaves, dims)):
        if d is not None and not isinstance(d, int):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             "for an input but in_dim must be either an integer dimension or "
                             "None.")
        if d is not None and not isinstance(x, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for an input but the input is of type {type(x)}. We cannot vmap "
                             "over non-Tensor arguments, please use None as the respective "
                             "in_dim")
        if d is not None:
            nd = x.dim()
            if d < -nd or d >= nd:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got "
                                 f"in_dim={d} for some input, but that input is a Tensor of "
                                 f"dimensionality {nd} so expected in_dim to satisfy -{nd} <= "
                                 f"in_dim < {nd}.")
            dims[i] = d % nd
            sizes.append(x.shape[dims[i]])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    axes = [dims[i] for i in a.where]

    def body(index, arrays):
        with _random_mode(randomness, index):
            out = func(*a.rebuild(arrays), **kwargs)
        flat, spec = _flatten(out)
        if isinstance(out, Tensor):
            ok = isinstance(out_dims, int) or out_dims is None or (
                isinstance(out_dims, tuple) and len(out_dims) == 1)
            odims = [out_dims[0] if isinstance(out_dims, tuple) else out_dims] if ok else None
        else:
            odims = _broadcast(out_dims, spec)
        if odims is None:
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is "
                             "not compatible with the structure of `outputs`. out_dims has "
                             f"structure {_flatten(out_dims)[1]} but outputs has structure "
                             f"{spec}.")
        for o, d in zip(flat, odims):
            if d is not None and not isinstance(o, Tensor):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got "
                                 f"type {type(o)}. Did you mean to set out_dims= to None for "
                                 "output?")
        where = [i for i, o in enumerate(flat) if isinstance(o, Tensor)]
        vals = iter(_values([flat[i] for i in where]))
        box["spec"], box["flat"] = spec, flat
        # JAX's out_axes (= out_dims) match this structure: the arrays where the tensors
        # are, None (an empty subtree) for other results
        tree = _unflatten([next(vals) if isinstance(o, Tensor) else None for o in flat], spec)
        return (tree,) if isinstance(out, Tensor) and isinstance(out_dims, tuple) else tree

    def jfn(*arrays):
        n = sizes[0]
        idx = jnp.arange(n) if randomness == "different" else None
        try:
            return jax.vmap(body, in_axes=(None if idx is None else 0, list(axes)),
                            out_axes=out_dims, axis_size=n)(idx, list(arrays))
        except ValueError as e:
            if "out_axes" in str(e) and "None" in str(e):
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                                 "when out_dim is None") from None
            raise
    box = {}
    ident = ("vmap", _Static(func), _Static(in_dims), _Static(out_dims), randomness,
             _kwargs_ident(kwargs)) + a.ident()
    res = _translate("vmap")(_run)("vmap", ident, jfn, a.tensors)
    spec, flat = box["spec"], box["flat"]
    if spec.type is None and isinstance(flat[0], Tensor) and isinstance(out_dims, tuple):
        res = res[0]
    got = []
    _by_spec(res, spec, got)
    return _unflatten([g if isinstance(o, Tensor) else o for g, o in zip(got, flat)], spec)


def _by_spec(tree, spec, out):
    """The leaves of `tree` (rebuilt by JAX, whose dicts are sorted) in the order of `spec`."""
    if spec.type is None:
        out.append(tree)
    elif spec.type in _DICTS:
        for k, c in zip(spec.context, spec.children):
            _by_spec(tree[k], c, out)
    else:
        for x, c in zip(tree, spec.children):
            _by_spec(x, c, out)


def functionalize(func, *, remove="mutations"):
    """torch.func.functionalize: facade's in-place ops are already functional updates of
    the graph, so this returns a function computing the same results."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument "
                           f"for remove={remove}. Valid options are:\n     remove='mutations': "
                           "all inplace and out= operators will be removed from the program, "
                           "and replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all "
                           "aliasing operators {view} will be replaced with their non-aliasing "
                           "counterparts, {view}_copy.\n")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def debug_unwrap(tensor, *, recurse=True):
    """torch.func.debug_unwrap: facade's tensors inside transforms are not wrapped."""
    return tensor


# ------------------------------------------------------------------ modules
def _get_sub(module, path, full):
    m = module
    for p in path:
        sub = m._modules.get(p) if "_modules" in m.__dict__ else None
        if sub is None:
            if not hasattr(m, p):
                raise AttributeError(f"{type(m).__name__} has no attribute `{p}`")
            sub = getattr(m, p)
        m = sub
    return m


def _swap(module, name, value):
    """Set module's parameter/buffer `name` (dotted) to value; return the old entry."""
    *path, leaf = name.split(".")
    m = _get_sub(module, path, name)
    for table in ("_parameters", "_buffers"):
        d = m.__dict__.get(table)
        if d is not None and leaf in d:
            old = d[leaf]
            d[leaf] = value
            return (m, table, leaf, old)
    old = m.__dict__.get(leaf, _MISSING)
    m.__dict__[leaf] = value
    return (m, None, leaf, old)


_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """torch.func.functional_call: call `module` with some of its parameters and buffers
    replaced by the given tensors (a dict name -> tensor, or a tuple of dicts), then put the
    originals back. Composes with grad and vmap:

        >>> params = dict(model.named_parameters())
        >>> grads = grad(lambda p, x: functional_call(model, p, (x,)).sum())(params, x)
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        mapping = dict(parameter_and_buffer_dicts)
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        keys = [k for d in parameter_and_buffer_dicts for k in d]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"{dup} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        mapping = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple "
                         f"of dicts, but got {type(parameter_and_buffer_dicts)}")
    if strict:
        names = {n for n, _ in module.named_parameters()} | {n for n, _ in
                                                             module.named_buffers()}
        missing = sorted(names - set(mapping))
        unexpected = sorted(set(mapping) - names)
        if missing or unexpected:
            msg = []
            if unexpected:
                msg.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected)
                           + ".")
            if missing:
                msg.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
            raise RuntimeError("Error(s) in reparametrizing for "
                               f"{type(module).__name__}:\n\t" + "\n\t".join(msg))
    if tie_weights:
        # a tensor shared under several names (tied weights) follows the replacement
        by_id = {}
        for n, p in list(module.named_parameters(remove_duplicate=False)) + \
                list(module.named_buffers(remove_duplicate=False)):
            by_id.setdefault(id(p), []).append(n)
        for names in by_id.values():
            given = [n for n in names if n in mapping]
            if len(given) > 1 and any(mapping[g] is not mapping[given[0]] for g in given):
                raise ValueError(f"functional_call got multiple values for keys {given}, "
                                 "which are tied. Consider using tie_weights=False")
            if given:
                for n in names:
                    mapping.setdefault(n, mapping[given[0]])
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for name, value in mapping.items():
            saved.append(_swap(module, name, value))
        return module(*args, **(kwargs or {}))
    finally:
        for m, table, leaf, old in reversed(saved):
            if table is not None:
                m.__dict__[table][leaf] = old
            elif old is _MISSING:
                del m.__dict__[leaf]
            else:
                m.__dict__[leaf] = old


def stack_module_state(models):
    """torch.func.stack_module_state: (params, buffers) dicts with each entry stacked over
    the models (for vmap over an ensemble); stacked parameters are new leaves that require
    grad when the models' do."""
    import facade
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/"
                           "eval mode.")

    def stacked(tensors, name):
        rg = [t.requires_grad for t in tensors]
        if any(rg) and not all(rg):
            raise RuntimeError(f"Expected {name} from each model to have the same "
                               ".requires_grad")
        out = facade.stack([t.detach() for t in tensors])
        return out.requires_grad_(True) if all(rg) else out

    params = {n: stacked([dict(m.named_parameters())[n] for m in models], n)
              for n, _ in models[0].named_parameters()}
    buffers = {n: stacked([dict(m.named_buffers())[n] for m in models], n)
               for n, _ in models[0].named_buffers()}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """torch.func.replace_all_batch_norm_modules_: BatchNorm layers stop tracking running
    statistics (so vmap over them needs no per-element buffers); returns root."""
    from .nn.modules.batchnorm import _BatchNorm
    for m in root.modules():
        if isinstance(m, _BatchNorm):
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root
