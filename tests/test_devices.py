"""Devices and data parallelism (facade/_device.py, cuda.py, accelerator.py, distributed.py).

Messages were recorded from PyTorch 2.13 (CPU build). The tests with several devices run in a
child process with XLA_FLAGS=--xla_force_host_platform_device_count=8 (the flag must be set
before JAX starts) and JAX_PLATFORMS=cpu, so they mean the same on a machine with a GPU.
"""
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import facade as torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAS_ACCEL = torch.accelerator.is_available()
cpu_only = pytest.mark.skipif(HAS_ACCEL, reason="JAX sees an accelerator here")
TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n")
TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, "
         "vulkan, mps, meta, hpu, mtia, privateuseone")


# ------------------------------------------------------------------ device objects
def test_device_objects():
    d = torch.device("cuda:1")
    assert (d.type, d.index) == ("cuda", 1)
    assert repr(d) == "device(type='cuda', index=1)" and str(d) == "cuda:1"
    assert repr(torch.device("cpu")) == "device(type='cpu')" and str(torch.device("cpu")) == "cpu"
    assert torch.device("cuda", 0) == torch.device("cuda:0")
    assert torch.device(type="cuda", index=2) == torch.device("cuda:2")
    assert torch.device(torch.device("cuda:3")) == torch.device("cuda:3")
    assert torch.device("cpu", 0) != torch.device("cpu")      # PyTorch: index None != 0
    assert str(torch.device("cpu:0")) == "cpu:0"
    assert torch.device("gpu") == torch.device("cuda")        # JAX's name, accepted
    assert torch.device("cuda", -1).index is None             # PyTorch's default argument
    assert repr(torch.device("mps")) == "device(type='mps')"
    # as in PyTorch, a device is never equal to a string
    assert not (torch.device("cpu") == "cpu") and torch.device("cpu") != "cpu"
    assert len({torch.device("cuda:0"), torch.device("cuda", 0), torch.device("cpu")}) == 2
    assert pickle.loads(pickle.dumps(torch.device("cuda:3"))) == torch.device("cuda:3")


@pytest.mark.parametrize("args,exc,msg", [
    (("foo",), RuntimeError, f"Expected one of {TYPES} device type at start of device string: "
                             "foo"),
    (("CUDA",), RuntimeError, f"Expected one of {TYPES} device type at start of device string: "
                              "CUDA"),
    (("cuda:-1",), RuntimeError, "Invalid device string: 'cuda:-1'"),
    (("cuda:x",), RuntimeError, "Invalid device string: 'cuda:x'"),
    (("cuda:01",), RuntimeError, "Invalid device string: 'cuda:01'"),
    ((" cuda",), RuntimeError, "Invalid device string: ' cuda'"),
    (("cuda:0", 1), RuntimeError, "type (string) must not include an index because index was "
                                  "passed explicitly: cuda:0"),
    (("cuda", -2), RuntimeError, "Device index must not be negative"),
    (("cuda", 1.5), TypeError, "device(): argument 'index' (position 2) must be int, not float"),
    (("cuda", "1"), TypeError, "device(): argument 'index' (position 2) must be int, not str"),
    ((1.5,), TypeError, "device() received an invalid combination of arguments - got (float), "
                        "but expected one of:\n * (torch.device device)\n"
                        " * (str type, int index = -1)\n"),
    ((), TypeError, "device() received an invalid combination of arguments - got (), but "
                    "expected one of:\n * (torch.device device)\n * (str type, int index = -1)\n"),
])
def test_device_errors(args, exc, msg):
    with pytest.raises(exc) as e:
        torch.device(*args)
    assert str(e.value) == msg


