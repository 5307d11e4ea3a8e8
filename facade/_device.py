"""Devices: `facade.device` objects, and where a tensor's value lives among JAX's devices.

A tensor lives on the JAX device its `device` names. The lazy graph carries it as a node's
*placement* (`Node.dev`):

  None           JAX's default device (the first GPU/TPU when JAX sees one, else the CPU),
                 holding *uncommitted* arrays: every tensor made without `device=` is here,
                 so the single-device hot path never looks further than `dev is None`;
  a jax Device   any other single device (`"cpu:1"`, `"cuda:1"`, `"cpu"` on a GPU machine),
                 holding arrays committed there (`jax.device_put(x, device)`);
  a _Mesh        the devices of a `jax.sharding.Mesh` (facade.distributed): sharded or
                 replicated arrays; tensors on the default device mix with them freely
                 (JAX replicates an uncommitted input).

An op's result lives where its inputs are (`record` propagates the placement; inputs on
different devices raise PyTorch's error there, at the user's line). Programs are jitted
functions of the leaves' arrays, and `jax.jit` runs each call where its committed inputs
live, keeping one executable per placement: so a program cached for one device is reused
on another with the right placement, and the structural key needs no device.

Mapping from PyTorch's names: "cpu" -> jax.devices("cpu"); "cuda" (or "gpu") -> JAX's GPU
devices (CUDA or ROCm); "tpu" -> TPUs; "mps" -> the jax-metal plugin. A torch CPU build
answers `.cuda()` with `AssertionError: Torch not compiled with CUDA enabled`; facade says
the same when JAX sees no GPU, so device-agnostic code takes the same branches.
"""
from __future__ import annotations

import builtins as _builtins

import jax
import numpy as np

from . import _graph
from ._graph import Node, Packed

_TORCH_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, "
                "lazy, vulkan, mps, meta, hpu, mtia, privateuseone")
_KNOWN = set(_TORCH_TYPES.split(", ")) | {"tpu"}
_ALIASES = {"gpu": "cuda"}            # JAX's name for the same devices (facade extension)
_PLATFORMS = {"cpu": ("cpu",), "cuda": ("gpu", "cuda", "rocm"), "tpu": ("tpu",),
              "mps": ("METAL", "metal")}
NO_CUDA = "Torch not compiled with CUDA enabled"
_MISSING = object()


class device:
    """torch.device: a device type and an optional index.

        >>> facade.device("cuda:1")
        device(type='cuda', index=1)
        >>> facade.device("cpu").type
        'cpu'

    As in PyTorch, a device never equals a string (`x.device == "cpu"` is False: compare
    `x.device.type`). "gpu" is accepted as another name of "cuda", "tpu" as JAX's TPUs.
    """

    __slots__ = ("type", "index")

    def __init__(self, type=_MISSING, index=None):   # noqa: A002  (PyTorch's argument names)
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): argument 'type' (position 1) must be str, not "
                                "torch.device")
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, (int, np.integer)) and not isinstance(type, bool) and index is None:
            acc = _accelerator_type()     # torch.device(0): the current accelerator's device 0
            if acc is None:
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = acc, int(type)
        if not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got "
                f"({'' if type is _MISSING else _builtins.type(type).__name__}), but expected "
                "one of:\n * (torch.device device)\n * (str type, int index = -1)\n")
        if index is not None and (not isinstance(index, (int, np.integer))
                                  or isinstance(index, bool)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                            f"{_builtins.type(index).__name__}")
        name, sep, idx = type.partition(":")
        t = _ALIASES.get(name, name)
        if t not in _KNOWN:
            if name.strip() != name or not name.isalpha():
                raise RuntimeError(f"Invalid device string: '{type}'")
            raise RuntimeError(f"Expected one of {_TORCH_TYPES} device type at start of device "
                               f"string: {type}")
        if sep:
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{type}'")
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            index = int(idx)
        if index is not None:
            index = int(index)
            if index < 0:
                if index == -1:   # PyTorch's default argument: no index
                    index = None
                else:
                    raise RuntimeError("Device index must not be negative")
        self.type, self.index = t, index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and self.type == other.type and \
            self.index == other.index

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    # `with facade.device("cuda"):` makes it the default device of factories, as in PyTorch
    def __enter__(self):
        _DEFAULT_STACK.append(_DEFAULT_DEVICE[0])
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        _DEFAULT_DEVICE[0] = _DEFAULT_STACK.pop()
        return False


