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
# # The computational graph: as a picture, by hand, and as the program `backward()` runs
#
# The autograd tutorial's one-layer network (`01_autograd_tutorial`), looked at three ways:
#
# 1. drawn, as `torchviz.make_dot` draws a PyTorch graph: `facade.viz.make_dot`;
# 2. walked by hand through `grad_fn.next_functions`, the same objects PyTorch has;
# 3. as the pure function that facade compiles for `loss.backward()`, printed as a jaxpr.

# %%
import facade as torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(loss)

# %% [markdown]
# ## 1. The picture
#
# The tutorial draws this network by hand (its `comp-graph.png`: `x`, `w` and `b` flowing
# through `*` and `+` into `z`, then `CE(z, y)` into `loss`). `make_dot` draws the graph
# autograd actually recorded, from the loss back to the leaves, as torchviz does: the leaves
# that require grad in blue with their shapes, one box per backward function (named as
# `type(grad_fn).__name__` names it), and the output in green. The arrows follow the
# forward direction; `backward()` walks them in reverse. `x` and `y` do not appear: they do
# not require grad, so no gradient flows to them.

# %%
from facade.viz import make_dot

dot = make_dot(loss, params={"w": w, "b": b})
dot

# %% [markdown]
# `torch.matmul(x, w)` of a vector and a matrix is recorded the way PyTorch records it: the
# vector made a 1×5 matrix, an `mm`, and the result squeezed back (`MmBackward0`,
# `SqueezeBackward4`). The picture is Graphviz's rendering (SVG) of DOT text, which
# `make_dot` writes itself, without any package (rendering needs the `dot` program, or the
# `graphviz-pure` package of PyPI):

# %%
print(dot.source)

# %% [markdown]
# `show_attrs=True` lists each function's static arguments under its name (the reduction
# of the loss, the dimension `squeeze` removed):

# %%
make_dot(loss, params={"w": w, "b": b}, show_attrs=True)

# %% [markdown]
# ## 2. By hand: `grad_fn.next_functions`
#
# Each tensor made by a differentiable op has a `grad_fn`; its `next_functions` are pairs
# `(function, output index)`, one per input of the op: the `grad_fn` of that input,
# `AccumulateGrad` for a leaf that requires grad (its `.variable` is the leaf, where the
# gradient is accumulated), or `None` for an input that does not require grad.

# %%
names = {id(t): name for name, t in {"w": w, "b": b}.items()}


def walk(fn, depth=0):
    """Print the backward graph below `fn`, one function per line."""
    line = "    " * depth + type(fn).__name__
    if hasattr(fn, "variable"):                      # AccumulateGrad: a leaf's gradient sink
        v = fn.variable
        line += f"  -> .grad of {names.get(id(v), '?')} {tuple(v.shape)}"
    print(line)
    for next_fn, index in fn.next_functions:
        if next_fn is None:
            print("    " * (depth + 1) + "None  (an input that does not require grad)")
        else:
            walk(next_fn, depth + 1)


walk(loss.grad_fn)

# %% [markdown]
# PyTorch 2.13 prints exactly this for the same code (recorded with `import torch`):

# %%
import contextlib
import io

PYTORCH_2_13 = """\
BinaryCrossEntropyWithLogitsBackward0
    AddBackward0
        SqueezeBackward4
            MmBackward0
                None  (an input that does not require grad)
                AccumulateGrad  -> .grad of w (5, 3)
        AccumulateGrad  -> .grad of b (3,)
    None  (an input that does not require grad)
"""
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    walk(loss.grad_fn)
assert printed.getvalue() == PYTORCH_2_13
print("same graph as PyTorch's")

# %% [markdown]
# ## 3. The program `backward()` runs
#
# Nothing has been differentiated yet. facade recorded the ops as plain data; `print(loss)`
# ran the forward part once (which also computed `w` and `b`, drawn lazily by `randn`).
# For `loss.backward()`, the recorded graph becomes one pure function of the leaves' values,
# forward and `jax.vjp` together. `facade.debug.jaxpr(loss)` shows that function. Its inputs
# are the arrays of the graph (`x` as a 1×5 matrix, `w`, `b`, `y`), then the graph's Python
# scalars packed into one float and one int array (none here); it returns the loss and the
# gradients of the leaves (for `w`: the `dot_general` of the cotangent with `x`, transposed).

# %%
print(torch.debug.jaxpr(loss).pretty_print(use_color=False))

# %%
loss.backward()
print(w.grad)
print(b.grad)

# %% [markdown]
# A graph that facade has never seen runs op by op, each op a small program cached by its
# shapes (compiling a whole new graph costs tens of milliseconds or more, which a graph built
# only once would never win back). When the same structure comes again, as in a training
# loop, the function above is compiled as one XLA program (on a worker thread; we wait for
# it here), and from then on each `backward()` is **one** call of it:

# %%
def step():
    w.grad, b.grad = None, None
    z = torch.matmul(x, w)+b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    loss.backward()


for _ in range(3):
    step()
torch.debug.wait_for_compiles()
c0 = dict(torch.debug.counters())
step()
c = torch.debug.counters()
print(f"backward(): {c['calls'] - c0['calls']} program call, {c['compiles'] - c0['compiles']} compiles")

# %% [markdown]
# ## Imperative == functional
#
# The gradients `backward()` wrote are those of the same math written as a pure function,
# differentiated by `facade.func.grad` and by `jax.grad` (binary cross-entropy with logits is
# `softplus(z) - z*y`):

# %%
import jax
import jax.numpy as jnp
import numpy as np
from facade.func import grad


def loss_fn(w, b):
    return torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w)+b, y)


def jax_loss(w, b):
    z = jnp.ones(5) @ w + b
    return jnp.mean(jax.nn.softplus(z) - z * 0.0)


gw, gb = grad(loss_fn, argnums=(0, 1))(w.detach(), b.detach())
jw, jb = jax.grad(jax_loss, argnums=(0, 1))(w.detach().numpy(), b.detach().numpy())
for imperative, functional, hand in ((w.grad, gw, jw), (b.grad, gb, jb)):
    np.testing.assert_allclose(imperative.numpy(), functional.numpy(), rtol=1e-6)
    np.testing.assert_allclose(imperative.numpy(), hand, rtol=1e-6)
print("loss.backward() == facade.func.grad == jax.grad")
