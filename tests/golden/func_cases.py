"""Scenarios for tests/test_func_semantics.py: torch.func transforms, torch.autograd.Function,
and the device API of a CPU-only machine, compared with what PyTorch 2.13 (CPU build) does.

Same conventions as semantics_cases.py (its run_case runs them: `torch`, `np`, `emit`,
`emit_raises`, `emit_warns`, `nf`). Regenerate the goldens with real torch installed:

    .venv/bin/python tests/tools/gen_func_semantics.py

Transforms' results are emitted detached (the grad_fn names of a transform's outputs are
PyTorch internals); `requires_grad` is emitted where it is the point.
"""
import textwrap

CASES = []


def case(cid, code):
    CASES.append((cid, textwrap.dedent(code).strip() + "\n"))


# ---------------------------------------------------------------------------------------------
# grad / grad_and_value
# ---------------------------------------------------------------------------------------------
case("grad_argnums", """
    f = lambda x, y: (x.sin() * y).sum() + (x ** 2).mean()
    x, y = torch.tensor([0.5, -1.0, 2.0]), torch.tensor([1.5, 0.25, -0.5])
    emit("int", torch.func.grad(f)(x, y))
    emit("tuple", torch.func.grad(f, argnums=(0, 1))(x, y))
    emit("negative", torch.func.grad(f, argnums=-1)(x, y))
    emit("dict", sorted(torch.func.grad(lambda d: (d["a"] * d["b"]).sum())(
        {"b": torch.tensor([2., 3.]), "a": torch.tensor([1., 4.])}).items()))
    emit("unused is zeros", torch.func.grad(lambda x, y: y.sum())(x, y))
    emit("kwargs not differentiated", torch.func.grad(lambda x, *, y: (x * y).sum())(x, y=y))
""")
case("grad_errors", """
    g = torch.func.grad
    x = torch.ones(3)
    emit_raises("argnums float", lambda: g(lambda x: x.sum(), argnums=1.0)(x))
    emit_raises("argnums empty", lambda: g(lambda x: x.sum(), argnums=())(x))
    emit_raises("argnums dup", lambda: g(lambda x: x.sum(), argnums=(0, 0))(x))
    emit_raises("argnums range", lambda: g(lambda x: x.sum(), argnums=3)(x))
    emit_raises("argnum in tuple", lambda: g(lambda x: x.sum(), argnums=(0, 1.5))(x))
    emit_raises("non-scalar", lambda: g(lambda x: x * 2)(x))
    emit_raises("one-element vector", lambda: g(lambda x: x.sum(0, keepdim=True))(x))
    emit_raises("not a tensor out", lambda: g(lambda x: 3.0)(x))
    emit_raises("has_aux not a pair", lambda: g(lambda x: x.sum(), has_aux=True)(x))
    emit_raises("has_aux triple", lambda: g(lambda x: (x.sum(), 1, 2), has_aux=True)(x))
    emit_raises("aux not tensors", lambda: g(lambda x: (x.sum(), {"a": 1.5}), has_aux=True)(x))
    emit_raises("int input", lambda: g(lambda x: x.sum())(torch.ones(3, dtype=torch.int64)))
    emit_raises("float input", lambda: g(lambda x: x * 2)(3.0))
""")
case("grad_and_value_aux", """
    x = torch.tensor([1., 2.])
    g, (v, aux) = torch.func.grad_and_value(lambda x: ((x ** 2).sum(), x + 1), has_aux=True)(x)
    emit("g", g); emit("v", v); emit("aux", aux)
    g, v = torch.func.grad_and_value(lambda x: (x ** 3).sum())(x)
    emit("g3", g); emit("v3", v)
    g, aux = torch.func.grad(lambda x: ((x ** 2).sum(), {"k": x * 3}), has_aux=True)(x)
    emit("grad aux", [g, aux["k"]])
""")
case("grad_values_and_control_flow", """
    def f(x):
        if x.sum() > 0:
            return (x ** 2).sum() * x.sum().item()
        return (x ** 3).sum()
    emit("positive", torch.func.grad(f)(torch.tensor([1., 2.])))
    emit("negative", torch.func.grad(f)(torch.tensor([-1., -2.])))
    emit("second order", torch.func.grad(torch.func.grad(lambda x: x.sin()))(torch.tensor(0.5)))
    def g(x):
        with torch.no_grad():
            c = x ** 2
        return (x - c).sum()
    emit("inner no_grad", torch.func.grad(g)(torch.tensor([1., 2.])))
""")
case("grad_outer_autograd", """
    x = torch.tensor([1., 2.], requires_grad=True)
    g = torch.func.grad(lambda x: (x ** 3).sum())(x)
    emit("requires_grad", g.requires_grad)
    emit("grad_fn is None", g.grad_fn is None)
    g.sum().backward()
    emit("x.grad", x.grad)
    w = torch.tensor([1., 2.], requires_grad=True)
    g = torch.func.grad(lambda x: (x * w ** 2).sum())(torch.tensor([3., 4.]))
    emit("closure requires_grad", g.requires_grad)
    g.sum().backward()
    emit("w.grad", w.grad)
    plain = torch.func.grad(lambda x: (x ** 3).sum())(torch.tensor([1., 2.]))
    emit("plain requires_grad", plain.requires_grad)
    with torch.no_grad():
        ng = torch.func.grad(lambda v: (v ** 3).sum())(x)
    emit("under no_grad", [ng, ng.requires_grad])
""")
case("maml_second_order", """
    m = torch.nn.Linear(3, 1)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([[0.1, -0.2, 0.3]])); m.bias.fill_(0.05)
    x = torch.tensor([[1., 2., 3.], [0.5, -1., 2.]]); y = torch.tensor([[1.], [0.]])
    params = dict(m.named_parameters())
    def loss(p, x, y):
        return ((torch.func.functional_call(m, p, (x,)) - y) ** 2).mean()
    g = torch.func.grad(loss)(params, x, y)
    fast = {k: params[k] - 0.1 * g[k] for k in params}
    loss(fast, x, y).backward()
    emit("weight.grad", m.weight.grad)
    emit("bias.grad", m.bias.grad)
""")

