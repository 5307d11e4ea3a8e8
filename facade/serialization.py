"""facade.save / facade.load: tensors and state dicts, in a format that cannot run code.

facade's format is a ZIP archive (stored, uncompressed) holding:

    facade.json        {"format": "facade", "version": 1, "root": VALUE}
    tensors/<i>.npy    one NumPy .npy file per distinct tensor, read back with
                       numpy.load(allow_pickle=False)

where VALUE is JSON, tagged so that every Python type comes back as it was saved:

    null, true, false, a JSON number (int or float), a JSON string  -> itself
    {"float": "inf" | "-inf" | "nan"}                                -> a non-finite float
    {"list": [VALUE, ...]}, {"tuple": [VALUE, ...]}                  -> list, tuple
    {"dict": [[KEY, VALUE], ...]}, {"odict": [[KEY, VALUE], ...]}    -> dict, OrderedDict
                                                  (KEY: any VALUE that is hashable)
    {"odict": [...], "metadata": VALUE}          -> an OrderedDict with `_metadata` (what
                                                  Module.state_dict() returns: the modules'
                                                  versions, read by load_state_dict)
    {"tensor": i, "dtype": "float32", "requires_grad": false,
     "parameter": false}                         -> the tensor in tensors/<i>.npy
    {"dtype": "float32"}                         -> facade.float32 (a dtype object)

bfloat16 tensors are stored as their raw uint16 bits (the .npy format has no bfloat16).
A tensor saved twice in one object (shared) is stored once and loads back as one tensor.
Anything else (modules, functions, arbitrary objects) is refused when saving: save a
`state_dict()`, as PyTorch recommends. Loading reads JSON and raw arrays only, so a file
cannot run code, whatever `weights_only` says.

facade.load also reads files written by `torch.save` (the zip format of PyTorch >= 1.6)
when they hold tensors, numbers, strings and containers (state dicts of models and
optimizers): their `data.pkl` is read by a restricted unpickler that accepts only the
handful of names such files use (`torch._utils._rebuild_tensor_v2`,
`torch._utils._rebuild_parameter`, `collections.OrderedDict`, `torch.<Type>Storage`, the
torch dtypes) and refuses every other global, so it cannot run code either; tensors are
rebuilt from the raw storages in `data/<key>` with their offsets and strides.

    >>> facade.save(model.state_dict(), "model.pt")
    >>> model.load_state_dict(facade.load("model.pt"))
"""
from __future__ import annotations

import io
import json
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype as D
from ._tensor import Size, Tensor, tensor

__all__ = ["save", "load"]

FORMAT = "facade"
VERSION = 1
MANIFEST = "facade.json"