# ------------------------------------------------------------------ JAX's devices
def _platform_devices(t):
    """JAX's local devices of torch device type `t` (empty when JAX has none)."""
    for p in _PLATFORMS.get(t, ()):
        try:
            ds = jax.local_devices(backend=p)
        except RuntimeError:
            continue
        if ds:
            return ds
    return []


def _torch_type(platform):
    p = platform.lower()
    if p in ("gpu", "cuda", "rocm"):
        return "cuda"
    if p == "metal":
        return "mps"
    return p


def _accelerator_type():
    """The torch type of JAX's default backend when it is not the CPU, else None."""
    d = default_jax_device()
    t = _torch_type(d.platform)
    return None if t == "cpu" else t


_DEFAULT = []


def default_jax_device():
    """The device where uncommitted arrays (placement None) live."""
    if not _DEFAULT:
        d = jax.config.jax_default_device
        if d is None or isinstance(d, str):
            d = jax.local_devices(backend=d)[0] if isinstance(d, str) else jax.local_devices()[0]
        _DEFAULT.append(d)
    return _DEFAULT[0]


class _Cuda:
    current = 0   # torch.cuda.set_device: the device "cuda" without an index means


CUDA = _Cuda()
_RESOLVED: dict = {}   # facade device -> placement
_NAMES: dict = {}      # jax device -> facade device


def jax_device(dev) -> "jax.Device":
    """The JAX device a facade device (or string, or int: a CUDA index) names; PyTorch's
    errors when there is none."""
    dev = as_device(dev)
    t = dev.type
    ds = _platform_devices(t)
    if not ds:
        if t == "cuda":
            raise AssertionError(NO_CUDA)
        if t == "mps":
            raise RuntimeError("PyTorch is not linked with support for mps devices")
        if t == "xpu":
            raise AssertionError("Torch not compiled with XPU enabled")
        if t == "tpu":
            raise RuntimeError("facade: JAX found no TPU (jax.devices('tpu') is empty)")
        raise RuntimeError(f"facade: device type '{t}' is not supported; tensors live on JAX "
                           "devices: 'cpu', 'cuda' (or 'gpu'), 'tpu', 'mps'")
    i = dev.index
    if i is None:
        i = CUDA.current if t == "cuda" else 0
    if i >= len(ds):
        if t == "cpu" and len(ds) == 1:
            return ds[0]      # PyTorch's CPU is one device: it ignores the index
        if t == "cuda":
            raise RuntimeError("CUDA error: invalid device ordinal")
        raise RuntimeError(f"facade: {t} device index {i} is out of range: JAX sees "
                           f"{len(ds)} {t} device(s)")
    return ds[i]


def as_device(dev) -> device:
    if dev.__class__ is device:
        return dev
    if isinstance(dev, (int, np.integer)) and not isinstance(dev, bool):
        return device(dev)
    return device(dev)


def placement(dev):
    """The placement (see the module docstring) of a facade device / string / int."""
    try:
        return _RESOLVED[dev]
    except (KeyError, TypeError):
        pass
    if as_device(dev).type == "meta":
        return META
    d = jax_device(dev)
    p = None if d == default_jax_device() else d
    if isinstance(dev, (str, device)) and not (as_device(dev).type == "cuda"
                                               and as_device(dev).index is None):
        _RESOLVED[dev] = p    # "cuda" alone follows torch.cuda.set_device: not cached
    return p


def torch_device(p) -> device:
    """The facade device of a placement."""
    if p is META:
        return _META_DEVICE
    if p is None:
        p = default_jax_device()
    elif p.__class__ is _Mesh:
        p = p.devices[0]
    r = _NAMES.get(p)
    if r is None:
        t = _torch_type(p.platform)
        ds = _platform_devices(t)
        i = ds.index(p) if p in ds else p.id
        r = _NAMES[p] = device(t, None if t == "cpu" and i == 0 else i)
    return r


# ------------------------------------------------------------------ the meta device
class _Meta:
    """The placement of tensors on PyTorch's "meta" device: shapes and dtypes without data
    (facade records them lazily, as zeros nothing reads: copying one to a real device
    raises PyTorch's error). Used to build a model's skeleton, e.g. for
    facade.func.functional_call over stacked parameters."""

    __slots__ = ()

    def __repr__(self):
        return "<meta>"


META = _Meta()
_META_DEVICE = device("meta")
NO_META_DATA = "Cannot copy out of meta tensor; no data!"


# ------------------------------------------------------------------ default device
_DEFAULT_DEVICE = [None]   # set_default_device / `with facade.device(...)`: a facade device
_DEFAULT_STACK: list = []