# ---------------------------------------------------------------------------------------------
# vjp / jvp / linearize
# ---------------------------------------------------------------------------------------------
case("vjp", """
    x, y = torch.tensor([1., 2.]), torch.tensor([3., 4.])
    o, fn = torch.func.vjp(lambda x: x.sin(), x)
    emit("out", o); emit("vjp", fn(torch.ones(2)))
    emit("twice", fn(torch.ones(2) * 2))
    emit("retain_graph kw", fn(torch.ones(2), retain_graph=True))
    o, fn = torch.func.vjp(lambda x, y: (x * y, x + y), x, y)
    emit("multi", fn((torch.ones(2), torch.ones(2) * 2)))
    o, fn, aux = torch.func.vjp(lambda x: (x.sin(), x * 3), x, has_aux=True)
    emit("aux", aux)
    o, fn = torch.func.vjp(lambda d: d["a"] * 2, {"a": torch.ones(2)})
    emit("dict primal", sorted(fn(torch.ones(2))[0].items()))
    emit_raises("ct shape", lambda: torch.func.vjp(lambda x: x.sin(), x)[1](torch.ones(3)))
    emit_raises("ct structure", lambda: torch.func.vjp(lambda x: x.sin(), x)[1](
        (torch.ones(2), torch.ones(2))))
    emit_raises("float primal", lambda: torch.func.vjp(lambda x: x * 2, 3.0))
    emit_raises("float output", lambda: torch.func.vjp(lambda x: 3.0, torch.ones(2)))
    emit_raises("int output", lambda: torch.func.vjp(lambda x: (x > 0).long(), torch.ones(2)))
    emit_raises("has_aux", lambda: torch.func.vjp(lambda x: x, torch.ones(2), has_aux=True))
""")
case("vjp_create_graph", """
    x = torch.tensor([1., 2.], requires_grad=True)
    o, fn = torch.func.vjp(lambda v: v ** 3, x)
    emit("out requires_grad", o.requires_grad)
    (g,) = fn(torch.ones(2))
    emit("g requires_grad", g.requires_grad)
    g.sum().backward()
    emit("x.grad", x.grad)
""")
case("jvp", """
    x = torch.tensor([1., 2.])
    emit("basic", torch.func.jvp(lambda x: x.sin(), (x,), (torch.ones(2),)))
    emit("aux", torch.func.jvp(lambda x: (x.sin(), x * 2), (x,), (torch.ones(2),), has_aux=True))
    emit("two", torch.func.jvp(lambda a, b: a * b.exp(), (x, x + 1), (torch.ones(2), x)))
    def f(x):
        return x * 2 if x.sum() > 0 else x * 3
    emit("control flow", torch.func.jvp(f, (torch.ones(2),), (torch.ones(2),)))
    emit_raises("not a tuple", lambda: torch.func.jvp(lambda x: x, x, torch.ones(2)))
    emit_raises("structure", lambda: torch.func.jvp(lambda a, b: a * b, (x, x), (x,)))
    emit_raises("shape", lambda: torch.func.jvp(lambda x: x, (x,), (torch.ones(3),)))
    emit_raises("empty", lambda: torch.func.jvp(lambda: 1, (), ()))
    emit_raises("float output", lambda: torch.func.jvp(lambda x: 3.0, (x,), (x,)))
""")
case("jvp_outer_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    o, t = torch.func.jvp(lambda v: v ** 3, (x,), (torch.ones(2),))
    emit("requires_grad", [o.requires_grad, t.requires_grad])
    t.sum().backward()
    emit("x.grad", x.grad)
""")
case("linearize", """
    import warnings
    with warnings.catch_warnings():   # PyTorch's linearize warns about its own FX graph
        warnings.simplefilter("ignore")
        o, jf = torch.func.linearize(lambda x: x.sin() * 2, torch.tensor([1., 2.]))
        emit("out", o); emit("jvp", jf(torch.ones(2))); emit("jvp2", jf(torch.tensor([0., 3.])))
""")

# ---------------------------------------------------------------------------------------------
# jacrev / jacfwd / hessian
# ---------------------------------------------------------------------------------------------
case("jacobians", """
    x = torch.tensor([1., 2., 3.])
    f = lambda x: x.sin() * x.sum()
    emit("jacrev", torch.func.jacrev(f)(x))
    emit("jacfwd", torch.func.jacfwd(f)(x))
    emit("multi out", torch.func.jacrev(lambda x: (x.sin(), x.sum()))(x))
    emit("argnums", torch.func.jacrev(lambda a, b: a * b, argnums=(0, 1))(x, x + 1))
    emit("has_aux", torch.func.jacrev(lambda x: (x.sin(), x.cos()), has_aux=True)(x))
    emit("fwd argnums aux", torch.func.jacfwd(lambda a, b: (a * b, b.sum()), argnums=1,
                                              has_aux=True)(x, x + 1))
    emit("dict", sorted(torch.func.jacrev(lambda d: d["a"] * 2)({"a": x}).items()))
    emit("matrix", torch.func.jacrev(lambda m: m @ m)(torch.arange(4.).reshape(2, 2)))
    emit("scalar", torch.func.jacrev(lambda x: x ** 2)(torch.tensor(3.)))
    emit("chunked", torch.func.jacrev(lambda x: x.sin(), chunk_size=1)(x))
    emit("same tensor twice", torch.func.jacrev(lambda a, b: a * b, argnums=1)(x, x))
    def g(x):
        with torch.no_grad():
            c = x ** 2
        return x - c
    emit("inner no_grad jacrev", torch.func.jacrev(g)(x))
    emit("inner no_grad jacfwd", torch.func.jacfwd(g)(x))
    emit("inner no_grad vmap(grad)", torch.func.vmap(torch.func.grad(lambda v: g(v).sum()))(
        torch.arange(6.).reshape(2, 3)))
    emit("inner no_grad jvp", torch.func.jvp(g, (x,), (torch.ones(3),))[1])
    emit("inner detach", torch.func.jacrev(lambda v: v * v.detach())(x))
""")
case("hessian", """
    emit("one", torch.func.hessian(lambda x: (x.sin() * x).sum())(torch.tensor([1., 2.])))
    emit("argnums", torch.func.hessian(lambda x, y: (x * y * y).sum(), argnums=(0, 1))(
        torch.tensor([1., 2.]), torch.tensor([3., 4.])))
    emit("vector valued", torch.func.hessian(lambda x: x.sin())(torch.tensor([1., 2.])))
    x = torch.tensor([1., 2.], requires_grad=True)
    h = torch.func.hessian(lambda v: (v ** 4).sum())(x)
    h.sum().backward()
    emit("outer backward", x.grad)
""")
case("jacobian_errors", """
    emit_raises("chunk_size 0", lambda: torch.func.jacrev(lambda x: x, chunk_size=0))
    emit_raises("int input", lambda: torch.func.jacrev(lambda x: x * 2)(torch.tensor([1, 2])))
    emit_raises("float input", lambda: torch.func.jacrev(lambda x: x * 2)(2.0))
    emit_raises("float output", lambda: torch.func.jacrev(lambda x: 2.0)(torch.ones(2)))
    emit_raises("argnums", lambda: torch.func.jacrev(lambda x: x, argnums=3)(torch.ones(2)))
    emit_raises("randomness", lambda: torch.func.jacfwd(lambda x: x * torch.rand(2))(
        torch.ones(2)))
    emit_raises("bad randomness", lambda: torch.func.jacfwd(lambda x: x, randomness="x"))
""")

# ---------------------------------------------------------------------------------------------
# vmap
# ---------------------------------------------------------------------------------------------
case("vmap_dims", """
    v = torch.func.vmap
    a = torch.arange(6.).reshape(2, 3)
    emit("sum", v(lambda x: x.sum())(a))
    emit("in_dims tuple", v(lambda r, b: (r * b).sum(), in_dims=(0, None))(a, torch.ones(3)))
    emit("nested tuple", v(lambda p, y: p[0] * p[1] + y, in_dims=((0, None), 0))(
        (a, torch.arange(3.)), a))
    emit("dict", v(lambda d: d["a"] * d["b"], in_dims=({"a": 0, "b": None},))(
        {"a": a, "b": torch.arange(3.)}))
    emit("list", v(lambda l: l[0] + l[1], in_dims=([0, 1],))([a, a.t()]))
    emit("negative", v(lambda x: x * 2, in_dims=-1)(a))
    emit("in_dims 1 out_dims 1", v(lambda c: c * 2, in_dims=1, out_dims=1)(a))
    emit("out_dims tuple", v(lambda x: (x * 2, x.sum()), out_dims=(1, 0))(a))
    emit("out_dims None", v(lambda x: (x * 2, torch.ones(2)), out_dims=(0, None))(a))
    emit("out dict", sorted(v(lambda x: {"b": x * 2, "a": x.sum()})(a).items()))
    emit("out_dims dict", sorted(v(lambda x: {"b": x * 2, "a": x.sum()},
                                   out_dims={"b": 1, "a": 0})(a).items()))
    emit("non-tensor arg", v(lambda x, s: x * s, in_dims=(0, None))(a, 2.0))
    emit("kwargs", v(lambda x, *, s: x * s)(a, s=torch.arange(3.)))
    emit("nested", v(v(lambda s: s ** 2))(a))
    emit("int", v(lambda x: x * 2)(torch.arange(6).reshape(2, 3)))
    emit("chunk_size", v(lambda x: x.sum(), chunk_size=1)(a))
    emit("same tensor twice", v(lambda p, q: p * q, in_dims=(0, 1))(a[:, :2], a[:, :2].t()))
    emit("torch.vmap", torch.vmap(lambda x: x.sum())(a))
    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.arange(6.).reshape(2, 3)); lin.bias.fill_(0.5)
    emit("module", v(lin)(torch.ones(4, 3)).detach())
    def inplace(x):
        y = x.clone(); y.mul_(2); return y
    emit("in-place", v(inplace)(a))