# ------------------------------------------------------------------ save
def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Save tensors and nested dicts/lists/tuples of tensors, numbers, strings, None (e.g.
    state dicts of models and optimizers) to a path or a binary file object, in facade's
    JSON + .npy zip format (see the module docstring). `pickle_module` and
    `pickle_protocol` are accepted for compatibility and ignored: nothing is pickled."""
    arrays = []
    ids = {}

    def enc(x, path):
        if x is None or isinstance(x, (bool, str)):
            return x
        if isinstance(x, (int, np.integer)):
            return int(x)
        if isinstance(x, (float, np.floating)):
            x = float(x)
            if math.isfinite(x):
                return x
            return {"float": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}
        if isinstance(x, np.bool_):
            return bool(x)
        if isinstance(x, Tensor):
            i = ids.get(id(x))
            if i is None:
                i = ids[id(x)] = len(arrays)
                arrays.append(x)
            return {"tensor": i, "dtype": x.dtype.name, "requires_grad": bool(x.requires_grad),
                    "parameter": _is_parameter(x)}
        if isinstance(x, D.dtype):
            return {"dtype": x.name}
        if isinstance(x, OrderedDict):
            out = {"odict": [[enc(k, path), enc(v, f"{path}[{k!r}]")] for k, v in x.items()]}
            meta = getattr(x, "_metadata", None)
            if meta is not None:
                out["metadata"] = enc(meta, f"{path}._metadata")
            return out
        if isinstance(x, dict):
            return {"dict": [[enc(k, path), enc(v, f"{path}[{k!r}]")] for k, v in x.items()]}
        if isinstance(x, (list, tuple)):
            items = [enc(v, f"{path}[{i}]") for i, v in enumerate(x)]
            return {"list" if isinstance(x, list) else "tuple": items}
        raise TypeError(f"facade.save cannot store an object of type {type(x).__name__} (at "
                        f"{path or 'the top level'}): only tensors, numbers, strings, None, "
                        "dtypes and dicts/lists/tuples of them are saved (save a state_dict())")

    manifest = {"format": FORMAT, "version": VERSION, "root": enc(obj, "")}
    own = isinstance(f, (str, os.PathLike))
    fh = open(f, "wb") if own else f
    try:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as z:
            z.writestr(MANIFEST, json.dumps(manifest))
            for i, t in enumerate(arrays):
                # np.array, not np.ascontiguousarray: that one makes 0-d arrays 1-d
                a = np.array(t.detach()._value(), order="C")
                if t.dtype is D.bfloat16:
                    a = a.view(np.uint16)
                buf = io.BytesIO()
                np.save(buf, a, allow_pickle=False)
                z.writestr(f"tensors/{i}.npy", buf.getvalue())
    finally:
        if own:
            fh.close()


def _is_parameter(t):
    try:
        from .nn.parameter import Parameter
    except ImportError:  # pragma: no cover - nn is part of facade
        return False
    return isinstance(t, Parameter)


# ------------------------------------------------------------------ load
def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Load what `save` wrote, or a PyTorch `torch.save` file of tensors and containers.

    `map_location` is accepted and ignored (tensors load on facade's default device).
    Loading never runs code, so `weights_only=False` allows nothing more."""
    own = isinstance(f, (str, os.PathLike))
    fh = open(f, "rb") if own else f
    try:
        data = fh.read()
    finally:
        if own:
            fh.close()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RuntimeError("facade.load: not a zip archive; facade reads its own format and "
                           "PyTorch's zip format (torch.save since PyTorch 1.6), not the legacy "
                           "tar/pickle format")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        if MANIFEST in names:
            return _load_facade(z)
        pkl = [n for n in names if n == "data.pkl" or n.endswith("/data.pkl")]
        if pkl:
            return _load_torch(z, pkl[0][:-len("data.pkl")])
    raise RuntimeError("facade.load: the archive holds neither facade.json nor a PyTorch "
                       "data.pkl")


def _load_facade(z):
    manifest = json.loads(z.read(MANIFEST))
    if manifest.get("format") != FORMAT:
        raise RuntimeError("facade.load: facade.json does not describe a facade archive")
    if manifest.get("version", 0) > VERSION:
        raise RuntimeError(f"facade.load: archive version {manifest['version']} is newer than "
                           f"this facade reads ({VERSION})")
    cache = {}

    def tensor_at(spec):
        i = spec["tensor"]
        t = cache.get(i)
        if t is None:
            a = np.load(io.BytesIO(z.read(f"tensors/{i}.npy")), allow_pickle=False)
            dt = D.as_dtype(spec["dtype"])
            if dt is D.bfloat16:
                a = a.view(dt.np)
            t = cache[i] = _make_tensor(a, dt, spec.get("requires_grad", False),
                                        spec.get("parameter", False))
        return t

    def dec(v):
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, dict):
            if "tensor" in v:
                return tensor_at(v)
            if "float" in v:
                return float(v["float"])
            if "dtype" in v:
                return D.as_dtype(v["dtype"])
            if "list" in v:
                return [dec(x) for x in v["list"]]
            if "tuple" in v:
                return tuple(dec(x) for x in v["tuple"])
            if "dict" in v:
                return {_key(dec(k)): dec(x) for k, x in v["dict"]}
            if "odict" in v:
                out = OrderedDict((_key(dec(k)), dec(x)) for k, x in v["odict"])
                if "metadata" in v:
                    out._metadata = dec(v["metadata"])
                return out
        raise RuntimeError(f"facade.load: unexpected entry in facade.json: {v!r}")

    return dec(manifest["root"])


def _key(k):
    return tuple(k) if isinstance(k, list) else k


def _make_tensor(a, dt, requires_grad=False, parameter=False):
    t = tensor(a, dtype=dt)
    if parameter:
        from .nn.parameter import Parameter
        return Parameter(t, requires_grad=requires_grad)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ------------------------------------------------------------------ PyTorch's zip format
