"""More pointwise ops: unary math, clamp/where/masked_fill and friends, activations.

Where PyTorch's derivative differs from the one JAX would take of the plain formula, the
impl selects with `jnp.where`, whose gradient flows only into the branch it picks: the
branch that carries PyTorch's derivative at the boundary points.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

from .. import _dtype as D
from .._dispatch import apply
from .elementwise import INPLACE, RELU, _binary, _is_tensor, _unary
from .table import (FUNCTIONS, broadcast_shapes, defop, elementwise_rule, expose,
                    float_elementwise_rule, promoted, same_rule)


def _float(x):
    return jnp.issubdtype(x.dtype, jnp.inexact)


def _float_only(kernel, rule=same_rule):
    """PyTorch has no integer kernel for these: it raises rather than promoting."""
    def check(x, *rest, **kw):
        out = rule(x, *rest, **kw)
        if not (out[1].is_floating_point or out[1].is_complex):
            raise NotImplementedError(f'"{kernel}" not implemented for \'{D.scalar_name(out[1])}\'')
        return out
    return check


# ------------------------------------------------------------------ unary math
def _sign(x):
    # PyTorch: sign(nan) == 0 (jnp.sign gives nan); the derivative is 0 everywhere
    if x.dtype == jnp.bool_:
        return x
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


EXP2 = _unary("exp2", jnp.exp2, "Exp2Backward0", saves="output")
LOG2 = _unary("log2", jnp.log2, "Log2Backward0", vjp_name="DivBackward0")
LOG10 = _unary("log10", jnp.log10, "Log10Backward0", vjp_name="DivBackward0")
LOG1P = _unary("log1p", jnp.log1p, "Log1PBackward0", vjp_name="DivBackward0")
EXPM1 = _unary("expm1", jnp.expm1, "Expm1Backward0", saves="output")
RSQRT = _unary("rsqrt", jax.lax.rsqrt, "RsqrtBackward0", saves="output")
TAN = _unary("tan", jnp.tan, "TanBackward0", saves="output")
ASIN = _unary("asin", jnp.arcsin, "AsinBackward0", aliases=("arcsin",))
ACOS = _unary("acos", jnp.arccos, "AcosBackward0", aliases=("arccos",))
ATAN = _unary("atan", jnp.arctan, "AtanBackward0", vjp_name="DivBackward0",
              aliases=("arctan",))
SINH = _unary("sinh", jnp.sinh, "SinhBackward0")
COSH = _unary("cosh", jnp.cosh, "CoshBackward0")
ERF = _unary("erf", jsp.erf, "ErfBackward0")
ERFC = _unary("erfc", jsp.erfc, "ErfcBackward0")
def _no_bool(kernel):
    """Integers pass through floor/ceil/trunc/round unchanged; bools raise, as PyTorch."""
    def check(x, **_):
        if x.dtype is D.bool_:
            raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
        return x.shape, x.dtype, x.dtype
    return check


# piecewise constant: PyTorch's derivative is 0 everywhere (JAX's too); integers keep dtype
SIGN = _unary("sign", _sign, "SignBackward0", floating=False, saves=False)
FLOOR = _unary("floor", lambda x: jnp.floor(x) if _float(x) else x, "FloorBackward0",
               floating=False, saves=False, rule=_no_bool("floor_vml_cpu"))
CEIL = _unary("ceil", lambda x: jnp.ceil(x) if _float(x) else x, "CeilBackward0",
              floating=False, saves=False, rule=_no_bool("ceil_vml_cpu"))
TRUNC = _unary("trunc", lambda x: jnp.trunc(x) if _float(x) else x, "TruncBackward0",
               floating=False, saves=False, aliases=("fix",), rule=_no_bool("trunc_vml_cpu"))
FRAC = defop("frac", lambda x: x - jnp.trunc(x), _float_only("frac_cpu"), "FracBackward0",
             saves=False)


def frac(input, *, out=None):
    return apply(FRAC, (input,))


expose(frac, "frac", "frac")
INPLACE["frac_"] = frac

# round: half to even, as PyTorch (and jnp.round); `decimals` is a separate PyTorch overload
ROUND = defop("round", lambda x: jnp.round(x) if _float(x) else x, _no_bool("round_vml_cpu"),
              "RoundBackward0", saves=False)
ROUND_DECIMALS = defop("round_decimals", lambda x, decimals: jnp.round(x, decimals),
                       lambda x, decimals: _float_only(
                           "round_vml_cpu" if decimals == 0 else "round_cpu")(x),
                       "RoundBackward1", saves=False)


def round(input, *, decimals=None, out=None):  # noqa: A001
    if decimals is None:   # round(x, decimals=0) is PyTorch's other overload (RoundBackward1)
        return apply(ROUND, (input,))
    return apply(ROUND_DECIMALS, (input,), (("decimals", int(decimals)),))


expose(round, "round", "round")
INPLACE["round_"] = round


# ------------------------------------------------------------------ classification
def _is_rule(x):
    return x.shape, D.bool_, x.dtype


for _name, _fn in (("isnan", jnp.isnan), ("isinf", jnp.isinf), ("isfinite", jnp.isfinite)):
    _op = defop(_name, _fn, _is_rule, None, saves=False)

    def _front(input, _op=_op):
        return apply(_op, (input,))
    _front.__name__ = _name
    expose(_front, _name, _name)


# ------------------------------------------------------------------ clamp
def _clamp(x, *bounds, has_min=True, has_max=True):
    """PyTorch's clamp derivatives: x gets the gradient on [min, max] INCLUDING the bounds
    (JAX's max/min would split it in half there); min gets it where x < min < max, max
    where x > max or max < min; a nan x gets none."""
    b = list(bounds)
    lo = b.pop(0) if has_min else None
    hi = b.pop(0) if has_max else None
    if not _float(x):
        return jnp.clip(x, lo, hi)
    out = jax.lax.stop_gradient(jnp.clip(x, lo, hi))   # nan, or a degenerate min == max
    if has_max:
        out = jnp.where((x > hi) | ((lo is not None and hi < lo) & ~jnp.isnan(x)), hi, out)
    if has_min:
        out = jnp.where((x < lo) & (hi is None or lo < hi), lo, out)
    return jnp.where((lo is None or x >= lo) & (hi is None or x <= hi), x, out)


def _clamp_visible(params):
    """clamp(x, min=tensor) lists (x, min, None) in next_functions, as PyTorch."""
    p = dict(params)
    return (0, 1 if p["has_min"] else None, 1 + p["has_min"] if p["has_max"] else None)


def _clamp_op(name, grad_fn, tensor_bounds, visible=None, **bounds):
    return defop(name, lambda *a, **p: _clamp(*a, **p, **bounds), elementwise_rule, grad_fn,
                 promote=True, visible=visible if tensor_bounds else (0,))


# clamp takes `has_min`/`has_max` as params (one grad_fn either way); clamp_min/max bake them
CLAMP = _clamp_op("clamp", "ClampBackward1", False)
CLAMP_TENSOR = _clamp_op("clamp_tensor", "ClampBackward0", True, _clamp_visible)
CLAMP_MIN = _clamp_op("clamp_min", "ClampMinBackward0", False, has_max=False)
CLAMP_MIN_TENSOR = _clamp_op("clamp_min_tensor", "ClampMinBackward1", True, has_max=False)
CLAMP_MAX = _clamp_op("clamp_max", "ClampMaxBackward0", False, has_min=False)
CLAMP_MAX_TENSOR = _clamp_op("clamp_max_tensor", "ClampMaxBackward1", True, has_min=False)


def _typename(x):
    return "Tensor" if _is_tensor(x) else type(x).__name__


def _clamp_bounds(name, method, input, min, max):  # noqa: A002
    """PyTorch's clamp overloads take two Tensor bounds or two Number bounds, not a mix."""
    if not (min is not None and max is not None and _is_tensor(min) != _is_tensor(max)):
        return
    got = ", ".join(_typename(x) for x in ((min, max) if method else (input, min, max)))
    if method:
        bad = ", ".join(f"!{_typename(x)}!" for x in (min, max))
        why = f"      didn't match because some of the arguments have invalid types: ({bad})\n"
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got ({got}), but "
            f"expected one of:\n * (Tensor min = None, Tensor max = None)\n{why}"
            f" * (Number min = None, Number max = None)\n{why}")
    raise TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected "
        f"one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = "
        f"None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = "
        f"None)\n")