def set_default_device(dev) -> None:
    """torch.set_default_device: where factories put tensors made without `device=` (None:
    JAX's default device)."""
    _DEFAULT_DEVICE[0] = None if dev is None else as_device(dev)


def default_placement():
    """The placement of a factory's result when no device is given."""
    d = _DEFAULT_DEVICE[0]
    return None if d is None else placement(d)


# ------------------------------------------------------------------ meshes
class _Mesh:
    """The placement of arrays sharded or replicated over a jax.sharding.Mesh's devices."""

    __slots__ = ("devices", "mesh")

    def __init__(self, devices, mesh):
        self.devices, self.mesh = devices, mesh

    def __repr__(self):
        return f"<mesh of {len(self.devices)} devices>"


_MESHES: dict = {}
NOT_A_DEVICE = (_Mesh, _Meta)   # placements that are not one jax Device


def mesh_placement(mesh):
    ds = tuple(mesh.devices.flat)
    k = tuple(sorted(d.id for d in ds))
    p = _MESHES.get(k)
    if p is None:
        p = _MESHES[k] = _Mesh(ds, mesh)
    return p


def placement_of(value):
    """The placement of a concrete value (a committed JAX array's device or mesh)."""
    if value.__class__ is Packed:
        value = value.buf.array
    if not getattr(value, "committed", False):
        return None
    s = value.sharding
    ds = s.device_set
    if len(ds) == 1:
        (d,) = ds
        return None if d == default_jax_device() else d
    mesh = getattr(s, "mesh", None)
    if mesh is None:
        mesh = jax.sharding.Mesh(np.array(s._device_assignment), ("data",))
    return mesh_placement(mesh)


_graph.placement_of = placement_of


# ------------------------------------------------------------------ the record-time check
def join(inputs):
    """The placement of an op's result, from its inputs' (the slow path of `record`, taken
    when some input is not on the default device). Raises PyTorch's error for inputs on
    different devices; as PyTorch lets a zero-dim CPU tensor join a CUDA op, a zero-dim
    tensor on the default device joins any device."""
    found = None
    for x in inputs:
        if x.__class__ is Node and x.dev is not None:
            if found is None:
                found = x.dev
            elif x.dev is not found and x.dev != found:
                raise RuntimeError(_mixed(inputs))
    if found.__class__ is not _Mesh:
        for x in inputs:
            if x.__class__ is Node and x.dev is None and x.shape != ():
                raise RuntimeError(_mixed(inputs))
    return found


def _mixed(inputs):
    """PyTorch's message (TensorIterator): the common device is the first non-CPU one."""
    nodes = [x for x in inputs if x.__class__ is Node]
    devs = [torch_device(x.dev) for x in nodes]
    if any(x.dev is META for x in nodes):   # PyTorch's meta kernels word it so
        other = next(d for x, d in zip(nodes, devs) if x.dev is not META)
        return f"Tensor on device {other} is not on the expected device meta!"
    common = next((i for i, d in enumerate(devs) if d.type != "cpu"), 0)
    for x, d in zip(nodes, devs):
        if x.dev is not nodes[common].dev and not (x.dev is None and x.shape == ()):
            return ("Expected all tensors to be on the same device, but found at least two "
                    f"devices, {devs[common]} and {d}!")
    return "Expected all tensors to be on the same device"   # pragma: no cover


# ------------------------------------------------------------------ moving tensors
CROSS_DEVICE_GRAD = (
    "facade: a copy of a tensor that requires grad onto another device is not differentiable "
    "(a facade program runs on one device or mesh); create the tensor on its device "
    "(device=...), or move it before requires_grad_(), or .detach() it first")


def move(t, p, sharding=None):
    """`t` with its value on placement `p` (t itself when already there). Not
    differentiable across devices (CROSS_DEVICE_GRAD)."""
    from ._compile import realize
    from ._dispatch import STATE
    from ._tensor import Tensor
    n = t._base_sync()
    if n.dev is p and sharding is None:
        return t
    if n.dev is META:
        raise NotImplementedError(NO_META_DATA)
    if p is META:
        from ._factory import zeros
        saved, _DEFAULT_DEVICE[0] = _DEFAULT_DEVICE[0], None
        try:
            with _no_grad():
                out = zeros(n.shape, dtype=n.dtype)   # lazy: nothing is allocated
        finally:
            _DEFAULT_DEVICE[0] = saved
        out._node.dev = META
        return out
    if n.requires_grad and STATE.enabled:
        raise NotImplementedError(CROSS_DEVICE_GRAD)
    v = realize(n)
    with jax.enable_x64(True):
        if sharding is not None:
            arr = jax.device_put(v, sharding)
        elif p is None:
            # back to the default device uncommitted (as every default tensor), by the host
            arr = jax.device_put(np.asarray(v))
        elif p.__class__ is _Mesh:
            arr = jax.device_put(v, jax.sharding.NamedSharding(
                p.mesh, jax.sharding.PartitionSpec()))
        else:
            arr = jax.device_put(v, p)
    from ._graph import const_node
    out = Tensor._wrap(const_node(arr, n.dtype))
    out._node.inf = n.inf
    return out


