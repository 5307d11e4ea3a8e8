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
# # Build the model, optimize it, then the same loop under `facade.jit`
#
# PyTorch's *Build the Neural Network* and *Optimizing Model Parameters* tutorials, run
# through `import facade as torch`. The tutorials train on FashionMNIST, downloaded by
# torchvision; this notebook makes a small synthetic stand-in of the same shapes instead
# (28×28 "images" in 10 classes, each class a noisy copy of its own random template), so it
# runs anywhere in seconds. The tutorials' code is otherwise unchanged, apart from the number
# of epochs, the print interval and a larger learning rate (the tutorial takes many more
# steps over 60,000 images).
#
# One setting is not the default: facade runs a graph it has not seen before op by op and
# compiles the whole step once it recurs, by default on a worker thread while the loop goes
# on. Compiling in the foreground instead makes the step at which the loop switches to the
# compiled program the same on every run, and so the printed digits too (the two ways can
# differ in the last bit of a float).

# %%
import facade as torch
from facade import nn
from facade.utils.data import DataLoader, TensorDataset

import numpy as np

torch.config.background_compile = False

rng = np.random.RandomState(0)
templates = rng.rand(10, 28, 28).astype(np.float32)


def synthetic_fashion(n):
    labels = rng.randint(0, 10, n)
    images = np.clip(templates[labels] + 1.5 * rng.randn(n, 28, 28), 0, 1).astype(np.float32)
    return TensorDataset(torch.tensor(images[:, None]), torch.tensor(labels))


training_data = synthetic_fashion(2048)
test_data = synthetic_fashion(512)

train_dataloader = DataLoader(training_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)
X, y = next(iter(train_dataloader))
print(f"Shape of X [N, C, H, W]: {X.shape} {X.dtype}")
print(f"Shape of y: {y.shape} {y.dtype}")

# %% [markdown]
# ## Build the Neural Network
#
# We want to train the model on an accelerator if there is one (CUDA, MPS, TPU...),
# otherwise on the CPU (facade: whatever device JAX finds; see `05_on_accelerators`).

# %%
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")

# %%
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)

# %% [markdown]
# To use the model, we pass it the input data. This executes the model's `forward`. Calling
# the model on the input returns a 2-dimensional tensor with dim=0 corresponding to each
# output of 10 raw predicted values for each class, and dim=1 corresponding to the
# individual values of each output. We get the prediction probabilities by passing it
# through an instance of the `nn.Softmax` module.

# %%
X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")

# %%
print(f"Model structure: {model}\n\n")

for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")

# %% [markdown]
# ## Optimizing Model Parameters
#
# Hyperparameters, the loss function and the optimizer, then the train and test loops of the
# tutorial:

# %%
learning_rate = 5e-2
batch_size = 64
epochs = 3

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    # Set the model to training mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 10 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    # Set the model to evaluation mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0

    # Evaluating the model with torch.no_grad() ensures that no gradients are computed during test mode
    # also serves to reduce unnecessary gradient computations and memory usage for tensors with requires_grad=True
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


# %%
torch.manual_seed(0)
model = NeuralNetwork().to(device)
initial_state = {k: v.clone() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")

# %% [markdown]
# ## A longer run: progress bar and loss curve
#
# The same training step as a function, over more epochs, from the same initial weights,
# with a `tqdm` progress bar. Each step's loss is kept as a tensor: `loss.item()` would cost
# nothing extra (backward's program returns the loss value with the gradients), but keeping
# tensors lets the same loop run under `facade.jit` below.

# %%
from tqdm import tqdm
import time


def train_step(X, y):
    pred = model(X)
    loss = loss_fn(pred, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss


def fit(step, epochs, desc):
    """Train from the initial weights; (losses, seconds per epoch)."""
    model.load_state_dict(initial_state)
    model.train()
    losses, seconds = [], []
    for epoch in tqdm(range(epochs), desc=desc, mininterval=0.5):
        t0 = time.perf_counter()
        losses += [step(X, y) for X, y in train_dataloader]
        losses[-1].item()                     # wait for the epoch's last step
        seconds.append(time.perf_counter() - t0)
    return [loss.item() for loss in losses], seconds


long_epochs = 4

# %% tags=["timing"]
eager_losses, eager_seconds = fit(train_step, long_epochs, "eager")

# %%
print(f"{len(eager_losses)} steps: loss {eager_losses[0]:.4f} -> {eager_losses[-1]:.4f}")
test_loop(test_dataloader, model, loss_fn)

# %% [markdown]
# ## The same loop under `facade.jit`
#
# `facade.jit(train_step)` runs the whole step (forward, backward, the optimizer's update,
# zeroing the gradients) as one compiled program per call, writing the new parameters back
# into the model. The eager loop above is already one program per step (facade fuses each
# update into the next step's program), so what `jit` saves is facade's Python work of
# recording the graph and looking up its program.

# %%
jit_step = torch.jit(train_step)

# %% tags=["timing"]
jit_losses, jit_seconds = fit(jit_step, long_epochs, "facade.jit")

# %%
np.testing.assert_allclose(jit_losses, eager_losses, rtol=2e-4, atol=1e-5)
print(f"{len(jit_losses)} steps: loss {jit_losses[0]:.4f} -> {jit_losses[-1]:.4f}, "
      "the same losses as the eager loop")
test_loop(test_dataloader, model, loss_fn)

# %% [markdown]
# The first epoch of the `jit` run includes compiling its program (the eager loop reuses
# the programs compiled while running the tutorial's loop above); the speed-up is measured
# on the epochs after it:

# %% tags=["timing"]
eager, jitted = np.median(eager_seconds[1:]), np.median(jit_seconds[1:])
steps = len(train_dataloader)
print(f"first epoch (compiles): eager {eager_seconds[0]:.2f} s, facade.jit {jit_seconds[0]:.2f} s")
print(f"per step: eager {eager / steps * 1e3:.2f} ms, facade.jit {jitted / steps * 1e3:.2f} ms, "
      f"speed-up {eager / jitted:.2f}x")

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3), dpi=70)
ax.plot(eager_losses, label="eager", lw=3, alpha=0.5)
ax.plot(jit_losses, "--", label="facade.jit", lw=1)
ax.set_xlabel("step")
ax.set_ylabel("training loss")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Imperative == functional
#
# The trained model's loss gradient on a batch, from `loss.backward()`, equals
# `facade.func.grad` of the same loss as a pure function of the parameters:

# %%
from facade.func import functional_call, grad

X, y = next(iter(test_dataloader))
model.zero_grad()
loss_fn(model(X), y).backward()
params = {k: p.detach() for k, p in model.named_parameters()}
grads = grad(lambda p: loss_fn(functional_call(model, p, (X,)), y))(params)
for k, p in model.named_parameters():
    np.testing.assert_allclose(grads[k].numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-6)
print("imperative == functional")