_STORAGES = {
    "FloatStorage": D.float32, "DoubleStorage": D.float64, "HalfStorage": D.float16,
    "BFloat16Storage": D.bfloat16, "LongStorage": D.int64, "IntStorage": D.int32,
    "ShortStorage": D.int16, "CharStorage": D.int8, "ByteStorage": D.uint8,
    "BoolStorage": D.bool_, "ComplexFloatStorage": D.complex64,
    "ComplexDoubleStorage": D.complex128,
}
_DTYPES = {"float32": D.float32, "float": D.float32, "float64": D.float64,
           "double": D.float64, "float16": D.float16, "half": D.float16,
           "bfloat16": D.bfloat16, "int64": D.int64, "long": D.int64, "int32": D.int32,
           "int": D.int32, "int16": D.int16, "short": D.int16, "int8": D.int8,
           "uint8": D.uint8, "bool": D.bool_, "complex64": D.complex64,
           "complex128": D.complex128}


class _StorageType:
    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype


class _Storage:
    """A storage read from data/<key>: a flat array of its dtype."""

    __slots__ = ("array", "dtype")

    def __init__(self, array, dtype):
        self.array, self.dtype = array, dtype


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("facade.load: _rebuild_tensor_v2 expects a storage")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    flat = storage.array
    off = int(storage_offset)
    if len(size) != len(stride) or off < 0 or any(s < 0 for s in size + stride):
        raise pickle.UnpicklingError("facade.load: invalid tensor geometry")
    if 0 in size:
        a = np.zeros(size, flat.dtype)
    else:
        last = off + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= flat.size:
            raise pickle.UnpicklingError("facade.load: tensor extends past its storage")
        item = flat.dtype.itemsize
        a = np.lib.stride_tricks.as_strided(flat[off:], shape=size,
                                            strides=tuple(s * item for s in stride),
                                            writeable=False).copy()
    return _make_tensor(a, storage.dtype, bool(requires_grad))


def _rebuild_parameter(data, requires_grad, backward_hooks=None, state=None):
    from .nn.parameter import Parameter
    return Parameter(data.detach(), requires_grad=bool(requires_grad))


def _ordered_dict(*args):
    return OrderedDict(*args)


class _TorchUnpickler(pickle.Unpickler):
    """Resolves only the names found in PyTorch state-dict files; refuses every other."""

    def __init__(self, file, zf, prefix, byteorder):
        super().__init__(file)
        self._zf, self._prefix, self._byteorder = zf, prefix, byteorder
        self._storages = {}

    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name in ("_rebuild_parameter",
                                                 "_rebuild_parameter_with_state"):
            return _rebuild_parameter
        if module == "collections" and name == "OrderedDict":
            return _ordered_dict
        if module == "torch" and name in _STORAGES:
            return _StorageType(_STORAGES[name])
        if module == "torch" and name in _DTYPES:
            return _DTYPES[name]
        if module == "torch" and name == "Size":
            return Size
        raise pickle.UnpicklingError(
            f"facade.load: refusing to load {module}.{name}: only tensors, numbers, strings "
            "and containers of them (state dicts) can be read from a PyTorch file")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"facade.load: unsupported persistent id {pid!r}")
        _, stype, key, _location, numel = pid
        st = self._storages.get(key)
        if st is None:
            raw = self._zf.read(f"{self._prefix}data/{key}")
            np_dt = np.dtype(stype.dtype.np)
            if self._byteorder == "big" and np_dt.itemsize > 1:
                np_dt = np_dt.newbyteorder(">")
            flat = np.frombuffer(raw, dtype=np_dt, count=int(numel))
            st = self._storages[key] = _Storage(flat.astype(flat.dtype.newbyteorder("=")),
                                                stype.dtype)
        return st


def _load_torch(z, prefix):
    names = set(z.namelist())
    byteorder = "little"
    if f"{prefix}byteorder" in names:
        byteorder = z.read(f"{prefix}byteorder").decode().strip()
    up = _TorchUnpickler(io.BytesIO(z.read(f"{prefix}data.pkl")), z, prefix, byteorder)
    return up.load()