def _clamp_apply(input, min, max):  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    op = CLAMP_TENSOR if _is_tensor(min) or _is_tensor(max) else CLAMP
    return apply(op, tuple(a for a in (input, min, max) if a is not None),
                 (("has_min", min is not None), ("has_max", max is not None)))


def _clamp_front(name, method):
    def front(input, min=None, max=None, *, out=None):  # noqa: A002
        _clamp_bounds(name, method, input, min, max)
        return _clamp_apply(input, min, max)
    front.__name__ = name
    return front


clamp = _clamp_front("clamp", False)


def clamp_min(input, min):  # noqa: A002
    return apply(CLAMP_MIN_TENSOR if _is_tensor(min) else CLAMP_MIN, (input, min))


def clamp_max(input, max):  # noqa: A002
    return apply(CLAMP_MAX_TENSOR if _is_tensor(max) else CLAMP_MAX, (input, max))


expose(clamp, "clamp")
expose(_clamp_front("clip", False), "clip")
expose(_clamp_front("clamp", True), method="clamp")
expose(_clamp_front("clip", True), method="clip")
expose(clamp_min, "clamp_min", "clamp_min")
expose(clamp_max, "clamp_max", "clamp_max")
INPLACE.update(clamp_=_clamp_front("clamp_", True), clip_=_clamp_front("clip_", True),
               clamp_min_=clamp_min, clamp_max_=clamp_max)