""")
case("vmap_errors", """
    v = torch.func.vmap
    a = torch.ones(2, 3)
    emit_raises("list in_dims", lambda: v(lambda x, y: x * y, in_dims=[0, None])(a, a[0]))
    emit_raises("None in_dims", lambda: v(lambda x: x, in_dims=None)(a))
    emit_raises("str in_dims", lambda: v(lambda x: x, in_dims="a")(a))
    emit_raises("float in_dim", lambda: v(lambda x: x, in_dims=(0.5,))(a))
    emit_raises("all None", lambda: v(lambda x: x, in_dims=(None,))(a))
    emit_raises("no inputs", lambda: v(lambda: torch.ones(2))())
    emit_raises("structure", lambda: v(lambda x: x, in_dims=(0, 0))(a))
    emit_raises("sizes", lambda: v(lambda x, y: x + y)(a, torch.ones(3, 3)))
    emit_raises("range", lambda: v(lambda x: x, in_dims=2)(a))
    emit_raises("non-tensor mapped", lambda: v(lambda x, s: x * s)(a, 2.0))
    emit_raises("non-tensor out", lambda: v(lambda x: 3.0)(a))
    emit_raises("out_dims structure", lambda: v(lambda x: (x, x), out_dims=(0,))(a))
    emit_raises("out_dims type", lambda: v(lambda x: x, out_dims="a")(a))
    emit_raises("batched with out_dims None", lambda: v(lambda x: x, out_dims=None)(a))
    emit_raises("chunk_size", lambda: v(lambda x: x, chunk_size=0))
    emit_raises("randomness name", lambda: v(lambda x: x, randomness="foo"))
    emit_raises("item", lambda: v(lambda x: x * x.sum().item())(a))
    def branch(x):
        if x.sum() > 0:
            return x
        return -x
    emit_raises("control flow", lambda: v(branch)(a))
