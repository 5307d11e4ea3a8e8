"""torch.func-style transforms, and the bridge between facade and JAX.

facade records a lazy graph of pure JAX op implementations, so a function written with facade
tensors *is* a JAX function once its inputs are JAX values: `to_jax(fn)` wraps its array
inputs (concrete or tracers) as facade tensors, runs `fn` (recording), and evaluates the
recorded graph inside the caller's trace. The transforms (`grad`, `vmap`, `jacrev`, ...) are
JAX's own, applied to `to_jax(fn)`; they compose freely, because each one hands the next
facade tensors whose values are JAX tracers.

    >>> import facade as torch
    >>> from facade.func import grad, vmap
    >>> f = lambda x: (x.sin() ** 2).sum()
    >>> x = torch.randn(3)
    >>> g = grad(f)(x)                          # 2 sin(x) cos(x)
    >>> per_row = vmap(grad(f))(torch.randn(4, 3))
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtype as D
from ._compile import PROGRAMS, Walk, _x64, call, evaluate, realize, value_of
from ._graph import Node, Packed, const_node, intern_sig
from ._tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "functional_call", "to_jax", "from_jax", "stack_module_state"]


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
    if isinstance(a, jax.core.Tracer):
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
    if v is None:
        if not _outside_traces():
            # inside a JAX transform: compute without caching (a value cached on a node
            # would be a tracer outliving its trace)
            return evaluate_tensors([t])[0]
        realize(n)
        v = n.value
    if v.__class__ is Packed:
        with _x64(True):
            v = jnp.asarray(value_of(n))
    return v


def _outside_traces():
    from ._compile import outside_traces
    return outside_traces()


def _is_jax_value(x):
    return isinstance(x, (jax.Array, np.ndarray))


def _to_tensors(tree):
    return jax.tree_util.tree_map(lambda x: tensor_of(x) if _is_jax_value(x) else x, tree)


def _to_arrays(tree):
    return jax.tree_util.tree_map(lambda x: array_of(x) if isinstance(x, Tensor) else x, tree)


def evaluate_tensors(tensors):
    """The values of some tensors, computed by one program over their lazy subgraph, without
    caching them on the nodes (inside a JAX transform the values are tracers, which must not
    outlive the trace)."""
    w = Walk("value")
    outs = tuple(w.add(t._base_sync()) for t in tensors)
    key = ("value", tuple(w.key), outs)

    def make():
        k = key[1]

        def fn(arrays, fs, is_, bufs):
            env = evaluate(k, arrays, fs, is_, bufs=bufs)
            return [env[s] for s in outs]
        return jax.jit(fn)

    prog = PROGRAMS.get(key, make)
    # host scalars, not Walk.scalar_args(): its cache of device arrays must not receive
    # values created inside a JAX trace
    return call(prog, w.arrays, np.array(w.fs, np.float64), np.array(w.is_, np.int64), w.bufs)


def _outputs(tree):
    """A pytree of the function's results with its tensors replaced by their JAX values."""
    leaves, treedef = jax.tree_util.tree_flatten(tree, is_leaf=lambda x: isinstance(x, Tensor))
    where = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
    if where:
        vals = evaluate_tensors([leaves[i] for i in where])
        for i, v in zip(where, vals):
            leaves[i] = v
    return jax.tree_util.tree_unflatten(treedef, leaves)


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


class Static:
    """A non-tensor argument as a static op parameter: equal by value when hashable, by
    identity otherwise (so an unhashable argument never matches a stale program)."""

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
        if other.__class__ is not Static:
            return False
        if self._h is None or other._h is None:
            return self.value is other.value
        return type(self.value) is type(other.value) and bool(self.value == other.value)

    def __repr__(self):
        return f"Static({self.value!r})"


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


# ------------------------------------------------------------------ transforms
def _x64_call(f, *args):
    """Run a JAX transform of facade code in x64 mode (facade's float64 is real float64, and
    the transform's own transposition sees the dtypes facade traced)."""
    with _x64(True):
        return f(*args)


def _jax_fn(func, kwargs):
    """torch.func passes keyword arguments through undifferentiated and unbatched."""
    return to_jax(functools.partial(func, **kwargs) if kwargs else func)


def _check_argnums(argnums, n):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(a)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    return argnums


def _scalar_output(jf, has_aux):
    """jax.grad needs a scalar real output: raise torch.func's error otherwise."""
    def f(*a):
        out = jf(*a)
        o = out[0] if has_aux else out
        if not hasattr(o, "shape") or o.shape != ():
            shape = getattr(o, "shape", None)
            raise RuntimeError(
                "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                f"tensor with {len(shape) if shape is not None else 0} dims. Maybe you wanted "
                "to use the vjp or jacrev APIs instead?")
        return out
    return f


def grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: `(grad, value)`, or `(grad, (value, aux))` with has_aux.
    The gradient has the structure of the argument(s) selected by argnums."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _check_argnums(argnums, len(args))
        jf = _scalar_output(_jax_fn(func, kwargs), has_aux)
        t = jax.value_and_grad(jf, argnums=argnums, has_aux=has_aux)
        value, g = _x64_call(t, *_to_arrays(args))
        return _to_tensors((g, value))
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """torch.func.grad: the gradient of a scalar function with respect to argument `argnums`
    (an int or tuple of ints; the argument may be a dict of tensors); `(grad, aux)` with
    has_aux.

        >>> grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))   # tensor([ 3., 12.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux=False):
    """torch.func.vjp: `(output, vjp_fn)` (and aux); vjp_fn(cotangents) returns a tuple with
    one gradient per primal."""
    jf = to_jax(func)
    res = _x64_call(lambda *p: jax.vjp(jf, *p, has_aux=has_aux), *_to_arrays(primals))
    out, pull = res[0], res[1]

    def vjp_fn(*cotangents):
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        return _to_tensors(tuple(_x64_call(pull, _to_arrays(ct))))

    if has_aux:
        return _to_tensors(out), vjp_fn, _to_tensors(res[2])
    return _to_tensors(out), vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: `(output, jvp_out)` (and aux) for tuples of primals and tangents."""
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. "
                           "it should be valid to call f(*primals).")
    if len(primals) != len(tangents):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           f"the same python structure. For example, if primals is a tuple of "
                           f"3 tensors, tangents also must be. Got primals with structure "
                           f"{len(primals)} and tangents with structure {len(tangents)}")
    jf = to_jax(func)
    res = _x64_call(lambda p, t: jax.jvp(jf, p, t, has_aux=has_aux),
                    _to_arrays(primals), _to_arrays(tangents))
    return _to_tensors(tuple(res))


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """torch.func.jacrev: the Jacobian by reverse mode (one vjp per output element)."""
    @functools.wraps(func)
    def wrapper(*args):
        _check_argnums(argnums, len(args))
        t = jax.jacrev(to_jax(func), argnums=argnums, has_aux=has_aux)
        return _to_tensors(_x64_call(t, *_to_arrays(args)))
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the Jacobian by forward mode (one jvp per input element)."""
    @functools.wraps(func)
    def wrapper(*args):
        _check_argnums(argnums, len(args))
        t = jax.jacfwd(to_jax(func), argnums=argnums, has_aux=has_aux)
        return _to_tensors(_x64_call(t, *_to_arrays(args)))
    return wrapper


def hessian(func, argnums=0):
    """torch.func.hessian: jacfwd(jacrev(func)), as PyTorch computes it."""
    @functools.wraps(func)
    def wrapper(*args):
        _check_argnums(argnums, len(args))
        t = jax.jacfwd(jax.jacrev(to_jax(func), argnums=argnums), argnums=argnums)
        return _to_tensors(_x64_call(t, *_to_arrays(args)))
    return wrapper


_RANDOMNESS = ("error", "different", "same")


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap: map `func` over a dimension of its inputs (in_dims: an int, None, or a
    structure matching the arguments; out_dims likewise for the results). Keyword arguments
    are passed through unbatched.

    randomness: accepted for compatibility. facade's random ops draw from a key fixed when the
    op is recorded, so under vmap every sample sees the same draw ("same"); "different" is not
    implemented (it raises), and "error" lets the draw happen (facade cannot tell a random op
    from another one).

        >>> per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(params, xs, ys)
    """
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if randomness == "different":
        raise NotImplementedError("facade.func.vmap(randomness='different') is not supported: "
                                  "random ops draw one sample shared by the whole batch")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        jf = _jax_fn(func, kwargs)
        dims = in_dims
        if isinstance(dims, list):
            dims = tuple(dims)
        if isinstance(dims, tuple) and len(dims) != len(args):
            raise ValueError(
                f"vmap(wrapper, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible "
                f"with the structure of `inputs`. in_dims has structure {len(dims)} but "
                f"inputs has structure {len(args)}.")
        t = jax.vmap(jf, in_axes=dims, out_axes=out_dims)
        return _to_tensors(_x64_call(t, *_to_arrays(args)))
    return wrapper


# ------------------------------------------------------------------ modules
def _swap(module, name, value):
    """Set module's parameter/buffer `name` (dotted) to value; return the old entry."""
    *path, leaf = name.split(".")
    m = module
    for p in path:
        m = m._modules[p] if p in m._modules else getattr(m, p)
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
    else:
        mapping = {}
        for d in parameter_and_buffer_dicts:
            for k, v in d.items():
                if k in mapping:
                    raise ValueError(f"{k} appeared in multiple dictionaries; behavior of "
                                     "functional call is ambiguous")
                mapping[k] = v
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
    the models (for vmap over an ensemble)."""
    import facade
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    params = {n: facade.stack([dict(m.named_parameters())[n].detach() for m in models])
              for n, _ in models[0].named_parameters()}
    buffers = {n: facade.stack([dict(m.named_buffers())[n] for m in models])
               for n, _ in models[0].named_buffers()}
    for p in params.values():
        p.requires_grad_(True)
    return params, buffers
