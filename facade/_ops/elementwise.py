"""Elementwise ops: arithmetic with PyTorch's promotion, unary math, comparisons."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.custom_derivatives import SymbolicZero

from .. import _dtype as D
from .._dispatch import apply
from .table import (compare_rule, defop, elementwise_rule, expose, float_elementwise_rule,
                    same_rule)

INPLACE: dict = {}   # name_ -> out-of-place front-end; Tensor writes the result in place


def _is_tensor(x):
    return hasattr(x, "_base_sync")


# ------------------------------------------------------------------ binary arithmetic
def _add(a, b, alpha=None):
    return a + b if alpha is None else a + alpha * b


def _sub(a, b, alpha=None):
    return a - b if alpha is None else a - alpha * b


def _no_bool_sub(*inputs, **kw):
    out = elementwise_rule(*inputs)
    if all(getattr(x, "dtype", None) is D.bool_ or x.__class__ is bool for x in inputs[:2]):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")
    return out


ADD = defop("add", _add, elementwise_rule, "AddBackward0", promote=True, visible=(0, 1),
            saves=False, vjp_name=None)
SUB = defop("sub", _sub, _no_bool_sub, "SubBackward0", promote=True, visible=(0, 1),
            saves=False, vjp_name="NegBackward0")
RSUB = defop("rsub", lambda a, b: b - a, _no_bool_sub, "RsubBackward0", promote=True,
             visible=(0, 1), saves=False, vjp_name="NegBackward0")
RSUB_SCALAR = defop("rsub_scalar", lambda a, b: b - a, _no_bool_sub, "RsubBackward1",
                    promote=True, visible=(0,), saves=False, vjp_name="NegBackward0")
def _saves_other(n):
    """mul saves each input only for the gradient of the other one."""
    a, b = n.inputs
    return [x for x, other in ((a, b), (b, a)) if getattr(other, "requires_grad", False)]


def _div_saves(n):
    a, b = n.inputs
    return [b] + ([a] if getattr(b, "requires_grad", False) else [])


MUL = defop("mul", lambda a, b: a * b, elementwise_rule, "MulBackward0", promote=True,
            visible=(0, 1), saves=_saves_other)
DIV = defop("div", lambda a, b: a / b, float_elementwise_rule, "DivBackward0", promote=True,
            visible=(0, 1), vjp_name="DivBackward0", saves=_div_saves)


def _div_mode(a, b, mode):
    if jnp.issubdtype(a.dtype, jnp.integer):
        if mode == "floor":
            return jnp.floor_divide(a, b)
        q = jnp.abs(a) // jnp.abs(b)
        return jnp.where((a < 0) != (b < 0), -q, q)
    q = a / b
    return jnp.floor(q) if mode == "floor" else jnp.trunc(q)


def _no_bool(kernel, rule=elementwise_rule):
    """PyTorch has no bool kernel for these: a bool result dtype raises (ints are fine)."""
    def check(*inputs, **kw):
        out = rule(*inputs, **kw)
        if out[1] is D.bool_:
            k = kernel(**kw) if callable(kernel) else kernel
            raise NotImplementedError(f'"{k}" not implemented for \'Bool\'')
        return out
    return check


DIV_MODE = defop("div_mode", _div_mode,
                 _no_bool(lambda mode: f"div_{mode}_cpu"), "DivBackward1", promote=True,
                 visible=(0, 1))


@jax.custom_jvp
def _fpow(a, b):
    return jnp.power(a, b)


def _fpow_jvp(primals, tangents):
    # PyTorch: d/da is 0 where the exponent is 0; d/db is 0 where a == 0 and b >= 0.
    # A constant operand's tangent is a symbolic zero: its (maybe nan) partial is skipped.
    a, b = primals
    da, db = tangents
    out = jnp.power(a, b)
    t = jnp.zeros_like(out)
    if type(da) is not SymbolicZero:
        t = t + jnp.where(b == 0, 0, b * jnp.power(a, jnp.where(b == 0, 1, b - 1))) * da
    if type(db) is not SymbolicZero:
        t = t + jnp.where((a == 0) & (b >= 0), 0, out * jnp.log(jnp.where(a == 0, 1, a))) * db
    return out, t


_fpow.defjvp(_fpow_jvp, symbolic_zeros=True)


def _pow(a, b):
    if jnp.issubdtype(a.dtype, jnp.inexact):
        return _fpow(a, b)
    return jnp.power(a, b)


POW = defop("pow", _pow, elementwise_rule, "PowBackward0", promote=True, visible=(0,))
# (a bool tensor to a Python bool power is allowed by PyTorch; tensor exponents are not)
POW_TENSOR = defop("pow_tensor", _pow, _no_bool("pow"), "PowBackward1", promote=True,
                   visible=(0, 1))
POW_SCALAR_BASE = defop("pow_scalar_base", _pow, _no_bool("pow"), "PowBackward2",
                        promote=True, visible=(1,))


def _alpha_args(input, other, alpha):
    if alpha == 1:
        return (input, other)
    return (input, other, alpha)


def add(input, other, *, alpha=1, out=None):
    return apply(ADD, _alpha_args(input, other, alpha))


def sub(input, other, *, alpha=1, out=None):
    return apply(SUB, _alpha_args(input, other, alpha))


def rsub(input, other, *, alpha=1):
    if _is_tensor(other):
        return apply(RSUB, _alpha_args(input, other, alpha)[:2])
    return apply(RSUB_SCALAR, (input, other))


def mul(input, other, *, out=None):
    return apply(MUL, (input, other))


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return apply(DIV, (input, other))
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'")
    return apply(DIV_MODE, (input, other), (("mode", rounding_mode),))


def true_divide(input, other):
    return apply(DIV, (input, other))


def pow(input, exponent, *, out=None):
    if _is_tensor(input) and exponent.__class__ is int and exponent < 0 \
            and not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if not _is_tensor(input):
        return apply(POW_SCALAR_BASE, (input, exponent))
    if _is_tensor(exponent):
        return apply(POW_TENSOR, (input, exponent))
    return apply(POW, (input, exponent))


expose(add, "add", "add")
expose(sub, ("sub", "subtract"), ("sub", "subtract"))
expose(rsub, "rsub")
expose(mul, ("mul", "multiply"), ("mul", "multiply"))
expose(div, ("div", "divide"), ("div", "divide"))
expose(true_divide, "true_divide", "true_divide")
expose(pow, "pow", "pow")
for _n, _f in (("add_", add), ("sub_", sub), ("subtract_", sub), ("mul_", mul),
               ("multiply_", mul), ("div_", div), ("divide_", div),
               ("true_divide_", true_divide), ("pow_", pow)):
    INPLACE[_n] = _f


# ------------------------------------------------------------------ unary math
def _relu(x):
    # PyTorch's derivative of relu at 0 is 0
    return jnp.where(x > 0, x, jnp.zeros_like(x))


@jax.custom_jvp
def _abs(x):
    return jnp.abs(x)


# PyTorch: d|x|/dx = sign(x), 0 at 0
_abs.defjvp(lambda p, t: (jnp.abs(p[0]), jnp.sign(p[0]) * t[0]))


def _sign_abs(x):
    return _abs(x) if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.abs(x)


@jax.custom_jvp
def _sqrt(x):
    return jnp.sqrt(x)


_sqrt.defjvp(lambda p, t: (jnp.sqrt(p[0]), t[0] / (2 * jnp.sqrt(p[0]))))


def _unary(name, impl, grad_fn, *, floating=True, saves=True, vjp_name="MulBackward0",
           method=True, functional=False, aliases=(), rule=None):
    if rule is None:
        rule = float_elementwise_rule if floating else same_rule
    op = defop(name, impl, rule, grad_fn, promote=floating, saves=saves, vjp_name=vjp_name)

    def front(input):
        return apply(op, (input,))
    front.__name__ = front.__qualname__ = name
    front.__doc__ = f"{name}(input) -> Tensor, elementwise (PyTorch's torch.{name})."
    expose(front, function=(name,) + aliases, method=(name,) + aliases if method else (),
           functional=name if functional else ())
    INPLACE[name + "_"] = front
    return op


NEG = _unary("neg", jnp.negative, "NegBackward0", floating=False, saves=False,
             vjp_name="NegBackward0", aliases=("negative",))
ABS = _unary("abs", _sign_abs, "AbsBackward0", floating=False)
EXP = _unary("exp", jnp.exp, "ExpBackward0", saves="output")
LOG = _unary("log", jnp.log, "LogBackward0", vjp_name="DivBackward0")
SQRT = _unary("sqrt", _sqrt, "SqrtBackward0", vjp_name="DivBackward0", saves="output")
SIN = _unary("sin", jnp.sin, "SinBackward0")
COS = _unary("cos", jnp.cos, "CosBackward0")
TANH = _unary("tanh", jnp.tanh, "TanhBackward0", functional=True, saves="output",
              vjp_name="TanhBackwardBackward0")
SIGMOID = _unary("sigmoid", jax.nn.sigmoid, "SigmoidBackward0", functional=True, saves="output",
                 vjp_name="SigmoidBackwardBackward0")
RELU = _unary("relu", _relu, "ReluBackward0", floating=False, functional=True,
              vjp_name="ThresholdBackward0", saves="output")
RECIPROCAL = _unary("reciprocal", lambda x: 1 / x, "ReciprocalBackward0")
SQUARE = _unary("square", jnp.square, "PowBackward0")

# ------------------------------------------------------------------ comparisons
_CMP = {}
for _name, _fn, _aliases in (("eq", jnp.equal, ()), ("ne", jnp.not_equal, ("not_equal",)),
                             ("lt", jnp.less, ("less",)), ("le", jnp.less_equal, ("less_equal",)),
                             ("gt", jnp.greater, ("greater",)),
                             ("ge", jnp.greater_equal, ("greater_equal",))):
    _op = defop(_name, _fn, compare_rule, None, promote=True, saves=False)
    _CMP[_name] = _op

    def _front(input, other, *, out=None, _op=_op):
        return apply(_op, (input, other))
    _front.__name__ = _name
    expose(_front, (_name,) + _aliases, (_name,) + _aliases)
    INPLACE[_name + "_"] = _front


# ------------------------------------------------------------------ more binary ops
def _must_be_tensors(name, method, input, other):
    """PyTorch's argument parser for ops with no Scalar overload (maximum, atan2, ...)."""
    for arg, pos, x in (("input", 1, input), ("other", 2 - method, other)):
        if not _is_tensor(x) and not (method and arg == "input"):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, "
                            f"not {type(x).__name__}")