# ------------------------------------------------------------------ selection
def _where_rule(cond, x, y):
    if cond.dtype is not D.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {D.scalar_name(cond.dtype)}")
    shape = broadcast_shapes(*[a.shape for a in (cond, x, y) if hasattr(a, "shape")])
    dt = promoted((x, y))
    return shape, dt, dt


# not `promote`: that would cast the condition too (the result is cast to the rule's dtype)
WHERE = defop("where", jnp.where, _where_rule, "WhereBackward0", visible=(1, 2),
              saves=lambda n: [n.inputs[0]], vjp_name="WhereBackward0")


def where(condition, input=None, other=None, *, out=None):
    """where(condition, input, other) selects elementwise; where(condition) is
    nonzero(condition, as_tuple=True), which reads the condition's values (as PyTorch's
    does: the result's shape depends on them).

        >>> torch.where(torch.tensor([0.0, 2.0, 3.0]) > 1)
        (tensor([1, 2]),)
    """
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        got = ", ".join(_typename(x) for x in (condition, input, other) if x is not None)
        raise TypeError(
            f"where() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, "
            "Tensor other, *, Tensor out = None)\n * (Tensor condition, Number self, Tensor "
            "other)\n * (Tensor condition, Tensor input, Number other)\n * (Tensor condition,"
            " Number self, Number other)\n")
    return apply(WHERE, (condition, input, other))


def _nonzero_indices(input):
    """The indices of the nonzero elements, (n, ndim) int64 on the host: realizes `input`."""
    v = np.asarray(input.detach().numpy())
    if v.ndim == 0:   # PyTorch treats a 0-d tensor as one element of a 1-d one
        return np.zeros((1, 0) if v != 0 else (0, 0), np.int64), True
    return np.stack(np.nonzero(v), 1).astype(np.int64).reshape(-1, v.ndim), False


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the nonzero elements (a realization point: the shape depends on values).

        >>> torch.nonzero(torch.tensor([[1, 0], [0, 3]]))
        tensor([[0, 0],
                [1, 1]])
    """
    from .._tensor import tensor
    idx, zero_dim = _nonzero_indices(input)
    if not as_tuple:
        return tensor(idx)
    if zero_dim:   # (tensor([0]),) or (tensor([]),)
        return (tensor(np.zeros(len(idx), np.int64)),)
    return tuple(tensor(np.ascontiguousarray(idx[:, i])) for i in range(idx.shape[1]))


def argwhere(input):
    """torch.argwhere: nonzero(input) as a (n, ndim) tensor."""
    return nonzero(input)


expose(where, "where")
expose(lambda self, condition, other: where(condition, self, other), method="where")
expose(nonzero, "nonzero", "nonzero")
expose(argwhere, "argwhere", "argwhere")


def _masked_fill_rule(x, mask, value):
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{D.cpp_name(mask.dtype)}")
    if hasattr(value, "shape") and value.shape:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {len(value.shape)} dimension(s).")
    return broadcast_shapes(x.shape, mask.shape), x.dtype, x.dtype


def _masked_fill(x, mask, value):
    return jnp.where(mask, value, x)


MASKED_FILL = defop("masked_fill", _masked_fill, _masked_fill_rule, "MaskedFillBackward0",
                    visible=(0,), saves=lambda n: [n.inputs[1]])
MASKED_FILL_TENSOR = defop("masked_fill_tensor", _masked_fill, _masked_fill_rule,
                           "MaskedFillBackward1", visible=(0, 2), saves=lambda n: [n.inputs[1]])


def masked_fill(input, mask, value):
    return apply(MASKED_FILL_TENSOR if _is_tensor(value) else MASKED_FILL, (input, mask, value))


expose(masked_fill, "masked_fill", "masked_fill")
INPLACE["masked_fill_"] = masked_fill


# ------------------------------------------------------------------ ternary arithmetic
def _lerp_rule(start, end, weight):
    if end.dtype is not start.dtype:
        raise RuntimeError(f"expected dtype {_pyname(start.dtype)} for `end` but got dtype "
                           f"{_pyname(end.dtype)}")
    _float_only("lerp_kernel_scalar")(start)
    shape = broadcast_shapes(*[a.shape for a in (start, end, weight) if hasattr(a, "shape")])
    return shape, start.dtype, start.dtype


def _pyname(d):
    return {"float32": "float", "float64": "double", "float16": "half"}.get(d.name, d.name)


def _lerp(start, end, w):
    # PyTorch's two-sided formula (exact at w == 1); both sides have the same derivative
    return jnp.where(jnp.abs(w) < 0.5, start + w * (end - start), end - (end - start) * (1 - w))


def _rg(x):
    return getattr(x, "requires_grad", False)


# what PyTorch's backward saves (a scalar-weight lerp saves nothing, so lerp_ can run)
LERP = defop("lerp", _lerp, _lerp_rule, "LerpBackward0", promote=True, visible=(0, 1),
             saves=False)
LERP_TENSOR = defop("lerp_tensor", _lerp, _lerp_rule, "LerpBackward1", promote=True,
                    saves=lambda n: [n.inputs[2]] + (list(n.inputs[:2]) if _rg(n.inputs[2])
                                                     else []))


def lerp(input, end, weight, *, out=None):
    return apply(LERP_TENSOR if _is_tensor(weight) else LERP, (input, end, weight))


def _addc_rule(kind):
    def rule(x, t1, t2, value):
        shape, dt, cdt = elementwise_rule(x, t1, t2)   # `value` does not promote
        if kind == "div" and D.is_integral(t1.dtype, True) and D.is_integral(t2.dtype, True):
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future  release "
                "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        return shape, dt, cdt
    return rule


ADDCMUL = defop("addcmul", lambda x, a, b, v: x + v * a * b, _addc_rule("mul"),
                "AddcmulBackward0", promote=True, visible=(0, 1, 2),
                saves=lambda n: [n.inputs[i] for i in (1, 2) if _rg(n.inputs[3 - i])])
ADDCDIV = defop("addcdiv", lambda x, a, b, v: x + v * a / b, _addc_rule("div"),
                "AddcdivBackward0", promote=True, visible=(0, 1, 2),
                saves=lambda n: [n.inputs[2]] + ([n.inputs[1]] if _rg(n.inputs[2]) else []))


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    return apply(ADDCMUL, (input, tensor1, tensor2, value))


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    return apply(ADDCDIV, (input, tensor1, tensor2, value))


for _n, _f in (("lerp", lerp), ("addcmul", addcmul), ("addcdiv", addcdiv)):
    expose(_f, _n, _n)
    INPLACE[_n + "_"] = _f

# no Scalar overloads: a Python number raises PyTorch's TypeError
def _pytorch_derivatives(fn, partials):
    """fn with PyTorch's derivative formulas: partials(a, b, out) -> (d out/da, d out/db)."""
    f = jax.custom_jvp(fn)

    def jvp(primals, tangents):
        a, b = primals
        ta, tb = tangents
        out = fn(a, b)
        da, db = partials(a, b, out)
        return out, (jnp.zeros_like(out) + da * ta + db * tb).astype(out.dtype)
    f.defjvp(jvp)
    return f


