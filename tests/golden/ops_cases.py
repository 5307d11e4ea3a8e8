"""Op-corpus cases for tests/test_torch_ops.py, recorded from real PyTorch.

Shared by the generator (tests/tools/gen_ops_golden.py: runs every case with torch and writes
tests/golden/ops.json) and the test (runs them with facade and compares). After editing the
cases, regenerate with torch installed:

    .venv/bin/python tests/tools/gen_ops_golden.py

A case is (id, fn, args): `fn(T, *tensors)` written against the PyTorch API (T is torch or
facade); `args` are NumPy arrays (made tensors with T.tensor; floating ones require grad) or
plain Python values. `run_case` records the result: tensors (shape, dtype, requires_grad,
grad_fn name, values), Python values, named-tuple type names, or the exception (type and
first line of its message); then the gradients of the inputs for a fixed cotangent.
Inputs come from a seeded NumPy RandomState, so both sides see the same numbers.
"""
import math
import warnings

import numpy as np

CASES = []
_rs = np.random.RandomState(2013)


def case(cid, fn, *args, grad=True):
    args = tuple(np.asarray(a) if isinstance(a, np.generic) else a for a in args)
    CASES.append((cid, fn, args, grad))


def f32(*s):
    return np.asarray(_rs.randn(*s), np.float32)


def f64(*s):
    return np.asarray(_rs.randn(*s), np.float64)


def pos(*s):
    return np.asarray(_rs.uniform(0.2, 2.0, s), np.float32)


def unit(*s):
    return np.asarray(_rs.uniform(-0.9, 0.9, s), np.float32)


def i64(*s, lo=-4, hi=5):
    return np.asarray(_rs.randint(lo, hi, s), np.int64)


def boolean(*s):
    return np.asarray(_rs.rand(*s) > 0.5)


def idx(*v):
    return np.asarray(v, np.int64)


# The names of the op lists (and their neighbours): the generator records which of
# torch.X, Tensor.X, Tensor.X_, torch.nn.functional.X and torch.linalg.X PyTorch has; the
# test checks that facade has each of them.
NAMES = """abs neg negative exp exp2 log log2 log10 log1p expm1 sqrt rsqrt square sin cos tan
asin acos atan arcsin arccos arctan sinh cosh tanh asinh acosh atanh sigmoid relu relu6 gelu
silu mish softplus elu selu celu leaky_relu hardtanh erf erfc sign sgn reciprocal floor ceil
round trunc fix frac add sub subtract mul multiply div divide true_divide floor_divide
remainder fmod pow float_power maximum minimum atan2 arctan2 hypot lerp addcmul addcdiv clamp
clip clamp_min clamp_max where masked_fill nan_to_num eq ne lt le gt ge greater less
greater_equal less_equal not_equal equal logical_and logical_or logical_xor logical_not
bitwise_and bitwise_or bitwise_xor bitwise_not isnan isinf isfinite isposinf isneginf
isclose allclose signbit copysign xlogy logaddexp logaddexp2 heaviside sinc logit deg2rad
rad2deg positive absolute sum mean prod max min amax amin aminmax argmax argmin var std
var_mean std_mean norm logsumexp cumsum cumprod cummax cummin logcumsumexp all any
count_nonzero topk sort argsort msort median nanmedian mode kthvalue nansum nanmean dist
matmul mm bmm mv dot vdot inner outer ger einsum baddbmm addmm addmv addbmm addr tensordot
kron trace cross reshape view view_as reshape_as flatten unflatten transpose swapaxes
swapdims permute t squeeze unsqueeze expand expand_as broadcast_to repeat repeat_interleave
tile cat concat concatenate stack hstack vstack dstack column_stack split chunk
tensor_split unbind flip fliplr flipud rot90 roll narrow movedim moveaxis tril triu diag
diag_embed diagflat diagonal contiguous select unfold ravel index_select gather scatter
scatter_add scatter_reduce index_add index_copy index_fill index_put take take_along_dim
masked_select masked_scatter nonzero argwhere clone detach linear bilinear softmax
log_softmax softmin dropout one_hot pad normalize layer_norm batch_norm group_norm
instance_norm rms_norm embedding conv1d conv2d conv3d conv_transpose1d conv_transpose2d
max_pool1d max_pool2d avg_pool1d avg_pool2d adaptive_avg_pool1d adaptive_avg_pool2d
adaptive_max_pool2d interpolate pixel_shuffle mse_loss l1_loss smooth_l1_loss huber_loss
binary_cross_entropy binary_cross_entropy_with_logits cross_entropy nll_loss kl_div
cosine_similarity pairwise_distance hinge_embedding_loss multi_margin_loss
multilabel_soft_margin_loss inv det solve cholesky qr svd eigh eigvalsh vector_norm
matrix_norm slogdet pinv matrix_power svdvals multi_dot vecdot lstsq matrix_rank""".split()
# shape-changing in-place methods facade does not provide (README: differences)
NOT_PROVIDED = {"Tensor.t_", "Tensor.transpose_", "Tensor.squeeze_", "Tensor.unsqueeze_",
                "Tensor.swapaxes_", "Tensor.swapdims_", "torch.batch_norm", "torch.kl_div",
                "torch.instance_norm", "torch.group_norm", "torch.layer_norm",
                "torch.conv_transpose2d", "torch.conv_transpose1d"}
case("removed/torch.solve", lambda T, a: T.solve(a, a), f32(2, 2))
case("removed/torch.matrix_rank", lambda T, a: T.matrix_rank(a), f32(2, 2))
case("removed/Tensor.lstsq", lambda T, a: a.lstsq(a), f32(2, 2))


def names_present(T):
    """'torch.X' / 'Tensor.X' / 'Tensor.X_' / 'F.X' / 'linalg.X' that module T has."""
    out = []
    for n in NAMES:
        for label, obj, attr in (("torch", T, n), ("Tensor", T.Tensor, n),
                                 ("Tensor", T.Tensor, n + "_"), ("F", T.nn.functional, n),
                                 ("linalg", T.linalg, n)):
            if hasattr(obj, attr):
                out.append(f"{label}.{attr}")
    return sorted(set(out))


# ---------------------------------------------------------------------------------- runner
def _cotangent(shape):
    n = int(np.prod(shape)) if shape else 1
    return (np.sin(np.arange(n) * 1.3 + 0.5) + 1.2).reshape(shape)


def _values(a):
    if a.dtype.kind == "c":
        return [_values(a.real), _values(a.imag)]
    return a.astype(np.float64).tolist() if a.dtype.kind == "f" else a.tolist()


def _tensor_record(T, t):
    v = t.detach().numpy() if T.__name__ == "facade" else t.detach().cpu().numpy()
    return {"shape": list(t.shape), "dtype": str(t.dtype), "rg": bool(t.requires_grad),
            "grad_fn": None if t.grad_fn is None else t.grad_fn.name(),
            "v": _values(np.asarray(v))}


def _numpy(g):
    try:
        return np.asarray(g.detach().numpy())
    except RuntimeError:   # PyTorch's efficient zero tensors cannot be read directly
        return np.zeros(tuple(g.shape))


def _flat(o):
    if isinstance(o, (list, tuple)):
        return [x for y in o for x in _flat(y)]
    return [o]


def _leaves(xs):
    return [x for y in xs for x in (_leaves(y) if isinstance(y, (list, tuple)) else [y])
            if hasattr(x, "requires_grad")]


def _make(T, a, grad):
    if isinstance(a, np.ndarray):
        t = T.tensor(a)
        if grad and a.dtype.kind == "f":
            t.requires_grad_(True)
        return t
    if isinstance(a, list) and a and all(isinstance(x, np.ndarray) for x in a):
        return [_make(T, x, grad) for x in a]
    return a


def _exc(e):
    return {"exc": [type(e).__name__, str(e).split("\n")[0]]}


def run_case(T, fn, args, grad):
    xs = [_make(T, a, grad) for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = fn(T, *xs)
        except Exception as e:  # noqa: BLE001 - the exception is the record
            return _exc(e)
        rec = {"type": type(out).__name__ if isinstance(out, tuple) else None, "outs": []}
        loss = None
        for o in _flat(out):
            if hasattr(o, "grad_fn") and hasattr(o, "shape"):
                rec["outs"].append(_tensor_record(T, o))
                if grad and o.requires_grad and (o.dtype.is_floating_point or o.dtype.is_complex):
                    c = T.tensor(_cotangent(tuple(o.shape)), dtype=o.dtype)
                    term = (o * c).sum()
                    loss = term if loss is None else loss + term
            elif isinstance(o, float) and math.isnan(o):
                rec["outs"].append({"py": "nan"})
            elif o is None or isinstance(o, (bool, int, float, str)):
                rec["outs"].append({"py": o})
            else:   # torch.Size, dtype, ...
                rec["outs"].append({"py": str(o)})
        if loss is not None:
            leaves = [x for x in _leaves(xs) if x.requires_grad]
            try:
                gs = T.autograd.grad(loss, leaves, allow_unused=True)
                rec["grads"] = [None if g is None else {"dtype": str(g.dtype),
                                                        "v": _values(_numpy(g))} for g in gs]
            except Exception as e:  # noqa: BLE001
                rec["grads"] = _exc(e)
        return rec


# ---------------------------------------------------------------------------------- unary
UNARY = ("abs neg exp exp2 log log2 log10 log1p expm1 sqrt rsqrt square sin cos tan asin acos "
         "atan sinh cosh tanh sigmoid relu erf erfc sign sgn reciprocal floor ceil round trunc "
         "frac asinh atanh sinc deg2rad logit").split()
_POSITIVE = {"log", "log2", "log10", "log1p", "sqrt", "rsqrt"}
_UNIT = {"asin", "acos", "atanh", "logit"}


def _unary_input(name, *s):
    if name in _POSITIVE:
        return pos(*s)
    if name in _UNIT:
        return np.abs(unit(*s)) if name == "logit" else unit(*s)
    return f32(*s) * 2


for _n in UNARY:
    case(f"{_n}/fn", lambda T, x, n=_n: getattr(T, n)(x), _unary_input(_n, 2, 3))
    case(f"{_n}/method-0d-f64", lambda T, x, n=_n: getattr(x, n)(),
         _unary_input(_n).astype(np.float64))
    case(f"{_n}/empty", lambda T, x, n=_n: getattr(T, n)(x), _unary_input(_n, 0, 2))
    case(f"{_n}/int", lambda T, x, n=_n: getattr(T, n)(x), i64(2, 3, lo=1))
    case(f"{_n}/bool", lambda T, x, n=_n: getattr(T, n)(x), boolean(3))
    if _n in ("abs", "neg", "exp", "sqrt", "sigmoid", "relu", "floor", "sign", "square",
              "reciprocal"):
        case(f"{_n}/inplace", lambda T, x, n=_n: getattr(x.clone(), n + "_")(),
             _unary_input(_n, 4))
    case(f"{_n}/inplace-int", lambda T, x, n=_n: getattr(x.clone(), n + "_")(), i64(3, lo=1))
_SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 0.5, -2.5], np.float32)
for _n in ("abs", "relu", "sign", "sgn", "sqrt", "exp", "log", "round", "floor", "trunc",
           "frac", "sigmoid", "tanh", "reciprocal", "erf", "nan_to_num"):
    case(f"{_n}/special", lambda T, x, n=_n: getattr(T, n)(x), _SPECIAL)
for _d in (0, 1, -1, 2):
    case(f"round/decimals={_d}", lambda T, x, d=_d: T.round(x, decimals=d), f32(5) * 30)
    case(f"round/decimals={_d}-int", lambda T, x, d=_d: T.round(x, decimals=d), idx(12, -37))
case("nan_to_num/args", lambda T, x: T.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0), _SPECIAL)
case("nan_to_num/int", lambda T, x: T.nan_to_num(x), idx(1, 2))

# ---------------------------------------------------------------------------------- binary
BINARY = ("add sub mul div true_divide floor_divide remainder fmod pow maximum minimum atan2 "
          "hypot eq ne lt le gt ge logical_and logical_or logical_xor bitwise_and bitwise_or "
          "bitwise_xor xlogy logaddexp copysign").split()
_DIVIDES = {"div", "true_divide", "floor_divide", "remainder", "fmod"}