def _binary(name, impl, grad_fn, rule=elementwise_rule, aliases=(), saves=True,
            tensors_only=False):
    op = defop(name, impl, rule, grad_fn, promote=True, visible=(0, 1), saves=saves)

    def front(input, other, *, out=None):
        return apply(op, (input, other))
    front.__name__ = name
    if not tensors_only:
        expose(front, (name,) + aliases, (name,) + aliases)
        INPLACE[name + "_"] = front
        return op
    for n in (name,) + aliases:
        def function(input, other, *, out=None, _n=n):
            _must_be_tensors(_n, False, input, other)
            return apply(op, (input, other))

        def method(input, other, *, _n=n):
            _must_be_tensors(_n, True, input, other)
            return apply(op, (input, other))

        def inplace(input, other, *, _n=n + "_"):
            _must_be_tensors(_n, True, input, other)
            return apply(op, (input, other))
        function.__name__ = method.__name__ = n
        expose(function, n)
        expose(method, method=n)
        INPLACE[n + "_"] = inplace
    return op


def _bitwise_rule(*inputs, **_):
    shape, dt, cdt = elementwise_rule(*inputs)
    if dt.is_floating_point or dt.is_complex:
        raise RuntimeError(f'"bitwise_and_cpu" not implemented for \'{D.scalar_name(dt)}\'')
    return shape, dt, cdt