def _atan2_partials(a, b, out):
    # PyTorch: b / (a^2 + b^2) and -a / (a^2 + b^2), 0 where both are 0
    d = a * a + b * b
    r = jnp.where(d == 0, 0, 1 / jnp.where(d == 0, 1, d))
    return b * r, -a * r


def _float_binary(fn, partials):
    g = _pytorch_derivatives(fn, partials)
    return lambda a, b: g(a, b) if _float(a) else fn(a, b)


ATAN2 = _binary("atan2", _float_binary(jnp.arctan2, _atan2_partials), "Atan2Backward0",
                float_elementwise_rule, aliases=("arctan2",), tensors_only=True)
# PyTorch: a / hypot and b / hypot (nan at the origin, where JAX's is 0.5)
HYPOT = _binary("hypot", _float_binary(jnp.hypot, lambda a, b, out: (a / out, b / out)),
                "HypotBackward0", _float_only("hypot_cpu", elementwise_rule),
                tensors_only=True)


def _nan_to_num(x, nan, posinf, neginf):
    # jnp.nan_to_num selects with where: the gradient is 0 at replaced values, as PyTorch
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf) if _float(x) else x


NAN_TO_NUM = defop("nan_to_num", _nan_to_num, same_rule, "NanToNumBackward0")


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    return apply(NAN_TO_NUM, (input,), (("nan", float(nan)), ("posinf", posinf),
                                        ("neginf", neginf)))


expose(nan_to_num, "nan_to_num", "nan_to_num")
INPLACE["nan_to_num_"] = nan_to_num


# ------------------------------------------------------------------ activations
def _hardtanh(x, lo, hi):
    # PyTorch's hardtanh passes the gradient only strictly inside (lo, hi): 0 at the bounds
    return jnp.where(x <= lo, lo, jnp.where(x >= hi, hi, x)).astype(x.dtype)


def _gelu(x, approximate):
    return jax.nn.gelu(x, approximate=approximate == "tanh")


def _mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


def _softplus(x, beta, threshold):
    big = x * beta > threshold
    return jnp.where(big, x, jnp.log1p(jnp.exp(jnp.where(big, 0, x * beta))) / beta)


def _elu(x, alpha):
    # the gradient at 0 is alpha, as PyTorch (x <= 0 takes the exponential side); the
    # exponential never sees x > 0, whose overflow would make a nan gradient
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0, x)))


def _leaky_relu(x, negative_slope):
    return jnp.where(x > 0, x, x * negative_slope)   # slope at 0, as PyTorch


def _activation(name, impl, grad_fn, rule, inplace_grad_fn=None, inplace_saves=None):
    """The op, and the twin its `inplace=True` form records: PyTorch's in-place activations
    save their result (with their own grad_fn name) or a clone of the input, so writing the
    result over the input does not invalidate their backward."""
    op = defop(name, impl, rule, grad_fn)
    if inplace_saves is None:
        return op, op
    return op, defop(name + "_", impl, rule, inplace_grad_fn or grad_fn, saves=inplace_saves)