def _rhs(name, *s):
    v = f32(*s)
    if name in _DIVIDES:
        v = np.where(np.abs(v) < 0.3, 1.5, v).astype(np.float32)
    if name == "xlogy":
        v = np.abs(v) + 0.1
    return v


_FULL = {"add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "maximum", "eq",
         "logical_and", "bitwise_and", "atan2"}   # every variant; the others the main ones
for _n in BINARY:
    lhs = np.abs(f32(2, 3)) + 0.1 if _n == "pow" else f32(2, 3) * 3
    full = _n in _FULL
    case(f"{_n}/bcast", lambda T, a, b, n=_n: getattr(T, n)(a, b), lhs, _rhs(_n, 3))
    case(f"{_n}/bcast-0d", lambda T, a, b, n=_n: getattr(a, n)(b), lhs, _rhs(_n))
    case(f"{_n}/empty", lambda T, a, b, n=_n: getattr(T, n)(a, b), f32(0, 3), _rhs(_n, 1, 3))
    case(f"{_n}/f32-f64", lambda T, a, b, n=_n: getattr(T, n)(a, b), lhs,
         _rhs(_n, 3).astype(np.float64))
    case(f"{_n}/int-float", lambda T, a, b, n=_n: getattr(T, n)(a, b), i64(2, 3, lo=1),
         _rhs(_n, 3))
    case(f"{_n}/int-int", lambda T, a, b, n=_n: getattr(T, n)(a, b), i64(2, 3, lo=1),
         i64(3, lo=1))
    case(f"{_n}/bool-int", lambda T, a, b, n=_n: getattr(T, n)(a, b), boolean(2, 3),
         i64(3, lo=1))
    if full or _n.startswith(("logical", "bitwise")) or _n in ("ne", "lt"):
        case(f"{_n}/bool-bool", lambda T, a, b, n=_n: getattr(T, n)(a, b), boolean(2, 3),
             boolean(3))
    case(f"{_n}/scalar-float", lambda T, a, n=_n: getattr(T, n)(a, 2.5), lhs)
    case(f"{_n}/scalar-int", lambda T, a, n=_n: getattr(T, n)(a, 2), i64(2, 3, lo=1))
    if full:
        case(f"{_n}/int-tensor-float-scalar", lambda T, a, n=_n: getattr(T, n)(a, 1.5),
             i64(2, 3, lo=1))
    case(f"{_n}/scalar-first", lambda T, a, n=_n: getattr(T, n)(2, a), _rhs(_n, 3))
    case(f"{_n}/inplace", lambda T, a, b, n=_n: getattr(a.clone(), n + "_")(b), lhs, _rhs(_n, 3))
    if full:
        case(f"{_n}/inplace-wider", lambda T, a, b, n=_n: getattr(a.clone(), n + "_")(b), lhs,
             _rhs(_n, 3).astype(np.float64))
    case(f"{_n}/inplace-int-float", lambda T, a, b, n=_n: getattr(a.clone(), n + "_")(b),
         i64(2, 3, lo=1), _rhs(_n, 3))
    if full:
        case(f"{_n}/kw", lambda T, a, b, n=_n: getattr(T, n)(
            input=a, **{"exponent" if n == "pow" else "other": b}), lhs, _rhs(_n, 3))
    case(f"{_n}/bad-shape", lambda T, a, b, n=_n: getattr(T, n)(a, b), f32(2, 3), f32(4))
_OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
        "/": lambda a, b: a / b, "//": lambda a, b: a // b, "%": lambda a, b: a % b,
        "**": lambda a, b: a ** b, "&": lambda a, b: a & b, "|": lambda a, b: a | b,
        "^": lambda a, b: a ^ b, "<": lambda a, b: a < b, "==": lambda a, b: a == b,
        ">=": lambda a, b: a >= b, "!=": lambda a, b: a != b, "@": lambda a, b: a @ b}
for _s, _f in _OPS.items():
    for _v in (2, 2.5, True):
        case(f"op{_s}/tensor-{_v!r}", lambda T, a, f=_f, v=_v: f(a, v), np.abs(f32(3)) + 0.5)
        case(f"op{_s}/{_v!r}-tensor", lambda T, a, f=_f, v=_v: f(v, a), np.abs(f32(3)) + 0.5)
        case(f"op{_s}/int-{_v!r}", lambda T, a, f=_f, v=_v: f(a, v), i64(3, lo=1))
        case(f"op{_s}/bool-{_v!r}", lambda T, a, f=_f, v=_v: f(a, v), boolean(3))
for _al in (2, 0.5, True):
    case(f"add/alpha={_al!r}", lambda T, a, b, al=_al: T.add(a, b, alpha=al), f32(3), f32(3))
    case(f"sub/alpha={_al!r}-int", lambda T, a, b, al=_al: T.sub(a, b, alpha=al), i64(3), i64(3))
    case(f"rsub/alpha={_al!r}", lambda T, a, b, al=_al: T.rsub(a, b, alpha=al), f32(3), f32(3))
for _m in ("trunc", "floor", None, "round"):
    case(f"div/mode={_m}", lambda T, a, b, m=_m: T.div(a, b, rounding_mode=m), f32(4) * 5,
         _rhs("div", 4))
    case(f"div/mode={_m}-int", lambda T, a, b, m=_m: T.div(a, b, rounding_mode=m), i64(4),
         idx(3, -2, 2, -3))
    case(f"div/mode={_m}-scalar", lambda T, a, m=_m: a.div(-3, rounding_mode=m), f32(4) * 5)
for _n in ("floor_divide", "remainder", "fmod"):
    case(f"{_n}/int-by-0", lambda T, a, n=_n: getattr(T, n)(a, 0), i64(3))
    case(f"{_n}/float-by-0", lambda T, a, n=_n: getattr(T, n)(a, 0), f32(3))
_X = np.array([0.0, 1.0, -2.0, 0.5, 3.0], np.float32)
for _e in (0, 1, 2, 3, -1, 0.5, -0.5, 0.0, 2.0):
    case(f"pow/exp={_e!r}", lambda T, x, e=_e: x ** e, _X)
    case(f"pow/base={_e!r}", lambda T, x, e=_e: e ** x, _X)
    case(f"pow/int-exp={_e!r}", lambda T, x, e=_e: x ** e, idx(1, 2, 3, 0, -2))
case("pow/int-tensor-negative", lambda T, x, y: x ** y, idx(0, 1, -1, 2, -2), idx(-1, -1, -1, -3, 0))
case("pow/zero-zero", lambda T, x, y: x ** y, np.array([0.0, 0.0, 2.0], np.float32),
     np.array([0.0, 2.0, 0.0], np.float32))
case("pow/self-kw", lambda T, x: T.pow(self=2, exponent=x), _X)
case("pow/scalar-scalar", lambda T: T.pow(2, 3))
case("maximum/ties", lambda T, a, b: T.maximum(a, b), np.array([1.0, 2.0], np.float32),
     np.array([1.0, 3.0], np.float32))
case("minimum/nan", lambda T, a, b: T.minimum(a, b), np.array([np.nan, 2.0], np.float32),
     np.array([1.0, np.nan], np.float32))
case("atan2/origin", lambda T, a, b: T.atan2(a, b), np.zeros(2, np.float32),
     np.array([0.0, 1.0], np.float32))
case("hypot/origin", lambda T, a, b: T.hypot(a, b), np.zeros(2, np.float32),
     np.array([0.0, 1.0], np.float32))
case("xlogy/zeros", lambda T, a, b: T.xlogy(a, b), np.array([0.0, 0.0, 1.0], np.float32),
     np.array([0.0, 2.0, 0.0], np.float32))
case("eq_/float", lambda T, a, b: a.clone().eq_(b), f32(2, 3), f32(3))
case("gt_/scalar", lambda T, a: a.clone().gt_(0.1), f32(2, 3))
case("greater_/alias", lambda T, a, b: a.clone().greater_(b), f32(2, 3), f32(3))

# ---------------------------------------------------------------------------------- ternary
case("lerp/scalar", lambda T, a, b: T.lerp(a, b, 0.3), f32(2, 3), f32(3))
case("lerp/tensor", lambda T, a, b, w: a.lerp(b, w), f32(2, 3), f32(3), f32(2, 1))
case("lerp/dtype", lambda T, a, b: T.lerp(a, b, 0.3), f32(3), f64(3))
case("addcmul", lambda T, a, b, c: T.addcmul(a, b, c, value=-2), f32(3), f32(2, 3), f32(3))
case("addcdiv", lambda T, a, b, c: a.addcdiv(b, c, value=0.5), f32(3), f32(3), pos(2, 3))
case("addcdiv/int", lambda T, a, b, c: T.addcdiv(a, b, c), f32(3), i64(3), idx(1, 2, 3))
case("addcmul_/inplace", lambda T, a, b, c: a.clone().addcmul_(b, c), f32(3), f32(3), f32(3))
_B = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, np.nan], np.float32)
for _lo, _hi in ((-1.0, 1.0), (None, 0.5), (0.5, None), (1.0, -1.0), (1.0, 1.0)):
    case(f"clamp/{_lo},{_hi}", lambda T, x, lo=_lo, hi=_hi: T.clamp(x, lo, hi), _B)
    case(f"clip/{_lo},{_hi}-method", lambda T, x, lo=_lo, hi=_hi: x.clip(min=lo, max=hi), _B)
case("clamp/none", lambda T, x: T.clamp(x), _B)
case("clamp/tensors", lambda T, x, lo, hi: T.clamp(x, lo, hi), f32(2, 3), f32(3) - 1,
     f32(2, 1) + 1)
case("clamp/tensor-min", lambda T, x, lo: T.clamp(x, min=lo), f32(2, 3), f32(3))
case("clamp/mixed", lambda T, x, lo: T.clamp(x, lo, 1.0), f32(3), f32(3))
case("clamp/int", lambda T, x: T.clamp(x, 0, 2), i64(5))
case("clamp/int-float", lambda T, x: T.clamp(x, 0.5), i64(5))
case("clamp_/inplace", lambda T, x: x.clone().clamp_(-0.5, 0.5), f32(5))
case("clamp_min", lambda T, x: x.clamp_min(0.2), _B)
case("clamp_max/tensor", lambda T, x, m: T.clamp_max(x, m), f32(4), f32(4))
case("where", lambda T, x, y: T.where(x > 0, x, y), f32(2, 3), f32(3))
case("where/scalar", lambda T, x: T.where(x > 0, x, 0.0), f32(2, 3))
case("where/scalars", lambda T, x: T.where(x > 0, 1.0, -1), f32(2, 3))
case("where/int-scalars", lambda T, x: T.where(x > 0, 1, 0), f32(2, 3))
case("where/mixed", lambda T, x: T.where(x > 0, x.double(), x.long()), f32(2, 3))
case("where/method", lambda T, x, y: x.where(x > 0, y), f32(2, 3), f32(3))
case("where/not-bool", lambda T, x: T.where(x, x, x), f32(3))
case("where/1-arg", lambda T, x: T.where(x > 0), f32(2, 3))
case("masked_fill", lambda T, x: x.masked_fill(x > 0, 2.0), f32(2, 3))
case("masked_fill/bcast", lambda T, x, m: T.masked_fill(x, m, -1.0), f32(2, 3), boolean(3))
case("masked_fill/tensor", lambda T, x, v: x.masked_fill(x > 0, v), f32(2, 3), f32())
case("masked_fill/int-mask", lambda T, x: x.masked_fill((x > 0).long(), 0.0), f32(3))
case("masked_fill/1d-value", lambda T, x: x.masked_fill(x > 0, T.tensor([2.0])), f32(3))
case("masked_fill/int-tensor", lambda T, x: x.long().masked_fill(x > 0, 2.5), f32(3))
case("masked_fill_/inplace", lambda T, x: x.clone().masked_fill_(x > 0, 0.0), f32(2, 3))
for _n in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"):
    case(f"{_n}", lambda T, x, n=_n: getattr(T, n)(x), _SPECIAL)
    case(f"{_n}/int", lambda T, x, n=_n: getattr(T, n)(x), i64(3))
