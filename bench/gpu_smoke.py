"""Smoke test and timings on whatever accelerator JAX sees (it runs on the CPU too).

    python bench/gpu_smoke.py [--steps N] [--device cpu|cuda|tpu|...]

Runs, written as device-agnostic PyTorch code (`device = "cuda" if ... else "cpu"`,
`.to(device)`, `device=`):
  - the autograd tutorial as written (facade/tutorial.py, on JAX's default device), and its
    training step (bench/workloads.py numbers) on `device`;
  - the 784-256-256-10 MLP (batch 64) with raw tensors and manual SGD, with
    nn.Sequential + optim.SGD (Module.to(device)), the same step under facade.jit (one
    program, donated state), and (on an accelerator, or with --large) the large MLP
    (4 x 4096, batch 512);
  - where JAX sees several devices, the large MLP data-parallel over all of them
    (facade.distributed: batch sharded, parameters replicated).
Prints, per workload: the device the parameters ended on, the first step's time (tracing and
XLA compiles), the median steady step, and the first and last loss (the losses agree with the
single-device CPU run to float rounding).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import facade as torch  # noqa: E402
import facade.distributed as dist  # noqa: E402
from bench import workloads as W  # noqa: E402


def tutorial(device):
    d = W.init_tutorial()
    x, y = torch.tensor(d["x"]).to(device), torch.tensor(d["y"]).to(device)
    w = torch.tensor(d["w"], device=device, requires_grad=True)
    b = torch.tensor(d["b"], device=device, requires_grad=True)

    def step():
        z = torch.matmul(x, w) + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        with torch.no_grad():
            w.sub_(W.LR * w.grad)
            b.sub_(W.LR * b.grad)
        w.grad.zero_()
        b.grad.zero_()
        return loss.item()
    return step, w


def mlp_raw(device, d, shard=False):
    params = [torch.tensor(p, device=device, requires_grad=True) for p in d["params"]]
    x, y = torch.tensor(d["x"]).to(device), torch.tensor(d["y"]).to(device)
    if shard:
        params = dist.replicate(params)
        x, y = dist.shard(x), dist.shard(y)

    def step():
        h = x
        for i in range(0, len(params) - 2, 2):
            h = torch.relu(h @ params[i] + params[i + 1])
        loss = torch.nn.functional.cross_entropy(h @ params[-2] + params[-1], y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= W.LR * p.grad
        for p in params:
            p.grad.zero_()
        return loss.item()
    return step, params[0]


def mlp_nn(device, jitted=False):
    d = W.init_mlp()
    layers = []
    for w, b in zip(d["params"][0::2], d["params"][1::2]):
        lin = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w.T.copy()))
            lin.bias.copy_(torch.tensor(b))
        layers += [lin, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=W.LR)
    x, y = torch.tensor(d["x"]).to(device), torch.tensor(d["y"]).to(device)

    def train_step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss
    if jitted:   # the whole step as one program, state written back (donated buffers)
        train_step = torch.jit(train_step, donate=True)

    def step():
        return train_step().item()
    return step, model[0].weight


def tutorial_script(device):
    """facade.tutorial (the autograd tutorial as written, on JAX's default device) once per
    step, its printing silenced."""
    import contextlib
    import io

    from facade import tutorial as T

    def step():
        with contextlib.redirect_stdout(io.StringIO()):
            T.main()
        return 0.0
    return step, torch.ones(1)


def timed(name, build, steps):
    t0 = time.perf_counter()
    step, param = build()
    first = step()
    t_first = time.perf_counter() - t0
    times, loss = [], first
    for _ in range(steps):
        t = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t)
    med = statistics.median(times) * 1e3
    print(f"{name:<22} {str(param.device):<8} first {t_first * 1e3:9.1f} ms   step "
          f"{med:8.3f} ms   loss {first:.5f} -> {loss:.5f}", flush=True)
    return first, loss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--device", default=None)
    ap.add_argument("--large", action="store_true",
                    help="also the large MLP on the CPU (default: only on an accelerator)")
    a = ap.parse_args()
    acc = torch.accelerator.current_accelerator()
    device = a.device or ("cuda" if torch.cuda.is_available() else
                          acc.type if acc is not None else "cpu")
    import jax
    print(f"jax {jax.__version__}; devices: {jax.devices()}")
    print(f"accelerator: {acc}; default device: {torch.get_default_device()}; running on "
          f"{torch.device(device)}")
    if torch.cuda.is_available():
        print(f"cuda: {torch.cuda.device_count()} x {torch.cuda.get_device_name()}")
    torch.config.background_compile = False   # first-step times include the compiles
    timed("tutorial script", lambda: tutorial_script(device), max(a.steps // 10, 3))
    timed("tutorial step", lambda: tutorial(device), a.steps)
    timed("mlp (raw, SGD)", lambda: mlp_raw(device, W.init_mlp()), a.steps)
    timed("mlp (nn + optim.SGD)", lambda: mlp_nn(device), a.steps)
    timed("mlp (facade.jit step)", lambda: mlp_nn(device, jitted=True), a.steps)
    if acc is None and not a.large:
        return
    big = timed("mlp_large", lambda: mlp_raw(device, W.init_mlp_large()), max(a.steps // 5, 5))
    n = dist.device_count()
    if n > 1 and 512 % n == 0:
        par = timed(f"mlp_large x{n} devices", lambda: mlp_raw(device, W.init_mlp_large(),
                                                              shard=True), max(a.steps // 5, 5))
        ok = np.allclose(big, par, rtol=1e-3)
        print(f"data parallel vs one device: first/last loss {'agree' if ok else 'DIFFER'}")
    if torch.cuda.is_available():
        torch.cuda.synchronize()


if __name__ == "__main__":
    main()