""")
case("vmap_randomness", """
    v = torch.func.vmap
    z = torch.zeros(4, 3)
    emit_raises("error", lambda: v(lambda x: x + torch.randn(3))(z))
    emit_raises("error dropout", lambda: v(lambda x: torch.nn.functional.dropout(x, 0.5))(z))
    torch.manual_seed(0)
    o = v(lambda x: x + torch.rand(3), randomness="same")(z)
    emit("same", [bool((o[0] == o[1]).all()), list(o.shape)])
    o = v(lambda x: x + torch.rand(3), randomness="different")(z)
    emit("different", [bool((o[0] == o[1]).all()), list(o.shape)])
    o = v(lambda x: torch.rand_like(x), randomness="different")(z)
    emit("different like", [bool((o[0] == o[1]).all()), list(o.shape)])
    o = v(v(lambda x: x + torch.rand(()), randomness="different"),
          randomness="different")(torch.zeros(3, 2))
    emit("nested different", len(set(o.flatten().tolist())))
    w = torch.ones(3, requires_grad=True)
    o = v(lambda x: torch.nn.functional.dropout(x * w, 0.5), randomness="different")(z + 1)
    o.sum().backward()
    emit("backward sees the same masks", bool(((w.grad - (o != 0).float().sum(0) * 2).abs()
                                              < 1e-6).all()))