HARDTANH = _activation("hardtanh", _hardtanh, "HardtanhBackward0", same_rule,
                       inplace_saves="output")
GELU = _activation("gelu", _gelu, "GeluBackward0", _float_only("GeluKernelImpl"))
SILU = _activation("silu", jax.nn.silu, "SiluBackward0", _float_only("silu_cpu"),
                   inplace_saves=False)
MISH = _activation("mish", _mish, "MishBackward0", _float_only("mish_cpu"), inplace_saves=False)
SOFTPLUS = _activation("softplus", _softplus, "SoftplusBackward0", _float_only("softplus_cpu"))
ELU = _activation("elu", _elu, "EluBackward0", _float_only("elu_cpu"), "EluBackward1", "output")
LEAKY_RELU = _activation("leaky_relu", _leaky_relu, "LeakyReluBackward0",
                         _float_only("leaky_relu_cpu"), "LeakyReluBackward1", "output")


def _act(ops, input, inplace, **params):
    out = apply(ops[1] if inplace else ops[0], (input,), tuple(params.items()))
    return input._write_result(out) if inplace else out


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _act(HARDTANH, input, inplace, lo=min_val, hi=max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _act(GELU, input, False, approximate=approximate)


def silu(input, inplace=False):
    return _act(SILU, input, inplace)


def mish(input, inplace=False):
    return _act(MISH, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    return _act(SOFTPLUS, input, False, beta=beta, threshold=threshold)


def elu(input, alpha=1.0, inplace=False):
    return _act(ELU, input, inplace, alpha=alpha)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _act(LEAKY_RELU, input, inplace, negative_slope=negative_slope)


def relu(input, inplace=False):
    if inplace:
        return input.relu_()
    return apply(RELU, (input,))


for _f in (relu, hardtanh, relu6, gelu, silu, mish, softplus, elu, leaky_relu):
    expose(_f, functional=_f.__name__)
expose(lambda input, min_val=-1.0, max_val=1.0: hardtanh(input, min_val, max_val, True),
       functional="hardtanh_")
expose(lambda input: input.relu_(), functional="relu_")
expose(lambda input, alpha=1.0: elu(input, alpha, True), functional="elu_")
expose(lambda input, negative_slope=0.01: leaky_relu(input, negative_slope, True),
       functional="leaky_relu_")


# ------------------------------------------------------------------ more unary math
ASINH = _unary("asinh", jnp.arcsinh, "AsinhBackward0", aliases=("arcsinh",))
ACOSH = _unary("acosh", jnp.arccosh, "AcoshBackward0", aliases=("arccosh",))
ATANH = _unary("atanh", jnp.arctanh, "AtanhBackward0", aliases=("arctanh",))
SINC = _unary("sinc", jnp.sinc, "SincBackward0")
DEG2RAD = _unary("deg2rad", lambda x: x * (np.pi / 180), "Deg2RadBackward0", saves=False)
RAD2DEG = _unary("rad2deg", lambda x: x * (180 / np.pi), "Rad2DegBackward0", saves=False)
SGN = _unary("sgn", _sign, "SgnBackward0", floating=False, saves=False)


def _logit(x, eps):
    if eps is not None:
        x = jnp.clip(x, eps, 1 - eps)
    return jnp.log(x / (1 - x))


LOGIT = defop("logit", _logit, float_elementwise_rule, "LogitBackward0", promote=True)


def logit(input, eps=None, *, out=None):
    return apply(LOGIT, (input,), (("eps", None if eps is None else float(eps)),))


expose(logit, "logit", "logit")
INPLACE["logit_"] = logit


def positive(input):
    if input.dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


expose(positive, "positive", "positive")


def _signbit(x):
    return jnp.signbit(x) if _float(x) else (x < 0) if x.dtype != jnp.bool_ else x & False


SIGNBIT = defop("signbit", _signbit, lambda x: (x.shape, D.bool_, x.dtype), None, saves=False)


def signbit(input, *, out=None):
    return apply(SIGNBIT, (input,))


expose(signbit, "signbit", "signbit")

for _name, _fn in (("isposinf", jnp.isposinf), ("isneginf", jnp.isneginf)):
    _op = defop(_name, lambda x, fn=_fn: fn(x) if _float(x) else jnp.zeros(x.shape, bool),
                _is_rule, None, saves=False)

    def _front(input, *, out=None, _op=_op):
        return apply(_op, (input,))
    _front.__name__ = _name
    expose(_front, _name, _name)


# ------------------------------------------------------------------ more binary math
def _xlogy_value(x, y):
    # 0 where x == 0 (even for y == 0 or inf), nan where y is nan, as PyTorch
    safe = jnp.where(x == 0, jnp.ones((), y.dtype), y)
    return jnp.where(jnp.isnan(y), jnp.nan, jnp.where(x == 0, 0, x * jnp.log(safe)))


def _xlogy_partials(x, y, out):
    # PyTorch: d/dx = log(y), 0 where x == 0 and y <= 0; d/dy = x / y
    return jnp.where((x == 0) & (y <= 0), 0, jnp.log(jnp.where((x == 0) & (y <= 0), 1, y))), \
        x / y


_xlogy = _pytorch_derivatives(_xlogy_value, _xlogy_partials)


XLOGY = defop("xlogy", _xlogy, float_elementwise_rule, "XlogyBackward0", promote=True,
              visible=(0, 1))
XLOGY_SELF = defop("xlogy_self_scalar", _xlogy, float_elementwise_rule, "XlogyBackward1",
                   promote=True, visible=(1,))
XLOGY_OTHER = defop("xlogy_other_scalar", _xlogy, float_elementwise_rule, "XlogyBackward2",
                    promote=True, visible=(0,))


def xlogy(input, other, *, out=None):
    if not _is_tensor(input):
        return apply(XLOGY_SELF, (input, other))
    return apply(XLOGY if _is_tensor(other) else XLOGY_OTHER, (input, other))


expose(xlogy, "xlogy", "xlogy")
INPLACE["xlogy_"] = xlogy

LOGADDEXP = _binary("logaddexp", jnp.logaddexp, "LogaddexpBackward0",
                    _float_only("logaddexp_cpu", elementwise_rule), tensors_only=True,
                    inplace=False)
LOGADDEXP2 = _binary("logaddexp2", jnp.logaddexp2, "Logaddexp2Backward0",
                     _float_only("logaddexp2_cpu", elementwise_rule), tensors_only=True,
                     inplace=False)


def _copysign(a, b):
    # PyTorch's derivative w.r.t. a is copysign(1, a) * copysign(1, b) (0 at a == 0)
    return jnp.where(a == 0, jnp.copysign(jnp.zeros((), a.dtype), b),
                     jnp.abs(a) * jnp.where(jnp.signbit(b), -1, 1).astype(a.dtype))


COPYSIGN = _binary("copysign", _copysign, "CopysignBackward0", float_elementwise_rule,
                   scalar_grad_fn="CopysignBackward1", number_input=False)


def _heaviside_rule(x, values):
    if x.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    if x.dtype.is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    return broadcast_shapes(x.shape, values.shape), x.dtype, x.dtype


HEAVISIDE = _binary("heaviside", lambda x, v: jnp.where(x == 0, v, (x > 0).astype(x.dtype)),
                    None, _heaviside_rule, tensors_only=True, saves=False)


def _float_power(input, exponent):
    f64 = D.complex128 if any(getattr(a, "dtype", None) is not None and a.dtype.is_complex
                              for a in (input, exponent)) else D.float64
    from .elementwise import pow as _pow
    if _is_tensor(input):
        input = input.to(f64)
    if _is_tensor(exponent):
        exponent = exponent.to(f64)
    return _pow(input, exponent)


def float_power(input, exponent, *, out=None):
    """pow computed in float64 (complex128), as PyTorch's composite (ToCopy then pow)."""
    return _float_power(input, exponent)


def _float_power_(input, exponent):
    if input.dtype is not D.float64 and input.dtype is not D.complex128:
        raise RuntimeError(f"the base given to float_power_ has dtype {D.scalar_name(input.dtype)}"
                           f" but the operation's result requires dtype Double")
    return _float_power(input, exponent)


expose(float_power, "float_power", "float_power")
INPLACE["float_power_"] = _float_power_


# ------------------------------------------------------------------ closeness
def _isclose(a, b, rtol, atol, equal_nan):
    if not (jnp.issubdtype(a.dtype, jnp.inexact)):
        return a == b
    close = (a == b) | (jnp.abs(a - b) <= atol + rtol * jnp.abs(b))
    close = close & jnp.isfinite(a - b) | (a == b)
    if equal_nan:
        close = close | (jnp.isnan(a) & jnp.isnan(b))
    return close


def _isclose_rule(a, b, **_):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"{D.scalar_name(a.dtype)} did not match {D.scalar_name(b.dtype)}")
    return broadcast_shapes(a.shape, b.shape), D.bool_, a.dtype


ISCLOSE = defop("isclose", _isclose, _isclose_rule, None, saves=False)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if not _is_tensor(other):
        from .._tensor import tensor
        other = tensor(other, dtype=input.dtype)
    return apply(ISCLOSE, (input, other), (("rtol", float(rtol)), ("atol", float(atol)),
                                           ("equal_nan", bool(equal_nan))))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """A Python bool (reads the values, as PyTorch's does)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def equal(input, other):
    """True if both tensors have the same shape and elements (a Python bool)."""
    if tuple(input.shape) != tuple(other.shape):
        return False
    if input.dtype is not other.dtype:
        other = other.to(input.dtype)
    return bool(FUNCTIONS["eq"](input, other).all().item())


expose(isclose, "isclose", "isclose")
expose(allclose, "allclose", "allclose")
expose(equal, "equal", "equal")


# ------------------------------------------------------------------ torch.<op>_(t)
def _inplace_function(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = name
    return fn


for _n in ("abs_ neg_ negative_ exp_ exp2_ log_ log2_ log10_ log1p_ expm1_ sqrt_ rsqrt_ "
           "square_ sin_ cos_ tan_ asin_ acos_ atan_ arcsin_ arccos_ arctan_ sinh_ cosh_ tanh_ "
           "sigmoid_ relu_ erf_ erfc_ reciprocal_ floor_ ceil_ round_ trunc_ fix_ frac_ asinh_ "
           "acosh_ atanh_ arcsinh_ arccosh_ arctanh_ sinc_ logit_ deg2rad_ rad2deg_ clamp_ "
           "clip_ nan_to_num_").split():
    expose(_inplace_function(_n), function=_n)


# ------------------------------------------------------------------ more activations
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _selu(x):
    return _SELU_SCALE * _elu(x, _SELU_ALPHA)


def _celu(x, alpha):
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0, x) / alpha))


def _hardsigmoid(x):
    # gradient 1/6 strictly inside (-3, 3), as PyTorch
    return jnp.where(x <= -3, 0, jnp.where(x >= 3, 1, x / 6 + 0.5)).astype(x.dtype)


def _hardswish(x):
    # PyTorch's derivative: 0 up to -3, x/3 + 1/2 inside (-3, 3), 1 from 3 on
    return jnp.where(x <= -3, 0, jnp.where(x < 3, x * (x + 3) / 6, x)).astype(x.dtype)


def _logsigmoid(x):
    return -jax.nn.softplus(-x)


def _softshrink(x, lambd):
    return jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, 0)).astype(x.dtype)


def _hardshrink(x, lambd):
    return jnp.where((x > lambd) | (x < -lambd), x, 0).astype(x.dtype)


def _threshold(x, threshold, value):
    return jnp.where(x > threshold, x, jnp.asarray(value, x.dtype))


SELU = _activation("selu", _selu, "EluBackward0", _float_only("elu_cpu"), "EluBackward1",
                   "output")
CELU = _activation("celu", _celu, "CeluBackward0", _float_only("elu_cpu"), "CeluBackward1",
                   "output")
HARDSIGMOID = _activation("hardsigmoid", _hardsigmoid, "HardsigmoidBackward0",
                          _float_only("hardsigmoid_cpu"), inplace_saves=False)
HARDSWISH = _activation("hardswish", _hardswish, "HardswishBackward0",
                        _float_only("hardswish_cpu"), inplace_saves=False)
LOGSIGMOID = _activation("log_sigmoid", _logsigmoid, "LogSigmoidBackward0",
                         _float_only("log_sigmoid_cpu"))
SOFTSHRINK = _activation("softshrink", _softshrink, "SoftshrinkBackward0",
                         _float_only("softshrink_cpu"))
HARDSHRINK = _activation("hardshrink", _hardshrink, "HardshrinkBackward0",
                         _float_only("hardshrink_cpu"))
THRESHOLD = _activation("threshold", _threshold, "ThresholdBackward0", same_rule,
                        "ThresholdBackward1", "output")


def selu(input, inplace=False):
    return _act(SELU, input, inplace)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _act(CELU, input, inplace, alpha=float(alpha))


def hardsigmoid(input, inplace=False):
    return _act(HARDSIGMOID, input, inplace)


def hardswish(input, inplace=False):
    return _act(HARDSWISH, input, inplace)


def logsigmoid(input):
    return _act(LOGSIGMOID, input, False)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError("lambda must be greater or equal to 0, but found to be "
                           f"{float(lambd)}.")
    return _act(SOFTSHRINK, input, False, lambd=float(lambd))


def hardshrink(input, lambd=0.5):
    return _act(HARDSHRINK, input, False, lambd=float(lambd))


def threshold(input, threshold, value, inplace=False):
    return _act(THRESHOLD, input, inplace, threshold=threshold, value=value)


def softsign(input):
    """x / (1 + |x|) (PyTorch's composite: abs, add, div)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x) (PyTorch's composite)."""
    return input - input.tanh()


for _f in (selu, celu, hardsigmoid, hardswish, logsigmoid, softshrink, hardshrink, threshold,
           softsign, tanhshrink):
    expose(_f, functional=_f.__name__)
expose(selu, "selu")
expose(celu, "celu")
expose(hardshrink, "hardshrink", "hardshrink")
expose(threshold, "threshold")
expose(lambda input: selu(input, True), ("selu_",), functional="selu_")
expose(lambda input, alpha=1.0: celu(input, alpha, True), ("celu_",), functional="celu_")
_threshold_fn = threshold


def threshold_(input, threshold, value):  # noqa: F811
    return _threshold_fn(input, threshold, value, True)


expose(threshold_, "threshold_", functional="threshold_")


def _glu_rule(x, dim):
    if not x.shape:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if x.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size "
                           f"{x.shape[dim]}")
    _float_only("glu_cpu")(x)
    shape = list(x.shape)
    shape[dim] //= 2
    return tuple(shape), x.dtype, x.dtype


def _glu(x, dim):
    a, b = jnp.split(x, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


GLU = defop("glu", _glu, _glu_rule, "GluBackward0")


def glu(input, dim=-1):
    from .table import wrap_dim
    return apply(GLU, (input,), (("dim", wrap_dim(dim, input.dim())),))


expose(glu, functional="glu")


def _prelu_rule(x, w):
    _float_only("prelu_cpu")(x)
    n = w.shape[0] if w.shape else 1
    c = x.shape[1] if len(x.shape) >= 2 else 1
    if n != 1 and n != c:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {c}.")
    return x.shape, x.dtype, x.dtype


def _prelu(x, w):
    if w.size != 1 and x.ndim >= 2:
        w = w.reshape((1, -1) + (1,) * (x.ndim - 2))
    else:
        w = w.reshape(())
    return jnp.where(x > 0, x, w * x)


PRELU = defop("prelu", _prelu, _prelu_rule, "PreluKernelBackward0", promote=True)


def prelu(input, weight):
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    return apply(PRELU, (input, weight))


expose(prelu, "prelu", "prelu", "prelu")


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) (PyTorch's composite)."""
    from .nn import softmax
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)


