"""Benchmark workloads, written once against the PyTorch API.

Every builder takes the module to test (real ``torch`` or ``facade``) and
returns ``(step, state)``: ``step()`` runs one full training step -- forward,
``backward()``, SGD update under ``no_grad``, grad ``zero_()`` -- and returns
``loss.item()`` so the step is forced to complete.  ``state`` holds the
tensors, so tests can inspect them.

Initial weights and data come from the ``init_*`` functions (numpy,
``RandomState`` seeded) and are shared with :mod:`bench.jax_twins`, so both
sides start from identical numbers and must report the same first loss.

Usage from a test::

    import facade
    from bench import workloads
    step, state = workloads.build("tutorial", facade)
    losses = [step() for _ in range(3)]
"""

import numpy as np

LR = 0.1
SCALAR_LR = 0.01  # the 4-sample micrograd net oscillates at 0.1

# ----------------------------------------------------------------- init data


def init_tutorial():
    """Weights of the autograd tutorial's one-layer network."""
    rng = np.random.RandomState(0)
    return dict(
        x=np.ones(5, np.float32),
        y=np.zeros(3, np.float32),
        w=rng.randn(5, 3).astype(np.float32),
        b=rng.randn(3).astype(np.float32),
    )


def _init_mlp(dims, batch, seed):
    rng = np.random.RandomState(seed)
    params = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        params.append((rng.randn(n_in, n_out) * np.sqrt(2.0 / n_in)).astype(np.float32))
        params.append(np.zeros(n_out, np.float32))
    x = rng.randn(batch, dims[0]).astype(np.float32)
    y = rng.randint(0, dims[-1], size=batch).astype(np.int64)
    return dict(params=params, x=x, y=y)


def init_mlp():
    """784-256-256-10, batch 64: the everyday small-model case."""
    return _init_mlp([784, 256, 256, 10], 64, seed=1)


def init_mlp_large():
    """4 hidden layers of 4096, batch 512: compute-bound, overhead is noise."""
    return _init_mlp([784, 4096, 4096, 4096, 4096, 10], 512, seed=2)


CHAIN_LEN = 200


def init_chain():
    rng = np.random.RandomState(3)
    return dict(x=rng.uniform(-1, 1, 1000).astype(np.float32))


