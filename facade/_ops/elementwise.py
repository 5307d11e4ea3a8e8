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


def _rsub(a, b, alpha=None):
    return b - a if alpha is None else b - alpha * a


def _is_bool(x):
    return getattr(x, "dtype", None) is D.bool_ or x.__class__ is bool


def _no_bool_sub(*inputs, **kw):
    bools = [_is_bool(x) for x in inputs[:2]]
    if all(bools):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return elementwise_rule(*inputs)


def _alpha_rule(rule):
    """add/sub(..., alpha=): PyTorch refuses a float alpha for an integral result, a bool
    alpha for a non-bool one."""
    def check(*inputs, **kw):
        out = rule(*inputs[:2], **kw)   # alpha does not take part in promotion
        alpha = inputs[2] if len(inputs) > 2 else None
        if alpha.__class__ is complex and not out[1].is_complex:
            raise RuntimeError("For non-complex input tensors, argument alpha must not be a "
                               "complex number.")
        if alpha.__class__ is float and not (out[1].is_floating_point or out[1].is_complex):
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")
        if alpha.__class__ is bool and out[1] is not D.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        return out
    return check


ADD = defop("add", _add, _alpha_rule(elementwise_rule), "AddBackward0", promote=True, visible=(0, 1),
            saves=False, vjp_name=None)
SUB = defop("sub", _sub, _alpha_rule(_no_bool_sub), "SubBackward0", promote=True, visible=(0, 1),
            saves=False, vjp_name="NegBackward0")
RSUB = defop("rsub", _rsub, _alpha_rule(_no_bool_sub), "RsubBackward0", promote=True,
             visible=(0, 1), saves=False, vjp_name="NegBackward0")
