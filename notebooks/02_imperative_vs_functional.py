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
# # One model, three ways: imperative, `facade.func`, hand-written JAX
#
# A small classifier (32 → 64 → 1, tanh, binary cross-entropy with logits) on a fixed batch,
# and its loss and gradients computed
#
# 1. **imperatively**, as in PyTorch: `loss.backward()` writes `p.grad` (facade records the
#    ops and runs forward + backward as one compiled XLA program);
# 2. **functionally** with `facade.func` (PyTorch's `torch.func` API): `grad_and_value` of a
#    pure function of the parameters, through `functional_call`; and the same facade function
#    handed to JAX with `facade.func.to_jax`, under `jax.jit`;
# 3. in **hand-written JAX**: `jax.jit(jax.value_and_grad(loss))`, the floor to compare with.
#
# The gradients must agree; then we time one step of each (loss and gradients, the loss
# read on the host): the first calls, which compile, apart from the steady state.

# %%
import time

import jax
import jax.numpy as jnp
import numpy as np

import facade as torch
import facade.nn as nn
import facade.nn.functional as F
from facade.func import functional_call, grad_and_value, to_jax

rng = np.random.RandomState(0)
X = rng.randn(256, 32).astype(np.float32)
Y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float32)     # a label the model has to learn
x, y = torch.tensor(X), torch.tensor(Y)

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(32, 64), nn.Tanh(), nn.Linear(64, 1))
warmup = {}


def first_calls(name, step, n=3):
    """Call `step` n times (this is where each way compiles), timing the lot, and wait for
    facade's background compiles; return the first call's result."""
    t0 = time.perf_counter()
    out = step()
    for _ in range(n - 1):
        step()
    torch.debug.wait_for_compiles()
    warmup[name] = time.perf_counter() - t0
    return out


model

# %% [markdown]
# ## 1. Imperative: `loss.backward()`

# %%
def imperative_step():
    model.zero_grad()
    loss = F.binary_cross_entropy_with_logits(model(x), y)
    loss.backward()
    return loss.item()


loss_imperative = first_calls("imperative", imperative_step)
grads_imperative = {k: p.grad.numpy() for k, p in model.named_parameters()}
print(f"loss {loss_imperative:.6f}")
for k, g in grads_imperative.items():
    print(f"{k:10} grad {tuple(g.shape)}, norm {np.linalg.norm(g):.6f}")

# %% [markdown]
# ## 2. Functional: `facade.func`
#
# The same model as a pure function of its parameters: `functional_call` runs the module
# with the given tensors in place of its own, and `grad_and_value` differentiates it
# (`torch.func.grad_and_value`, on `jax.value_and_grad`).

# %%
params = {k: p.detach() for k, p in model.named_parameters()}


def loss_fn(params, x, y):
    return F.binary_cross_entropy_with_logits(functional_call(model, params, (x,)), y)


func_step = grad_and_value(loss_fn)
grads_func, loss_func = first_calls("facade.func", lambda: func_step(params, x, y))
loss_func = loss_func.item()
print(f"loss {loss_func:.6f}")

# %% [markdown]
# `grad_and_value` runs eagerly, one JAX operation at a time. Since a facade function *is* a
# JAX function once its inputs are JAX arrays, `to_jax(loss_fn)` can also go through
# `jax.jit`, which compiles the whole of it:

# %%
jitted = jax.jit(jax.value_and_grad(to_jax(loss_fn)))
params_jax = {k: p.jax() for k, p in params.items()}
loss_to_jax, grads_to_jax = first_calls("func.to_jax + jax.jit",
                                        lambda: jitted(params_jax, X, Y))
loss_to_jax = float(loss_to_jax)
print(f"loss {loss_to_jax:.6f}")

# %% [markdown]
# ## 3. Hand-written JAX
#
# `nn.Linear` computes `x @ W.T + b`; `softplus(z) - z*y` is binary cross-entropy with
# logits. Same parameters, as JAX arrays.