""")
case("vmap_outer_autograd", """
    w = torch.tensor([1., 2., 3.], requires_grad=True)
    o = torch.func.vmap(lambda x: (x * w).sum())(torch.ones(4, 3))
    emit("requires_grad", o.requires_grad)
    o.sum().backward()
    emit("w.grad", w.grad)
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    torch.func.vmap(lambda r: r ** 2)(x).sum().backward()
    emit("x.grad", x.grad)
    with torch.no_grad():
        o = torch.func.vmap(lambda x: (x * w).sum())(torch.ones(4, 3))
    emit("no_grad", o.requires_grad)
""")
case("compositions", """
    x = torch.tensor([1., 2., 3.])
    f = lambda x, y: (x.sin() * y).sum() + (x ** 2).mean()
    emit("vmap(grad)", torch.func.vmap(torch.func.grad(f), in_dims=(0, None))(
        torch.arange(6.).reshape(2, 3) / 5, x))
    emit("grad(vmap)", torch.func.grad(lambda x: torch.func.vmap(lambda r: r.sin() * r)(x).sum())(x))
    emit("grad(jacrev)", torch.func.grad(lambda x: torch.func.jacrev(lambda v: v ** 3)(x).sum())(x))
    emit("jacrev(grad)", torch.func.jacrev(torch.func.grad(lambda x: (x ** 3).sum()))(x))
    emit("vmap(jacrev)", torch.func.vmap(torch.func.jacrev(lambda v: v.sin() * v.sum()))(
        torch.tensor([[1., 2.], [3., 4.]])))
    def vj(x):
        o, fn = torch.func.vjp(torch.sin, x)
        return fn(torch.ones_like(o))[0]
    emit("vmap(vjp)", torch.func.vmap(vj)(torch.tensor([[1., 2.], [3., 4.]])))
    emit("vmap(jvp)", torch.func.vmap(lambda p: torch.func.jvp(torch.sin, (p,), (torch.ones(2),))[1])(
        torch.tensor([[1., 2.], [3., 4.]])))
""")
case("per_sample_gradients", """
    model = torch.nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.arange(6.).reshape(2, 3) / 10); model.bias.fill_(0.1)
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}
    def compute_loss(params, buffers, sample, target):
        out = torch.func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
        return torch.nn.functional.cross_entropy(out, target.unsqueeze(0))
    data = torch.arange(12.).reshape(4, 3) / 7
    targets = torch.tensor([0, 1, 1, 0])
    per = torch.func.vmap(torch.func.grad(compute_loss), in_dims=(None, None, 0, 0))(
        params, buffers, data, targets)
    emit("weight", per["weight"]); emit("bias", per["bias"])
""")
case("ensembles", """
    import copy
    models = [torch.nn.Linear(2, 3) for _ in range(4)]
    for i, m in enumerate(models):
        with torch.no_grad():
            m.weight.fill_(i); m.bias.fill_(-i)
    params, buffers = torch.func.stack_module_state(models)
    emit("params", [[k, list(v.shape), v.requires_grad, v.is_leaf] for k, v in params.items()])
    base = copy.deepcopy(models[0]).to("meta")
    emit("base device", str(base.weight.device))
    def fmodel(p, b, x):
        return torch.func.functional_call(base, (p, b), (x,))
    out = torch.func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, torch.ones(5, 2))
    emit("out", out.detach()); emit("out requires_grad", out.requires_grad)
    (out ** 2).sum().backward()
    emit("weight grad", params["weight"].grad)
    emit("bias grad", params["bias"].grad)
    bns = [torch.nn.BatchNorm1d(3) for _ in range(2)]
    p, b = torch.func.stack_module_state(bns)
    emit("bn buffers", [[k, list(v.shape), str(v.dtype)] for k, v in b.items()])
    emit_raises("no models", lambda: torch.func.stack_module_state([]))
