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
# # Automatic differentiation with `torch.autograd`, on facade
#
# This is PyTorch's autograd tutorial ("Automatic Differentiation with torch.autograd", from
# *Learn the Basics*), followed by the code of two community notebooks on the same topic.
# Every code cell is PyTorch code run **unchanged**, except one line: `import torch` became
# `import facade as torch`.
#
# Cells marked `%%beside_pytorch KEY` show what facade printed (left) beside what real
# PyTorch 2.13 printed for the same cell (right; recorded by `record_pytorch.py` into
# `pytorch_printed.json`), and fail unless the two are identical apart from object
# addresses. Cells whose numbers come from `torch.randn` are marked `--random`: facade draws
# from JAX's random stream, not PyTorch's, so those values differ, and the same code is then
# run again with fixed inputs, where every digit must agree.

# %%
# %load_ext beside_pytorch

# %% [markdown]
# Consider the simplest one-layer neural network, with input `x`, parameters `w` and `b`,
# and some loss function. It can be defined in PyTorch in the following manner:

# %%
import facade as torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

# %% [markdown]
# ## Tensors, Functions and Computational graph
#
# This code defines a computational graph (drawn in `04_the_computational_graph`). In this
# network, `w` and `b` are **parameters**, which we need to optimize, so we need the
# gradients of the loss function with respect to them: we set their `requires_grad`
# property.
#
# A function that we apply to tensors to construct the computational graph is an object of
# class `Function`. It knows how to compute the function in the *forward* direction, and how
# to compute its derivative during the *backward propagation* step. A reference to the
# backward propagation function is stored in the `grad_fn` property of a tensor.

# %%
# %%beside_pytorch grad_fn
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

# %% [markdown]
# facade records `z` and `loss` lazily: nothing has been computed yet, but the graph and
# its `grad_fn` objects (named as PyTorch names them) exist already.
#
# ## Computing Gradients
#
# To optimize the weights of the network we need $\frac{\partial loss}{\partial w}$ and
# $\frac{\partial loss}{\partial b}$ under some fixed values of `x` and `y`. We call
# `loss.backward()`, and then retrieve the values from `w.grad` and `b.grad`:

# %%
# %%beside_pytorch backward --random
loss.backward()
print(w.grad)
print(b.grad)

# %% [markdown]
# The forms agree; the numbers cannot, since `w` and `b` came from two different random
# streams. The reference cases of this project draw the same inputs with NumPy instead
# (`RandomState(0)`); with those, facade's gradients equal PyTorch's to every printed digit:

# %%
# %%beside_pytorch fixed_inputs
import numpy as np

rs = np.random.RandomState(0)
w = torch.tensor(rs.randn(5, 3).astype(np.float32), requires_grad=True)
b = torch.tensor(rs.randn(3).astype(np.float32), requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(loss)
loss.backward()
print(w.grad)
print(b.grad)

# %% [markdown]
# - We can only obtain the `grad` properties for the leaf nodes of the computational graph
#   which have `requires_grad` set to `True`. For all other nodes of the graph, gradients
#   are not available.
# - We can only perform gradient calculations using `backward` once on a given graph, for
#   performance reasons. If we need several `backward` calls on the same graph, we pass
#   `retain_graph=True` to the `backward` call. Calling it twice otherwise raises
#   PyTorch's error:

# %%
# %%beside_pytorch second_backward
try:
    loss.backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %% [markdown]
# ## Disabling Gradient Tracking
#
# By default, all tensors with `requires_grad=True` are tracking their computational
# history and support gradient computation. When we only want to do *forward* computations
# (applying a trained model to data), we can stop tracking by surrounding our code with a
# `torch.no_grad()` block:

# %%
# %%beside_pytorch no_grad
z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)

# %% [markdown]
# Another way to achieve the same result is to use the `detach()` method on the tensor:

# %%
# %%beside_pytorch detach
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)