# ------------------------------------------------------------------ one device (in process)
def test_default_device_and_to():
    x = torch.ones(3)
    d = x.device
    assert d == torch.get_default_device()
    if not HAS_ACCEL:
        assert d == torch.device("cpu") and repr(d) == "device(type='cpu')"
        assert not x.is_cuda and x.is_cpu and x.get_device() == -1
        assert x.to("cpu") is x and x.cpu() is x and x.to(torch.device("cpu")) is x
        # a factory on the default device stays lazy (nothing computed until used)
        z = torch.zeros(2, 3, device="cpu")
        assert z._node.value is None and z.device == x.device
    assert x.to(d) is x and x.to(torch.float32) is x
    assert x.to(torch.float64).dtype is torch.float64
    assert x.to(d, torch.float64).dtype is torch.float64
    assert x.to(device=d, dtype=torch.int32).dtype is torch.int32
    other = torch.zeros(2, dtype=torch.int64)
    y = x.to(other)
    assert y.dtype is torch.int64 and y.device == other.device
    c = x.to(copy=True)
    assert c is not x and np.array_equal(c.numpy(), x.numpy())


def test_to_is_differentiable_on_one_device():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(x.device, torch.float64)
    assert type(y.grad_fn).__name__ == "ToCopyBackward0"
    assert type(x.to(copy=True).grad_fn).__name__ == "ToCopyBackward0"
    (y * y).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0] and x.grad.dtype is torch.float32


@pytest.mark.parametrize("args,kwargs,got", [
    (("cpu", "cpu"), {}, "str, str"),
    ((torch.float64, torch.float32), {}, "torch.dtype, torch.dtype"),
    ((), {"foo": 1}, "foo=int, "),
])
def test_to_bad_arguments(args, kwargs, got):
    with pytest.raises(TypeError) as e:
        torch.ones(3).to(*args, **kwargs)
    assert str(e.value) == ("to() received an invalid combination of arguments - got "
                            f"({got}), but expected one of:\n{TO_SIGNATURES}")


def test_factories_accept_device():
    d = torch.ones(1).device
    for t in (torch.zeros(2, device=d), torch.ones(2, device=str(d)), torch.full((2,), 3.0,
              device=d), torch.empty(2, device=d), torch.eye(2, device=d),
              torch.arange(3, device=d), torch.linspace(0, 1, 3, device=d),
              torch.rand(2, device=d), torch.randn(2, device=d), torch.randint(0, 5, (2,),
              device=d), torch.randperm(3, device=d), torch.tensor([1.0], device=d),
              torch.as_tensor([1.0], device=d), torch.zeros_like(torch.ones(2), device=d),
              torch.ones(2).new_zeros(3), torch.ones(2).new_tensor([1.0], device=d)):
        assert t.device == d
    assert torch.zeros(2, device=d, requires_grad=True).is_leaf


@cpu_only
def test_cuda_errors_without_a_gpu():
    # what a CPU build of PyTorch raises, so `if torch.cuda.is_available()` code is unchanged
    assert torch.cuda.is_available() is False and torch.cuda.device_count() == 0
    for f in (lambda: torch.ones(2).cuda(), lambda: torch.ones(2).to("cuda"),
              lambda: torch.zeros(2, device="cuda"), lambda: torch.ones(2).to("cuda:1"),
              torch.cuda.current_device, torch.cuda.get_device_name, torch.cuda.synchronize,
              lambda: torch.nn.Linear(2, 2).cuda(), lambda: torch.cuda.get_device_properties(0),
              torch.cuda.get_device_capability, torch.cuda.mem_get_info,
              torch.cuda.current_stream, torch.cuda.init):
        with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
            f()
    # what PyTorch 2.13's CPU build raises for these (recorded)
    with pytest.raises(AttributeError, match="^module 'torch._C' has no attribute "
                                             "'_cuda_setDevice'$"):
        torch.cuda.set_device(0)
    none = "^Cannot access accelerator device when none is available.$"
    for f in (lambda: torch.ones(2).cuda(0), lambda: torch.ones(2).pin_memory()):
        with pytest.raises(RuntimeError, match=none):
            f()
    with pytest.raises(RuntimeError, match="^Tried to instantiate dummy base class Event$"):
        torch.cuda.Event(enable_timing=True)
    with pytest.raises(RuntimeError, match="^torch.cuda.Stream requires CUDA support$"):
        torch.cuda.Stream()
    with pytest.raises(RuntimeError, match="^PyTorch was compiled without CUDA support$"):
        with torch.cuda.device(0):
            pass
    with pytest.raises(TypeError, match=r"^type torch.cuda.FloatTensor not available. Torch not "
                                        r"compiled with CUDA enabled.$"):
        torch.cuda.FloatTensor([1.0])
    assert not isinstance(torch.ones(1), torch.cuda.FloatTensor)
    assert torch.cuda.memory_allocated() == 0 and torch.cuda.max_memory_allocated() == 0
    assert torch.cuda.memory_reserved() == 0 and torch.cuda.is_bf16_supported() is False
    assert torch.cuda.is_initialized() is False and torch.cuda.get_arch_list() == []
    assert not torch.ones(2).is_pinned()
    assert (torch.backends.mps.is_available(), torch.backends.mps.is_built(),
            torch.backends.cuda.is_built(), torch.backends.cudnn.is_available(),
            torch.backends.cudnn.version()) == (False, False, False, False, None)
    torch.cuda.empty_cache()
    torch.cuda.manual_seed_all(0)
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps "
                                           "devices$"):
        torch.ones(2).to("mps")
    with pytest.raises(AssertionError, match="^Torch not compiled with XPU enabled$"):
        torch.zeros(2, device="xpu")
    with pytest.raises(RuntimeError, match="device type 'vulkan' is not supported"):
        torch.zeros(2, device="vulkan")