case("logical_not", lambda T, x: T.logical_not(x), f32(3))
case("bitwise_not", lambda T, x: ~x, i64(3))
case("bitwise_not/bool", lambda T, x: ~x, boolean(3))
case("bitwise_not/float", lambda T, x: ~x, f32(3))
case("isclose", lambda T, a: T.isclose(a, a + 1e-6), f32(4))
case("allclose", lambda T, a: T.allclose(a, a * (1 + 1e-7)), f32(4))
case("equal", lambda T, a, b: (T.equal(a, a), T.equal(a, b)), f32(3), f32(3))

# ---------------------------------------------------------------------------------- reductions
_R = f32(2, 3, 4)
for _n in ("sum", "mean", "prod", "amax", "amin", "logsumexp", "var", "std", "norm", "nansum",
           "nanmean", "all", "any", "count_nonzero"):
    dims = [0, -1, (0, 2)] if _n not in ("prod",) else [0, -1]
    if _n != "logsumexp":
        case(f"{_n}/full", lambda T, x, n=_n: getattr(T, n)(x), _R)
        case(f"{_n}/0d", lambda T, x, n=_n: getattr(x, n)(), f32())
    for _d in dims:
        case(f"{_n}/dim={_d}", lambda T, x, n=_n, d=_d: getattr(T, n)(x, d), _R)
        if _n != "count_nonzero":
            case(f"{_n}/dim={_d}-keepdim", lambda T, x, n=_n, d=_d: getattr(x, n)(d, keepdim=True),
                 _R)
    if _n not in ("logsumexp", "count_nonzero"):
        case(f"{_n}/0d-dim0", lambda T, x, n=_n: getattr(x, n)(0), f32())
        case(f"{_n}/empty-dim", lambda T, x, n=_n: getattr(x, n)(1), f32(0, 3))
    case(f"{_n}/int", lambda T, x, n=_n: getattr(T, n)(x, 0), i64(2, 3))
    case(f"{_n}/bool", lambda T, x, n=_n: getattr(T, n)(x, 0), boolean(2, 3))
    case(f"{_n}/dim-out-of-range", lambda T, x, n=_n: getattr(T, n)(x, 3), f32(2, 3))
for _n in ("sum", "mean", "prod", "nansum"):
    for _dt in ("float64", "int32", "float16"):
        case(f"{_n}/dtype={_dt}", lambda T, x, n=_n, dt=_dt: getattr(T, n)(x, dtype=getattr(T, dt)),
             f32(2, 3))
        case(f"{_n}/int-dtype={_dt}", lambda T, x, n=_n, dt=_dt: getattr(x, n)(1, dtype=getattr(
            T, dt)), i64(2, 3))
case("sum/dim=None", lambda T, x: x.sum(dim=None), f32(2, 3))
case("sum/dim=None-keepdim", lambda T, x: T.sum(x, None, True), f32(2, 3))
case("sum/dim=()", lambda T, x: x.sum(()), f32(2, 3))
case("sum/dup-dims", lambda T, x: x.sum((1, -1)), f32(2, 3))
case("sum/keepdim-only", lambda T, x: x.sum(keepdim=True), f32(2, 3))
case("mean/int-full", lambda T, x: x.mean(), i64(3))
case("mean/empty", lambda T, x: x.mean(), f32(0))
case("all/dim=()", lambda T, x: x.all(()), f32(2, 3))
_TIES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32)
_NANS = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 0.0]], np.float32)
for _n in ("max", "min", "median", "nanmedian", "argmax", "argmin", "kthvalue", "mode"):
    for _name, _a in (("ties", _TIES), ("nan", _NANS)):
        if _n == "kthvalue":
            case(f"{_n}/{_name}", lambda T, x: T.kthvalue(x, 2, 1), _a)
            continue
        case(f"{_n}/{_name}-full", lambda T, x, n=_n: getattr(T, n)(x), _a)
        case(f"{_n}/{_name}-dim1", lambda T, x, n=_n: getattr(T, n)(x, 1), _a)
        case(f"{_n}/{_name}-dim0-keepdim", lambda T, x, n=_n: getattr(x, n)(0, keepdim=True), _a)
    case(f"{_n}/empty", lambda T, x, n=_n: getattr(x, n)(), f32(0, 3))
    case(f"{_n}/empty-dim", lambda T, x, n=_n: getattr(x, n)(1), f32(0, 3))
    case(f"{_n}/0d-dim0", lambda T, x, n=_n: getattr(x, n)(0), f32())
    case(f"{_n}/int", lambda T, x, n=_n: getattr(x, n)(1), i64(2, 3))
    case(f"{_n}/bool", lambda T, x, n=_n: getattr(x, n)(), boolean(2, 3))
for _n in ("amax", "amin"):
    case(f"{_n}/ties", lambda T, x, n=_n: getattr(x, n)(), _TIES)
    case(f"{_n}/ties-dim", lambda T, x, n=_n: getattr(x, n)(1), _TIES)
    case(f"{_n}/nan", lambda T, x, n=_n: getattr(x, n)(), _NANS)
    case(f"{_n}/empty", lambda T, x, n=_n: getattr(x, n)(), f32(0, 3))
case("max/binary", lambda T, a, b: T.max(a, b), f32(3), f32(3))
case("max/named", lambda T, x: x.max(dim=1).indices, _TIES)
case("max/tuple-dim", lambda T, x: x.max((0, 1)), f32(2, 3))
case("aminmax", lambda T, x: T.aminmax(x), _TIES)
case("aminmax/dim", lambda T, x: T.aminmax(x, dim=1, keepdim=True), _TIES)
for _kw in ({}, {"unbiased": False}, {"correction": 0}, {"correction": 2}, {"dim": 1},
            {"dim": (0, 1), "correction": 0, "keepdim": True}):
    for _n in ("var", "std", "var_mean", "std_mean"):
        case(f"{_n}/{sorted(_kw.items())}", lambda T, x, n=_n, kw=_kw: getattr(T, n)(x, **kw),
             f32(3, 4))
case("var/one-element", lambda T, x: x.var(), f32(1))
case("std/equal", lambda T, x: x.std(), np.ones(3, np.float32))
for _p in (2, 1, 0, 3, 0.5, math.inf, -math.inf, "fro", "nuc"):
    case(f"norm/p={_p}", lambda T, x, p=_p: T.norm(x, p), f32(3, 4))
    case(f"norm/p={_p}-dim", lambda T, x, p=_p: x.norm(p, dim=1, keepdim=True), f32(3, 4))
for _o in (2, 1, 0, 3, math.inf, -math.inf):
    case(f"vector_norm/ord={_o}", lambda T, x, o=_o: T.linalg.vector_norm(x, o, (0, 1)), f32(3, 4))
    case(f"vector_norm/ord={_o}-zeros", lambda T, x, o=_o: T.linalg.vector_norm(x, o),
         np.array([0.0, 0.0, 1.0], np.float32))
case("vector_norm/dtype", lambda T, x: T.linalg.vector_norm(x, dtype=T.float64), f32(3))
case("vector_norm/int", lambda T, x: T.linalg.vector_norm(x), i64(3))
for _o in ("fro", "nuc", 1, -1, 2, -2, math.inf):
    case(f"matrix_norm/ord={_o}", lambda T, x, o=_o: T.linalg.matrix_norm(x, o), f32(3, 4))
    case(f"linalg.norm/ord={_o}", lambda T, x, o=_o: T.linalg.norm(x, o), f32(3, 3))
case("linalg.norm/vector", lambda T, x: T.linalg.norm(x), f32(5))
case("dist", lambda T, a, b: T.dist(a, b, 3), f32(2, 3), f32(3))
for _n in ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin"):
    case(f"{_n}/dim1", lambda T, x, n=_n: getattr(T, n)(x, 1), f32(2, 4))
    case(f"{_n}/dim0", lambda T, x, n=_n: getattr(x, n)(0), f32(3, 2))
    case(f"{_n}/0d", lambda T, x, n=_n: getattr(x, n)(0), f32())
    case(f"{_n}/int", lambda T, x, n=_n: getattr(T, n)(x, 0), i64(4))
    case(f"{_n}/bool", lambda T, x, n=_n: getattr(T, n)(x, 0), boolean(4))
    case(f"{_n}/empty", lambda T, x, n=_n: getattr(T, n)(x, 0), f32(0, 2))
case("cumsum/dtype", lambda T, x: T.cumsum(x, 0, dtype=T.float64), i64(4))
case("cumsum_/inplace", lambda T, x: x.clone().cumsum_(0), f32(4))
case("cumprod/zeros", lambda T, x: T.cumprod(x, 0), np.array([2.0, 0.0, 3.0, 0.0, 4.0], np.float32))
case("cummax/ties", lambda T, x: T.cummax(x, 0), np.array([1.0, 3.0, 3.0, 2.0], np.float32))
case("prod/one-zero", lambda T, x: x.prod(), np.array([2.0, 0.0, 3.0], np.float32))
case("prod/two-zeros", lambda T, x: x.prod(), np.array([2.0, 0.0, 0.0], np.float32))
_S = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, 5.0, 4.0, 5.0]], np.float32)
for _cid, _f in (
        ("sort", lambda T, x: T.sort(x)), ("sort/desc", lambda T, x: x.sort(descending=True)),
        ("sort/dim0", lambda T, x: T.sort(x, 0)), ("sort/stable", lambda T, x: T.sort(x, stable=True)),
        ("sort/stable-desc", lambda T, x: T.sort(x, dim=1, descending=True, stable=True)),
        ("argsort", lambda T, x: T.argsort(x)), ("argsort/desc", lambda T, x: x.argsort(1, True)),
        ("argsort/stable", lambda T, x: T.argsort(x, stable=True, descending=True)),
        ("topk", lambda T, x: T.topk(x, 2)), ("topk/smallest", lambda T, x: x.topk(2, largest=False)),
        ("topk/dim0", lambda T, x: T.topk(x, 1, 0)), ("topk/k=0", lambda T, x: T.topk(x, 0)),
        ("topk/too-big", lambda T, x: T.topk(x, 5)), ("topk/0d", lambda T, x: T.topk(x[0, 0], 1)),
        ("sort/0d", lambda T, x: T.sort(x[0, 0])), ("sort/int", lambda T, x: T.sort(x.long())),
        ("sort/empty", lambda T, x: T.sort(x[:, :0])), ("msort", lambda T, x: T.msort(x)),
        ("sort/nan", lambda T, x: T.sort(x / (x - 1))), ("topk/nan", lambda T, x: T.topk(x / (x - 1), 2))):
    case(_cid, _f, _S)

# ---------------------------------------------------------------------------------- linalg
_MM = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
       ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)), ((3,), (5, 3, 4)),
       ((5, 2, 3), (3,)), ((2, 3), (4, 5)), ((3,), (4,)), ((), (3,)), ((0, 3), (3, 2)),
       ((2, 0), (0, 3)), ((5, 2, 3), (4, 3, 2))]
for _a, _b in _MM:
    case(f"matmul/{_a}@{_b}", lambda T, x, y: x @ y, f32(*_a), f32(*_b))
case("matmul/int", lambda T, x, y: x @ y, i64(2, 3), i64(3, 2))
case("matmul/mixed", lambda T, x, y: T.matmul(x, y), f32(2, 3), f64(3, 2))
case("mm", lambda T, x, y: T.mm(x, y), f32(2, 3), f32(3, 4))
case("mm/bad", lambda T, x, y: T.mm(x, y), f32(2, 3), f32(4, 5))
case("mm/1d", lambda T, x, y: T.mm(x, y), f32(3), f32(3, 4))
case("mm/dtype", lambda T, x, y: T.mm(x, y), f32(2, 3), f64(3, 4))
case("bmm", lambda T, x, y: T.bmm(x, y), f32(2, 2, 3), f32(2, 3, 4))
case("bmm/bad", lambda T, x, y: T.bmm(x, y), f32(2, 2, 3), f32(3, 3, 4))
case("bmm/2d", lambda T, x, y: T.bmm(x, y), f32(2, 3), f32(3, 4))
case("mv", lambda T, x, y: T.mv(x, y), f32(2, 3), f32(3))
case("mv/bad", lambda T, x, y: x.mv(y), f32(2, 3), f32(4))
case("mv/2d", lambda T, x, y: T.mv(x, y), f32(2, 3), f32(3, 1))
case("dot", lambda T, x, y: T.dot(x, y), f32(3), f32(3))
case("dot/bad", lambda T, x, y: x.dot(y), f32(3), f32(4))
case("dot/2d", lambda T, x, y: T.dot(x, y), f32(3, 1), f32(3))
case("dot/dtype", lambda T, x, y: T.dot(x, y), f32(3), f64(3))
case("vdot", lambda T, x, y: T.vdot(x, y), f32(3), f32(3))
case("inner", lambda T, x, y: T.inner(x, y), f32(2, 3), f32(4, 3))
case("outer", lambda T, x, y: T.outer(x, y), f32(3), f32(4))
case("ger", lambda T, x, y: x.ger(y), f32(3), f32(4))
case("outer/int", lambda T, x, y: T.outer(x, y), i64(3), f32(4))
case("addmm", lambda T, b, x, y: T.addmm(b, x, y), f32(4), f32(2, 3), f32(3, 4))
case("addmm/beta-alpha", lambda T, b, x, y: T.addmm(b, x, y, beta=0.5, alpha=2), f32(2, 4),
     f32(2, 3), f32(3, 4))
