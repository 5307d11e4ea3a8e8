"""Data parallelism on JAX's own machinery: a `jax.sharding.Mesh` over the devices, the batch
split along it (`NamedSharding(mesh, P("data"))`), the parameters replicated.

    import facade as torch
    import facade.distributed as dist

    model = dist.replicate(Net())                    # every parameter on every device
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for xb, yb in loader:
        xb, yb = dist.shard(xb), dist.shard(yb)      # dim 0 split across the devices
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()                              # forward + backward: one SPMD program
        opt.step()                                   # (the update fuses into the next one)
        opt.zero_grad()

Nothing else changes: facade compiles each step into one jitted program whose inputs carry
these shardings, and XLA's SPMD partitioner splits the work and all-reduces the gradients of
the replicated parameters (they come back replicated, so the update is the same everywhere).
The result equals the single-device loop up to float rounding (tests/test_devices.py).

Tensors on the mesh mix with tensors on JAX's default device (an uncommitted array: JAX
replicates it), so `torch.zeros(n)` inside a forward or an optimizer's fresh state just work;
`replicate` saves copying such tensors to every device at every step.

Several hosts (processes): call `initialize()` (`jax.distributed.initialize`) first on every
process, with the coordinator's address, the number of processes and this one's id (or none
of them on a cluster JAX detects: Slurm, Cloud TPU, ...). Then `mesh()` spans the devices of
all hosts, `shard(x)` takes each process's own part of the batch
(`jax.make_array_from_process_local_data`), and the same loop trains on all of them:

    dist.initialize("10.0.0.1:1234", num_processes=2, process_id=rank)
    model = dist.replicate(Net())
    xb = dist.shard(local_batch)     # this host's rows; the global batch is all hosts' rows
"""
from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from . import _device

_STATE = {"initialized": False, "mesh": None}


def initialize(coordinator_address=None, num_processes=None, process_id=None, **kwargs):
    """Join a multi-host run: `jax.distributed.initialize` with the same arguments (call it
    before anything else touches a device)."""
    jax.distributed.initialize(coordinator_address, num_processes, process_id, **kwargs)
    _STATE["initialized"] = True
    _STATE["mesh"] = None


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return _STATE["initialized"]


def get_rank() -> int:
    """This process's index (jax.process_index())."""
    return jax.process_index()


def get_world_size() -> int:
    """The number of processes (jax.process_count())."""
    return jax.process_count()


def mesh(devices=None, axis_name: str = "data") -> Mesh:
    """A one-axis mesh over `devices` (default: every device of every process), cached."""
    if devices is None:
        if _STATE["mesh"] is None or _STATE["mesh"].axis_names != (axis_name,):
            _STATE["mesh"] = Mesh(np.array(jax.devices()), (axis_name,))
        return _STATE["mesh"]
    return Mesh(np.array(list(devices)), (axis_name,))


_mesh = mesh


def device_count() -> int:
    """How many devices the default mesh spans (the data-parallel degree)."""
    return mesh().size


def _tensor(x):
    from ._tensor import Tensor, tensor
    return x if isinstance(x, Tensor) else tensor(np.asarray(x))


def shard(x, dim: int = 0, mesh: Mesh = None):
    """`x` (a tensor or array) split along `dim` across the mesh's devices: its value is
    `jax.device_put(x, NamedSharding(mesh, P(None, ..., "data")))`. The size of `dim` must be
    a multiple of the number of devices. With several processes, `x` is this process's part.

        >>> xb = dist.shard(torch.randn(64, 10))     # 8 devices: 8 rows each
    """
    from ._ops.table import wrap_dim
    m = mesh if mesh is not None else _mesh()
    t = _tensor(x)
    d = wrap_dim(dim, t.dim())
    axis = m.axis_names[0]
    spec = PartitionSpec(*([None] * d + [axis]))
    sharding = NamedSharding(m, spec)
    p = _device.mesh_placement(m)
    if jax.process_count() > 1:
        from ._graph import const_node
        from ._tensor import Tensor
        arr = jax.make_array_from_process_local_data(sharding, np.asarray(t.detach()._value()))
        return Tensor._wrap(const_node(arr, t.dtype))
    n = t.shape[d]
    if n % m.size:
        raise ValueError(f"shard: dimension {d} has size {n}, which is not a multiple of the "
                         f"{m.size} devices of the mesh")
    return _device.move(t, p, sharding)


def replicate(obj, mesh: Mesh = None):
    """A copy of every tensor in `obj` on every device of the mesh (`P()`): a tensor (a
    leaf that requires grad stays one), a Module (its parameters and buffers, in place, as
    `Module.to` does), or a list / tuple / dict of them.

        >>> model = dist.replicate(nn.Linear(10, 1))
    """
    from ._tensor import Tensor
    m = mesh if mesh is not None else _mesh()
    sharding = NamedSharding(m, PartitionSpec())
    p = _device.mesh_placement(m)
    if isinstance(obj, Tensor):
        if obj.requires_grad and obj.is_leaf:
            return _device.move(obj.detach(), p, sharding).requires_grad_(True)
        return _device.move(obj, p, sharding)
    if isinstance(obj, (list, tuple)):
        return type(obj)(replicate(o, m) for o in obj)
    if isinstance(obj, dict):
        return {k: replicate(v, m) for k, v in obj.items()}
    if hasattr(obj, "_apply"):   # nn.Module: parameters keep their identity (param.data = ...)
        return obj._apply(lambda t: _device.move(t, p, sharding))
    raise TypeError(f"replicate: expected a Tensor, Module, list, tuple or dict, got "
                    f"{type(obj).__name__}")


def sharding(t):
    """The `jax.sharding.Sharding` of tensor `t`'s value (computing it if needed)."""
    from ._compile import realize
    from ._graph import Packed
    n = t._base_sync()
    realize(n)
    v = n.value
    if v.__class__ is Packed:   # a slice of a buffer of many results (gradients): its sharding
        v = v.buf.array
    return v.sharding


__all__ = ["initialize", "is_available", "is_initialized", "get_rank", "get_world_size", "mesh",
           "device_count", "shard", "replicate", "sharding"]
