"""The op table: each op is declared once, as data (see DESIGN.md 6.1).

An OpDef holds the pure JAX implementation (arrays and static params in, array out), the
PyTorch `grad_fn` name, and the shape/dtype rule that runs when the op is recorded (so bad
shapes raise at the user's line). `jax.vjp` differentiates `impl`; an op whose PyTorch
derivative convention differs from JAX's writes that into `impl` (e.g. a custom_jvp).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

from .. import _dtype as D

OPS: dict = {}


@dataclass(eq=False, frozen=True)
class OpDef:
    name: str
    impl: object                   # fn(*arrays, **params) -> array
    rule: object                   # fn(inputs, **params) -> (shape, dtype, cdtype)
    grad_fn: str | None = None     # PyTorch's grad_fn class name; None: not differentiable
    promote: bool = False          # cast tensor inputs to the rule's compute dtype
    visible: tuple | None = None   # inputs listed in next_functions (None: all of them)
    saves: object = True           # backward uses saved values (a 2nd backward raises):
    #                                True: its inputs; "output": its result; or fn(node) ->
    #                                the saved inputs (mul saves x only if y requires grad)
    vjp_name: str = "MulBackward0"  # grad_fn of a gradient computed with create_graph
    view: bool = False             # the result aliases its (first) input
    transparent: bool = False      # internal plumbing, hidden from next_functions
    nograd: bool = False           # the stop-gradient twin of an op (see _dispatch.stopped)
    test: dict = field(default_factory=dict)  # hints for the op-table tests
    module: str = ""               # the module that declared it (the op-table tests group by it)

    def __repr__(self):
        return f"<op {self.name}>"


def defop(name, impl, rule, grad_fn=None, **kw) -> OpDef:
    if name in OPS:
        raise ValueError(f"op {name!r} declared twice")
    kw.setdefault("module", sys._getframe(1).f_globals.get("__name__", ""))
    op = OpDef(name, impl, rule, grad_fn, **kw)
    OPS[name] = op
    return op


# ---------------------------------------------------------------- shape/dtype rules
def _aval(x):
    """(shape, dtype) of a Node, or None for a Python scalar."""
    return (x.shape, x.dtype) if hasattr(x, "shape") else None


def infer_size(a, b):
    """Broadcast two shapes with PyTorch's error message."""
    if a == b:
        return a
    na, nb = len(a), len(b)
    n = max(na, nb)
    out = [0] * n
    for i in range(n - 1, -1, -1):
        off = n - 1 - i
        sa = a[na - 1 - off] if na - 1 - off >= 0 else 1
        sb = b[nb - 1 - off] if nb - 1 - off >= 0 else 1
        if sa == sb or sa == 1 or sb == 1:
            out[i] = sb if sa == 1 else sa
        else:
            raise RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) "
                f"at non-singleton dimension {i}")
    return tuple(out)


def broadcast_shapes(*shapes):
    out = ()
    for s in shapes:
        out = infer_size(out, tuple(s))
    return out


def promoted(inputs):
    """PyTorch's result dtype over tensors (dimensioned, 0-d) and Python scalars."""
    dims, zeros, scalars = [], [], []
    for x in inputs:
        if hasattr(x, "shape"):
            (dims if x.shape else zeros).append(x.dtype)
        elif x is not None:
            scalars.append(x)
    return D.result_type(dims, zeros, scalars)


def elementwise_rule(*inputs, **_):
    """Broadcast shapes; result and compute dtype by PyTorch promotion."""
    shape = broadcast_shapes(*[x.shape for x in inputs if hasattr(x, "shape")])
    dt = promoted(inputs)
    return shape, dt, dt


def float_elementwise_rule(*inputs, **_):
    """Like elementwise_rule, but integers and bools compute in the default float dtype."""
    shape, dt, _ = elementwise_rule(*inputs)
    if not (dt.is_floating_point or dt.is_complex):
        dt = D.get_default_dtype()
    return shape, dt, dt


def compare_rule(*inputs, **_):
    shape, dt, _ = elementwise_rule(*inputs)
    return shape, D.bool_, dt


def same_rule(x, *rest, **_):
    return x.shape, x.dtype, x.dtype


def wrap_dim(dim, ndim):
    """Normalise a (possibly negative) dim with PyTorch's IndexError."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def values_readable(t) -> bool:
    """Whether an op may read `t`'s values now for one of PyTorch's value checks (index
    bounds): not when the value is a JAX tracer (facade code inside a JAX transform), nor
    when it is still to be computed inside a trace or inside facade.jit (the value does not
    exist yet). The check is then skipped: JAX's out-of-bounds semantics apply."""
    from jax.core import Tracer

    from .. import _compile
    v = t._base_sync().value
    if v is not None:
        return not isinstance(v, Tracer)
    return _compile.CAPTURE is None and _compile.outside_traces()


# ---------------------------------------------------------------- public names
# Filled by the op modules; facade/__init__, Tensor and nn.functional read them, so each
# public name is bound to its op's front-end exactly once.
FUNCTIONS: dict = {}    # facade.<name>
METHODS: dict = {}      # Tensor.<name>
FUNCTIONAL: dict = {}   # facade.nn.functional.<name>


def expose(fn, function=(), method=(), functional=()):
    """Publish a front-end under its PyTorch names (a str or a tuple of str each)."""
    for names, table in ((function, FUNCTIONS), (method, METHODS), (functional, FUNCTIONAL)):
        for n in ((names,) if isinstance(names, str) else names):
            if n in table:
                raise ValueError(f"public name {n!r} bound twice")
            table[n] = fn
    return fn