case("addmm/beta0-nan", lambda T, b, x, y: b.addmm(x, y, beta=0), np.full((2, 4), np.nan,
                                                                           np.float32),
     f32(2, 3), f32(3, 4))
case("addmm/bad", lambda T, b, x, y: T.addmm(b, x, y), f32(3), f32(2, 3), f32(3, 4))
case("addmm_/inplace", lambda T, b, x, y: b.clone().addmm_(x, y), f32(2, 4), f32(2, 3), f32(3, 4))
case("baddbmm", lambda T, b, x, y: T.baddbmm(b, x, y, beta=2, alpha=0.5), f32(2, 4),
     f32(2, 2, 3), f32(2, 3, 4))
case("addbmm", lambda T, b, x, y: T.addbmm(b, x, y), f32(2, 4), f32(2, 2, 3), f32(2, 3, 4))
case("addmv", lambda T, b, x, y: T.addmv(b, x, y), f32(2), f32(2, 3), f32(3))
case("addr", lambda T, b, x, y: T.addr(b, x, y, alpha=2), f32(3, 4), f32(3), f32(4))
case("einsum/matmul", lambda T, x, y: T.einsum("ij,jk->ik", x, y), f32(2, 3), f32(3, 4))
case("einsum/list", lambda T, x, y: T.einsum("ij,jk", [x, y]), f32(2, 3), f32(3, 4))
case("einsum/trace", lambda T, x: T.einsum("ii", x), f32(3, 3))
case("einsum/diag", lambda T, x: T.einsum("ii->i", x), f32(3, 3))
case("einsum/ellipsis", lambda T, x, y: T.einsum("...ij,...jk->...ik", x, y), f32(5, 2, 3),
     f32(5, 3, 4))
case("einsum/outer", lambda T, x, y: T.einsum("i,j->ij", x, y), f32(3), f32(4))
case("einsum/sum", lambda T, x: T.einsum("ij->", x), f32(3, 4))
case("einsum/bad", lambda T, x, y: T.einsum("ij,jk->ik", x, y), f32(2, 3), f32(4, 4))
case("tensordot/2", lambda T, x, y: T.tensordot(x, y, dims=2), f32(2, 3, 4), f32(3, 4, 5))
case("tensordot/lists", lambda T, x, y: T.tensordot(x, y, dims=([1, 0], [0, 1])), f32(2, 3, 4),
     f32(3, 2, 5))
case("tensordot/0", lambda T, x, y: T.tensordot(x, y, 0), f32(2), f32(3))
case("kron", lambda T, x, y: T.kron(x, y), f32(2, 2), f32(2, 3))
case("trace", lambda T, x: x.trace(), f32(3, 3))
case("cross", lambda T, x, y: T.cross(x, y, dim=1), f32(2, 3), f32(2, 3))
case("linalg.cross", lambda T, x, y: T.linalg.cross(x, y), f32(2, 3), f32(1, 3))