""")
case("functional_call", """
    class M(torch.nn.Module):
        def __init__(s):
            super().__init__(); s.l = torch.nn.Linear(2, 2); s.register_buffer("b", torch.ones(2))
        def forward(s, x, scale=1.0):
            return (s.l(x) + s.b) * scale
    m = M()
    with torch.no_grad():
        m.l.weight.copy_(torch.tensor([[1., 2.], [3., 4.]])); m.l.bias.fill_(0.5)
    x = torch.ones(1, 2)
    fc = torch.func.functional_call
    emit("basic", fc(m, {"l.weight": torch.zeros(2, 2)}, (x,)).detach())
    emit("arg not a tuple", fc(m, {"l.weight": torch.zeros(2, 2)}, x).detach())
    emit("kwargs", fc(m, {"b": torch.zeros(2)}, (x,), {"scale": 2.0}).detach())
    emit("tuple of dicts", fc(m, ({"l.weight": torch.zeros(2, 2)}, {"b": torch.zeros(2)}), (x,)))
    w = m.l.weight
    fc(m, {"l.weight": torch.zeros(2, 2)}, (x,))
    emit("restored", m.l.weight is w)
    wz = torch.zeros(2, 2, requires_grad=True)
    fc(m, {"l.weight": wz}, (x,)).sum().backward()
    emit("grads", [wz.grad, m.l.weight.grad])
    emit_raises("duplicate", lambda: fc(m, ({"b": torch.zeros(2)}, {"b": torch.zeros(2)}), (x,)))
    emit_raises("strict missing", lambda: fc(m, {"b": torch.zeros(2)}, (x,), strict=True))
    emit_raises("strict both", lambda: fc(m, {"b": torch.zeros(2), "zz": torch.ones(1)}, (x,),
                                          strict=True))
    emit_raises("bad path", lambda: fc(m, {"q.zz": torch.ones(1)}, (x,)))
    emit_raises("not dicts", lambda: fc(m, [torch.zeros(2)], (x,)))
    class T(torch.nn.Module):
        def __init__(s):
            super().__init__()
            s.a = torch.nn.Linear(2, 2, bias=False); s.b = torch.nn.Linear(2, 2, bias=False)
            s.b.weight = s.a.weight
        def forward(s, x):
            return s.b(s.a(x))
    t = T()
    with torch.no_grad():
        t.a.weight.copy_(torch.eye(2))
    emit("tied", fc(t, {"a.weight": torch.eye(2) * 2}, (x,)).detach())
    emit("untied", fc(t, {"a.weight": torch.eye(2) * 2}, (x,), tie_weights=False).detach())
    two = torch.eye(2) * 2
    emit("tied same", fc(t, {"a.weight": two, "b.weight": two}, (x,)).detach())
    emit_raises("tied differ", lambda: fc(t, {"a.weight": torch.eye(2) * 2,
                                              "b.weight": torch.eye(2) * 3}, (x,)))
""")
case("func_misc", """
    emit("functionalize", torch.func.functionalize(lambda x: x.clone().add_(1))(torch.ones(2)))
    bn = torch.nn.BatchNorm1d(2)
    torch.func.replace_all_batch_norm_modules_(bn)
    x = torch.tensor([[[1., 2.], [3., 5.], [0., 1.]], [[1., 0.], [2., 2.], [4., 1.]]])
    emit("vmap batchnorm", [torch.func.vmap(bn)(x).detach(), bn.running_mean,
                            bn.track_running_stats])
""")

# ---------------------------------------------------------------------------------------------
# torch.autograd.Function
# ---------------------------------------------------------------------------------------------
case("function_eager", """
    calls = []
    class NpExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            calls.append("forward")
            r = torch.tensor(np.exp(x.detach().numpy()))
            ctx.save_for_backward(r)
            ctx.scale = float(x.abs().max().item())
            return r
        @staticmethod
        def backward(ctx, g):
            r, = ctx.saved_tensors
            return g * r * ctx.scale
    x = torch.tensor([0., 1.], requires_grad=True)
    y = NpExp.apply(x)
    emit("y", y); emit("grad_fn", y.grad_fn); emit("next", nf(y.grad_fn))
    y.sum().backward()
    emit("x.grad", x.grad); emit("forward calls", len(calls))
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return (x * k).round() / k
        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None
    w = torch.tensor([0.3, 0.7], requires_grad=True)
    out = []
    for k in [1.0, 2.0, 4.0, 2.0]:
        w.grad = None
        Scale.apply(w, k).sum().backward()
        out.append(w.grad.tolist())
    emit("ctx attributes per call", out)
    emit("next with a non-tensor", nf(Scale.apply(w, 2.0).grad_fn))