def _logical_rule(*inputs, **_):
    shape, dt, _ = elementwise_rule(*inputs)
    return shape, D.bool_, dt


MAXIMUM = _binary("maximum", jnp.maximum, "MaximumBackward0", tensors_only=True)
MINIMUM = _binary("minimum", jnp.minimum, "MinimumBackward0", tensors_only=True)
REMAINDER = _binary("remainder", jnp.remainder, "RemainderBackward0",
                    _no_bool("remainder_cpu"))
FMOD = _binary("fmod", jnp.fmod, "FmodBackward0", _no_bool("fmod_cpu"))
FLOOR_DIVIDE = _binary("floor_divide", lambda a, b: _div_mode(a, b, "floor"), None,
                       _no_bool("div_floor_cpu"))
for _n, _f in (("bitwise_and", jnp.bitwise_and), ("bitwise_or", jnp.bitwise_or),
               ("bitwise_xor", jnp.bitwise_xor)):
    _binary(_n, _f, None, _bitwise_rule, saves=False)
for _n, _f in (("logical_and", jnp.logical_and), ("logical_or", jnp.logical_or),
               ("logical_xor", jnp.logical_xor)):
    _binary(_n, _f, None, _logical_rule, saves=False)


def _not_rule(x):
    if x.dtype.is_floating_point:
        raise RuntimeError("bitwise_not is only supported for integer and boolean tensors")
    return x.shape, x.dtype, x.dtype


BITWISE_NOT = defop("bitwise_not", jnp.invert, _not_rule, None, saves=False)
LOGICAL_NOT = defop("logical_not", jnp.logical_not,
                    lambda x: (x.shape, D.bool_, x.dtype), None, saves=False)


def bitwise_not(input, *, out=None):
    return apply(BITWISE_NOT, (input,))


def logical_not(input, *, out=None):
    return apply(LOGICAL_NOT, (input,))


expose(bitwise_not, "bitwise_not", ("bitwise_not", "__invert__"))
expose(logical_not, "logical_not", "logical_not")
INPLACE["bitwise_not_"] = bitwise_not
INPLACE["logical_not_"] = logical_not
