"""The PyTorch tutorials' Build Model and Optimization chapters, their code unchanged
(https://pytorch.org/tutorials/beginner/basics/buildmodel_tutorial.html and
optimization_tutorial.html), on synthetic FashionMNIST-shaped data instead of the download:
the printed lines have the tutorial's format and the loss falls, at one compiled program per
training step after warm-up."""
import contextlib
import io
import re

import numpy as np

import facade as torch
from facade import debug, nn
from facade.utils.data import DataLoader, TensorDataset


def fashion_mnist_like(n, seed):
    """(N, 1, 28, 28) float32 images in [0, 1] whose brightness tells the label."""
    rs = np.random.RandomState(seed)
    labels = rs.randint(0, 10, n)
    images = rs.rand(n, 1, 28, 28).astype(np.float32) * 0.5 \
        + labels.reshape(n, 1, 1, 1).astype(np.float32) / 20.0
    return TensorDataset(torch.tensor(images), torch.tensor(labels))


training_data = fashion_mnist_like(640, 0)
test_data = fashion_mnist_like(256, 1)

# ---- Build Model chapter, unchanged
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"


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


# ---- Optimization chapter, unchanged (but for the number of epochs)
learning_rate = 1e-3
batch_size = 64
epochs = 3


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

        if batch % 100 == 0:
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
    # also serves to reduce unnecessary gradient computations for tensors with requires_grad=True
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


test_loop.__test__ = False   # the tutorial's function, not a pytest test


def test_the_tutorial_runs_unchanged_and_its_loss_falls():
    torch.manual_seed(0)
    model = NeuralNetwork().to(device)
    train_dataloader = DataLoader(training_data, batch_size=64)
    test_dataloader = DataLoader(test_data, batch_size=64)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        test_loop(test_dataloader, model, loss_fn)
        calls = []
        for t in range(epochs):
            print(f"Epoch {t+1}\n-------------------------------")
            debug.reset_counters()
            train_loop(train_dataloader, model, loss_fn, optimizer)
            calls.append(debug.counters())
            test_loop(test_dataloader, model, loss_fn)
        print("Done!")
    text = out.getvalue()
    assert re.fullmatch(
        r"Test Error: \n Accuracy: \d+\.\d%, Avg loss: \d\.\d{6} \n\n"
        r"(Epoch \d\n-{31}\nloss: \d\.\d{6}  \[   64/  640\]\n"
        r"Test Error: \n Accuracy: \d+\.\d%, Avg loss: \d\.\d{6} \n\n){3}Done!\n", text), text
    avg = [float(v) for v in re.findall(r"Avg loss: (\d\.\d+)", text)]
    assert all(b < a for a, b in zip(avg, avg[1:])), avg   # every epoch (lr=1e-3 is slow)
    # by the third epoch, each of the 10 steps is one cached program (the printed loss of
    # batch 0 is the first step's program's output) and nothing compiles
    assert calls[-1]["compiles"] == 0 and calls[-1]["calls"] == 10, calls[-1]