RSUB_SCALAR = defop("rsub_scalar", _rsub, _alpha_rule(_no_bool_sub), "RsubBackward1",
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


def _zero_division(input, other):
    """Integer division by a Python 0 raises, as PyTorch. (A front-end check: the rule's
    cache is keyed by the scalar's type, not its value.)"""
    if other.__class__ in (int, bool) and other == 0 and _is_tensor(input) and \
            not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("ZeroDivisionError")


# div(a, b, rounding_mode=None) is the rounding-mode overload too (DivBackward2)
DIV_NO_MODE = defop("div_no_mode", lambda a, b: a / b, float_elementwise_rule, "DivBackward2",
                    promote=True, visible=(0, 1), saves=_div_saves)
DIV_MODE = defop("div_mode", _div_mode,
                 _no_bool(lambda mode: f"div_{mode}_cpu"), "DivBackward2", promote=True,
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
        t = t + jnp.where((a == 0) & (b >= 0), 0, out * jnp.log(a)) * db
    return out, t


_fpow.defjvp(_fpow_jvp, symbolic_zeros=True)


def _pow(a, b):
    if jnp.issubdtype(a.dtype, jnp.inexact):
        return _fpow(a, b)
    if a.dtype == jnp.bool_ or jnp.issubdtype(a.dtype, jnp.unsignedinteger):
        return jnp.power(a, b)
    # integers to negative powers (PyTorch): 1 and -1 keep their magnitude, the rest give 0
    neg = b < 0
    p = jnp.power(a, jnp.where(neg, 0, b))
    odd = (b % 2) != 0
    inv = jnp.where(a == 1, 1, jnp.where(a == -1, jnp.where(odd, -1, 1), 0)).astype(a.dtype)
    return jnp.where(neg, inv, p)


POW = defop("pow", _pow, elementwise_rule, "PowBackward0", promote=True, visible=(0,))
# (a bool tensor to a Python bool power is allowed by PyTorch; tensor exponents are not)
POW_TENSOR = defop("pow_tensor", _pow, _no_bool("pow"), "PowBackward1", promote=True,
                   visible=(0, 1))
POW_SCALAR_BASE = defop("pow_scalar_base", _pow, _no_bool("pow"), "PowBackward2",
                        promote=True, visible=(1,))


def _alpha_args(input, other, alpha):
    if alpha == 1 and alpha.__class__ is not bool:
        return (input, other)
    return (input, other, alpha)


def add(input, other, *, alpha=1, out=None):
    return apply(ADD, _alpha_args(input, other, alpha))


def sub(input, other, *, alpha=1, out=None):
    return apply(SUB, _alpha_args(input, other, alpha))


def rsub(input, other, *, alpha=1):
    if _is_tensor(other):
        return apply(RSUB, _alpha_args(input, other, alpha))
    return apply(RSUB_SCALAR, _alpha_args(input, other, alpha))


def mul(input, other, *, out=None):
    return apply(MUL, (input, other))


_NO = object()


def div(input, other, *, rounding_mode=_NO, out=None):
    if rounding_mode is _NO:
        return apply(DIV, (input, other))
    if rounding_mode is None:
        return apply(DIV_NO_MODE, (input, other))
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'")
    _zero_division(input, other)
    return apply(DIV_MODE, (input, other), (("mode", rounding_mode),))


def true_divide(input, other):
    return apply(DIV, (input, other))


def pow(input=None, exponent=None, *, out=None, self=None):
    if self is not None:   # pow(self=2, exponent=t): the Scalar-base overload's keyword
        input = self
    if not _is_tensor(input) and not _is_tensor(exponent):
        raise TypeError(
            f"pow() received an invalid combination of arguments - got ({type(input).__name__}"
            f", {type(exponent).__name__}), but expected one of:\n * (Tensor input, Tensor "
            "exponent, *, Tensor out = None)\n * (Number self, Tensor exponent, *, Tensor out "
            "= None)\n * (Tensor input, Number exponent, *, Tensor out = None)\n")
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
    # PyTorch's derivative of relu at 0 is 0; nan passes through (value and gradient)
    return jnp.where((x > 0) | (x != x), x, jnp.zeros_like(x))


@jax.custom_jvp
def _abs(x):
    return jnp.abs(x)


# PyTorch: d|x|/dx = sgn(x): 0 at 0 and at nan
_abs.defjvp(lambda p, t: (jnp.abs(p[0]), jnp.where(p[0] > 0, 1, jnp.where(p[0] < 0, -1, 0)
                                                    ).astype(p[0].dtype) * t[0]))


@jax.custom_jvp
def _cabs(z):
    return jnp.abs(z)


def _cabs_jvp(p, t):
    # PyTorch: the derivative of |z| is Re(conj(sgn(z)) dz), sgn(z) = z / |z| (0 at 0)
    z, = p
    a = jnp.abs(z)
    sgn = jnp.where(a == 0, 0, z / jnp.where(a == 0, 1, a))
    return a, jnp.real(jnp.conj(sgn) * t[0])


_cabs.defjvp(_cabs_jvp)


def _sign_abs(x):
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        return _cabs(x)
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

    def front(input, *, out=None):
        if not _is_tensor(input):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        return apply(op, (input,))
    front.__name__ = front.__qualname__ = name
    front.__doc__ = f"{name}(input) -> Tensor, elementwise (PyTorch's torch.{name})."
    expose(front, function=(name,) + aliases, method=(name,) + aliases if method else (),
           functional=name if functional else ())
    for n in (name,) + aliases:
        INPLACE[n + "_"] = front
    return op


def _refuse_bool(message, exc=RuntimeError, rule=same_rule):
    """A rule that keeps the dtype but raises PyTorch's error for bool input."""
    def check(x, **kw):
        if x.dtype is D.bool_:
            raise exc(message)
        return rule(x, **kw)
    return check


def _square_rule(x):
    # square is pow(x, 2): integers keep their dtype, bool becomes int64
    dt = D.int64 if x.dtype is D.bool_ else x.dtype
    return x.shape, dt, dt


NEG = _unary("neg", jnp.negative, "NegBackward0", floating=False, saves=False,
             vjp_name="NegBackward0", aliases=("negative",), rule=_refuse_bool(
                 "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                 "trying to invert a mask, use the `~` or `logical_not()` operator instead."))
def _abs_rule(x):
    dt = x.dtype.to_real() if x.dtype.is_complex else x.dtype   # |complex| is real
    return x.shape, dt, x.dtype


ABS = _unary("abs", _sign_abs, "AbsBackward0", floating=False, aliases=("absolute",),
             rule=_refuse_bool('"abs_cpu" not implemented for \'Bool\'', NotImplementedError,
                               _abs_rule))
EXP = _unary("exp", jnp.exp, "ExpBackward0", saves="output")
LOG = _unary("log", jnp.log, "LogBackward0", vjp_name="DivBackward0")
SQRT = _unary("sqrt", _sqrt, "SqrtBackward0", vjp_name="DivBackward0", saves="output")
SIN = _unary("sin", jnp.sin, "SinBackward0")
COS = _unary("cos", jnp.cos, "CosBackward0")
TANH = _unary("tanh", jnp.tanh, "TanhBackward0", functional=True, saves="output",
              vjp_name="TanhBackwardBackward0")
SIGMOID = _unary("sigmoid", jax.nn.sigmoid, "SigmoidBackward0", functional=True, saves="output",
                 vjp_name="SigmoidBackwardBackward0")
RELU = _unary("relu", _relu, "ReluBackward0", floating=False,
               vjp_name="ThresholdBackward0", saves="output",
               rule=_refuse_bool("Boolean inputs not supported for relu"))
RECIPROCAL = _unary("reciprocal", lambda x: 1 / x, "ReciprocalBackward0")
SQUARE = _unary("square", lambda x: jnp.square(x.astype(jnp.int64) if x.dtype == jnp.bool_
                                               else x), "PowBackward0", rule=_square_rule)

# ------------------------------------------------------------------ comparisons
def _cmp_inplace(fn):
    def impl(a, b):
        return fn(a, b).astype(a.dtype)
    return impl


def _cmp_inplace_rule(a, b):
    shape, dt, cdt = elementwise_rule(a, b)
    return shape, a.dtype, cdt


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
    for _n in (_name,) + _aliases:
        def _function(input, other, *, out=None, _n=_n, _op=_op):
            _no_number_input(_n, input, other)
            return apply(_op, (input, other))
        _function.__name__ = _n
        expose(_function, _n)
    expose(_front, method=(_name,) + _aliases)
    # x.eq_(y) writes 0/1 in x's dtype: a node with zero gradient (EqBackward0/1), not a
    # bool result (which would keep x's history, as a write under no_grad does)
    _ops_ = (defop(_name + "_", _cmp_inplace(_fn), _cmp_inplace_rule, _name.capitalize()
                   + "Backward1", promote=True, visible=(0, 1), saves=False),
             defop(_name + "_scalar_", _cmp_inplace(_fn), _cmp_inplace_rule,
                   _name.capitalize() + "Backward0", promote=True, visible=(0,), saves=False))

    def _inplace(input, other, _ops_=_ops_):
        return apply(_ops_[0] if _is_tensor(other) else _ops_[1], (input, other))
    for _n in (_name,) + _aliases:
        INPLACE[_n + "_"] = _inplace


# ------------------------------------------------------------------ more binary ops
def _must_be_tensors(name, method, input, other):
    """PyTorch's argument parser for ops with no Scalar overload (maximum, atan2, ...)."""
    for arg, pos, x in (("input", 1, input), ("other", 2 - method, other)):
        if not _is_tensor(x) and not (method and arg == "input"):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, "
                            f"not {type(x).__name__}")


def _no_number_input(name, input, other):
    """torch.<name>(number, tensor) for ops with only (Tensor, Tensor) and (Tensor, Number)
    overloads."""
    if not _is_tensor(input):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({type(input).__name__}, {'Tensor' if _is_tensor(other) else type(other).__name__}"
            f"), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n"
            f" * (Tensor input, Number other, *, Tensor out = None)\n")


def _binary(name, impl, grad_fn, rule=elementwise_rule, aliases=(), saves=True,
            tensors_only=False, scalar_grad_fn=None, inplace=True, number_input=True,
            int_division=False):
    """A binary op under its names. With `scalar_grad_fn`, a Python-number `other` records a
    second op (PyTorch's Scalar overload, e.g. RemainderBackward0 vs RemainderBackward1)."""
    op = defop(name, impl, rule, grad_fn, promote=True, visible=(0, 1), saves=saves)
    sop = op if scalar_grad_fn is None else defop(
        name + "_scalar", impl, rule, scalar_grad_fn, promote=True, visible=(0,), saves=saves)

    def front(input, other, *, out=None):
        if int_division:
            _zero_division(input, other)
        return apply(op if _is_tensor(other) else sop, (input, other))
    front.__name__ = name
    if not tensors_only:
        if number_input:
            expose(front, (name,) + aliases, (name,) + aliases)
        else:
            for n in (name,) + aliases:
                def function(input, other, *, out=None, _n=n):
                    _no_number_input(_n, input, other)
                    return front(input, other)
                function.__name__ = n
                expose(function, n)
            expose(front, method=(name,) + aliases)
        for n in (name,) + aliases:
            INPLACE[n + "_"] = front
        return op
    for n in (name,) + aliases:
        def function(input, other, *, out=None, _n=n):
            _must_be_tensors(_n, False, input, other)
            return apply(op, (input, other))

        def method(input, other, *, _n=n):
            _must_be_tensors(_n, True, input, other)
            return apply(op, (input, other))

        def inplace_fn(input, other, *, _n=n + "_"):
            _must_be_tensors(_n, True, input, other)
            return apply(op, (input, other))
        function.__name__ = method.__name__ = n
        expose(function, n)
        expose(method, method=n)
        if inplace:
            INPLACE[n + "_"] = inplace_fn
    return op


def _bitwise_rule(name):
    def rule(*inputs, **_):
        shape, dt, cdt = elementwise_rule(*inputs)
        if dt.is_floating_point or dt.is_complex:
            raise NotImplementedError(
                f'"{name}_cpu" not implemented for \'{D.scalar_name(dt)}\'')
        return shape, dt, cdt
    return rule




def _logical_rule(*inputs, **_):
    shape, dt, _ = elementwise_rule(*inputs)
    return shape, D.bool_, dt


def _extremum(fn, lose):
    """maximum/minimum with PyTorch's derivative: half to each input at a tie; the input
    that loses (a < b for maximum) gets none; with a nan both get all of it."""
    f = jax.custom_jvp(fn)

    def jvp(primals, tangents):
        a, b = primals
        ta, tb = tangents
        half = jnp.where(a == b, 0.5, 1.0).astype(fn(a, b).dtype)
        wa = jnp.where(lose(a, b), 0, half)
        wb = jnp.where(lose(b, a), 0, half)
        return fn(a, b), wa * ta + wb * tb
    f.defjvp(jvp)
    return lambda a, b: f(a, b) if jnp.issubdtype(jnp.result_type(a), jnp.inexact) else fn(a, b)


# (PyTorch has no maximum_/minimum_)
MAXIMUM = _binary("maximum", _extremum(jnp.maximum, jnp.less), "MaximumBackward0",
                  tensors_only=True, inplace=False)
MINIMUM = _binary("minimum", _extremum(jnp.minimum, jnp.greater), "MinimumBackward0",
                  tensors_only=True, inplace=False)
REMAINDER = _binary("remainder", jnp.remainder, "RemainderBackward1",
                    _no_bool("remainder_cpu"), scalar_grad_fn="RemainderBackward0",
                    int_division=True)
FMOD = _binary("fmod", jnp.fmod, "FmodBackward1", _no_bool("fmod_cpu"),
               scalar_grad_fn="FmodBackward0", number_input=False, int_division=True)
# PyTorch records floor_divide on floats with a NotImplemented grad_fn (its backward
# raises); facade's gradient is floor's, zero
FLOOR_DIVIDE = _binary("floor_divide", lambda a, b: _div_mode(a, b, "floor"),
                       "torch::autograd::NotImplemented", _no_bool("div_floor_cpu"),
                       int_division=True)
for _n, _f in (("bitwise_and", jnp.bitwise_and), ("bitwise_or", jnp.bitwise_or),
               ("bitwise_xor", jnp.bitwise_xor)):
    _binary(_n, _f, None, _bitwise_rule(_n), saves=False)
for _n, _f in (("logical_and", jnp.logical_and), ("logical_or", jnp.logical_or),
               ("logical_xor", jnp.logical_xor)):
    _binary(_n, _f, None, _logical_rule, saves=False, tensors_only=True)


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


def _invert(input):
    if input.dtype.is_floating_point or input.dtype.is_complex:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return apply(BITWISE_NOT, (input,))


expose(bitwise_not, "bitwise_not", "bitwise_not")
expose(_invert, method="__invert__")
expose(logical_not, "logical_not", "logical_not")
INPLACE["bitwise_not_"] = bitwise_not
INPLACE["logical_not_"] = logical_not
