# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # On accelerators: the same code on whatever JAX finds, and a batch across devices
#
# facade runs its programs through XLA, on the devices JAX sees: a GPU or TPU when there is
# one (with a CUDA- or TPU-enabled `jaxlib`), the CPU otherwise. The tutorials' device idiom
# (`device = ... if torch.accelerator.is_available() else "cpu"`, `device=`, `.to(device)`)
# works unchanged.
#
# The second half splits a batch across several devices (data parallelism). On a machine
# without several accelerators, XLA can be asked to show the CPU as 8 devices, which has to
# happen before JAX starts: the next cell does that (restart the kernel if JAX was already
# imported). It changes only the CPU platform: a GPU or TPU is still the default device.
# This notebook's recorded outputs come from a CPU-only machine; on one with a GPU the
# device names differ.

# %%
import os

flags = os.environ.get("XLA_FLAGS", "")
if "xla_force_host_platform_device_count" not in flags:
    os.environ["XLA_FLAGS"] = (flags + " --xla_force_host_platform_device_count=8").strip()

# %%
import jax
import numpy as np

import facade as torch

print(f"JAX backend: {jax.default_backend()}, devices: {jax.devices()}")
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")
print(f"torch.cuda.is_available(): {torch.cuda.is_available()}")

# %% [markdown]
# ## The autograd tutorial, on that device
#
# Every factory takes `device=`; the programs run where their inputs are, and the
# gradients land on the same device:

# %%
x = torch.ones(5, device=device)  # input tensor
y = torch.zeros(3, device=device)  # expected output
w = torch.randn(5, 3, requires_grad=True, device=device)
b = torch.randn(3, requires_grad=True, device=device)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
loss.backward()
print(w.grad)
print(b.grad)
print(f"w.grad.device: {w.grad.device}, computed on {w.grad.jax().devices()}")

# %% [markdown]
# Mixing devices is an error at the line that does it, with PyTorch's message (here, when
# an accelerator is there; on a CPU-only machine, between two of the CPU devices):

# %%
other = "cpu" if device != "cpu" else "cpu:1"
try:
    w + torch.ones(5, 3, device=other)
except RuntimeError as e:
    print(e)

# %% [markdown]
# ## A batch across devices
#
# `facade.distributed` uses JAX's own machinery: a one-axis `Mesh` over the devices,
# `replicate(model)` puts every parameter on every device, `shard(x)` splits a batch along
# dimension 0. The training loop does not change: each step is one SPMD program, in which
# every device runs forward and backward on its part of the batch and XLA all-reduces the
# gradients.

# %%
import facade.distributed as dist
from facade import nn

mesh = dist.mesh()
print(f"mesh: {mesh.size} devices along axis {mesh.axis_names[0]!r}")

rng = np.random.RandomState(0)
X = rng.randn(64, 10).astype(np.float32)
Y = X @ rng.randn(10, 1).astype(np.float32) + 0.1 * rng.randn(64, 1).astype(np.float32)


def train(sharded, steps=20):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    if sharded:
        dist.replicate(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    xb, yb = torch.tensor(X), torch.tensor(Y)
    if sharded:
        xb, yb = dist.shard(xb), dist.shard(yb)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, xb, losses


model, xb, losses = train(sharded=True)
shards = xb.jax().addressable_shards
print(f"the batch {tuple(xb.shape)}: {len(shards)} shards of {shards[0].data.shape}, "
      f"on {sorted(s.device.id for s in shards)}")
print(f"loss: {losses[0]:.4f} -> {losses[-1]:.4f}")
print("parameters replicated:", all(dist.sharding(p).is_fully_replicated
                                    for p in model.parameters()))

# %% [markdown]
# The sharded run gives the single-device run's numbers (up to float rounding: the
# gradient is summed in another order):

# %%
single, _, single_losses = train(sharded=False)
np.testing.assert_allclose(losses, single_losses, rtol=1e-5)
for p, q in zip(model.parameters(), single.parameters()):
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6)
print("sharded == single device")

# %% [markdown]
# The all-reduce is in the program: `facade.debug.hlo` shows what XLA compiled for a
# `backward()` of the sharded batch.

# %%
yb = dist.shard(torch.tensor(Y))
loss = nn.functional.mse_loss(model(xb), yb)
hlo = torch.debug.hlo(loss)
print("all-reduce in the compiled program:", "all-reduce" in hlo)

# %% [markdown]
# ## Imperative == functional
#
# On the sharded batch, `loss.backward()` and `facade.func.grad` of the same loss agree:

# %%
from facade.func import functional_call, grad

model.zero_grad()
loss.backward()
params = {k: p.detach() for k, p in model.named_parameters()}
grads = grad(lambda p: nn.functional.mse_loss(functional_call(model, p, (xb,)), yb))(params)
for k, p in model.named_parameters():
    np.testing.assert_allclose(grads[k].numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-6)
print("imperative == functional")
