"""Factories. Fills, ranges and random draws are lazy ops (computed inside the next
program, with their numbers as arguments); data given by the user is copied to the device."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from . import _device
from . import _dtype as D
from ._dispatch import record
from ._ops import core as C
from ._ops.table import defop
from ._tensor import Tensor, from_array, tensor


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s.item())
        if not isinstance(s, (int, np.integer)):
            raise TypeError(f"size must be a tuple of ints, but got {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


def _finish(node, requires_grad, device=None, like=None):
    """The factory's tensor, moved to `device` (or to `like`'s device) when that is not JAX's
    default device: only then is the value computed at once (by a small cached program)."""
    return _grad(_device.place(Tensor._wrap(node), device, like), requires_grad)


def _grad(t, requires_grad):
    if requires_grad:
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t.requires_grad_(True)
    return t


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, **_):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if isinstance(fill_value, np.generic):
        fill_value = fill_value.item()
    dt = D.as_dtype(dtype) if dtype is not None else D.scalar_dtype(fill_value)
    node = record(C.FULL, (fill_value,), (("shape", _size((size,) if isinstance(size, int)
                                                          else (tuple(size),))),
                                         ("dtype", dt)))
    return _finish(node, requires_grad, device)


def zeros(*size, dtype=None, device=None, requires_grad=False, **_):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return full(_size(size), 0 if not dt.is_floating_point else 0.0, dtype=dt,
                device=device, requires_grad=requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, **_):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return full(_size(size), 1 if not dt.is_floating_point else 1.0, dtype=dt,
                device=device, requires_grad=requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, **_):
    """Like zeros: JAX has no uninitialised memory (documented difference)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def _like(fn):
    def like(input, *, dtype=None, device=None, requires_grad=False, **_):
        """On `input`'s device unless `device` is given, as in PyTorch."""
        t = fn(tuple(input.shape), dtype=dtype or input.dtype)
        return _grad(_device.place(t, device, like=input), requires_grad)
    like.__name__ = fn.__name__ + "_like"
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, **_):
    t = full(tuple(input.shape), fill_value, dtype=dtype or input.dtype)
    return _grad(_device.place(t, device, like=input), requires_grad)


def _static_rule(**params):
    return params["shape"], params["dtype"], params["dtype"]


EYE = defop("eye", lambda shape, dtype: jnp.eye(shape[0], shape[1], dtype=dtype.np),
            _static_rule, None, saves=False)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, **_):
    m = n if m is None else m
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return _finish(record(EYE, (), (("shape", (int(n), int(m))), ("dtype", dt))), requires_grad,
                   device)


def _arange_impl(start, step, shape, dtype):
    i = jnp.arange(shape[0], dtype=jnp.int64 if D.is_integral(dtype) else jnp.float64)
    return (start.astype(i.dtype) + i * step.astype(i.dtype)).astype(dtype.np)


ARANGE = defop("arange", _arange_impl, lambda a, b, **p: (p["shape"], p["dtype"], None),
               None, saves=False)


def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, **_):
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = max(0, math.ceil((end - start) / step))
    if dtype is not None:
        dt = D.as_dtype(dtype)
    else:
        dt = D.int64 if all(isinstance(v, int) for v in vals) else D.get_default_dtype()
    node = record(ARANGE, (float(start) if not D.is_integral(dt) else int(start),
                           float(step) if not D.is_integral(dt) else int(step)),
                  (("shape", (n,)), ("dtype", dt)))
    return _finish(node, requires_grad, device)


def _linspace_impl(start, end, shape, dtype):
    n = shape[0]
    if n == 1:
        return jnp.full((1,), start, dtype=dtype.np)
    i = jnp.arange(n, dtype=jnp.float64)
    step = (end - start) / (n - 1)
    half = n // 2
    vals = jnp.where(i < half, start + i * step, end - (n - 1 - i) * step)
    return vals.astype(dtype.np)


LINSPACE = defop("linspace", _linspace_impl, lambda a, b, **p: (p["shape"], p["dtype"], None),
                 None, saves=False)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, **_):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    node = record(LINSPACE, (float(start), float(end)), (("shape", (int(steps),)), ("dtype", dt)))
    return _finish(node, requires_grad, device)