@cpu_only
def test_accelerator_without_one():
    assert torch.accelerator.current_accelerator() is None
    assert torch.accelerator.is_available() is False and torch.accelerator.device_count() == 0
    none = "^Cannot access accelerator device when none is available.$"
    with pytest.raises(RuntimeError, match=none):
        torch.accelerator.current_device_index()
    with pytest.raises(RuntimeError, match=none):
        torch.device(0)


def test_cpu_index_with_one_cpu_device():
    import jax
    if len(jax.devices("cpu")) != 1:
        pytest.skip("several CPU devices here")
    # PyTorch's CPU is one device: it accepts and drops an index
    assert torch.zeros(1, device="cpu:1").device == torch.ones(1).cpu().device


@pytest.mark.skipif(not HAS_ACCEL, reason="needs an accelerator")
def test_accelerator_present():   # pragma: no cover (runs where JAX sees a GPU / TPU)
    acc = torch.accelerator.current_accelerator()
    x = torch.ones(3, device=acc)
    assert x.device.type == acc.type and x.to("cpu").device == torch.device("cpu")
    assert "device='" in repr(x)
    assert (x * 2).cpu().tolist() == [2.0, 2.0, 2.0]
    if acc.type == "cuda":
        assert torch.cuda.is_available() and torch.cuda.device_count() >= 1
        assert x.is_cuda and isinstance(torch.cuda.get_device_name(), str)
        torch.cuda.synchronize()


# ------------------------------------------------------------------ 8 virtual CPU devices
def _child(code, extra_flags=""):
    env = dict(os.environ, JAX_PLATFORMS="cpu",
               XLA_FLAGS=("--xla_force_host_platform_device_count=8 " + extra_flags).strip())
    prelude = ("import numpy as np\nimport facade as torch\nimport jax\n"
               "torch.config.background_compile = False\n"
               "assert len(jax.devices()) == 8\n")
    r = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-6000:]
    return r.stdout