""")
case("function_outputs", """
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            i = x.argmax()
            ctx.mark_non_differentiable(i)
            return x * 2, i, 5
        @staticmethod
        def backward(ctx, g, gi, gk):
            return g * 2
    x = torch.tensor([1., 3.], requires_grad=True)
    y, i, k = Two.apply(x)
    emit("results", [y, i, k])
    y.sum().backward()
    emit("x.grad", x.grad)
    class Same(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x
        @staticmethod
        def backward(ctx, g):
            return g * 3
    x = torch.ones(2, requires_grad=True)
    y = Same.apply(x); y.sum().backward()
    emit("returns its input", [y, x.grad])
    class NoMat(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3
        @staticmethod
        def backward(ctx, g1, g2):
            return (g1 if g1 is not None else 0) + (10 if g2 is None else g2)
    x = torch.ones(2, requires_grad=True)
    a, b = NoMat.apply(x); a.sum().backward()
    emit("materialize_grads False", x.grad)
    y = Same.apply(torch.ones(2))
    emit("no input needs grad", [y.requires_grad, y.grad_fn])
    with torch.no_grad():
        y = Same.apply(x)
    emit("under no_grad", [y.requires_grad, y.grad_fn])
""")
case("function_backward_checks", """
    def make(bw, n_in=1):
        class F(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x, *rest):
                return x * 2
            @staticmethod
            def backward(ctx, g):
                return bw(g)
        return F
    x = torch.ones(2, requires_grad=True)
    emit("trailing Nones", (make(lambda g: (g * 2, None, None)).apply(x).sum().backward(), x.grad))
    emit_raises("too many", lambda: make(lambda g: (g, g)).apply(x).sum().backward())
    emit_raises("too few", lambda: make(lambda g: g).apply(x, 2.0).sum().backward())
    emit_raises("grad for a number", lambda: make(lambda g: (g, g)).apply(x, 2.0).sum().backward())
    emit_raises("python number", lambda: make(lambda g: 3.0).apply(x).sum().backward())
    emit_raises("bad shape", lambda: make(lambda g: torch.ones(3)).apply(x).sum().backward())
    x.grad = None
    make(lambda g: torch.ones(3, 2)).apply(x).sum().backward()
    emit("broadcast summed", x.grad)
    x.grad = None
    make(lambda g: g.double()).apply(x).sum().backward()
    emit("dtype cast", x.grad)
    class NoBw(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2
    emit_raises("no backward", lambda: NoBw.apply(x).sum().backward())
    emit_raises("no forward", lambda: type("G", (torch.autograd.Function,), {}).apply(x))
""")
case("function_double_backward", """
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp(); ctx.save_for_backward(r); return r
        @staticmethod
        def backward(ctx, g):
            r, = ctx.saved_tensors; return g * r
    x = torch.tensor([0.5, 1.], requires_grad=True)
    g, = torch.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    g.sum().backward()
    emit("saved output", [g.detach(), x.grad])
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x); return x ** 3
        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors; return g * 3 * x ** 2
    x = torch.tensor([2.0], requires_grad=True)
    g, = torch.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    g.sum().backward()
    emit("saved input", [g.detach(), x.grad])
    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            t = x * 2; ctx.save_for_backward(t); return x * x
        @staticmethod
        def backward(ctx, g):
            t, = ctx.saved_tensors; return g * t
    x = torch.tensor([0.5, 1.], requires_grad=True)
    g, = torch.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    emit("saved intermediate is a constant", [g.detach(), g.requires_grad])
""")
case("function_in_transforms", """
    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(x):
            return x ** 2
        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])
        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors; return g * 2 * x
    emit("grad", torch.func.grad(lambda x: Sq.apply(x).sum())(torch.tensor([1., 3.])))
    class STE(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return (x > 0).float()
        @staticmethod
        def backward(ctx, g):
            return torch.nn.functional.hardtanh(g)
    x = torch.tensor([-2., 0.5, 3.], requires_grad=True)
    y = STE.apply(x); (y * torch.tensor([1., 5., -3.])).sum().backward()
    emit("straight through", [y, x.grad])
""")

# ---------------------------------------------------------------------------------------------
# devices on a CPU-only machine
# ---------------------------------------------------------------------------------------------
case("devices_cpu_only", """
    emit("cuda", [torch.cuda.is_available(), torch.cuda.device_count(),
                  torch.cuda.is_initialized()])
    d = torch.device("cuda")
    emit("device", [str(d), repr(d), d.type, d.index, str(torch.device("cuda:1"))])
    for name, f in [("zeros", lambda: torch.zeros(1, device="cuda")),
                    ("tensor", lambda: torch.tensor([1.], device=torch.device("cuda"))),
                    ("randn", lambda: torch.randn(2, device="cuda")),
                    (".cuda()", lambda: torch.ones(2).cuda()),
                    (".cuda(0)", lambda: torch.ones(2).cuda(0)),
                    (".to", lambda: torch.ones(2).to("cuda")),
                    ("module.cuda", lambda: torch.nn.Linear(2, 2).cuda()),
                    ("module.to", lambda: torch.nn.Linear(2, 2).to("cuda")),
                    ("current_device", torch.cuda.current_device),
                    ("get_device_name", lambda: torch.cuda.get_device_name(0)),
                    ("synchronize", torch.cuda.synchronize),
                    ("properties", lambda: torch.cuda.get_device_properties(0)),
                    ("capability", torch.cuda.get_device_capability),
                    ("mem_get_info", torch.cuda.mem_get_info),
                    ("Event", lambda: torch.cuda.Event(enable_timing=True)),
                    ("Stream", torch.cuda.Stream),
                    ("pin_memory", lambda: torch.ones(2).pin_memory()),
                    ("device ctx", lambda: torch.cuda.device(0).__enter__()),
                    ("with device cuda", lambda: torch.ones(1, device=torch.device("cuda"))),
                    ("accelerator index", torch.accelerator.current_device_index),
                    ("device(0)", lambda: torch.device(0))]:
        emit_raises(name, f)
    emit("memory", [torch.cuda.memory_allocated(), torch.cuda.max_memory_allocated(),
                    torch.cuda.memory_reserved(), torch.cuda.is_bf16_supported()])
    emit("no-ops", [torch.cuda.manual_seed(0), torch.cuda.manual_seed_all(0),
                    torch.cuda.empty_cache()])
    emit("backends", [torch.backends.mps.is_available(), torch.backends.mps.is_built(),
                      torch.backends.cuda.is_built(), torch.backends.cudnn.is_available(),
                      torch.backends.cudnn.version(), torch.backends.cudnn.enabled,
                      torch.backends.mkldnn.is_available()])
    emit("accelerator", [torch.accelerator.is_available(),
                         torch.accelerator.current_accelerator(),
                         torch.accelerator.device_count()])
    emit("pinned", torch.ones(2).is_pinned())
    emit("legacy cuda type", isinstance(torch.ones(1), torch.cuda.FloatTensor))
""")
case("device_agnostic_tutorial", """
    device = "cuda" if torch.cuda.is_available() else "mps" if \\
        torch.backends.mps.is_available() else "cpu"
    acc = (torch.accelerator.current_accelerator().type if torch.accelerator.is_available()
           else "cpu")
    emit("devices", [device, acc])
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape) * (i + 1) / 4)
    model = model.to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.tensor([[1., 2., 3.], [0., -1., 1.]]).to(device)
    y = torch.tensor([[1.], [0.]], device=device)
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    emit("loss", loss.item()); emit("param device", str(model[0].weight.device))
    emit("weight", model[0].weight.detach().cpu())