# %% [markdown]
# There are reasons you might want to disable gradient tracking: to mark some parameters
# of a network as **frozen parameters** (fine-tuning a pretrained network), or to **speed
# up computations** when you only do a forward pass. (In facade, work under `no_grad` is
# still recorded lazily, just not differentiable: an optimizer's update of every parameter
# becomes part of one compiled program.)
#
# ## More on Computational Graphs
#
# Conceptually, autograd keeps a record of data (tensors) and all executed operations in a
# directed acyclic graph (DAG) of `Function` objects: leaves are the input tensors, roots
# the output tensors. By tracing this graph from roots to leaves, the gradients follow from
# the chain rule. The backward pass kicks off when `.backward()` is called on the root;
# autograd then computes the gradients from each `.grad_fn`, accumulates them in the
# respective tensor's `.grad` attribute, and propagates all the way to the leaf tensors.
#
# **DAGs are dynamic**: the graph is recreated from scratch after each `.backward()` call,
# which is what allows control flow in a model. (facade compiles each graph *structure* into
# one XLA program, cached, so a loop that rebuilds the same graph every step reuses it.)
#
# ## Optional Reading: Tensor Gradients and Jacobian Products
#
# When the output is a tensor rather than a scalar, PyTorch computes the **Jacobian
# product** $v^T\cdot J$ for a given vector $v$, passed to `backward` (the same size as the
# output):

# %%
# %%beside_pytorch jacobian
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# %% [markdown]
# When we call `backward` a second time with the same argument, the gradient is
# different: PyTorch **accumulates the gradients** into `.grad`. To compute the proper
# gradients, zero `grad` first (in real training an *optimizer* does this). Calling
# `backward()` without arguments is equivalent to `backward(torch.tensor(1.0))`.
#
# ## From two community notebooks on autograd
#
# The same topic in two notebooks found online ("Autograd", and "AutoGrad in PyTorch").
# Their values do not depend on random numbers, so every cell is compared.

# %%
# %%beside_pytorch simple_leaves
# requires_grad - Is True if gradients need to be computed for this Tensor
a = torch.tensor([5.], requires_grad=True)
b = torch.tensor([6.], requires_grad=True)
a

# %%
# %%beside_pytorch simple_y
y = a**3 - b**2
y

# %%
# %%beside_pytorch simple_before
# calculate gradient using tensor_name.grad()
print(a.grad)
print(b.grad)

# %%
# %%beside_pytorch simple_backward
# Backward Pass
y.backward()
print(a.grad)
print(b.grad)

# %% [markdown]
# $\partial y/\partial a = 3a^2 = 75$ and $\partial y/\partial b = -2b = -12$. The second
# notebook wraps its graph in a function, so that each call builds a fresh graph:

# %%
# %%beside_pytorch compute
def compute():
    a = torch.tensor([3.], requires_grad=True)
    O = 5*a**2
    return [a,O]

[a,O] = compute()
print(a)
print(O)
O.backward()
print(a.grad)

# %% [markdown]
# Without the function, the same leaf is reused, and its gradient accumulates until it is
# zeroed:

# %%
# %%beside_pytorch accumulate
a = torch.tensor([2.], requires_grad=True)
O = 5*a**2
O.backward()
print(a.grad)
O = 5*a**2
O.backward()
print(a.grad)
a.grad.zero_()

# %% [markdown]
# Inspecting the graph, and calling its backward functions by hand to compute what they
# return:

# %%
# %%beside_pytorch next_functions
[a,O] = compute()
print(O.grad_fn)
print(O.grad_fn.next_functions)

# %%
# %%beside_pytorch call_grad_fn
temp = torch.tensor([1.])
print(O.grad_fn(temp))
print(O.grad_fn.next_functions[0][0](temp))

# %% [markdown]
# ## Imperative = functional
#
# The gradients that `loss.backward()` wrote into `w.grad` and `b.grad` (the fixed-input
# network above) are those of the pure function `facade.func.grad` differentiates, and of
# the same math written in JAX (`jax.nn.softplus(z) - z*y` is binary cross-entropy with
# logits):

# %% tags=["facade-only"]
import jax
import jax.numpy as jnp
from facade.func import grad

x, y = torch.ones(5), torch.zeros(3)
rs = np.random.RandomState(0)
w = torch.tensor(rs.randn(5, 3).astype(np.float32), requires_grad=True)
b = torch.tensor(rs.randn(3).astype(np.float32), requires_grad=True)
torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y).backward()


def loss_fn(w, b):
    return torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y)


def jax_loss(w, b):
    z = jnp.ones(5) @ w + b
    return jnp.mean(jax.nn.softplus(z) - z * 0.0)


gw, gb = grad(loss_fn, argnums=(0, 1))(w.detach(), b.detach())
jw, jb = jax.grad(jax_loss, argnums=(0, 1))(w.detach().numpy(), b.detach().numpy())
for imperative, functional, hand in ((w.grad, gw, jw), (b.grad, gb, jb)):
    np.testing.assert_allclose(imperative.numpy(), functional.numpy(), rtol=1e-6)
    np.testing.assert_allclose(imperative.numpy(), hand, rtol=1e-6)
print("loss.backward() == facade.func.grad == jax.grad")