def test_placement_and_mixing_errors():
    _child('''
    from facade import debug
    def err(f):
        try:
            f()
        except Exception as e:
            return type(e).__name__, str(e)
        raise AssertionError("no error")
    same = "Expected all tensors to be on the same device, but found at least two devices, "

    x = torch.ones(3, device="cpu:1")
    assert x.device == torch.device("cpu", 1) and repr(x.device) == "device(type='cpu', index=1)"
    assert x._node.value.devices() == {jax.devices()[1]}
    assert repr(x) == "tensor([1., 1., 1.])"      # PyTorch prints no device for CPU types
    z = x * torch.arange(3.0, device="cpu:1") + 1
    assert z.device == x.device and z._value().devices() == {jax.devices()[1]}
    assert z.tolist() == [1.0, 2.0, 3.0]

    # at the line of the op (record time), before any program runs
    x2, m2 = torch.ones(3, device="cpu:2"), torch.ones(2, 3, device="cpu:2")
    c = debug.counters()["calls"]
    assert err(lambda: x + torch.ones(3)) == ("RuntimeError", same + "cpu:1 and cpu!")
    assert err(lambda: torch.ones(3) + x) == ("RuntimeError", same + "cpu and cpu:1!")
    assert err(lambda: x * x2) == ("RuntimeError", same + "cpu:1 and cpu:2!")
    assert err(lambda: m2 @ torch.ones(3, 2)) == ("RuntimeError", same + "cpu:2 and cpu!")
    assert debug.counters()["calls"] == c
    # a shape error comes first, as in PyTorch's TensorIterator
    assert "must match the size" in err(lambda: x + torch.ones(4))[1]
    # a zero-dim tensor on the default device joins any device (PyTorch's CPU scalars)
    s = x * torch.tensor(2.0)
    assert s.device == x.device and s.tolist() == [2.0, 2.0, 2.0]

    # moving
    h = x.to("cpu")
    assert h.device == torch.device("cpu") and not h._value().committed
    assert h.tolist() == [1.0, 1.0, 1.0] and x.cpu().device == torch.device("cpu")
    assert x.to(x) is x and x.to("cpu:1") is x and torch.ones(2).to(x).device == x.device
    y = x.to("cpu:4", torch.float64)
    assert y.device == torch.device("cpu:4") and y.dtype is torch.float64
    assert y._value().devices() == {jax.devices()[4]}
    b = torch.zeros(3)
    b.copy_(x)                                    # copy_ crosses devices, as in PyTorch
    assert b.device == torch.device("cpu") and b.tolist() == [1.0, 1.0, 1.0]
    w = torch.ones(3, requires_grad=True)
    assert err(lambda: w.to("cpu:1"))[0] == "NotImplementedError"
    with torch.no_grad():
        assert w.to("cpu:1").device == x.device
    assert err(lambda: torch.ones(1, device="cpu:9")) == (
        "RuntimeError", "facade: cpu device index 9 is out of range: JAX sees 8 cpu device(s)")

    # factories and the *_like / new_* rule (the input's device by default)
    d = torch.device("cpu:2")
    made = [torch.zeros(2, device=d), torch.ones(2, device="cpu:2"), torch.full((2,), 3.0,
            device=d), torch.empty(2, device=d), torch.eye(2, device=d), torch.arange(3,
            device=d), torch.linspace(0, 1, 3, device=d), torch.rand(2, device=d),
            torch.randn(2, device=d), torch.randint(0, 5, (2,), device=d), torch.randperm(3,
            device=d), torch.tensor([1.0], device=d), torch.as_tensor([1.0], device=d),
            torch.as_tensor(x, device=d)]
    t = made[0]
    made += [torch.zeros_like(t), torch.ones_like(t), torch.full_like(t, 2.0),
             torch.empty_like(t), torch.rand_like(t), torch.randn_like(t),
             torch.randint_like(t, 5), t.new_zeros(2), t.new_ones(2), t.new_full((2,), 1.0),
             t.new_empty(2), t.new_tensor([1.0]), torch.FloatTensor([1.0], device=d)]
    for m in made:
        assert m.device == d, m
        assert m._value().devices() == {jax.devices()[2]}
    assert torch.zeros_like(t, device="cpu").device == torch.device("cpu")
    p = torch.randn(3, 2, device=d, requires_grad=True)
    assert p.is_leaf and p.device == d and p._value().devices() == {jax.devices()[2]}
    print("ok")
    ''')