expose(softmin, functional="softmin")


# ------------------------------------------------------------------ complex parts
CONJ = defop("conj", jnp.conj, same_rule, "ConjBackward0", saves=False)


def conj(input):
    """The complex conjugate (a real tensor is returned as is, as PyTorch)."""
    if not input.dtype.is_complex:
        return input
    return apply(CONJ, (input,))


def _part_rule(x, imag):
    if imag and not x.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    dt = x.dtype.to_real() if x.dtype.is_complex else x.dtype
    return x.shape, dt, x.dtype


COMPLEX_PART = defop("complex_part", lambda x, imag: jnp.imag(x) if imag else jnp.real(x),
                     _part_rule, lambda p: "ImagBackward0" if dict(p)["imag"]
                     else "RealBackward0", saves=False)


def real(input):
    if not input.dtype.is_complex:
        return input
    return apply(COMPLEX_PART, (input,), (("imag", False),))


def imag(input):
    return apply(COMPLEX_PART, (input,), (("imag", True),))


expose(conj, ("conj", "conj_physical", "resolve_conj", "resolve_neg"),
       ("conj", "conj_physical", "resolve_conj", "resolve_neg"))
expose(real, "real")
expose(imag, "imag")
expose(property(real), method="real")
expose(property(imag), method="imag")
expose(lambda self: False, method=("is_conj", "is_neg"))