# %%
def jax_loss(p, x, y):
    h = jnp.tanh(x @ p["0.weight"].T + p["0.bias"])
    z = h @ p["2.weight"].T + p["2.bias"]
    return jnp.mean(jax.nn.softplus(z) - z * y)


jax_step = jax.jit(jax.value_and_grad(jax_loss))
loss_jax, grads_jax = first_calls("hand-written JAX", lambda: jax_step(params_jax, X, Y))
loss_jax = float(loss_jax)
print(f"loss {loss_jax:.6f}")

# %% [markdown]
# ## The same gradients

# %%
def check_same():
    for k, g in grads_imperative.items():
        np.testing.assert_allclose(grads_func[k].numpy(), g, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(np.asarray(grads_to_jax[k]), g, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(np.asarray(grads_jax[k]), g, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose([loss_func, loss_to_jax, loss_jax], loss_imperative, rtol=1e-6)


check_same()
print("gradients: imperative == facade.func == func.to_jax + jax.jit == hand-written JAX")

# %% [markdown]
# ## Step time
#
# Each step computes the loss and all gradients and reads the loss on the host. The first
# three calls of each way (above) compiled its program(s): facade runs a graph it has never
# seen op by op, each op a small cached program, and compiles the whole step once the same
# graph recurs (on a worker thread, waited for here). The steady state is the median over 5
# rounds of many steps. Timings vary from machine to machine and run to run (this notebook's
# tests do not compare them).

# %%
ways = {
    "imperative": imperative_step,
    "facade.func": lambda: func_step(params, x, y)[1].item(),
    "func.to_jax + jax.jit": lambda: float(jitted(params_jax, X, Y)[0]),
    "hand-written JAX": lambda: float(jax_step(params_jax, X, Y)[0]),
}


def per_step(step, n):
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        rounds.append((time.perf_counter() - t0) / n)
    return float(np.median(rounds))


steady = {name: per_step(f, 10 if name == "facade.func" else 100) for name, f in ways.items()}

# %% tags=["timing"]
for name in ways:
    print(f"{name:22} first 3 calls {warmup[name] * 1e3:8.1f} ms   "
          f"steady {steady[name] * 1e6:8.1f} µs/step")

# %% tags=["timing"]
import matplotlib.pyplot as plt

names = list(ways)
colors = ["tab:blue", "tab:orange", "tab:olive", "tab:green"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3), dpi=70)
for ax, values, unit, title in ((ax1, [warmup[n] * 1e3 for n in names], "ms",
                                 "first 3 calls (compiling)"),
                                (ax2, [steady[n] * 1e6 for n in names], "µs per step",
                                 "steady state")):
    bars = ax.barh(names, values, color=colors)
    ax.bar_label(bars, fmt="%.0f", padding=3)
    ax.set_xlim(0, max(values) * 1.25)
    ax.set_xlabel(unit)
    ax.set_title(title)
    ax.invert_yaxis()
ax2.set_yticks([])
fig.tight_layout()
plt.show()

# %% [markdown]
# What ran: once warm, the imperative step is **one** call of one cached program per step
# (forward, backward and the writing of `.grad` together), with no compile. `facade.func`'s
# `grad_and_value` runs JAX's transformation eagerly, dispatching each JAX operation on its
# own, which is why it is the slowest; the jitted `to_jax` reaches the hand-written JAX
# floor, since it compiles the same math into one XLA program.

# %%
c0 = dict(torch.debug.counters())
for _ in range(10):
    imperative_step()
c = torch.debug.counters()
print(f"10 imperative steps: {c['calls'] - c0['calls']} program calls, "
      f"{c['compiles'] - c0['compiles']} compiles")

# %% [markdown]
# ## Imperative == functional
#
# The timing loops did not change the parameters; the four ways still agree:

# %%
loss_imperative = imperative_step()
grads_imperative = {k: p.grad.numpy() for k, p in model.named_parameters()}
grads_func, loss_func = func_step(params, x, y)
loss_func = loss_func.item()
check_same()
print("imperative == functional")