def test_training_runs_where_its_tensors_are():
    """Grads and updates stay on the tensors' device; the program compiled for one device is
    reused for another, with its results placed there (jit dispatches per input device)."""
    _child('''
    from facade import debug
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 5)).astype(np.float32)
    Y = rng.standard_normal((32, 1)).astype(np.float32)
    W = rng.standard_normal((5, 1)).astype(np.float32)

    def train(dev, steps=6):
        x, y = torch.tensor(X, device=dev), torch.tensor(Y, device=dev)
        w = torch.tensor(W, device=dev, requires_grad=True)
        b = torch.zeros(1, device=dev, requires_grad=True)
        for _ in range(steps):
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            assert w.grad.device == w.device == x.device
            with torch.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
            w.grad.zero_()
            b.grad.zero_()
        want = {jax.devices()[int(str(dev)[4:] or 0)]}
        assert w._value().devices() == want and b._value().devices() == want
        assert w.is_leaf and w.device == torch.device(dev)
        return w.detach().numpy(), loss.item()

    ref = train("cpu")
    a = train("cpu:3")
    a2 = train("cpu:4")    # by now every step's structure is compiled whole
    whole = debug.counters()["whole_compiles"]
    bw = train("cpu:5")
    assert debug.counters()["whole_compiles"] == whole   # same programs, other device
    for r in (a, a2, bw):
        np.testing.assert_allclose(r[0], ref[0], rtol=1e-6, atol=1e-7)
    print("ok")
    ''')


def test_data_parallel_matches_one_device():
    """8 devices: the batch sharded, the parameters replicated; forward + backward is one
    SPMD program per step whose gradients XLA all-reduces; parameters equal the single-device
    loop's to 1e-5."""
    import tempfile
    dump = tempfile.mkdtemp()
    _child(f'''
    import os
    import facade.distributed as dist
    from facade import debug
    from jax.sharding import NamedSharding, PartitionSpec as P
    mesh = dist.mesh()
    assert mesh.size == 8 and mesh.axis_names == ("data",) and dist.device_count() == 8
    assert dist.get_rank() == 0 and dist.get_world_size() == 1
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 10)).astype(np.float32)
    Y = rng.standard_normal((64, 1)).astype(np.float32)
    W1 = (rng.standard_normal((10, 16)) * 0.3).astype(np.float32)
    W2 = (rng.standard_normal((16, 1)) * 0.3).astype(np.float32)

    def manual(sharded, steps=8):
        ps = [torch.tensor(W1, requires_grad=True), torch.zeros(16, requires_grad=True),
              torch.tensor(W2, requires_grad=True)]
        if sharded:
            ps = dist.replicate(ps)
            assert all(p.is_leaf and p.requires_grad for p in ps)
        w1, b1, w2 = ps
        calls = []
        for i in range(steps):
            x, y = torch.tensor(X), torch.tensor(Y)
            if sharded:
                x, y = dist.shard(x), dist.shard(y)
            c = debug.counters()["calls"]
            z = torch.relu(x @ w1 + b1) @ w2
            loss = ((z - y) ** 2).mean()
            loss.backward()
            calls.append(debug.counters()["calls"] - c)
            if sharded and i == steps - 1:
                assert dist.sharding(x).is_equivalent_to(NamedSharding(mesh, P("data")), 2)
                assert dist.sharding(loss).is_fully_replicated
                for p in ps:
                    assert dist.sharding(p.grad).is_fully_replicated
                    assert len(dist.sharding(p.grad).device_set) == 8
            with torch.no_grad():
                for p in ps:
                    p -= 0.1 * p.grad
            for p in ps:
                p.grad = None
            if sharded and i == steps - 1:
                assert dist.sharding(z).is_equivalent_to(NamedSharding(mesh, P("data")), 2)
        assert calls[-3:] == [1, 1, 1], calls    # one program per step once warm
        return [p.detach().numpy() for p in ps]

    for a, b in zip(manual(False), manual(True)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)
    # XLA inserted the all-reduce of the gradients in a compiled step
    texts = [open(os.path.join({dump!r}, f)).read() for f in os.listdir({dump!r})
             if f.endswith("after_optimizations.txt")]
    assert any("all-reduce" in t for t in texts)

    import facade.nn as nn
    import facade.nn.functional as F
    L = rng.integers(0, 3, 64)

    def modules(sharded, opt_cls, steps=5):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
        if sharded:
            assert dist.replicate(model) is model
            assert dist.sharding(model[0].weight).is_fully_replicated
        opt = opt_cls(model.parameters(), lr=0.05)
        for _ in range(steps):
            x, y = torch.tensor(X), torch.tensor(L)
            if sharded:
                x, y = dist.shard(x), dist.shard(y)
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if sharded:
            assert dist.sharding(model[2].bias.grad).is_fully_replicated
        return [p.detach().numpy() for p in model.parameters()]

    for opt_cls in (torch.optim.SGD, torch.optim.Adam):
        for a, b in zip(modules(False, opt_cls), modules(True, opt_cls)):
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)

    # the same loop under facade.jit: forward, backward() and optimizer.step() as one SPMD
    # program per step, the state written back replicated
    def jitted(sharded, steps=4):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
        if sharded:
            dist.replicate(model)
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

        @torch.jit
        def step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        calls = []
        for _ in range(steps):
            x, y = torch.tensor(X), torch.tensor(L)
            if sharded:
                x, y = dist.shard(x), dist.shard(y)
            c = debug.counters()["calls"]
            step(x, y)
            calls.append(debug.counters()["calls"] - c)
        assert calls == [1] * steps, calls
        if sharded:
            for p in model.parameters():
                assert dist.sharding(p).is_fully_replicated
                assert len(dist.sharding(p).device_set) == 8
                assert dist.sharding(p.grad).is_fully_replicated
        return [p.detach().numpy() for p in model.parameters()]
    for a, b in zip(jitted(False), jitted(True)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)

    try:
        dist.shard(torch.ones(10, 2))
    except ValueError as e:
        assert str(e) == ("shard: dimension 0 has size 10, which is not a multiple of the 8 "
                          "devices of the mesh"), e
    else:
        raise AssertionError("no error")
    assert dist.sharding(dist.shard(torch.ones(2, 16), dim=1)).is_equivalent_to(
        NamedSharding(mesh, P(None, "data")), 2)
    print("ok")
    ''', extra_flags=f"--xla_dump_to={dump} --xla_dump_hlo_as_text")