def _complex_rule(re, im):
    if re.dtype is not im.dtype:
        raise RuntimeError(f"Expected object of scalar type {D.scalar_name(re.dtype)} but got "
                           f"scalar type {D.scalar_name(im.dtype)} for second argument")
    if re.dtype not in (D.float32, D.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{D.scalar_name(re.dtype)} and {D.scalar_name(im.dtype)}")
    dt = D.complex128 if re.dtype is D.float64 else D.complex64
    return broadcast_shapes(re.shape, im.shape), dt, None


COMPLEX = defop("complex", jax.lax.complex, _complex_rule, "ComplexBackward0", saves=False)


def complex(real, imag, *, out=None):  # noqa: A001
    """A complex tensor from real and imaginary parts."""
    return apply(COMPLEX, (real, imag))


expose(complex, "complex")


LDEXP = defop("ldexp", lambda x, e: x * jnp.exp2(e), float_elementwise_rule, "LdexpBackward0",
              promote=True, visible=(0, 1))


def ldexp(input, other, *, out=None):
    """input * 2 ** other."""
    return apply(LDEXP, (input, other))


NEXTAFTER = _binary("nextafter", jnp.nextafter, None, _float_only("nextafter_cpu",
                                                                   elementwise_rule),
                    saves=False, tensors_only=True)
expose(ldexp, "ldexp", "ldexp")
INPLACE["ldexp_"] = ldexp
expose(_inplace_function("zero_"), function="zero_")
expose(_inplace_function("fill_"), function="fill_")


RRELU = _activation("rrelu_with_noise", _leaky_relu, "RreluWithNoiseBackward0",
                    _float_only("leaky_relu_cpu"), "RreluWithNoiseBackward1", "output")


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Outside training: leaky_relu with the slope (lower + upper) / 2, as PyTorch (its
    RreluWithNoiseBackward0 is LeakyReluBackward0 here). The training form (random slopes)
    is not provided."""
    if training:
        raise NotImplementedError("rrelu(training=True) is not supported by facade")
    return _act(RRELU, input, inplace, negative_slope=(lower + upper) / 2)


expose(rrelu, "rrelu", functional="rrelu")
expose(lambda input, lower=1.0 / 8, upper=1.0 / 3, training=False:
       rrelu(input, lower, upper, training, True), ("rrelu_",), functional="rrelu_")