""")
case("meta_device", """
    m = torch.zeros(2, 3, device="meta")
    emit("meta", [str(m.device), m.is_meta, list(m.shape), repr(m), repr(m * 2 + 1)])
    emit("requires grad", repr(torch.zeros(2, device="meta", requires_grad=True) * 2))
    emit("int", repr(torch.zeros(2, dtype=torch.int64, device="meta")))
    emit("scalar joins", repr(m + torch.tensor(1.)))
    emit("like", str(torch.ones_like(m).device))
    emit_raises("mixed", lambda: m + torch.ones(2, 3))
    emit_raises("to cpu", lambda: m.to("cpu"))
    lin = torch.nn.Linear(2, 3)
    emit("module to", [lin.to("meta") is lin, str(lin.weight.device), lin.weight.requires_grad])
    with torch.device("meta"):
        l2 = torch.nn.Linear(2, 3)
        t = torch.tensor([1., 2.])
    emit("device context", [str(l2.weight.device), repr(l2.weight), str(t.device)])
    with torch.device("meta"):
        with torch.device("cpu"):
            a = torch.ones(1)
        b = torch.ones(1)
    emit("nested", [str(a.device), str(b.device), str(torch.ones(1).device)])
    torch.set_default_device("meta")
    c = torch.ones(2)
    emit("set_default_device", [str(c.device), str(torch.get_default_device())])
    torch.set_default_device(None)
    emit("reset", str(torch.get_default_device()))
""")
case("amp_without_cuda", """
    emit_warns("scaler", lambda: torch.amp.GradScaler("cuda").is_enabled())
    emit_warns("old scaler", lambda: torch.cuda.amp.GradScaler().get_scale())
    emit_warns("autocast", lambda: torch.autocast(device_type="cuda").__enter__() and None)
    emit_warns("old autocast", lambda: torch.cuda.amp.autocast() and None)
    s = torch.amp.GradScaler("cuda", enabled=False)
    emit("disabled", [s.scale(torch.tensor(3.)), s.get_scale(), len(s.state_dict())])
    emit_raises("bad autocast device", lambda: torch.autocast("foo"))
    m = torch.nn.Linear(2, 1)
    with torch.no_grad():
        m.weight.fill_(0.5); m.bias.fill_(0.1)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.)
    x = torch.tensor([[1., 2.], [3., 4.]]); y = torch.tensor([[1.], [2.]])
    for _ in range(3):
        opt.zero_grad()
        with torch.autocast(device_type="cpu", enabled=False):
            loss = ((m(x) - y) ** 2).mean()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    emit("cpu scaler", [m.weight.detach(), m.bias.detach(), scaler.get_scale()])
    scaler = torch.amp.GradScaler("cpu", init_scale=2. ** 127)
    loss = (m(torch.tensor([[1e10, 1e10]])) ** 2).mean()
    scaler.scale(loss).backward()
    before = m.weight.detach().clone()
    scaler.step(opt); scaler.update()
    emit("inf skips the step", [bool((m.weight == before).all()), scaler.get_scale()])
""")