def test_gpu_smoke_script_runs():
    """bench/gpu_smoke.py (timings on whatever accelerator JAX sees) runs here too."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gpu_smoke.py"),
                        "--steps", "2"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    for name in ("tutorial script", "tutorial step", "mlp (raw, SGD)", "mlp (nn + optim.SGD)",
                 "mlp (facade.jit step)"):
        assert name in r.stdout, r.stdout


def test_layers_built_with_a_device_train_there():
    """nn layers' device= (PyTorch's factory kwargs): parameters and buffers are made there,
    and a training step keeps them there."""
    _child('''
    nn = torch.nn
    dev = torch.device("cpu:2")
    model = nn.Sequential(nn.Conv2d(1, 2, 3, device="cpu:2"), nn.BatchNorm2d(2, device=dev),
                          nn.Flatten(), nn.Linear(8, 3, device=dev))
    lstm = nn.LSTM(3, 4, 2, device="cpu:2")
    att = nn.MultiheadAttention(4, 2, device="cpu:2")
    for m in (model, lstm, att):
        for t in list(m.parameters()) + list(m.buffers()):
            assert t.device == dev, (type(m).__name__, t.device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(4, 1, 4, 4, device=dev)
    y = torch.tensor([0, 1, 2, 0], device=dev)
    for _ in range(2):
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
    for t in list(model.parameters()) + list(model.buffers()):
        assert t.device == dev
    assert int(model[1].num_batches_tracked) == 2
    out, (h, c) = lstm(torch.randn(5, 2, 3, device=dev))
    assert out.device == h.device == c.device == dev
    out, _ = nn.GRU(3, 4, device=dev)(torch.randn(5, 3, device=dev))
    assert out.device == dev
    att = nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True, device=dev)
    q = torch.randn(3, 2, 4, device=dev)
    out, w = att(q, q, q, key_padding_mask=torch.zeros(2, 3, dtype=torch.bool, device=dev),
                 attn_mask=torch.zeros(3, 3, dtype=torch.bool, device=dev))
    assert out.device == w.device == dev
    layer = nn.TransformerEncoderLayer(4, 2, 8, device=dev)
    enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    mask = torch.ones(3, 3, dtype=torch.bool, device=dev).triu(1)
    assert enc(q, mask=mask).device == dev
    print("ok")
    ''')