def init_scalar_loop():
    """2-8-8-1 tanh MLP (micrograd-style) and 4 samples of Python floats."""
    rng = np.random.RandomState(4)
    dims = [2, 8, 8, 1]
    params = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        params.append(rng.uniform(-1, 1, (n_in, n_out)).astype(np.float32))
        params.append(rng.uniform(-1, 1, n_out).astype(np.float32))
    xs = [[2.0, 3.0], [3.0, -1.0], [0.5, 1.0], [1.0, 1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    return dict(params=params, xs=xs, ys=ys)


DYN_HIDDEN, DYN_IN, DYN_MAX_LEN, DYN_SEQS = 32, 8, 48, 64


def init_dynamic():
    """RNN weights, 64 input sequences of 48 steps, and per step a length and the steps
    where the state is halved (the same sequence for every system)."""
    rng = np.random.RandomState(5)
    W = (rng.randn(DYN_HIDDEN, DYN_HIDDEN) / np.sqrt(DYN_HIDDEN)).astype(np.float32)
    U = (rng.randn(DYN_IN, DYN_HIDDEN) / np.sqrt(DYN_IN)).astype(np.float32)
    seqs = rng.randn(DYN_SEQS, DYN_MAX_LEN, 1, DYN_IN).astype(np.float32)
    return dict(W=W, U=U, seqs=seqs)


def dynamic_schedule(i):
    """Step i's length (1..48) and halving mask (each step halved with probability 0.3)."""
    rng = np.random.RandomState(1000 + i)
    n = int(rng.randint(1, DYN_MAX_LEN + 1))
    return n, rng.rand(n) < 0.3


# ------------------------------------------------------------------ workloads


def tutorial(torch):
    """https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html"""
    d = init_tutorial()
    x, y = torch.tensor(d["x"]), torch.tensor(d["y"])
    w = torch.tensor(d["w"], requires_grad=True)
    b = torch.tensor(d["b"], requires_grad=True)

    def step():
        nonlocal w, b
        z = torch.matmul(x, w) + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        with torch.no_grad():
            w -= LR * w.grad
            b -= LR * b.grad
        w.grad.zero_()
        b.grad.zero_()
        return loss.item()

    return step, dict(w=w, b=b)


def _mlp_raw(torch, d):
    """Raw tensor ops: ``x @ W + b``, ``torch.relu``, ``F.cross_entropy``."""
    params = [torch.tensor(p, requires_grad=True) for p in d["params"]]
    x, y = torch.tensor(d["x"]), torch.tensor(d["y"])

    def step():
        h = x
        for i in range(0, len(params) - 2, 2):
            h = torch.relu(h @ params[i] + params[i + 1])
        logits = h @ params[-2] + params[-1]
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        for p in params:
            p.grad.zero_()
        return loss.item()

    return step, dict(params=params)


def mlp(torch):
    return _mlp_raw(torch, init_mlp())


def mlp_large(torch):
    return _mlp_raw(torch, init_mlp_large())


def has_nn_optim(torch):
    return hasattr(torch, "nn") and hasattr(torch.nn, "Linear") and hasattr(torch, "optim")


def mlp_nn(torch):
    """HOOK: the ``nn.Linear`` + ``optim.SGD`` variant of ``mlp``.

    Not in the default run (facade has no ``nn.Linear``/``optim`` yet); run it
    with ``--only mlp_nn``.  Same weights and math as ``mlp``, so it shares
    the ``mlp`` JAX twin.
    """
    if not has_nn_optim(torch):
        raise NotImplementedError("needs torch.nn.Linear and torch.optim")
    d = init_mlp()
    layers = []
    with torch.no_grad():
        for W, b in zip(d["params"][0::2], d["params"][1::2]):
            lin = torch.nn.Linear(W.shape[0], W.shape[1])
            lin.weight.copy_(torch.tensor(W.T.copy()))
            lin.bias.copy_(torch.tensor(b))
            layers += [lin, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = torch.tensor(d["x"]), torch.tensor(d["y"])

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()

    return step, dict(model=model)


def chain_ops(torch):
    """One cycle of bounded elementwise ops; the chain repeats it."""
    return [
        torch.sin,
        lambda h: h * 1.5,
        torch.cos,
        lambda h: h + 0.25,
        torch.tanh,
        torch.sigmoid,
        torch.exp,  # input is in (0, 1): stays small
        lambda h: h - 1.0,
    ]


def chain(torch):
    """200 tiny elementwise ops: pure per-op overhead."""
    x = torch.tensor(init_chain()["x"], requires_grad=True)
    ops = chain_ops(torch)

    def step():
        nonlocal x
        h = x
        for i in range(CHAIN_LEN):
            h = ops[i % len(ops)](h)
        loss = h.sum()
        loss.backward()
        with torch.no_grad():
            x -= LR * x.grad
        x.grad.zero_()
        return loss.item()

    return step, dict(x=x)


def scalar_loop(torch):
    """micrograd-style: every weight is its own 0-d tensor, inputs are floats."""
    d = init_scalar_loop()
    layers = []  # per layer: (weights[i][j], biases[j]) as 0-d tensors
    for W, b in zip(d["params"][0::2], d["params"][1::2]):
        ws = [[torch.tensor(float(v), requires_grad=True) for v in row] for row in W]
        bs = [torch.tensor(float(v), requires_grad=True) for v in b]
        layers.append((ws, bs))
    params = [p for ws, bs in layers for p in [q for row in ws for q in row] + bs]
    xs, ys = d["xs"], d["ys"]

    def forward(x):
        h = x
        for k, (ws, bs) in enumerate(layers):
            out = []
            for j in range(len(bs)):
                act = bs[j]
                for i in range(len(h)):
                    act = act + ws[i][j] * h[i]
                out.append(torch.tanh(act) if k < len(layers) - 1 else act)
            h = out
        return h[0]

    def step():
        loss = None
        for x, y in zip(xs, ys):
            err = (forward(x) - y) ** 2
            loss = err if loss is None else loss + err
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= SCALAR_LR * p.grad
        for p in params:
            p.grad.zero_()
        return loss.item()

    return step, dict(params=params)


def dynamic(torch):
    """A graph that changes every step: an RNN cell unrolled over a random length, with the
    state halved on a random 30% of the steps (issue 9). Sequences come as lists of per-step
    tensors, as from a data loader."""
    d = init_dynamic()
    W = torch.tensor(d["W"], requires_grad=True)
    U = torch.tensor(d["U"], requires_grad=True)
    seqs = [[torch.tensor(x) for x in seq] for seq in d["seqs"]]
    count = [0]

    def step():
        nonlocal W, U
        i = count[0]
        count[0] += 1
        n, halve = dynamic_schedule(i)
        xs = seqs[i % DYN_SEQS]
        h = torch.zeros(1, DYN_HIDDEN)
        for t in range(n):
            h = torch.tanh(h @ W + xs[t] @ U)
            if halve[t]:
                h = h * 0.5
        loss = (h * h).mean()
        loss.backward()
        with torch.no_grad():
            W -= LR * W.grad
            U -= LR * U.grad
        W.grad.zero_()
        U.grad.zero_()
        return loss.item()

    return step, dict(W=W, U=U)


WORKLOADS = {
    "tutorial": tutorial,
    "mlp": mlp,
    "mlp_large": mlp_large,
    "chain": chain,
    "scalar_loop": scalar_loop,
    "mlp_nn": mlp_nn,
    "dynamic": dynamic,
}


def build(name, torch):
    """``(step, state)`` for workload ``name`` on module ``torch``."""
    return WORKLOADS[name](torch)