def _spd(n, batch=()):
    m = _rs.randn(*batch, n, n)
    return (m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype(np.float32)


case("inv", lambda T, x: T.linalg.inv(x), _spd(3))
case("inv/batch", lambda T, x: T.linalg.inv(x), _spd(3, (2,)))
case("inverse", lambda T, x: x.inverse(), _spd(3))
case("inv/non-square", lambda T, x: T.linalg.inv(x), f32(2, 3))
case("inv/1d", lambda T, x: T.linalg.inv(x), f32(3))
case("inv/int", lambda T, x: T.linalg.inv(x), idx([2, 1], [1, 2]))
case("det", lambda T, x: T.linalg.det(x), f32(3, 3))
case("det/batch", lambda T, x: T.det(x), f32(2, 3, 3))
case("det/bad", lambda T, x: T.det(x), f32(2, 3))
case("slogdet", lambda T, x: T.linalg.slogdet(x), f32(3, 3))
case("logdet", lambda T, x: T.logdet(x), _spd(3))
case("solve", lambda T, a, b: T.linalg.solve(a, b), _spd(3), f32(3, 2))
case("solve/vector", lambda T, a, b: T.linalg.solve(a, b), _spd(3), f32(3))
case("solve/batch", lambda T, a, b: T.linalg.solve(a, b), _spd(3, (2,)), f32(2, 3, 2))
case("solve/bcast", lambda T, a, b: T.linalg.solve(a, b), _spd(3, (2,)), f32(3, 1))
case("solve/left=False", lambda T, a, b: T.linalg.solve(a, b, left=False), _spd(3), f32(2, 3))
case("solve/bad", lambda T, a, b: T.linalg.solve(a, b), _spd(3), f32(4, 2))
case("cholesky", lambda T, x: T.linalg.cholesky(x), _spd(3))
case("cholesky/upper", lambda T, x: T.linalg.cholesky(x, upper=True), _spd(3))
case("cholesky/torch", lambda T, x: T.cholesky(x), _spd(3))
case("qr", lambda T, x: T.linalg.qr(x), f32(4, 3))
case("qr/wide", lambda T, x: T.linalg.qr(x), f32(3, 4))
case("qr/torch", lambda T, x: T.qr(x), f32(4, 3))
case("svdvals", lambda T, x: T.linalg.svdvals(x), f32(4, 3))
case("svd/S", lambda T, x: T.linalg.svd(x, full_matrices=False).S, f32(4, 3))
case("eigvalsh", lambda T, x: T.linalg.eigvalsh(x), _spd(3))
case("eigh/values", lambda T, x: T.linalg.eigh(x, UPLO="U").eigenvalues, _spd(3))
case("pinv", lambda T, x: T.linalg.pinv(x), f32(4, 3))
case("matrix_power/3", lambda T, x: T.linalg.matrix_power(x, 3), f32(3, 3))
case("matrix_power/-1", lambda T, x: T.matrix_power(x, -1), _spd(3))
case("matrix_power/1", lambda T, x: x.matrix_power(1), f32(3, 3))
case("multi_dot", lambda T, x, y, z: T.linalg.multi_dot([x, y, z]), f32(2, 3), f32(3, 4),
     f32(4, 2))
case("vecdot", lambda T, x, y: T.linalg.vecdot(x, y), f32(2, 3), f32(3))
case("matrix_rank", lambda T, x: T.linalg.matrix_rank(x), f32(4, 3))

# ---------------------------------------------------------------------------------- shapes
_A = f32(2, 3, 4)
for _cid, _f, _args in (
        ("reshape", lambda T, x: x.reshape(4, 6), [_A]),
        ("reshape/-1", lambda T, x: T.reshape(x, (-1, 2)), [_A]),
        ("reshape/bad", lambda T, x: x.reshape(5, 5), [_A]),
        ("reshape/two--1", lambda T, x: x.reshape(-1, -1), [_A]),
        ("reshape/empty--1", lambda T, x: x.reshape(0, -1), [f32(0, 3)]),
        ("view", lambda T, x: x.view(6, 4), [_A]),
        ("view/transposed", lambda T, x: x.t().view(-1), [f32(2, 3)]),
        ("view/dtype", lambda T, x: x.view(T.int32), [f32(2, 3)]),
        ("view_as", lambda T, x, y: x.view_as(y), [_A, f32(6, 4)]),
        ("reshape_as", lambda T, x, y: x.reshape_as(y), [_A, f32(6, 4)]),
        ("flatten", lambda T, x: x.flatten(), [_A]),
        ("flatten/1", lambda T, x: T.flatten(x, 1), [_A]),
        ("flatten/0d", lambda T, x: x.flatten(), [f32()]),
        ("flatten/bad", lambda T, x: x.flatten(2, 1), [_A]),
        ("unflatten", lambda T, x: x.unflatten(2, (2, 2)), [_A]),
        ("unflatten/-1", lambda T, x: T.unflatten(x, -1, (2, -1)), [_A]),
        ("transpose", lambda T, x: x.transpose(0, 2), [_A]),
        ("transpose/bad", lambda T, x: x.transpose(0, 3), [_A]),
        ("swapaxes", lambda T, x: x.swapaxes(0, 1), [_A]),
        ("permute", lambda T, x: x.permute(2, 0, 1), [_A]),
        ("permute/tuple", lambda T, x: T.permute(x, (1, 0, 2)), [_A]),
        ("permute/bad", lambda T, x: x.permute(0, 1), [_A]),
        ("permute/dup", lambda T, x: x.permute(0, 0, 1), [_A]),
        ("t", lambda T, x: x.t(), [f32(2, 3)]),
        ("t/1d", lambda T, x: x.t(), [f32(3)]),
        ("t/3d", lambda T, x: x.t(), [_A]),
        ("T", lambda T, x: x.T, [f32(2, 3)]),
        ("mT", lambda T, x: x.mT, [_A]),
        ("mT/1d", lambda T, x: x.mT, [f32(3)]),
        ("H", lambda T, x: x.H, [f32(2, 3)]),
        ("mH", lambda T, x: x.mH, [_A]),
        ("squeeze", lambda T, x: x.squeeze(), [f32(1, 3, 1)]),
        ("squeeze/0", lambda T, x: x.squeeze(0), [f32(1, 3, 1)]),
        ("squeeze/tuple", lambda T, x: x.squeeze((0, 2)), [f32(1, 3, 1)]),
        ("squeeze/not-1", lambda T, x: x.squeeze(1), [f32(1, 3, 1)]),
        ("squeeze/bad", lambda T, x: x.squeeze(3), [f32(1, 3, 1)]),
        ("unsqueeze", lambda T, x: x.unsqueeze(0), [f32(3)]),
        ("unsqueeze/-1", lambda T, x: T.unsqueeze(x, -1), [f32(3)]),
        ("unsqueeze/bad", lambda T, x: x.unsqueeze(3), [f32(3)]),
        ("expand", lambda T, x: x.expand(2, 3, 4), [f32(3, 1)]),
        ("expand/-1", lambda T, x: x.expand(-1, 4), [f32(3, 1)]),
        ("expand/bad", lambda T, x: x.expand(3, 3), [f32(2, 1)]),
        ("expand/fewer", lambda T, x: x.expand(4), [f32(2, 1)]),
        ("expand_as", lambda T, x, y: x.expand_as(y), [f32(3, 1), _A]),
        ("broadcast_to", lambda T, x: T.broadcast_to(x, (2, 3)), [f32(3)]),
        ("broadcast_tensors", lambda T, x, y: T.broadcast_tensors(x, y), [f32(3), f32(2, 1)]),
        ("meshgrid/ij", lambda T, x, y: T.meshgrid(x, y, indexing="ij"), [f32(3), f32(2)]),
        ("meshgrid/xy", lambda T, x, y: T.meshgrid(x, y, indexing="xy"), [f32(3), f32(2)]),
        ("repeat", lambda T, x: x.repeat(2, 1, 3), [f32(2, 3)]),
        ("repeat/bad", lambda T, x: x.repeat(2), [f32(2, 3)]),
        ("repeat_interleave", lambda T, x: x.repeat_interleave(2), [f32(2, 3)]),
        ("repeat_interleave/dim", lambda T, x: T.repeat_interleave(x, 3, dim=1), [f32(2, 3)]),
        ("repeat_interleave/tensor", lambda T, x, r: x.repeat_interleave(r, dim=0),
         [f32(2, 3), idx(1, 2)]),
        ("repeat_interleave/only", lambda T, r: T.repeat_interleave(r), [idx(1, 2, 0)]),
        ("tile", lambda T, x: x.tile((2,)), [f32(2, 3)]),
        ("tile/3", lambda T, x: T.tile(x, (2, 1, 2)), [f32(2, 3)]),
        ("cat", lambda T, x, y: T.cat([x, y]), [f32(2, 3), f32(1, 3)]),
        ("cat/dim", lambda T, x, y: T.cat((x, y), dim=1), [f32(2, 3), f32(2, 1)]),
        ("concat", lambda T, x, y: T.concat([x, y], -1), [f32(2, 3), f32(2, 1)]),
        ("concatenate/axis", lambda T, x, y: T.concatenate([x, y], axis=0), [f32(2, 3), f32(1, 3)]),
        ("cat/bad", lambda T, x, y: T.cat([x, y]), [f32(2, 3), f32(2, 4)]),
        ("cat/bad-ndim", lambda T, x, y: T.cat([x, y]), [f32(2, 3), f32(3)]),
        ("cat/empty-list", lambda T: T.cat([]), []),
        ("cat/legacy-empty", lambda T, x, y: T.cat([x, y]), [f32(2, 3), f32(0)]),
        ("cat/mixed-dtype", lambda T, x, y: T.cat([x, y]), [f32(2, 3), i64(1, 3)]),
        ("cat/0d", lambda T, x, y: T.cat([x, y]), [f32(), f32()]),
        ("stack", lambda T, x, y: T.stack([x, y]), [f32(2, 3), f32(2, 3)]),
        ("stack/2", lambda T, x, y: T.stack([x, y], 2), [f32(2, 3), f32(2, 3)]),
        ("stack/bad", lambda T, x, y: T.stack([x, y]), [f32(2, 3), f32(3, 2)]),
        ("stack/mixed", lambda T, x, y: T.stack([x, y]), [f32(2, 3), f64(2, 3)]),
        ("stack/0d", lambda T, x, y: T.stack([x, y]), [f32(), f32()]),
        ("hstack", lambda T, x, y: T.hstack([x, y]), [f32(2, 3), f32(2, 1)]),
        ("hstack/1d", lambda T, x, y: T.hstack([x, y]), [f32(3), f32(2)]),
        ("vstack", lambda T, x, y: T.vstack([x, y]), [f32(3), f32(3)]),
        ("dstack", lambda T, x, y: T.dstack([x, y]), [f32(2, 3), f32(2, 3)]),
        ("column_stack", lambda T, x, y: T.column_stack([x, y]), [f32(3), f32(3, 2)]),
        ("split", lambda T, x: x.split(2), [f32(5, 2)]),
        ("split/sizes", lambda T, x: T.split(x, [1, 4]), [f32(5, 2)]),
        ("split/dim", lambda T, x: x.split(1, dim=1), [f32(5, 2)]),
        ("split/bad-sizes", lambda T, x: x.split([1, 2]), [f32(5, 2)]),
        ("split/kw", lambda T, x: x.split(split_size=2), [f32(5, 2)]),
        ("chunk", lambda T, x: x.chunk(3), [f32(5, 2)]),
        ("chunk/more", lambda T, x: x.chunk(7), [f32(5, 2)]),
        ("chunk/4-of-6", lambda T, x: x.chunk(4), [f32(6, 2)]),
        ("tensor_split", lambda T, x: T.tensor_split(x, 3), [f32(7, 2)]),
        ("tensor_split/indices", lambda T, x: x.tensor_split([1, 4]), [f32(7, 2)]),
        ("unbind", lambda T, x: x.unbind(), [f32(3, 2)]),
        ("unbind/1", lambda T, x: T.unbind(x, 1), [f32(3, 2)]),
        ("unbind/0d", lambda T, x: x.unbind(), [f32()]),
        ("flip", lambda T, x: x.flip(0), [_A]),
        ("flip/tuple", lambda T, x: T.flip(x, (0, 2)), [_A]),
        ("flip/0d", lambda T, x: x.flip(0), [f32()]),
        ("flip/dup", lambda T, x: x.flip(0, 0), [_A]),
        ("fliplr", lambda T, x: T.fliplr(x), [f32(2, 3)]),
        ("flipud", lambda T, x: x.flipud(), [f32(2, 3)]),
        ("rot90", lambda T, x: T.rot90(x), [f32(2, 3)]),
        ("rot90/k=-1", lambda T, x: T.rot90(x, -1, (1, 0)), [f32(2, 3)]),
        ("roll", lambda T, x: x.roll(1), [_A]),
        ("roll/dims", lambda T, x: x.roll((1, 2), (0, 2)), [_A]),
        ("roll/bad", lambda T, x: x.roll((1, 2), (0,)), [_A]),
        ("narrow", lambda T, x: x.narrow(1, 1, 2), [_A]),
        ("narrow/neg", lambda T, x: T.narrow(x, -1, -3, 2), [_A]),
        ("narrow/bad", lambda T, x: x.narrow(1, 2, 2), [_A]),
        ("movedim", lambda T, x: x.movedim(0, 2), [_A]),
        ("movedim/tuple", lambda T, x: T.movedim(x, (0, 1), (2, 0)), [_A]),
        ("moveaxis", lambda T, x: T.moveaxis(x, -1, 0), [_A]),
        ("tril", lambda T, x: x.tril(), [f32(3, 4)]),
        ("tril/k", lambda T, x: T.tril(x, -1), [f32(3, 4)]),
        ("triu/k", lambda T, x: T.triu(x, diagonal=1), [f32(3, 4)]),
        ("triu/batch", lambda T, x: x.triu(), [_A]),
        ("tril_/inplace", lambda T, x: x.clone().tril_(), [f32(3, 4)]),
        ("tril/1d", lambda T, x: x.tril(), [f32(3)]),
        ("diag/1d", lambda T, x: T.diag(x, 1), [f32(3)]),
        ("diag/2d", lambda T, x: T.diag(x, -1), [f32(3, 4)]),
        ("diag_embed", lambda T, x: T.diag_embed(x), [f32(2, 3)]),
        ("diagflat", lambda T, x: T.diagflat(x), [f32(2, 2)]),
        ("diagonal", lambda T, x: x.diagonal(), [f32(3, 4)]),
        ("diagonal/dims", lambda T, x: T.diagonal(x, 0, 1, 2), [_A]),
        ("diagonal/kw", lambda T, x: x.diagonal(offset=-1, dim1=-1, dim2=0), [_A]),
        ("contiguous", lambda T, x: x.t().contiguous(), [f32(2, 3)]),
        ("contiguous/already", lambda T, x: x.contiguous(), [f32(2, 3)]),
        ("clone", lambda T, x: T.clone(x), [f32(2, 3)]),
        ("atleast_1d", lambda T, x: T.atleast_1d(x), [f32()]),
        ("atleast_2d", lambda T, x: T.atleast_2d(x), [f32(3)]),
        ("atleast_3d", lambda T, x: T.atleast_3d(x), [f32(3, 2)]),
        ("ravel", lambda T, x: x.ravel(), [_A]),
        ("unfold", lambda T, x: x.unfold(0, 2, 1), [f32(5, 2)]),
        ("select", lambda T, x: x.select(1, 2), [_A]),
        ("select/bad", lambda T, x: x.select(1, 5), [_A]),
        ("size", lambda T, x: (x.size(), x.size(-1), x.shape, x.dim(), x.numel(), x.ndim), [_A]),
        ("size/bad", lambda T, x: x.size(3), [_A]),
        ("stride", lambda T, x: (x.stride(), x.transpose(0, 2).stride()), [_A]),
        ("is_contiguous", lambda T, x: (x.is_contiguous(), x.t().is_contiguous()), [f32(2, 3)]),
):
    case(f"shape/{_cid}", _f, *_args)

# ---------------------------------------------------------------------------------- indexing
_M = f32(4, 5)
_B3 = f32(2, 3, 4)


def setitem(x, index, v):
    y = x.clone()
    y[index] = v
    return y


for _cid, _f, _args in (
        ("int", lambda T, x: x[1], [_M]), ("neg-int", lambda T, x: x[-1], [_M]),
        ("int-oob", lambda T, x: x[4], [_M]), ("int2", lambda T, x: x[1, 2], [_M]),
        ("slice", lambda T, x: x[1:3], [_M]), ("slice-full", lambda T, x: x[:], [_M]),
        ("slice-step", lambda T, x: x[::2, 1::3], [_M]), ("slice-neg", lambda T, x: x[-3:-1], [_M]),
        ("slice-empty", lambda T, x: x[3:1], [_M]), ("slice-step0", lambda T, x: x[::0], [_M]),
        ("none", lambda T, x: x[None], [_M]), ("none-mid", lambda T, x: x[:, None, 1], [_M]),
        ("ellipsis", lambda T, x: x[..., 1], [_B3]), ("ellipsis-only", lambda T, x: x[...], [_M]),
        ("ellipsis-none", lambda T, x: x[..., None, 1:], [_B3]),
        ("empty-tuple", lambda T, x: x[()], [_M]), ("full-slices", lambda T, x: x[:, :], [_M]),
        ("too-many", lambda T, x: x[1, 2, 3], [_M]), ("0d-ellipsis", lambda T, x: x[...], [f32()]),
        ("true", lambda T, x: x[True], [_M]), ("false", lambda T, x: x[False], [_M]),
        ("tensor", lambda T, x, i: x[i], [_M, idx(0, 2, 2)]),
        ("tensor-neg", lambda T, x, i: x[i], [_M, idx(-1, 0)]),
        ("tensor-2d", lambda T, x, i: x[i], [_M, idx([0, 1], [2, 3])]),
        ("tensor-oob", lambda T, x, i: x[i], [_M, idx(0, 7)]),
        ("tensor-dim1", lambda T, x, i: x[:, i], [_M, idx(0, 4)]),
        ("tensor-dim1-oob", lambda T, x, i: x[:, i], [_M, idx(0, 5)]),
        ("two-tensors", lambda T, x, i, j: x[i, j], [_M, idx(0, 1), idx(2, 3)]),
        ("two-tensors-bcast", lambda T, x, i, j: x[i, j], [_M, idx([0], [1]), idx(2, 3)]),
        ("two-tensors-oob", lambda T, x, i, j: x[i, j], [_M, idx(0, 1), idx(1, 9)]),
        ("tensors-separated", lambda T, x, i, j: x[i, :, j], [_B3, idx(0, 1), idx(2, 3)]),
        ("tensor-middle", lambda T, x, i: x[:, i, :], [_B3, idx(0, 2)]),
        ("list", lambda T, x: x[[0, 2]], [_M]), ("list-list", lambda T, x: x[[0, 2], [1, 1]], [_M]),
        ("int32", lambda T, x, i: x[i.int()], [_M, idx(1, 2)]),
        ("float-index", lambda T, x, i: x[i.float()], [_M, idx(1, 2)]),
        ("mask", lambda T, x: x[x > 0], [_M]),
        ("mask-rows", lambda T, x, m: x[m], [_M, np.array([True, False, True, False])]),
        ("mask-cols", lambda T, x, m: x[:, m], [_M, np.array([True, False, True, False, True])]),
        ("mask-bad", lambda T, x, m: x[m], [_M, np.array([True, False])]),
        ("mask-3d", lambda T, x: x[x[..., 0] > 0], [_B3]),
        ("uint8-mask", lambda T, x, m: x[m], [_M, np.array([1, 0, 1, 0], np.uint8)]),
        ("int-then-tensor", lambda T, x, i: x[1, i], [_B3, idx(0, 2)]),
        ("slice-then-tensor", lambda T, x, i: x[1:, i], [_B3, idx(0, 2)]),
        ("0d-tensor", lambda T, x: x[T.tensor(1)], [_M]),
        ("step-neg", lambda T, x: x[::-1], [_M]),
        ("index_select", lambda T, x, i: T.index_select(x, 1, i), [_M, idx(0, 3, 3)]),
        ("index_select/kw", lambda T, x, i: T.index_select(x, dim=0, index=i), [_M, idx(1)]),
        ("index_select/oob", lambda T, x, i: x.index_select(0, i), [_M, idx(9)]),
        ("index_select/2d-index", lambda T, x, i: x.index_select(0, i), [_M, idx([1])]),
        ("index_select/float", lambda T, x, i: x.index_select(0, i.float()), [_M, idx(1)]),
        ("index_select/0d", lambda T, x, i: x.index_select(0, i), [f32(), idx(0)]),
        ("gather", lambda T, x, i: T.gather(x, 1, i), [_M, idx([0, 1], [4, 4], [2, 2], [0, 0])]),
        ("gather/0", lambda T, x, i: x.gather(0, i), [_M, idx([0, 1, 2, 3, 0])]),
        ("gather/bad-ndim", lambda T, x, i: x.gather(0, i), [_M, idx(0, 1)]),
        ("gather/oob", lambda T, x, i: x.gather(1, i), [_M, idx([5])]),
        ("gather/float-index", lambda T, x, i: x.gather(1, i.float()), [_M, idx([0])]),
        ("take_along_dim", lambda T, x, i: T.take_along_dim(x, i, 1),
         [_M, idx([0, 1], [4, 4], [2, 2], [0, 0])]),
        ("take_along_dim/flat", lambda T, x, i: x.take_along_dim(i), [_M, idx(0, 19)]),
        ("take_along_dim/bcast", lambda T, x, i: T.take_along_dim(x, i, dim=1), [_M, idx([0, 1])]),
        ("take", lambda T, x, i: T.take(x, i), [_M, idx([0, 19], [3, -1])]),
        ("take/oob", lambda T, x, i: T.take(x, i), [_M, idx(20)]),
        ("scatter", lambda T, x, i, s: x.scatter(0, i, s), [_M, idx([0, 1, 2, 3, 0]), f32(1, 5)]),
        ("scatter/value", lambda T, x, i: T.scatter(x, 1, i, 2.5), [_M, idx([0], [1], [2], [3])]),
        ("scatter/src-kw", lambda T, x, i, s: T.scatter(x, 0, i, src=s),
         [_M, idx([0, 1, 2, 3, 0]), f32(1, 5)]),
        ("scatter/reduce-add", lambda T, x, i, s: x.scatter(0, i, s, reduce="add"),
         [_M, idx([0, 0, 2, 3, 0]), f32(1, 5)]),
        ("scatter/reduce-multiply-value", lambda T, x, i: x.scatter(0, i, 2.0, reduce="multiply"),
         [_M, idx([0, 0, 2, 3, 0])]),
        ("scatter/oob", lambda T, x, i, s: x.scatter(0, i, s), [_M, idx([0, 9, 2, 3, 0]), f32(1, 5)]),
        ("scatter/dtype", lambda T, x, i, s: x.scatter(0, i, s), [_M, idx([0, 1, 2, 3, 0]),
                                                                 f64(1, 5)]),
        ("scatter_/inplace", lambda T, x, i, s: x.clone().scatter_(0, i, s),
         [_M, idx([0, 1, 2, 3, 0]), f32(1, 5)]),
        ("scatter_add", lambda T, x, i, s: x.scatter_add(0, i, s),
         [_M, idx([0, 0, 2, 3, 0]), f32(1, 5)]),
        ("scatter_add/dup", lambda T, x, i, s: T.scatter_add(x, 1, i, s),
         [_M, idx([0, 0], [1, 1]), f32(2, 2)]),
        ("index_add", lambda T, x, i, s: x.index_add(0, i, s), [_M, idx(0, 2, 0), f32(3, 5)]),
        ("index_add/alpha", lambda T, x, i, s: T.index_add(x, 1, i, s, alpha=2),
         [_M, idx(0, 4), f32(4, 2)]),
        ("index_add/bad", lambda T, x, i, s: x.index_add(0, i, s), [_M, idx(0, 2), f32(3, 5)]),
        ("index_copy", lambda T, x, i, s: x.index_copy(0, i, s), [_M, idx(0, 2), f32(2, 5)]),
        ("index_fill", lambda T, x, i: x.index_fill(1, i, -1.0), [_M, idx(0, 2)]),
        ("index_fill/tensor", lambda T, x, i, v: x.index_fill(1, i, v), [_M, idx(0, 2), f32()]),
        ("index_put", lambda T, x, i, v: x.index_put((i,), v), [_M, idx(0, 2), f32(5)]),
        ("index_put/accumulate", lambda T, x, i, v: x.index_put((i,), v, accumulate=True),
         [_M, idx(0, 0), f32(5)]),
        ("masked_select", lambda T, x: T.masked_select(x, x > 0), [_M]),
        ("masked_select/bcast", lambda T, x, m: x.masked_select(m),
         [_M, np.array([True, False, True, False, True])]),
        ("masked_select/float-mask", lambda T, x: x.masked_select(x), [_M]),
        ("masked_scatter", lambda T, x, s: x.masked_scatter(x > 0, s), [_M, f32(20)]),
        ("masked_scatter/short", lambda T, x, s: x.masked_scatter(x > -9, s), [_M, f32(3)]),
        ("nonzero", lambda T, x: T.nonzero(x > 0), [_M]),
        ("nonzero/tuple", lambda T, x: (x > 0).nonzero(as_tuple=True), [_M]),
        ("argwhere", lambda T, x: T.argwhere(x > 0), [_M]),
        ("set/int", lambda T, x: setitem(x, 1, 0.5), [_M]),
        ("set/slice", lambda T, x, v: setitem(x, slice(1, 3), v), [_M, f32(5)]),
        ("set/step", lambda T, x, v: setitem(x, (slice(None), slice(None, None, 2)), v),
         [_M, f32(4, 3)]),
        ("set/tensor", lambda T, x, v: setitem(x, T.tensor([0, 2]), v), [_M, f32(2, 5)]),
        ("set/mask", lambda T, x: setitem(x, x > 0, 0.0), [_M]),
        ("set/mask-tensor", lambda T, x, v: setitem(x, x > 0, v), [_M, f32()]),
        ("set/ellipsis", lambda T, x, v: setitem(x, (Ellipsis, 1), v), [_M, f32(4)]),
        ("set/two-tensors", lambda T, x, v: setitem(x, (T.tensor([0, 1]), T.tensor([2, 3])), v),
         [_M, f32(2)]),
        ("set/bad-shape", lambda T, x, v: setitem(x, slice(1, 3), v), [_M, f32(3)]),
        ("set/bad-shape-advanced", lambda T, x, v: setitem(x, T.tensor([0, 1]), v), [_M, f32(3)]),
        ("set/int-dtype", lambda T, x: setitem(x.long(), 0, 2.7), [_M]),
        ("set/wider-value", lambda T, x, v: setitem(x, 0, v), [_M, f64(5)]),
        ("set/mixed", lambda T, x, v: setitem(x, (slice(1, 3), T.tensor([0, 2])), v),
         [_M, f32(2, 2)]),
        ("set/list", lambda T, x: setitem(x, [0, 3], 1.0), [_M]),
        ("set/leaf", lambda T, x: x.__setitem__(0, 1.0), [_M]),
):
    case(f"index/{_cid}", _f, *_args)

# ---------------------------------------------------------------------------------- nn.functional
def F(T):
    return T.nn.functional


def prob(*s):
    return np.asarray(_rs.uniform(0.05, 0.95, s), np.float32)


for _cid, _f, _args in (
        ("linear", lambda T, x, w, b: F(T).linear(x, w, b), [f32(2, 3), f32(4, 3), f32(4)]),
        ("linear/no-bias", lambda T, x, w: F(T).linear(x, w), [f32(2, 3), f32(4, 3)]),
        ("linear/3d", lambda T, x, w, b: F(T).linear(x, w, b), [f32(5, 2, 3), f32(4, 3), f32(4)]),
        ("linear/1d", lambda T, x, w, b: F(T).linear(x, w, b), [f32(3), f32(4, 3), f32(4)]),
        ("linear/bad", lambda T, x, w, b: F(T).linear(x, w, b), [f32(2, 3), f32(4, 5), f32(4)]),
        ("linear/kw", lambda T, x, w, b: F(T).linear(input=x, weight=w, bias=b),
         [f32(2, 3), f32(4, 3), f32(4)]),
        ("linear/dtype", lambda T, x, w: F(T).linear(x.double(), w), [f32(2, 3), f32(4, 3)]),
        ("bilinear", lambda T, x, y, w, b: F(T).bilinear(x, y, w, b),
         [f32(2, 3), f32(2, 4), f32(5, 3, 4), f32(5)]),
        ("relu", lambda T, x: F(T).relu(x), [f32(2, 3)]),
        ("relu/inplace", lambda T, x: F(T).relu(x.clone(), inplace=True), [f32(2, 3)]),
        ("relu_", lambda T, x: F(T).relu_(x.clone()), [f32(2, 3)]),
        ("torch.relu_", lambda T, x: T.relu_(x.clone()), [f32(2, 3)]),
        ("relu6", lambda T, x: F(T).relu6(x * 4), [f32(2, 3)]),
        ("leaky_relu", lambda T, x: F(T).leaky_relu(x, 0.2), [f32(2, 3)]),
        ("leaky_relu/kw", lambda T, x: F(T).leaky_relu(x, negative_slope=0.3), [f32(2, 3)]),
        ("leaky_relu_", lambda T, x: F(T).leaky_relu_(x.clone(), 0.1), [f32(2, 3)]),
        ("leaky_relu/int", lambda T, x: F(T).leaky_relu(x), [i64(3)]),
        ("gelu", lambda T, x: F(T).gelu(x), [f32(2, 3)]),
        ("gelu/tanh", lambda T, x: F(T).gelu(x, approximate="tanh"), [f32(2, 3)]),
        ("gelu/bad", lambda T, x: F(T).gelu(x, approximate="x"), [f32(2, 3)]),
        ("silu", lambda T, x: F(T).silu(x), [f32(2, 3)]),
        ("mish", lambda T, x: F(T).mish(x), [f32(2, 3)]),
        ("elu", lambda T, x: F(T).elu(x, 0.5), [f32(2, 3)]),
        ("selu", lambda T, x: F(T).selu(x), [f32(2, 3)]),
        ("celu", lambda T, x: F(T).celu(x, 0.7), [f32(2, 3)]),
        ("softsign", lambda T, x: F(T).softsign(x), [f32(2, 3)]),
        ("hardsigmoid", lambda T, x: F(T).hardsigmoid(x * 3), [f32(2, 3)]),
        ("hardswish", lambda T, x: F(T).hardswish(x * 3), [f32(2, 3)]),
        ("hardswish/bounds", lambda T, x: F(T).hardswish(x), [np.array([-3.0, 3.0], np.float32)]),
        ("logsigmoid", lambda T, x: F(T).logsigmoid(x), [f32(2, 3)]),
        ("tanhshrink", lambda T, x: F(T).tanhshrink(x), [f32(2, 3)]),
        ("softshrink", lambda T, x: F(T).softshrink(x), [f32(2, 3)]),
        ("hardshrink", lambda T, x: F(T).hardshrink(x), [f32(2, 3)]),
        ("threshold", lambda T, x: F(T).threshold(x, 0.1, 20.0), [f32(2, 3)]),
        ("threshold_", lambda T, x: F(T).threshold_(x.clone(), 0.0, 1.0), [f32(2, 3)]),
        ("glu", lambda T, x: F(T).glu(x), [f32(2, 4)]),
        ("glu/odd", lambda T, x: F(T).glu(x), [f32(2, 3)]),
        ("prelu", lambda T, x, w: F(T).prelu(x, w), [f32(2, 3), f32(3)]),
        ("prelu/scalar", lambda T, x, w: F(T).prelu(x, w), [f32(2, 3), f32(1)]),
        ("softmin", lambda T, x: F(T).softmin(x, 1), [f32(2, 3)]),
        ("hardtanh", lambda T, x: F(T).hardtanh(x * 2, -0.5, 0.5), [f32(2, 3)]),
        ("hardtanh/bounds", lambda T, x: F(T).hardtanh(x), [np.array([-1.0, 1.0, 0.5], np.float32)]),
        ("softplus", lambda T, x: F(T).softplus(x, beta=2, threshold=1), [f32(2, 3)]),
        ("softplus/int", lambda T, x: F(T).softplus(x), [i64(3)]),
        ("sigmoid", lambda T, x: F(T).sigmoid(x), [f32(2, 3)]),
        ("tanh", lambda T, x: F(T).tanh(x), [f32(2, 3)]),
        ("softmax", lambda T, x: F(T).softmax(x, dim=1), [f32(2, 3)]),
        ("softmax/dtype", lambda T, x: F(T).softmax(x, 1, dtype=T.float64), [f32(2, 3)]),
        ("softmax/int", lambda T, x: F(T).softmax(x, 1), [i64(2, 3)]),
        ("softmax/0d", lambda T, x: F(T).softmax(x, 0), [f32()]),
        ("softmax/method", lambda T, x: x.softmax(-1), [f32(2, 3)]),
        ("softmax/empty", lambda T, x: F(T).softmax(x, 1), [f32(0, 3)]),
        ("softmax/no-dim", lambda T, x: F(T).softmax(x), [f32(2, 3)]),
        ("log_softmax", lambda T, x: F(T).log_softmax(x, 1), [f32(2, 3)]),
        ("log_softmax/torch", lambda T, x: T.log_softmax(x, 0), [f32(2, 3)]),
        ("dropout/eval", lambda T, x: F(T).dropout(x, 0.5, training=False), [f32(2, 3)]),
        ("dropout/p=0", lambda T, x: F(T).dropout(x, 0.0), [f32(2, 3)]),
        ("dropout/p=1", lambda T, x: F(T).dropout(x, 1.0), [f32(2, 3)]),
        ("dropout/bad-p", lambda T, x: F(T).dropout(x, 1.5), [f32(2, 3)]),
        ("one_hot", lambda T, i: F(T).one_hot(i), [idx(0, 2, 1)]),
        ("one_hot/n", lambda T, i: F(T).one_hot(i, 5), [idx([0, 2], [1, 4])]),
        ("one_hot/float", lambda T, i: F(T).one_hot(i.float()), [idx(0, 2, 1)]),
        ("pad", lambda T, x: F(T).pad(x, (1, 2)), [f32(2, 3)]),
        ("pad/2d-value", lambda T, x: F(T).pad(x, (1, 1, 2, 0), value=1.5), [f32(2, 3)]),
        ("pad/negative", lambda T, x: F(T).pad(x, (-1, 1)), [f32(2, 3)]),
        ("pad/reflect", lambda T, x: F(T).pad(x, (2, 1), mode="reflect"), [f32(1, 2, 5)]),
        ("pad/replicate", lambda T, x: F(T).pad(x, (2, 1, 1, 1), mode="replicate"),
         [f32(1, 2, 4, 5)]),
        ("pad/circular", lambda T, x: F(T).pad(x, (2, 1), mode="circular"), [f32(1, 2, 5)]),
        ("pad/odd", lambda T, x: F(T).pad(x, (1,)), [f32(2, 3)]),
        ("normalize", lambda T, x: F(T).normalize(x), [f32(2, 3)]),
        ("normalize/p1-dim0", lambda T, x: F(T).normalize(x, p=1, dim=0), [f32(2, 3)]),
        ("normalize/zeros", lambda T, x: F(T).normalize(x * 0), [f32(2, 3)]),
        ("layer_norm", lambda T, x, w, b: F(T).layer_norm(x, (3,), w, b), [f32(2, 3), f32(3), f32(3)]),
        ("layer_norm/2d-shape", lambda T, x: F(T).layer_norm(x, [4, 3]), [f32(2, 4, 3)]),
        ("layer_norm/bad", lambda T, x: F(T).layer_norm(x, (4,)), [f32(2, 3)]),
        ("batch_norm/train", lambda T, x, w, b: F(T).batch_norm(x, None, None, w, b, training=True),
         [f32(4, 3), f32(3), f32(3)]),
        ("batch_norm/eval", lambda T, x: F(T).batch_norm(x, T.zeros(3), T.ones(3) * 2),
         [f32(4, 3)]),
        ("batch_norm/4d", lambda T, x: F(T).batch_norm(x, None, None, training=True),
         [f32(2, 3, 2, 2)]),
        ("batch_norm/stats", lambda T, x: (lambda m, v: (F(T).batch_norm(
            x, m, v, training=True, momentum=0.2), m, v))(T.zeros(3), T.ones(3)), [f32(4, 3)]),
        ("batch_norm/one-value", lambda T, x: F(T).batch_norm(x, None, None, training=True),
         [f32(1, 3)]),
        ("batch_norm/stats-grad", lambda T, x, m, v: F(T).batch_norm(x, m, v),
         [f32(4, 3), f32(3), pos(3)]),
        ("group_norm", lambda T, x, w, b: F(T).group_norm(x, 2, w, b), [f32(2, 4, 3), f32(4), f32(4)]),
        ("instance_norm", lambda T, x: F(T).instance_norm(x), [f32(2, 3, 4)]),
        ("rms_norm", lambda T, x, w: F(T).rms_norm(x, (3,), w), [f32(2, 3), f32(3)]),
        ("embedding", lambda T, i, w: F(T).embedding(i, w), [idx(0, 2, 2), f32(4, 3)]),
        ("embedding/padding", lambda T, i, w: F(T).embedding(i, w, padding_idx=2),
         [idx([0, 2], [2, 1]), f32(4, 3)]),
        ("embedding/float-index", lambda T, i, w: F(T).embedding(i.float(), w), [idx(0), f32(4, 3)]),
        ("embedding/max_norm", lambda T, i, w: F(T).embedding(i, w.detach() * 3, max_norm=1.0),
         [idx(0, 1), f32(4, 3)]),
        ("embedding/torch", lambda T, w, i: T.embedding(w, i), [f32(4, 3), idx(0, 2)]),
        ("conv1d", lambda T, x, w, b: F(T).conv1d(x, w, b), [f32(2, 3, 7), f32(4, 3, 3), f32(4)]),
        ("conv1d/stride-pad", lambda T, x, w: F(T).conv1d(x, w, stride=2, padding=1),
         [f32(2, 3, 7), f32(4, 3, 3)]),
        ("conv1d/same", lambda T, x, w: F(T).conv1d(x, w, padding="same"),
         [f32(2, 3, 7), f32(4, 3, 4)]),
        ("conv1d/groups", lambda T, x, w: F(T).conv1d(x, w, dilation=2, groups=3),
         [f32(2, 3, 7), f32(6, 1, 2)]),
        ("conv1d/unbatched", lambda T, x, w: F(T).conv1d(x, w), [f32(3, 7), f32(4, 3, 3)]),
        ("conv1d/bad", lambda T, x, w: F(T).conv1d(x, w), [f32(2, 4, 7), f32(4, 3, 3)]),
        ("conv2d", lambda T, x, w, b: F(T).conv2d(x, w, b), [f32(2, 3, 6, 5), f32(4, 3, 3, 2), f32(4)]),
        ("conv2d/stride-pad", lambda T, x, w: F(T).conv2d(x, w, stride=(2, 1), padding=(1, 2)),
         [f32(2, 3, 6, 5), f32(4, 3, 3, 3)]),
        ("conv2d/same", lambda T, x, w: F(T).conv2d(x, w, padding="same"),
         [f32(1, 2, 5, 5), f32(3, 2, 2, 3)]),
        ("conv2d/groups", lambda T, x, w: F(T).conv2d(x, w, groups=2, dilation=2),
         [f32(1, 4, 7, 7), f32(6, 2, 2, 2)]),
        ("conv2d/small", lambda T, x, w: F(T).conv2d(x, w), [f32(1, 3, 2, 2), f32(4, 3, 3, 3)]),
        ("conv3d", lambda T, x, w: F(T).conv3d(x, w), [f32(1, 2, 4, 4, 4), f32(3, 2, 2, 2, 2)]),
        ("conv_transpose1d", lambda T, x, w: F(T).conv_transpose1d(x, w, stride=2),
         [f32(2, 3, 5), f32(3, 2, 3)]),
        ("conv_transpose2d", lambda T, x, w, b: F(T).conv_transpose2d(x, w, b),
         [f32(2, 3, 4, 5), f32(3, 2, 3, 3), f32(2)]),
        ("conv_transpose2d/stride", lambda T, x, w: F(T).conv_transpose2d(
            x, w, stride=2, padding=1, output_padding=1), [f32(2, 3, 4, 5), f32(3, 2, 3, 3)]),
        ("max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), [f32(2, 3, 6, 5)]),
        ("max_pool2d/stride-pad", lambda T, x: F(T).max_pool2d(x, 3, stride=2, padding=1),
         [f32(2, 3, 6, 5)]),
        ("max_pool2d/ceil", lambda T, x: F(T).max_pool2d(x, 2, ceil_mode=True), [f32(2, 3, 5, 5)]),
        ("max_pool2d/dilation", lambda T, x: F(T).max_pool2d(x, 2, dilation=2), [f32(2, 3, 6, 6)]),
        ("max_pool2d/indices", lambda T, x: F(T).max_pool2d(x, 2, return_indices=True),
         [f32(1, 2, 4, 4)]),
        ("max_pool2d/bad-pad", lambda T, x: F(T).max_pool2d(x, 2, padding=2), [f32(1, 2, 4, 4)]),
        ("max_pool2d/ties", lambda T, x: F(T).max_pool2d(x, 2), [np.ones((1, 1, 4, 4), np.float32)]),
        ("max_pool1d", lambda T, x: F(T).max_pool1d(x, 2), [f32(2, 3, 6)]),
        ("avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2), [f32(2, 3, 6, 5)]),
        ("avg_pool2d/pad", lambda T, x: F(T).avg_pool2d(x, 3, 2, 1), [f32(2, 3, 6, 5)]),
        ("avg_pool2d/no-pad-count", lambda T, x: F(T).avg_pool2d(x, 3, 2, 1, count_include_pad=False),
         [f32(2, 3, 6, 5)]),
        ("avg_pool2d/divisor", lambda T, x: F(T).avg_pool2d(x, 2, divisor_override=3),
         [f32(2, 3, 4, 4)]),
        ("avg_pool1d", lambda T, x: F(T).avg_pool1d(x, 2), [f32(2, 3, 6)]),
        ("adaptive_avg_pool2d", lambda T, x: F(T).adaptive_avg_pool2d(x, (2, 3)), [f32(2, 3, 6, 5)]),
        ("adaptive_avg_pool2d/1", lambda T, x: F(T).adaptive_avg_pool2d(x, 1), [f32(2, 3, 6, 5)]),
        ("adaptive_avg_pool2d/none", lambda T, x: F(T).adaptive_avg_pool2d(x, (None, 2)),
         [f32(2, 3, 6, 5)]),
        ("adaptive_avg_pool2d/up", lambda T, x: F(T).adaptive_avg_pool2d(x, 7), [f32(2, 3, 6, 5)]),
        ("adaptive_max_pool2d", lambda T, x: F(T).adaptive_max_pool2d(x, 2), [f32(2, 3, 6, 5)]),
        ("adaptive_avg_pool1d", lambda T, x: F(T).adaptive_avg_pool1d(x, 3), [f32(2, 3, 7)]),
        ("interpolate/nearest", lambda T, x: F(T).interpolate(x, scale_factor=2), [f32(1, 2, 3, 4)]),
        ("interpolate/nearest-size", lambda T, x: F(T).interpolate(x, size=(5, 7)), [f32(1, 2, 3, 4)]),
        ("interpolate/bilinear", lambda T, x: F(T).interpolate(x, size=(5, 7), mode="bilinear"),
         [f32(1, 2, 3, 4)]),
        ("interpolate/bilinear-corners", lambda T, x: F(T).interpolate(
            x, scale_factor=2, mode="bilinear", align_corners=True), [f32(1, 2, 3, 4)]),
        ("interpolate/bilinear-down", lambda T, x: F(T).interpolate(x, size=(2, 3), mode="bilinear"),
         [f32(1, 2, 5, 7)]),
        ("interpolate/nearest-1d", lambda T, x: F(T).interpolate(x, scale_factor=1.5),
         [f32(1, 2, 4)]),
        ("interpolate/linear", lambda T, x: F(T).interpolate(x, size=7, mode="linear"),
         [f32(1, 2, 4)]),
        ("interpolate/fractional", lambda T, x: F(T).interpolate(x, scale_factor=1.7,
                                                                 mode="bilinear"),
         [f32(1, 2, 3, 4)]),
        ("interpolate/no-size", lambda T, x: F(T).interpolate(x, mode="bilinear"), [f32(1, 2, 3, 4)]),
        ("pixel_shuffle", lambda T, x: F(T).pixel_shuffle(x, 2), [f32(1, 8, 2, 3)]),
        ("unfold", lambda T, x: F(T).unfold(x, 2), [f32(1, 2, 4, 4)]),
        ("fold", lambda T, x: F(T).fold(x, (3, 4), 2), [f32(1, 4, 6)]),
        ("cosine_similarity", lambda T, x, y: F(T).cosine_similarity(x, y), [f32(2, 3), f32(2, 3)]),
        ("cosine_similarity/bcast", lambda T, x, y: F(T).cosine_similarity(x, y, dim=0),
         [f32(2, 3), f32(1, 3)]),
        ("cosine_similarity/zeros", lambda T, x, y: F(T).cosine_similarity(x * 0, y),
         [f32(2, 3), f32(2, 3)]),
        ("pairwise_distance", lambda T, x, y: F(T).pairwise_distance(x, y), [f32(2, 3), f32(2, 3)]),
        ("sdpa", lambda T, q, k, v: F(T).scaled_dot_product_attention(q, k, v),
         [f32(2, 3, 4), f32(2, 5, 4), f32(2, 5, 2)]),
        ("sdpa/causal", lambda T, q: F(T).scaled_dot_product_attention(q, q, q, is_causal=True),
         [f32(2, 3, 4)]),
        ("sdpa/bool-mask", lambda T, q, k, m: F(T).scaled_dot_product_attention(
            q, k, k, attn_mask=m, scale=0.3), [f32(3, 4), f32(5, 4), boolean(3, 5) | np.eye(3, 5,
                                                                                     dtype=bool)]),
        ("sdpa/float-mask", lambda T, q, k, m: F(T).scaled_dot_product_attention(
            q, k, k, attn_mask=m), [f32(3, 4), f32(5, 4), f32(3, 5)]),
        ("dropout2d/eval", lambda T, x: F(T).dropout2d(x, 0.5, training=False), [f32(2, 3, 2, 2)]),
        ("dropout1d/bad", lambda T, x: F(T).dropout1d(x, 0.5), [f32(2, 3, 2, 2)]),
        ("rrelu/eval", lambda T, x: F(T).rrelu(x), [f32(2, 3)]),
        ("ldexp", lambda T, x, e: T.ldexp(x, e), [f32(3), idx(1, -2, 3)]),
        ("nextafter", lambda T, x, y: T.nextafter(x, y), [f32(3), f32(3)]),
        ("zero_/function", lambda T, x: T.zero_(x.clone()), [f32(3)]),
        ("fill_/function", lambda T, x: T.fill_(x.clone(), 2.5), [f32(3)]),
):
    case(f"nn/{_cid}", _f, *_args)

for _red in ("mean", "sum", "none"):
    for _cid, _f, _args in (
            ("mse_loss", lambda T, x, y, r: F(T).mse_loss(x, y, reduction=r), [f32(2, 3), f32(2, 3)]),
            ("l1_loss", lambda T, x, y, r: F(T).l1_loss(x, y, reduction=r), [f32(2, 3), f32(2, 3)]),
            ("l1_loss/equal", lambda T, x, r: F(T).l1_loss(x, x.detach(), reduction=r), [f32(2, 3)]),
            ("smooth_l1_loss", lambda T, x, y, r: F(T).smooth_l1_loss(x, y, reduction=r, beta=0.5),
             [f32(2, 3), f32(2, 3)]),
            ("huber_loss", lambda T, x, y, r: F(T).huber_loss(x, y, reduction=r, delta=0.5),
             [f32(2, 3), f32(2, 3)]),
            ("binary_cross_entropy", lambda T, x, y, r: F(T).binary_cross_entropy(x, y, reduction=r),
             [prob(2, 3), prob(2, 3)]),
            ("binary_cross_entropy/weight", lambda T, x, y, w, r: F(T).binary_cross_entropy(
                x, y, w, reduction=r), [prob(2, 3), prob(2, 3), prob(3)]),
            ("binary_cross_entropy/edges", lambda T, x, y, r: F(T).binary_cross_entropy(
                x, y, reduction=r), [np.array([0.0, 1.0, 0.5], np.float32),
                                     np.array([1.0, 0.0, 1.0], np.float32)]),
            ("bce_with_logits", lambda T, x, y, r: F(T).binary_cross_entropy_with_logits(
                x, y, reduction=r), [f32(2, 3), prob(2, 3)]),
            ("bce_with_logits/weights", lambda T, x, y, w, p, r: F(T).binary_cross_entropy_with_logits(
                x, y, weight=w, pos_weight=p, reduction=r), [f32(2, 3), prob(2, 3), prob(2, 1), prob(3)]),
            ("bce_with_logits/large", lambda T, x, y, r: F(T).binary_cross_entropy_with_logits(
                x * 100, y, reduction=r), [f32(2, 3), prob(2, 3)]),
            ("cross_entropy", lambda T, x, t, r: F(T).cross_entropy(x, t, reduction=r),
             [f32(4, 3), idx(0, 2, 1, 2)]),
            ("cross_entropy/weight", lambda T, x, t, w, r: F(T).cross_entropy(x, t, weight=w, reduction=r),
             [f32(4, 3), idx(0, 2, 1, 2), prob(3)]),
            ("cross_entropy/ignore", lambda T, x, t, r: F(T).cross_entropy(x, t, ignore_index=1,
                                                                           reduction=r),
             [f32(4, 3), idx(0, 1, 1, 2)]),
            ("cross_entropy/smoothing", lambda T, x, t, r: F(T).cross_entropy(
                x, t, label_smoothing=0.1, reduction=r), [f32(4, 3), idx(0, 2, 1, 2)]),
            ("cross_entropy/all", lambda T, x, t, w, r: F(T).cross_entropy(
                x, t, w, ignore_index=0, label_smoothing=0.2, reduction=r),
             [f32(4, 3), idx(0, 2, 1, 2), prob(3)]),
            ("cross_entropy/probs", lambda T, x, t, r: F(T).cross_entropy(x, t, reduction=r),
             [f32(4, 3), prob(4, 3)]),
            ("cross_entropy/probs-weight-smoothing", lambda T, x, t, w, r: F(T).cross_entropy(
                x, t, w, label_smoothing=0.1, reduction=r), [f32(4, 3), prob(4, 3), prob(3)]),
            ("cross_entropy/k-dim", lambda T, x, t, r: F(T).cross_entropy(x, t, reduction=r),
             [f32(2, 3, 4, 5), np.asarray(_rs.randint(0, 3, (2, 4, 5)))]),
            ("cross_entropy/unbatched", lambda T, x, t, r: F(T).cross_entropy(x, t, reduction=r),
             [f32(3), np.array(1)]),
            ("cross_entropy/all-ignored", lambda T, x, t, r: F(T).cross_entropy(
                x, t, ignore_index=1, reduction=r), [f32(2, 3), idx(1, 1)]),
            ("nll_loss", lambda T, x, t, r: F(T).nll_loss(x, t, reduction=r), [f32(4, 3), idx(0, 2, 1, 2)]),
            ("nll_loss/weight-ignore", lambda T, x, t, w, r: F(T).nll_loss(
                x, t, w, ignore_index=2, reduction=r), [f32(4, 3), idx(0, 2, 1, 2), prob(3)]),
            ("nll_loss/k-dim", lambda T, x, t, r: F(T).nll_loss(x, t, reduction=r),
             [f32(2, 3, 4), np.asarray(_rs.randint(0, 3, (2, 4)))]),
            ("kl_div", lambda T, x, y, r: F(T).kl_div(x, y, reduction=r), [f32(2, 3), prob(2, 3)]),
            ("kl_div/log-target", lambda T, x, y, r: F(T).kl_div(x, y, reduction=r, log_target=True),
             [f32(2, 3), f32(2, 3)]),
            ("poisson_nll_loss", lambda T, x, y, r: F(T).poisson_nll_loss(x, y, reduction=r),
             [f32(2, 3), prob(2, 3)]),
            ("gaussian_nll_loss", lambda T, x, y, v, r: F(T).gaussian_nll_loss(x, y, v, reduction=r),
             [f32(2, 3), f32(2, 3), prob(2, 3)]),
            ("margin_ranking_loss", lambda T, x, y, t, r: F(T).margin_ranking_loss(x, y, t, reduction=r),
             [f32(4), f32(4), np.array([1, -1, 1, -1], np.float32)]),
            ("hinge_embedding_loss", lambda T, x, t, r: F(T).hinge_embedding_loss(x, t, reduction=r),
             [f32(4), np.array([1, -1, 1, -1], np.float32)]),
            ("soft_margin_loss", lambda T, x, t, r: F(T).soft_margin_loss(x, t, reduction=r),
             [f32(4), np.array([1, -1, 1, -1], np.float32)]),
            ("triplet_margin_loss", lambda T, a, p, n, r: F(T).triplet_margin_loss(a, p, n, reduction=r),
             [f32(3, 4), f32(3, 4), f32(3, 4)]),
            ("cosine_embedding_loss", lambda T, x, y, t, r: F(T).cosine_embedding_loss(x, y, t, reduction=r),
             [f32(3, 4), f32(3, 4), np.array([1, -1, 1], np.float32)]),
            ("multi_margin_loss", lambda T, x, t, r: F(T).multi_margin_loss(x, t, reduction=r),
             [f32(3, 4), idx(0, 3, 1)]),
            ("multilabel_soft_margin_loss", lambda T, x, t, r: F(T).multilabel_soft_margin_loss(
                x, t, reduction=r), [f32(3, 4), (_rs.rand(3, 4) > 0.5).astype(np.float32)]),
    ):
        case(f"loss/{_cid}/{_red}", lambda T, *a, f=_f, r=_red: f(T, *a, r), *_args)
for _cid, _f, _args in (
        ("mse_loss/bad-shape", lambda T, x, y: F(T).mse_loss(x, y), [f32(2, 3), f32(4)]),
        ("mse_loss/bad-reduction", lambda T, x, y: F(T).mse_loss(x, y, reduction="avg"),
         [f32(2, 3), f32(2, 3)]),
        ("mse_loss/int", lambda T, x, y: F(T).mse_loss(x, y), [i64(2, 3), f32(2, 3)]),
        ("mse_loss/mixed-dtype", lambda T, x, y: F(T).mse_loss(x, y), [f32(2, 3), f64(2, 3)]),
        ("l1_loss/int", lambda T, x, y: F(T).l1_loss(x, y), [i64(2, 3), i64(2, 3)]),
        ("cross_entropy/bad-target", lambda T, x, t: F(T).cross_entropy(x, t), [f32(4, 3), idx(0, 1)]),
        ("cross_entropy/float-target-index", lambda T, x, t: F(T).cross_entropy(x, t.float()),
         [f32(4, 3), idx(0, 1, 2, 0)]),
        ("cross_entropy/int32-target", lambda T, x, t: F(T).cross_entropy(x, t.int()),
         [f32(4, 3), idx(0, 1, 2, 0)]),
        ("cross_entropy/double", lambda T, x, t: F(T).cross_entropy(x.double(), t),
         [f32(4, 3), idx(0, 1, 2, 0)]),
        ("nll_loss/bad", lambda T, x, t: F(T).nll_loss(x, t), [f32(4, 3), idx(0, 1)]),
        ("bce/bad-shape", lambda T, x, y: F(T).binary_cross_entropy(x, y), [prob(2, 3), prob(2, 2)]),
        ("bce_with_logits/bad-shape", lambda T, x, y: F(T).binary_cross_entropy_with_logits(x, y),
         [f32(2, 3), prob(2, 2)]),
        ("kl_div/batchmean", lambda T, x, y: F(T).kl_div(x, y, reduction="batchmean"),
         [f32(2, 3), prob(2, 3)]),
        ("size_average", lambda T, x, y: F(T).mse_loss(x, y, size_average=False),
         [f32(2, 3), f32(2, 3)]),
        ("reduce=False", lambda T, x, y: F(T).l1_loss(x, y, reduce=False), [f32(2, 3), f32(2, 3)]),
):
    case(f"loss/{_cid}", _f, *_args)