def to_device(t, dev):
    """`t` on facade device / string `dev`."""
    return move(t, placement(dev))


def place(t, dev=None, like=None):
    """A factory's result `t` (on the default device) moved to `dev`, or when `dev` is None
    to where tensor `like` is (the `*_like` rule) unless that is a mesh, else to the
    default device set by set_default_device."""
    if dev is not None:
        p = placement(dev)
    elif like is not None:
        p = like._base_sync().dev
        if p.__class__ is _Mesh:
            return t
    elif _DEFAULT_DEVICE[0] is not None:
        p = default_placement()
    else:
        return t
    return t if p is None else move(t, p)


class _no_grad:
    def __enter__(self):
        from ._dispatch import STATE
        self.prev, STATE.enabled = STATE.enabled, False

    def __exit__(self, *exc):
        from ._dispatch import STATE
        STATE.enabled = self.prev


# ------------------------------------------------------------------ Tensor.to's arguments
KEEP = object()   # parse_to: no device asked
_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n")


def _type_name(a):
    from ._dtype import dtype as _dtype
    from ._tensor import Tensor
    if isinstance(a, _dtype):
        return "torch.dtype"
    if isinstance(a, device):
        return "torch.device"
    if isinstance(a, Tensor):
        return "Tensor"
    return _builtins.type(a).__name__


def _is_device_arg(a):
    return isinstance(a, (str, device)) or (isinstance(a, (int, np.integer))
                                           and not isinstance(a, bool))


def parse_to(args, kwargs):
    """Tensor.to's overloads -> (placement or KEEP, dtype or None, copy)."""
    from ._dtype import dtype as _dtype
    from ._tensor import Tensor
    kw = dict(kwargs)
    dev, dtype = kw.pop("device", None), kw.pop("dtype", None)
    flags = [kw.pop("non_blocking", False), kw.pop("copy", False)]
    kw.pop("memory_format", None)
    bad = bool(kw)
    rest = list(args)
    other = None
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
    elif rest and isinstance(rest[0], _dtype):
        dtype = rest.pop(0)
    elif rest and _is_device_arg(rest[0]):
        dev = rest.pop(0)
        if rest and isinstance(rest[0], _dtype):
            dtype = rest.pop(0)
    if len(rest) > 2 or not all(isinstance(a, bool) for a in rest):
        bad = True
    for i, a in enumerate(rest[:2]):
        flags[i] = a
    if bad:
        got = ", ".join([_type_name(a) for a in args]
                        + [f"{k}={_type_name(v)}" for k, v in kwargs.items()])
        if kwargs and not args:
            got += ", "
        raise TypeError(f"to() received an invalid combination of arguments - got ({got}), but "
                        f"expected one of:\n{_TO_SIGNATURES}")
    if other is not None:
        return other._base_sync().dev, other.dtype, flags[1]
    return (KEEP if dev is None else placement(dev)), dtype, flags[1]


def get_default_device() -> device:
    """torch.get_default_device: where tensors made without `device=` live (JAX's default
    device, the first GPU/TPU when JAX sees one, unless set_default_device chose another)."""
    d = _DEFAULT_DEVICE[0]
    if d is not None:
        return torch_device(placement(d)) if d.type != "meta" else d
    return torch_device(None)


# ------------------------------------------------------------------ Tensor's device methods
def _is_meta(self):
    return self._base_sync().dev is META


def _pin_memory(self, device=None):
    """PyTorch pins host memory for faster copies to a GPU; JAX manages its transfers, so a
    tensor is returned as it is (where an accelerator exists, as PyTorch requires one)."""
    if _accelerator_type() is None:
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return self


def _is_pinned(self, device=None):
    return False


def install(tensor_class):
    """Tensor methods about devices that live here (called once by facade/__init__)."""
    tensor_class.is_meta = property(_is_meta)
    tensor_class.pin_memory = _pin_memory
    tensor_class.is_pinned = _is_pinned