# ------------------------------------------------------------------ random numbers
class Generator:
    """A seed and a counter: each draw folds the counter into the seed's key inside the
    program, so draws cost no dispatch and seeds/counters are arguments (no recompiles).
    The stream differs from PyTorch's (documented)."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721
        self._counter = 0

    def manual_seed(self, seed):
        self._seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self._counter = 0
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        import random
        self.manual_seed(random.getrandbits(63))
        return self._seed

    def get_state(self):
        return tensor([self._seed, self._counter], dtype=D.int64)

    def set_state(self, state):
        self._seed, self._counter = (int(v) for v in state.tolist())

    def _next(self, batched=True):
        c = self._counter
        self._counter += 1
        # two 32-bit halves keep the seed exact inside the program
        lo, hi = self._seed & 0x7FFFFFFF, (self._seed >> 31) & 0x7FFFFFFF
        if RANDOM_HOOK is not None:   # inside facade.func.vmap: its randomness mode
            return RANDOM_HOOK(lo, hi, c, batched)
        return (lo, hi, c)


# set by facade.func while vmap traces: raises for randomness="error", and for "different"
# returns the counter as a tensor that also holds the batch element's index
RANDOM_HOOK = None


def _ins(draw):
    """A draw's (lo, hi, counter) as record() inputs (the counter may be a tensor)."""
    return tuple(x._node if isinstance(x, Tensor) else x for x in draw)


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator: runs become reproducible (not PyTorch's stream)."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def _key(lo, hi, counter):
    k = jax.random.fold_in(jax.random.PRNGKey(lo.astype(jnp.uint32)), hi.astype(jnp.uint32))
    if counter.ndim:   # (counter, batch indices...): a draw per element of a vmap
        for i in range(counter.shape[0]):
            k = jax.random.fold_in(k, counter[i].astype(jnp.uint32))
        return k
    return jax.random.fold_in(k, counter.astype(jnp.uint32))


def _rand_impl(lo, hi, counter, shape, dtype, dist):
    k = _key(lo, hi, counter)
    if dist == "uniform":
        return jax.random.uniform(k, shape, dtype=jnp.float32 if dtype.itemsize < 4
                                  else dtype.np).astype(dtype.np)
    return jax.random.normal(k, shape, dtype=jnp.float32 if dtype.itemsize < 4
                             else dtype.np).astype(dtype.np)


RAND = defop("rand", _rand_impl, lambda *a, **p: (p["shape"], p["dtype"], None), None,
             saves=False)


def _randint_impl(lo, hi, counter, low, high, shape, dtype):
    k = _key(lo, hi, counter)
    return jax.random.randint(k, shape, low, high, dtype=jnp.int64).astype(dtype.np)


RANDINT = defop("randint", _randint_impl, lambda *a, **p: (p["shape"], p["dtype"], None),
                None, saves=False)


def _draw(dist, size, generator, dtype, requires_grad, device=None):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if not dt.is_floating_point:
        raise NotImplementedError(
            f'"{"check_uniform_bounds" if dist == "uniform" else "normal_kernel_cpu"}" not '
            f"implemented for '{D.scalar_name(dt)}'")
    g = generator or default_generator
    node = record(RAND, _ins(g._next()), (("shape", _size(size)), ("dtype", dt),
                                          ("dist", dist)))
    return _finish(node, requires_grad, device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **_):
    return _draw("uniform", size, generator, dtype, requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **_):
    return _draw("normal", size, generator, dtype, requires_grad, device)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, **kw):
    t = rand(tuple(input.shape), dtype=dtype or input.dtype, **kw)
    return _grad(_device.place(t, device, like=input), requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, **kw):
    t = randn(tuple(input.shape), dtype=dtype or input.dtype, **kw)
    return _grad(_device.place(t, device, like=input), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, **_):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    dt = D.as_dtype(dtype) if dtype is not None else D.int64
    g = generator or default_generator
    node = record(RANDINT, _ins(g._next()), (("low", int(low)), ("high", int(high)),
                                       ("shape", _size((tuple(size),))), ("dtype", dt)))
    return _finish(node, requires_grad, device)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False,
                 **kw):
    if high is None:   # randint_like(input, high)
        low, high = 0, low
    t = randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, **kw)
    return _grad(_device.place(t, device, like=input), requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, **_):
    g = generator or default_generator
    lo, hi, c = g._next(batched=False)
    with jax.enable_x64(True):
        perm = np.asarray(jax.random.permutation(_key(np.int64(lo), np.int64(hi), np.int64(c)),
                                                 int(n)))
    return tensor(perm, dtype=D.as_dtype(dtype) if dtype is not None else D.int64,
                  device=device)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        if device is not None:
            data = _device.to_device(data, device)
        return data if dtype is None or D.as_dtype(dtype) is data.dtype else data.to(dtype)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor with the array's values (a copy: JAX arrays are immutable; documented)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return from_array(ndarray)


# ------------------------------------------------------------------ in-place random fills
# Tensor.uniform_ / normal_ / bernoulli_ (what PyTorch code writes to initialise weights:
# `m.weight.data.normal_(0.0, 0.02)`): a lazy draw written with copy_, so on a leaf that
# requires grad they raise PyTorch's in-place error unless under no_grad.
def _uniform_(self, *args, generator=None, **kwargs):
    low = kwargs.pop("from", args[0] if len(args) > 0 else 0.0)
    high = kwargs.pop("to", args[1] if len(args) > 1 else 1.0)
    if kwargs:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low}"
                           f" > to={high}")
    draw = _draw("uniform", tuple(self.shape), generator, self.dtype, False)
    return self.copy_(draw * (high - low) + low)


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    draw = _draw("normal", tuple(self.shape), generator, self.dtype, False)
    return self.copy_(draw * std + mean)


def _bernoulli_(self, p=0.5, *, generator=None):
    if isinstance(p, Tensor):
        prob = p.to(self.dtype) if self.dtype.is_floating_point else p
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        prob = p
    u = _draw("uniform", tuple(self.shape), generator, D.float32, False)
    return self.copy_((u < prob).to(self.dtype))


_uniform_.__name__, _normal_.__name__, _bernoulli_.__name__ = "uniform_", "normal_", "bernoulli_"
Tensor.uniform_ = _uniform_
Tensor.normal_ = _normal_
Tensor.bernoulli_ = _bernoulli_
