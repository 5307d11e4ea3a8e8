"""Scenarios for tests/test_torch_semantics.py (PyTorch autograd-core semantics).

Shared by the generator (tests/tools/gen_semantics.py, runs them with real torch and writes
tests/golden/semantics.json) and by the test (runs them with facade and compares).
After editing CASES, regenerate the goldens with real torch installed:

    .venv/bin/python tests/tools/gen_semantics.py

Each case is (id, code).  The code runs with these globals:
    torch            real torch (generator) or facade (test)
    np               numpy
    emit(name, v)    record a value: tensor, str, bool/int/float/None, list/tuple, dtype,
                     grad_fn node (recorded as its class name)
    emit_raises(name, fn)  record the exception fn() raises (type name + str), or that none was
    emit_warns(name, fn)   record the warnings fn() issues (category + message) and its result
    nf(node)         [(type(f).__name__ or None, index) for f, index in node.next_functions]
Inputs are deterministic (numpy RandomState values through torch.tensor(...)); random draws
from torch itself are never compared.
"""
import re
import textwrap
import traceback
import warnings

import numpy as np

CASES = []


def case(cid, code):
    CASES.append((cid, textwrap.dedent(code).strip() + "\n"))


# ---------------------------------------------------------------------------------------------
# backward(): scalars, explicit gradients, accumulation, retain_graph
# ---------------------------------------------------------------------------------------------
case("bw_scalar", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    emit("x.grad before", x.grad)
    y = (x * x).sum()
    emit("y", y)
    r = y.backward()
    emit("backward returns", r)
    emit("x.grad", x.grad)
    emit("x.grad.requires_grad", x.grad.requires_grad)
""")
case("bw_gradient_arg", """
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = x * 2 + 1
    y.backward(torch.tensor([[1., 0.5, 0.], [2., 1., -1.]]))
    emit("x.grad", x.grad)
""")
case("bw_gradient_kwarg_nonleaf_chain", """
    rs = np.random.RandomState(0)
    x = torch.tensor(rs.randn(4).astype(np.float32).tolist(), requires_grad=True)
    y = x.exp() * x
    y.backward(gradient=torch.tensor([1., 2., 3., 4.]))
    emit("x.grad", x.grad)
""")
case("bw_one_element_nonscalar", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x[0:1] * 3
    emit("y.shape", tuple(y.shape))
    y.backward()
    emit("x.grad", x.grad)
""")
case("bw_accumulate_retain_graph", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x ** 2).sum()
    y.backward(retain_graph=True)
    emit("grad 1", x.grad)
    y.backward(retain_graph=True)
    emit("grad 2", x.grad)
    y.backward()
    emit("grad 3", x.grad)
""")
case("bw_accumulate_new_graphs", """
    a = torch.tensor([2.], requires_grad=True)
    for i in range(3):
        O = 5 * a ** 2
        O.backward()
        emit("a.grad %d" % i, a.grad)
""")
case("bw_grad_zero", """
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    r = x.grad.zero_()
    emit("returned", r)
    emit("returns self", r is g)
    emit("x.grad", x.grad)
    emit("same grad object", x.grad is g)
    (x * 3).sum().backward()
    emit("x.grad after", x.grad)
""")
case("bw_grad_set_none", """
    x = torch.tensor([1., 2.], requires_grad=True)
    (x * 3).sum().backward()
    x.grad = None
    emit("x.grad", x.grad)
    (x * x).sum().backward()
    emit("x.grad after", x.grad)
""")
case("bw_grad_none_before", """
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    c = torch.tensor([5., 6.])
    emit("x.grad", x.grad)
    emit("c.grad", c.grad)
    (x * c).sum().backward()
    emit("x.grad after", x.grad)
    emit("w.grad unused", w.grad)
    emit("c.grad after", c.grad)
""")
case("bw_shared_leaf", """
    x = torch.tensor([1., -2., 3.], requires_grad=True)
    y = x * x + x + x.sum()
    y.sum().backward()
    emit("x.grad", x.grad)
""")
case("bw_two_leaves", """
    rs = np.random.RandomState(1)
    x = torch.tensor(rs.rand(3).astype(np.float32).tolist(), requires_grad=True)
    w = torch.tensor((rs.rand(3) + 0.5).astype(np.float32).tolist(), requires_grad=True)
    z = (x * w).sum() + (x / w).mean()
    z.backward()
    emit("z", z)
    emit("x.grad", x.grad)
    emit("w.grad", w.grad)
""")
case("bw_detach_blocks_gradient", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = (x.detach() * x).sum()
    y.backward()
    emit("x.grad", x.grad)
""")
case("bw_second_backward_mul", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    emit_raises("second backward", lambda: y.backward())
    emit("x.grad", x.grad)
""")
case("bw_second_backward_pow", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x ** 3).sum()
    y.backward()
    emit_raises("second backward", lambda: y.backward())
""")
case("bw_second_backward_exp", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp().sum()
    y.backward()
    emit_raises("second backward", lambda: y.backward())
""")
case("bw_second_backward_sigmoid", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = torch.sigmoid(x).sum()
    y.backward()
    emit_raises("second backward", lambda: y.backward())
""")
case("bw_second_backward_add_sum", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    emit_raises("second backward", lambda: y.backward())
    emit("x.grad", x.grad)
""")
case("bw_second_backward_mul_scalar", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * 2).sum()
    y.backward()
    emit_raises("second backward", lambda: y.backward())
    emit("x.grad", x.grad)
""")
case("bw_retain_then_free", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    emit("x.grad", x.grad)
    emit_raises("third backward", lambda: y.backward())
""")
case("bw_second_backward_partial_graph", """
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * x
    y1 = h.sum()
    y1.backward()
    y2 = (h + 1).sum()
    emit_raises("backward through freed part", lambda: y2.backward())
""")
case("bw_implicit_nonscalar", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    emit_raises("backward", lambda: y.backward())
""")
case("bw_no_grad_tensor", """
    x = torch.ones(3)
    emit_raises("backward", lambda: x.sum().backward())
    emit_raises("backward leaf", lambda: torch.tensor(1.).backward())
""")
case("bw_made_under_no_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        y = (x * 2).sum()
    emit("y.requires_grad", y.requires_grad)
    emit("y.grad_fn", y.grad_fn)
    emit_raises("backward", lambda: y.backward())
""")
case("bw_gradient_shape_mismatch", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    emit_raises("backward", lambda: y.backward(torch.ones(3)))
""")
case("bw_assign_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    def bad():
        x.grad = torch.ones(3)
    emit_raises("wrong size", bad)
    def bad_dtype():
        x.grad = torch.ones(2, dtype=torch.float64)
    emit_raises("wrong dtype", bad_dtype)
    x.grad = torch.tensor([0.5, 0.5])
    emit("x.grad", x.grad)
    (x * 2).sum().backward()
    emit("accumulated", x.grad)
""")
case("bw_backward_inputs", """
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    y = (x * w).sum()
    y.backward(inputs=[w])
    emit("w.grad", w.grad)
    emit("x.grad", x.grad)
""")
case("bw_create_graph", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x ** 3).sum()
    emit_warns("backward(create_graph=True)", lambda: y.backward(create_graph=True))
    g = x.grad
    emit("x.grad", g)
    emit("x.grad.requires_grad", g.requires_grad)
    emit("x.grad.grad_fn", g.grad_fn)
    x.grad = None
    g.sum().backward()
    emit("second derivative", x.grad)
""")
case("bw_autograd_backward_fn", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y1 = x * 2
    y2 = (x * x).sum()
    torch.autograd.backward([y1, y2], [torch.tensor([1., 1.]), torch.tensor(0.5)])
    emit("x.grad", x.grad)
""")
case("bw_graph_kept_after_backward", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    emit("y.grad_fn", y.grad_fn)
    emit("y.requires_grad", y.requires_grad)
    emit("y", y)
""")

# ---------------------------------------------------------------------------------------------
# requires_grad
# ---------------------------------------------------------------------------------------------
case("rg_int_tensor_ctor", """
    emit_raises("tensor(int, requires_grad=True)", lambda: torch.tensor([1, 2], requires_grad=True))
    emit_raises("tensor(bool, requires_grad=True)", lambda: torch.tensor([True], requires_grad=True))
""")
case("rg_int_requires_grad_", """
    t = torch.tensor([1, 2])
    emit_raises("requires_grad_()", lambda: t.requires_grad_())
    emit("t.requires_grad", t.requires_grad)
    emit_raises("requires_grad_(False)", lambda: t.requires_grad_(False))
""")
case("rg_int_attr", """
    t = torch.tensor([1, 2])
    def f():
        t.requires_grad = True
    emit_raises("t.requires_grad = True", f)
    emit("t.requires_grad", t.requires_grad)
""")
case("rg_int_factories", """
    emit_raises("arange int", lambda: torch.arange(3, requires_grad=True))
    t = torch.arange(3.0, requires_grad=True)
    emit("arange float", t)
""")
case("rg_nonleaf_false", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    emit_raises("y.requires_grad_(False)", lambda: y.requires_grad_(False))
    def f():
        y.requires_grad = False
    emit_raises("y.requires_grad = False", f)
    r = y.requires_grad_(True)
    emit("requires_grad_(True) on non-leaf returns self", r is y)
    emit("y.requires_grad", y.requires_grad)
""")
case("rg_leaf_toggle", """
    x = torch.ones(2)
    emit("before", (x.requires_grad, x.is_leaf))
    r = x.requires_grad_()
    emit("returns self", r is x)
    emit("after", (x.requires_grad, x.is_leaf, x.grad_fn))
    x.requires_grad_(False)
    emit("off", x.requires_grad)
    x.requires_grad = True
    emit("attr", x.requires_grad)
    emit("repr", repr(x))
""")
case("rg_propagation", """
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., 4.])
    c = a + b
    d = b * 2
    emit("c", (c.requires_grad, c.is_leaf))
    emit("d", (d.requires_grad, d.is_leaf))
    emit("a", (a.requires_grad, a.is_leaf))
    emit("b", (b.requires_grad, b.is_leaf))
    emit("c", c)
    emit("d", d)
""")
case("rg_factories", """
    emit("zeros", torch.zeros(2, requires_grad=True))
    emit("ones", torch.ones(2, 2, requires_grad=True))
    emit("full", torch.full((2,), 1.5, requires_grad=True))
    emit("tensor f64", torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True))
    emit("zeros_like", torch.zeros_like(torch.ones(3), requires_grad=True))
    with torch.no_grad():
        t = torch.ones(2, requires_grad=True)
    emit("made under no_grad", (t.requires_grad, t.is_leaf))
""")
case("rg_detach", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    d = y.detach()
    emit("d", d)
    emit("d flags", (d.requires_grad, d.is_leaf, d.grad_fn))
    dx = x.detach()
    dx[0] = 10.
    emit("x after writing detached", x)
""")
case("rg_data", """
    x = torch.tensor([1., 2.], requires_grad=True)
    d = x.data
    emit("x.data", d)
    emit("flags", (d.requires_grad, d.is_leaf))
    d.mul_(3)
    emit("x", x)
    y = x * 2
    emit("y.data", y.data)
    emit("y.data flags", (y.data.requires_grad, y.data.is_leaf, y.data.grad_fn))
""")

# ---------------------------------------------------------------------------------------------
# in-place operations
# ---------------------------------------------------------------------------------------------
case("inp_leaf", """
    x = torch.tensor([1., 2.], requires_grad=True)
    emit_raises("x.add_(1)", lambda: x.add_(1))
    def iadd():
        y = x
        y += 1
    emit_raises("x += 1", iadd)
    def setitem():
        x[0] = 5.
    emit_raises("x[0] = 5", setitem)
    emit_raises("x.zero_()", lambda: x.zero_())
    emit("x unchanged", x)
""")
case("inp_view_of_leaf", """
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    v = x[0:2]
    emit_raises("slice.mul_", lambda: v.mul_(2))
    emit_raises("view.add_", lambda: x.view(2, 2).add_(1))
    emit("x", x)
""")
case("inp_no_grad_allowed", """
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        x.add_(1)
        x[0] = 10.
        x *= 2
    emit("x", x)
    emit("flags", (x.requires_grad, x.is_leaf, x.grad_fn))
    (x * x).sum().backward()
    emit("x.grad", x.grad)
""")
case("inp_minus_eq_under_no_grad", """
    w = torch.tensor([1., 2.], requires_grad=True)
    (w * w).sum().backward()
    w0 = w
    with torch.no_grad():
        w -= 0.1 * w.grad
    emit("same object", w is w0)
    emit("w", w)
    emit("flags", (w.requires_grad, w.is_leaf, w.grad_fn))
""")
case("inp_data_sub", """
    w = torch.tensor([1., 2.], requires_grad=True)
    (w * 3).sum().backward()
    w.data.sub_(0.5 * w.grad)
    emit("w", w)
    emit("flags", (w.requires_grad, w.is_leaf, w.grad_fn))
    emit("w.grad", w.grad)
""")
case("inp_detach_zero", """
    x = torch.tensor([1., 2.])
    x.detach().zero_()
    emit("plain x", x)
    w = torch.tensor([3., 4.], requires_grad=True)
    w.detach().zero_()
    emit("leaf w", w)
""")
case("inp_slice_assign_nonleaf", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * 2
    y[0] = 1.
    emit("y", y)
    emit("y.grad_fn", y.grad_fn)
    emit("nf", nf(y.grad_fn))
    y.sum().backward()
    emit("x.grad", x.grad)
""")
case("inp_slice_iadd_nonleaf", """
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    y = x * 1
    y[1:3] += 2
    emit("y", y)
    emit("y.grad_fn", y.grad_fn)
    (y * y).sum().backward()
    emit("x.grad", x.grad)
""")
case("inp_setitem_tensor_value_grad", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    v = torch.tensor(5., requires_grad=True)
    y = x * 1
    y[1] = v * 2
    y.sum().backward()
    emit("y", y)
    emit("x.grad", x.grad)
    emit("v.grad", v.grad)
""")
case("inp_slice_assign_plain", """
    t = torch.zeros(4)
    t[0] = 1
    t[1:3] += 2
    emit("t", t)
    t[torch.tensor([True, False, False, True])] = 5.
    emit("mask", t)
    m = torch.zeros(2, 3)
    m[:, 1] = torch.tensor([7., 8.])
    m[1] += 1
    emit("m", m)
    emit("flags", (m.requires_grad, m.grad_fn))
""")
case("inp_view_visible_in_base", """
    t = torch.zeros(2, 3)
    v = t.view(6)
    v[2] = 7.
    emit("after view write", t)
    tt = t.t()
    tt[0, 1] = 9.
    emit("after t() write", t)
    t.transpose(0, 1).mul_(2)
    emit("after transpose mul_", t)
    t[0].add_(1)
    emit("after t[0].add_", t)
    r = t.reshape(3, 2)
    r[0, 0] = -1.
    emit("after reshape write", t)
""")
case("inp_nonleaf_inplace_ok", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.add_(1)
    emit("y", y)
    emit("y.grad_fn", y.grad_fn)
    emit("nf", nf(y.grad_fn))
    (y * y).sum().backward()
    emit("x.grad", x.grad)
""")
case("inp_version_counter_sigmoid", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = torch.sigmoid(x)
    y.mul_(2)
    emit_raises("backward", lambda: y.sum().backward())
""")
case("inp_version_counter_mul", """
    x = torch.tensor([1., 2.], requires_grad=True)
    a = x * 1
    b = a * a
    a.add_(1)
    emit_raises("backward", lambda: b.sum().backward())
""")
case("inp_detach_on_view", """
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    v = (x * 2)[0:2]
    emit_raises("detach_ on view of non-leaf", lambda: v.detach_())
    base = torch.ones(4)
    emit_raises("detach_ on view of plain", lambda: base.view(2, 2).detach_())
""")
case("inp_detach_on_leaf_and_nonleaf", """
    x = torch.tensor([1., 2.], requires_grad=True)
    r = x.detach_()
    emit("returns self", r is x)
    emit("leaf after detach_", (x.requires_grad, x.is_leaf, x.grad_fn))
    a = torch.tensor([1., 2.], requires_grad=True)
    y = a * 3
    y.detach_()
    emit("non-leaf after detach_", (y.requires_grad, y.is_leaf, y.grad_fn))
    emit("y", y)
""")
case("inp_iadd_identity_plain", """
    x = torch.tensor([1., 2.])
    x0 = x
    x += 1
    x *= 3
    x -= torch.tensor([1., 1.])
    x /= 2
    emit("same object", x is x0)
    emit("x", x)
""")

# ---------------------------------------------------------------------------------------------
# .grad of non-leaves, retain_grad, hooks
# ---------------------------------------------------------------------------------------------
case("hook_nonleaf_grad_warning", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.sum().backward()
    emit_warns("y.grad", lambda: y.grad)
    emit("y.is_leaf", y.is_leaf)
""")
case("hook_retain_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    emit("retains before", y.retains_grad)
    r = y.retain_grad()
    emit("retain_grad returns", r)
    emit("retains after", y.retains_grad)
    z = (y * y).sum()
    z.backward()
    emit_warns("y.grad", lambda: y.grad)
    emit("x.grad", x.grad)
    emit("x.retains_grad", x.retains_grad)
""")
case("hook_retain_grad_leaf", """
    x = torch.tensor([1., 2.], requires_grad=True)
    x.retain_grad()
    emit("x.retains_grad", x.retains_grad)
    (x * 2).sum().backward()
    emit("x.grad", x.grad)
""")
case("hook_retain_grad_no_grad", """
    t = torch.ones(2)
    emit_raises("retain_grad", lambda: t.retain_grad())
""")
case("hook_nonleaf_scale", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    emit("y.grad", y.grad)
    emit("x.grad", x.grad)
""")
case("hook_nonleaf_scale_retain_after", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 10)
    y.retain_grad()
    y.sum().backward()
    emit("y.grad", y.grad)
    emit("x.grad", x.grad)
""")
case("hook_leaf", """
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x.register_hook(lambda g: g * 3)
    (x * x).sum().backward()
    emit("x.grad", x.grad)
""")
case("hook_returns_none", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.clone()))
    (y * y).sum().backward()
    emit("seen", seen)
    emit("x.grad", x.grad)
""")
case("hook_no_grad_tensor", """
    t = torch.ones(2)
    emit_raises("register_hook", lambda: t.register_hook(lambda g: g))
""")
case("hook_remove", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 2
    h = y.register_hook(lambda g: g * 100)
    h.remove()
    y.sum().backward()
    emit("x.grad", x.grad)
    x2 = torch.tensor([1., 2.], requires_grad=True)
    h2 = x2.register_hook(lambda g: g * 100)
    h2.remove()
    (x2 * 1).sum().backward()
    emit("x2.grad", x2.grad)
""")
case("hook_order", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * 1
    y.register_hook(lambda g: g * 2)
    y.register_hook(lambda g: g + 1)
    y.sum().backward()
    emit("x.grad", x.grad)
""")
case("hook_sees_incoming_grad", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    seen = []
    def hook(g):
        seen.append(g.detach().clone())
        return g * 0.5
    y.register_hook(hook)
    y.backward(torch.tensor([1., 10., 100.]))
    emit("seen", seen[0])
    emit("x.grad", x.grad)
""")

# ---------------------------------------------------------------------------------------------
# torch.autograd.grad
# ---------------------------------------------------------------------------------------------
case("agrad_basic", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = (x ** 2).sum()
    r = torch.autograd.grad(y, x)
    emit("type", type(r).__name__)
    emit("result", r)
    emit("x.grad untouched", x.grad)
    emit("grad requires_grad", r[0].requires_grad)
""")
case("agrad_grad_outputs", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    (g,) = torch.autograd.grad(y, x, grad_outputs=torch.tensor([1., 0.5, 2.]))
    emit("g", g)
    y2 = x * 3
    (g2,) = torch.autograd.grad([y2], [x], [torch.ones(3)])
    emit("g2", g2)
""")
case("agrad_multiple_inputs", """
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 5.], requires_grad=True)
    z = (x * w).sum() + (w ** 2).sum()
    gx, gw = torch.autograd.grad(z, [x, w])
    emit("gx", gx)
    emit("gw", gw)
""")
case("agrad_unused", """
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 5.], requires_grad=True)
    z = (x * 2).sum()
    emit_raises("unused", lambda: torch.autograd.grad(z, [x, w], retain_graph=True))
    r = torch.autograd.grad(z, [x, w], allow_unused=True)
    emit("allow_unused", r)
""")
case("agrad_input_no_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    c = torch.tensor([1., 1.])
    z = (x * c).sum()
    emit_raises("input without grad", lambda: torch.autograd.grad(z, [x, c]))
""")
case("agrad_output_no_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    emit_raises("output without grad", lambda: torch.autograd.grad(torch.ones(2).sum(), x))
""")
case("agrad_nonscalar_output", """
    x = torch.tensor([1., 2.], requires_grad=True)
    emit_raises("no grad_outputs", lambda: torch.autograd.grad(x * 2, x))
""")
case("agrad_create_graph", """
    x = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    emit("repr(g)", repr(g))
    emit("g", g)
    (g2,) = torch.autograd.grad(g, x)
    emit("repr(g2)", repr(g2))
    emit("g2", g2)
""")
case("agrad_third_order", """
    x = torch.tensor([1.5], requires_grad=True)
    y = torch.sin(x) * x
    (g1,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (g2,) = torch.autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = torch.autograd.grad(g2.sum(), x)
    emit("g1", g1)
    emit("g2", g2)
    emit("g3", g3)
""")
case("agrad_second_call_error", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    torch.autograd.grad(y, x)
    emit_raises("second grad", lambda: torch.autograd.grad(y, x))
""")
case("agrad_retain_graph", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    (a,) = torch.autograd.grad(y, x, retain_graph=True)
    (b,) = torch.autograd.grad(y, x)
    emit("a", a)
    emit("b", b)
""")
case("agrad_nonleaf_input", """
    x = torch.tensor([1., 2.], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    (gh,) = torch.autograd.grad(y, h)
    emit("gh", gh)
    emit("x.grad", x.grad)
""")

# ---------------------------------------------------------------------------------------------
# grad modes
# ---------------------------------------------------------------------------------------------
case("mode_no_grad_ctx", """
    x = torch.tensor([1., 2.], requires_grad=True)
    emit("enabled outside", torch.is_grad_enabled())
    with torch.no_grad():
        emit("enabled inside", torch.is_grad_enabled())
        y = x * 2
    emit("after", torch.is_grad_enabled())
    emit("y flags", (y.requires_grad, y.is_leaf, y.grad_fn))
    emit("y", y)
""")
case("mode_no_grad_decorator", """
    x = torch.tensor([1., 2.], requires_grad=True)
    @torch.no_grad()
    def f(t):
        return t * 2, torch.is_grad_enabled()
    y, enabled = f(x)
    emit("inside", enabled)
    emit("y.requires_grad", y.requires_grad)
    emit("after", torch.is_grad_enabled())
    @torch.no_grad
    def g(t):
        return t * 3
    emit("bare decorator", g(x).requires_grad)
""")
case("mode_enable_grad_inside_no_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        with torch.enable_grad():
            y = x * 2
            emit("inner enabled", torch.is_grad_enabled())
        z = x * 2
        emit("back to disabled", torch.is_grad_enabled())
    emit("y.requires_grad", y.requires_grad)
    emit("z.requires_grad", z.requires_grad)
    @torch.enable_grad()
    def f(t):
        return t * 2
    with torch.no_grad():
        w = f(x)
    emit("decorated enable_grad", w.requires_grad)
""")
case("mode_set_grad_enabled_fn", """
    x = torch.tensor([1., 2.], requires_grad=True)
    torch.set_grad_enabled(False)
    emit("disabled", torch.is_grad_enabled())
    y = x * 2
    torch.set_grad_enabled(True)
    emit("enabled", torch.is_grad_enabled())
    z = x * 2
    emit("y.requires_grad", y.requires_grad)
    emit("z.requires_grad", z.requires_grad)
""")
case("mode_set_grad_enabled_ctx", """
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.set_grad_enabled(False):
        emit("inside", torch.is_grad_enabled())
        y = x * 2
    emit("after", torch.is_grad_enabled())
    with torch.set_grad_enabled(True):
        z = x * 2
    emit("y.requires_grad", y.requires_grad)
    emit("z.requires_grad", z.requires_grad)
    with torch.no_grad():
        with torch.set_grad_enabled(True):
            w = x * 2
        emit("restored to disabled", torch.is_grad_enabled())
    emit("w.requires_grad", w.requires_grad)
""")
case("mode_no_grad_restores_on_error", """
    def f():
        with torch.no_grad():
            raise ValueError("boom")
    emit_raises("raise inside", f)
    emit("enabled", torch.is_grad_enabled())
""")
case("mode_inference_mode", """
    x = torch.tensor([1., 2.], requires_grad=True)
    emit("outside", torch.is_inference_mode_enabled())
    with torch.inference_mode():
        emit("inside", torch.is_inference_mode_enabled())
        emit("grad enabled inside", torch.is_grad_enabled())
        y = x * 2
    emit("after", torch.is_inference_mode_enabled())
    emit("y flags", (y.requires_grad, y.is_leaf, y.grad_fn))
    emit("y.is_inference", y.is_inference())
    emit("x.is_inference", x.is_inference())
    emit("y", y)
""")
case("mode_inference_tensor_in_autograd", """
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.inference_mode():
        c = torch.tensor([3., 4.]) * 1
    emit_raises("save inference tensor", lambda: x * c)
    emit("clone ok", (c.clone() * x).sum())
    emit_raises("requires_grad outside", lambda: c.requires_grad_())
    emit_raises("inplace outside", lambda: c.add_(1))
""")
case("mode_inference_views_of_inference_tensors", """
    a = torch.ones(3, requires_grad=True)
    with torch.inference_mode():
        x = torch.ones(3)
        v, d, w = a.view(3), a.detach(), x[1:]
    emit("made inside", (x.is_inference(), v.is_inference(), d.is_inference(), w.is_inference()))
    emit("views outside", (x.view(3).is_inference(), x[:2].is_inference(),
                           x.detach().is_inference(), x.requires_grad_(False).is_inference()))
""")
case("mode_inference_mode_decorator", """
    @torch.inference_mode()
    def f(t):
        return t * 2, torch.is_grad_enabled()
    x = torch.tensor([1.], requires_grad=True)
    y, enabled = f(x)
    emit("inside", enabled)
    emit("y.requires_grad", y.requires_grad)
    with torch.inference_mode(False):
        emit("inference_mode(False)", torch.is_inference_mode_enabled())
""")

# ---------------------------------------------------------------------------------------------
# grad_fn names and next_functions
# ---------------------------------------------------------------------------------------------
case("gfn_arith", """
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., 4.], requires_grad=True)
    for name, t in [("a+b", a + b), ("a-b", a - b), ("a*b", a * b), ("a/b", a / b),
                    ("a+1", a + 1), ("a-1", a - 1), ("a*2", a * 2), ("a/2", a / 2),
                    ("-a", -a), ("1-a", 1 - a), ("2/a", 2 / a), ("2*a", 2 * a), ("1+a", 1 + a)]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
""")
case("gfn_pow", """
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., 4.], requires_grad=True)
    for name, t in [("a**2", a ** 2), ("a**b", a ** b), ("2**a", 2 ** a),
                    ("a.pow(2)", a.pow(2)), ("torch.pow(a, b)", torch.pow(a, b)),
                    ("a**0.5", a ** 0.5)]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " value", t)
""")
case("gfn_const_operand", """
    a = torch.tensor([1., 2.], requires_grad=True)
    c = torch.tensor([3., 4.])
    emit("a*c nf", nf((a * c).grad_fn))
    emit("c*a nf", nf((c * a).grad_fn))
    emit("c+a nf", nf((c + a).grad_fn))
    emit("a.grad_fn", a.grad_fn)
    emit("c.grad_fn", c.grad_fn)
""")
case("gfn_accumulate_grad", """
    a = torch.tensor([1., 2.], requires_grad=True)
    y = a * 2
    acc = y.grad_fn.next_functions[0][0]
    emit("acc", acc)
    emit("acc.variable is a", acc.variable is a)
    emit("acc.next_functions", acc.next_functions)
    emit("name()", acc.name())
""")
case("gfn_name_method", """
    a = torch.tensor([1., 2.], requires_grad=True)
    emit("mul", (a * 2).grad_fn.name())
    emit("sum", a.sum().grad_fn.name())
    emit("str", str((a * 2).grad_fn))
""")
case("gfn_matmul_forms", """
    rs = np.random.RandomState(2)
    def T(*shape):
        return torch.tensor(rs.randn(*shape).astype(np.float32).tolist(), requires_grad=True)
    v3, v3b, m23, m34, b234, b245, m43 = T(3), T(3), T(2, 3), T(3, 4), T(2, 3, 4), T(2, 4, 5), T(4, 3)
    for name, t in [("1d@1d", v3 @ v3b), ("2d@1d", m23 @ v3), ("1d@2d", v3 @ m34),
                    ("2d@2d", m23 @ m34), ("3d@3d", b234 @ b245), ("3d@2d", b234 @ m43),
                    ("torch.matmul", torch.matmul(m23, m34))]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " shape", tuple(t.shape))
    t = v3 @ m34
    emit("1d@2d nf nf", nf(t.grad_fn.next_functions[0][0]))
""")
case("gfn_matmul_grads", """
    rs = np.random.RandomState(3)
    def T(*shape):
        return torch.tensor(rs.randn(*shape).astype(np.float32).tolist(), requires_grad=True)
    v, m, b1, b2 = T(3), T(3, 4), T(2, 2, 3), T(2, 3, 4)
    (v @ m).sum().backward()
    emit("v.grad", v.grad)
    emit("m.grad", m.grad)
    (b1 @ b2).sum().backward()
    emit("b1.grad", b1.grad)
    emit("b2.grad", b2.grad)
""")
case("gfn_mm_mv_dot", """
    m = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    v = torch.tensor([1., -1.], requires_grad=True)
    for name, t in [("mm", torch.mm(m, m)), ("mv", torch.mv(m, v)), ("dot", torch.dot(v, v)),
                    ("m.mm", m.mm(m)), ("v.dot", v.dot(v))]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " value", t)
""")
case("gfn_transpose_family", """
    m = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    b = torch.ones(2, 3, 4, requires_grad=True)
    for name, t in [(".t()", m.t()), (".T", m.T), ("transpose", m.transpose(0, 1)),
                    ("torch.t", torch.t(m)), ("permute", b.permute(2, 0, 1)),
                    (".mT", b.mT)]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " shape", tuple(t.shape))
""")
case("gfn_view_reshape", """
    m = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    for name, t in [("view", m.view(3, 2)), ("view(-1)", m.view(-1)), ("reshape", m.reshape(6)),
                    ("reshape noncontig", m.t().reshape(6)), ("flatten", m.flatten()),
                    ("view_as", m.view_as(torch.zeros(3, 2)))]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " value", t)
""")
case("gfn_squeeze_unsqueeze_expand", """
    x = torch.ones(1, 3, 1, requires_grad=True)
    v = torch.tensor([1., 2., 3.], requires_grad=True)
    for name, t in [("squeeze()", x.squeeze()), ("squeeze(0)", x.squeeze(0)),
                    ("unsqueeze(0)", v.unsqueeze(0)), ("expand", v.expand(2, 3)),
                    ("expand_as", v.expand_as(torch.zeros(4, 3))),
                    ("torch.squeeze dim", torch.squeeze(x, 2))]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " shape", tuple(t.shape))
    v.expand(2, 3).sum().backward()
    emit("v.grad", v.grad)
""")
case("gfn_indexing", """
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    m = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    idx = torch.tensor([0, 2, 2])
    for name, t in [("x[0]", x[0]), ("x[1:3]", x[1:3]), ("x[:, None]", x[:, None]),
                    ("x[None]", x[None]), ("x[idx]", x[idx]), ("m[0]", m[0]), ("m[:, 1]", m[:, 1]),
                    ("m[0, 1]", m[0, 1]), ("x[-1]", x[-1]), ("x[::2]", x[::2]),
                    ("x[mask]", x[x > 2])]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " value", t)
""")
case("gfn_index_grads", """
    x = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    idx = torch.tensor([0, 2, 2])
    (x[idx] * torch.tensor([1., 2., 3.])).sum().backward()
    emit("gather-like", x.grad)
    x.grad = None
    (x[1:3].sum() + x[::2].sum() * 2 + x[-1]).backward()
    emit("slices", x.grad)
""")
case("gfn_reductions", """
    m = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    for name, t in [("sum()", m.sum()), ("sum(0)", m.sum(0)), ("sum(dim=1, keepdim)", m.sum(dim=1, keepdim=True)),
                    ("mean()", m.mean()), ("mean(1)", m.mean(1)), ("torch.sum", torch.sum(m)),
                    ("max()", m.max()), ("prod()", m.prod())]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " value", t)
""")
case("gfn_unary", """
    x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    for name, t in [("exp", x.exp()), ("log", torch.log(x)), ("sigmoid", x.sigmoid()),
                    ("tanh", torch.tanh(x)), ("relu", torch.relu(x - 1)), ("sqrt", x.sqrt()),
                    ("abs", (x - 1).abs()), ("clone", x.clone()), ("to(float64)", x.to(torch.float64)),
                    ("double()", x.double()), ("sin", x.sin()), ("F.relu", torch.nn.functional.relu(x)),
                    ("square", x.square()), ("reciprocal", x.reciprocal())]:
        emit(name, t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
        emit(name + " value", t)
""")
case("gfn_unary_grads", """
    x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    outs = [x.exp(), torch.log(x), x.sigmoid(), torch.tanh(x), torch.relu(x - 1), x.sqrt(),
            (x - 1).abs(), x.to(torch.float64)]
    for i, t in enumerate(outs):
        x.grad = None
        t.sum().backward()
        emit("grad %d" % i, x.grad)
""")
case("gfn_to_same_dtype", """
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.to(torch.float32)
    emit("same object", y is x)
    z = x.float()
    emit("float() same object", z is x)
    d = x.to(torch.float64)
    emit("dtype", d.dtype)
    d.sum().backward()
    emit("x.grad dtype", x.grad.dtype)
    emit("x.grad", x.grad)
""")
case("gfn_losses", """
    rs = np.random.RandomState(4)
    z = torch.tensor(rs.randn(3).astype(np.float32).tolist(), requires_grad=True)
    y = torch.tensor([0., 1., 1.])
    F = torch.nn.functional
    bce = F.binary_cross_entropy_with_logits(z, y)
    mse = F.mse_loss(z, y)
    logits = torch.tensor(rs.randn(2, 4).astype(np.float32).tolist(), requires_grad=True)
    ce = F.cross_entropy(logits, torch.tensor([1, 3]))
    for name, t in [("bce", bce), ("mse", mse), ("ce", ce)]:
        emit(name, t)
        emit(name + " grad_fn", t.grad_fn)
        emit(name + " nf", nf(t.grad_fn))
    emit("ce nf nf", nf(ce.grad_fn.next_functions[0][0]))
    (bce + mse + ce).backward()
    emit("z.grad", z.grad)
    emit("logits.grad", logits.grad)
""")
case("gfn_tutorial_graph", """
    rs = np.random.RandomState(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor(rs.randn(5, 3).astype(np.float32).tolist(), requires_grad=True)
    b = torch.tensor(rs.randn(3).astype(np.float32).tolist(), requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    emit("z.grad_fn", f"Gradient function for z = {z.grad_fn}")
    emit("loss.grad_fn", f"Gradient function for loss = {loss.grad_fn}")
    emit("z nf", str(z.grad_fn.next_functions))
    emit("z nf nf", nf(z.grad_fn.next_functions[0][0]))
    emit("z nf nf nf", nf(z.grad_fn.next_functions[0][0].next_functions[0][0]))
    emit("loss nf", nf(loss.grad_fn))
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    emit("out.grad_fn", out.grad_fn)
    emit("out nf", nf(out.grad_fn))
    emit("out nf nf", nf(out.grad_fn.next_functions[0][0]))
""")
case("gfn_manual_call", """
    a = torch.tensor([3.], requires_grad=True)
    O = 5 * a ** 2
    emit("str(O.grad_fn)", str(O.grad_fn))
    emit("str(next_functions)", str(O.grad_fn.next_functions))
    temp = torch.tensor([1.])
    r1 = O.grad_fn(temp)
    emit("O.grad_fn(temp)", r1)
    emit("str(O.grad_fn(temp))", str(r1))
    r2 = O.grad_fn.next_functions[0][0](temp)
    emit("next_functions[0][0](temp)", r2)
    emit("str(next_functions[0][0](temp))", str(r2))
""")
case("gfn_leaf_and_constant", """
    a = torch.tensor([1., 2.], requires_grad=True)
    c = torch.tensor([1., 2.])
    emit("leaf grad_fn", a.grad_fn)
    emit("const grad_fn", c.grad_fn)
    emit("const result grad_fn", (c * 2).grad_fn)
    emit("detached grad_fn", (a * 2).detach().grad_fn)
    emit("is_leaf", (a.is_leaf, c.is_leaf, (a * 2).is_leaf, (c * 2).is_leaf))
""")
case("gfn_multi_output", """
    x = torch.tensor([[1., 5.], [4., 2.]], requires_grad=True)
    vals, idx = x.max(dim=1)
    emit("vals", vals)
    emit("idx", idx)
    emit("vals.grad_fn", vals.grad_fn)
    emit("idx flags", (idx.requires_grad, idx.grad_fn))
    vals.sum().backward()
    emit("x.grad", x.grad)
    a, b = torch.tensor([1., 2., 3., 4.], requires_grad=True).split(2)
    emit("split grad_fn", (a.grad_fn, b.grad_fn))
""")
case("gfn_cat_stack", """
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3.], requires_grad=True)
    c = torch.cat([a, b])
    s = torch.stack([a, a * 2])
    emit("cat", c)
    emit("cat.grad_fn", c.grad_fn)
    emit("cat nf", nf(c.grad_fn))
    emit("stack", s)
    emit("stack.grad_fn", s.grad_fn)
    (c.sum() + s.sum()).backward()
    emit("a.grad", a.grad)
    emit("b.grad", b.grad)
""")

# ---------------------------------------------------------------------------------------------
# printed forms
# ---------------------------------------------------------------------------------------------
case("repr_leaf_requires_grad", """
    emit("1-d", repr(torch.tensor([1., 1.], requires_grad=True)))
    emit("0-d", repr(torch.tensor(2.5, requires_grad=True)))
    emit("f64", repr(torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)))
    emit("str", str(torch.tensor([1., 1.], requires_grad=True)))
""")
case("repr_grad_fn", """
    x = torch.tensor([2., 2.], requires_grad=True)
    emit("mul", repr(x * 2))
    emit("str", str(x * 2))
    emit("sum", repr((x * 2).sum()))
    emit("mean", repr(x.mean()))
    emit("f64", repr(x.double() * 2))
    emit("view", repr(x.view(2, 1)))
""")
case("repr_dtypes", """
    emit("float32", repr(torch.tensor([1.5, 2.0])))
    emit("float64", repr(torch.tensor([1.5, 2.0], dtype=torch.float64)))
    emit("int64", repr(torch.tensor([1, 2])))
    emit("int32", repr(torch.tensor([1, 2], dtype=torch.int32)))
    emit("bool", repr(torch.tensor([True, False])))
    emit("float16", repr(torch.tensor([0.5, 2.0], dtype=torch.float16)))
    emit("uint8", repr(torch.tensor([1, 255], dtype=torch.uint8)))
""")
case("repr_0d", """
    emit("float", repr(torch.tensor(3.)))
    emit("float frac", repr(torch.tensor(0.25)))
    emit("int", repr(torch.tensor(3)))
    emit("bool", repr(torch.tensor(True)))
    emit("f64", repr(torch.tensor(1.5, dtype=torch.float64)))
    emit("sum", repr(torch.tensor([1, 2, 3]).sum()))
""")
case("repr_empty", """
    emit("tensor([])", repr(torch.tensor([])))
    emit("zeros(0, 3)", repr(torch.zeros(0, 3)))
    emit("int empty", repr(torch.tensor([], dtype=torch.int64)))
    emit("f64 empty", repr(torch.zeros(0, dtype=torch.float64)))
    emit("shape", tuple(torch.zeros(0, 3).shape))
""")
case("repr_2d_result", """
    m = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    emit("m", repr(m))
    emit("m @ m", repr(m @ m))
    emit("m.t()", repr(m.t()))
    emit("int 2d", repr(torch.tensor([[1, 2], [3, 40]])))
""")
case("repr_no_grad_result", """
    x = torch.tensor([2., 3.], requires_grad=True)
    with torch.no_grad():
        y = x * 2
    emit("y", repr(y))
    emit("detach", repr(x.detach()))
    emit("grad", repr(torch.autograd.grad((x * x).sum(), x)[0]))
""")
case("repr_size_dtype_objects", """
    x = torch.zeros(2, 3)
    emit("str(shape)", str(x.shape))
    emit("repr(shape)", repr(x.shape))
    emit("size()", str(x.size()))
    emit("size(1)", x.size(1))
    emit("shape == tuple", x.shape == (2, 3))
    emit("str(dtype)", str(x.dtype))
    emit("repr(dtype)", repr(torch.int64))
    emit("dtype obj", x.dtype)
    emit("dtype eq", (x.dtype == torch.float32, torch.float == torch.float32, torch.long == torch.int64))
    emit("dim/numel", (x.dim(), x.ndim, x.numel()))
""")

# ---------------------------------------------------------------------------------------------
# dtype promotion and inference
# ---------------------------------------------------------------------------------------------
case("dtype_int_plus_float_scalar", """
    t = torch.tensor([1, 2])
    emit("int + 1.5", t + 1.5)
    emit("int * 2", t * 2)
    emit("1.5 * int", 1.5 * t)
    emit("int32 + 1", torch.tensor([1], dtype=torch.int32) + 1)
    emit("int32 + 1.5", torch.tensor([1], dtype=torch.int32) + 1.5)
    emit("f16 + 1.5", torch.tensor([1.], dtype=torch.float16) + 1.5)
    emit("f64 * 2.5", torch.tensor([1.], dtype=torch.float64) * 2.5)
""")
case("dtype_zero_dim_promotion", """
    f32 = torch.ones(2)
    emit("f32 + f64 0-d", f32 + torch.tensor(1., dtype=torch.float64))
    emit("f32 + f64 1-d", f32 + torch.ones(2, dtype=torch.float64))
    emit("int64 + f64 0-d", torch.tensor([1, 2]) + torch.tensor(1.5, dtype=torch.float64))
    emit("int32 + int64 0-d", torch.tensor([1], dtype=torch.int32) + torch.tensor(1))
    emit("f16 + f32 0-d", torch.ones(1, dtype=torch.float16) + torch.tensor(1.))
    emit("f16 + f32 1-d", torch.ones(1, dtype=torch.float16) + torch.ones(1))
""")
case("dtype_int64_plus_float32", """
    emit("int64 + f32", torch.tensor([1, 2]) + torch.tensor([0.5, 0.5]))
    emit("int32 * f64", torch.tensor([1, 2], dtype=torch.int32) * torch.tensor([0.5, 0.5], dtype=torch.float64))
    emit("int32 + int64", torch.tensor([1], dtype=torch.int32) + torch.tensor([1]))
    emit("uint8 + int8", torch.tensor([1], dtype=torch.uint8) + torch.tensor([1], dtype=torch.int8))
    emit("promote_types", torch.promote_types(torch.int32, torch.float16))
    emit("result_type", torch.result_type(torch.tensor([1]), 1.0))
""")
case("dtype_bool_arith", """
    b = torch.tensor([True, False])
    emit("bool + 1", b + 1)
    emit("bool + 1.5", b + 1.5)
    emit("bool + bool", b + b)
    emit("bool * int tensor", b * torch.tensor([3, 4]))
    emit("bool & bool", b & torch.tensor([True, True]))
    emit("~bool", ~b)
""")
case("dtype_true_division", """
    a = torch.tensor([1, 2, 7])
    emit("int / int", a / torch.tensor([2, 4, 2]))
    emit("int / 2", a / 2)
    emit("int // 2", a // 2)
    emit("int % 3", a % 3)
    emit("torch.div floor", torch.div(a, 2, rounding_mode="floor"))
    emit("bool / bool", torch.tensor([True]) / torch.tensor([True]))
""")
case("dtype_comparisons", """
    x = torch.tensor([1., 2., 3.])
    emit("x > 2", x > 2)
    emit("x == tensor", x == torch.tensor([1., 0., 3.]))
    emit("int >= float", torch.tensor([1, 2]) >= 1.5)
    emit("ne", x != 2)
    emit("requires_grad of comparison", (torch.tensor([1.], requires_grad=True) > 0).requires_grad)
""")
case("dtype_reductions", """
    emit("sum int", torch.tensor([1, 2, 3]).sum())
    emit("sum int32", torch.tensor([1, 2], dtype=torch.int32).sum())
    emit("sum bool", torch.tensor([True, False, True]).sum())
    emit("sum f16", torch.tensor([1., 2.], dtype=torch.float16).sum())
    emit("sum dtype=", torch.tensor([1, 2]).sum(dtype=torch.float32))
    emit("max int", torch.tensor([1, 5, 3]).max())
    emit("argmax", torch.tensor([1., 5., 3.]).argmax())
    emit_raises("mean int", lambda: torch.tensor([1, 2]).mean())
    emit("mean float", torch.tensor([1., 2.]).mean())
""")
case("dtype_tensor_inference", """
    emit("nested ints", torch.tensor([[1, 2], [3, 4]]))
    emit("bools", torch.tensor([True, False]))
    emit("mixed int float", torch.tensor([1, 2.5]))
    emit("mixed bool int", torch.tensor([True, 2]))
    emit("float scalar", torch.tensor(3.5))
    emit("int scalar", torch.tensor(3))
    emit("np float64", torch.tensor(np.array([0.1, 0.2])))
    emit("np float32", torch.tensor(np.array([0.1, 0.2], dtype=np.float32)))
    emit("np int32", torch.tensor(np.array([1, 2], dtype=np.int32)))
    emit("np int64 scalar", torch.tensor(np.int64(4)))
    emit("np float64 scalar", torch.tensor(np.float64(0.5)))
    emit("explicit dtype", torch.tensor([1, 2], dtype=torch.float32))
    emit("from tensor list", torch.tensor([torch.tensor(1.), torch.tensor(2.)]))
""")
case("dtype_default", """
    emit("default dtype", torch.get_default_dtype())
    emit("float alias", (torch.float, torch.double, torch.long, torch.int, torch.half))
    emit("is_floating_point", (torch.ones(1).is_floating_point(), torch.tensor([1]).is_floating_point()))
    emit("dtype attrs", (torch.float32.is_floating_point, torch.int64.is_floating_point, torch.float64.itemsize))
""")
case("dtype_factories", """
    emit("ones", torch.ones(2))
    emit("zeros", torch.zeros(2, 1))
    emit("full int", torch.full((2,), 3))
    emit("full float", torch.full((2,), 3.))
    emit("full bool", torch.full((2,), True))
    emit("arange int", torch.arange(5))
    emit("arange float", torch.arange(0., 1., 0.25))
    emit("arange mixed", torch.arange(0, 2, 0.5))
    emit("arange f64", torch.arange(3, dtype=torch.float64))
    emit("linspace", torch.linspace(0, 1, 5))
    emit("eye(3)", torch.eye(3))
    emit("eye(2, 3)", torch.eye(2, 3))
    emit("zeros_like int", torch.zeros_like(torch.tensor([1, 2])))
    emit("ones_like f64", torch.ones_like(torch.zeros(2, dtype=torch.float64)))
    emit("full_like", torch.full_like(torch.zeros(2), 7))
    emit("empty shape", tuple(torch.empty(2, 3).shape))
    emit("empty dtype", torch.empty(2).dtype)
    emit("ones tuple arg", torch.ones((2, 3)).shape == torch.ones(2, 3).shape)
""")
case("dtype_conversions", """
    x = torch.tensor([1.7, -2.3, 0.0])
    emit("long()", x.long())
    emit("int()", x.int())
    emit("bool()", x.bool())
    emit("half()", x.half())
    emit("double()", x.double())
    emit("to(int64)", x.to(torch.int64))
    emit("to(dtype=)", x.to(dtype=torch.float64))
    emit("type_as", torch.tensor([1, 2]).type_as(x))
    emit("float of int", torch.tensor([3, 4]).float())
""")
case("dtype_int_pow", """
    t = torch.tensor([2, 3])
    emit("int ** 2", t ** 2)
    emit("int ** 0.5", t ** 0.5)
    emit("2 ** int", 2 ** t)
    emit("2.0 ** int", 2.0 ** t)
    emit_raises("int ** -1", lambda: t ** -1)
""")
case("dtype_grad_dtype", """
    x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    y = (x * torch.tensor([3., 4.])).sum()
    emit("y dtype", y.dtype)
    y.backward()
    emit("x.grad", x.grad)
    w = torch.tensor([1., 2.], requires_grad=True)
    (w * torch.tensor([1, 2])).sum().backward()
    emit("w.grad", w.grad)
""")

# ---------------------------------------------------------------------------------------------
# shape and conversion errors
# ---------------------------------------------------------------------------------------------
case("shape_broadcast_mismatch", """
    emit_raises("add", lambda: torch.ones(2, 3) + torch.ones(2, 4))
    emit_raises("mul 1-d", lambda: torch.ones(3) * torch.ones(4))
    emit_raises("requires_grad operand", lambda: torch.ones(2, 3, requires_grad=True) - torch.ones(2, 4))
""")
case("shape_broadcast_ok", """
    r = torch.ones(3, 1) + torch.arange(4.)
    emit("r", r)
    x = torch.tensor([[1.], [2.]], requires_grad=True)
    y = torch.tensor([1., 2., 3.], requires_grad=True)
    (x * y).sum().backward()
    emit("x.grad", x.grad)
    emit("y.grad", y.grad)
""")
case("shape_mm_mismatch", """
    a, b = torch.ones(2, 3), torch.ones(4, 5)
    emit_raises("@", lambda: a @ b)
    emit_raises("mm", lambda: torch.mm(a, b))
    emit_raises("matmul", lambda: torch.matmul(a, b))
    emit_raises("2d@1d", lambda: a @ torch.ones(4))
    emit_raises("1d@1d", lambda: torch.ones(3) @ torch.ones(4))
    emit_raises("mv", lambda: torch.mv(a, torch.ones(4)))
    emit_raises("dot", lambda: torch.dot(torch.ones(3), torch.ones(4)))
    emit_raises("mm 1-d", lambda: torch.mm(torch.ones(3), torch.ones(3)))
""")
case("shape_view_invalid", """
    x = torch.arange(6.)
    emit_raises("view(4, 2)", lambda: x.view(4, 2))
    emit_raises("reshape(4, 2)", lambda: x.reshape(4, 2))
    emit_raises("view(-1, -1)", lambda: x.view(-1, -1))
    emit_raises("view(-1, 4)", lambda: x.view(-1, 4))
    emit_raises("noncontiguous view", lambda: x.view(2, 3).t().view(6))
    emit("view(-1, 3)", x.view(-1, 3))
""")
case("shape_index_errors", """
    x = torch.zeros(3)
    m = torch.zeros(2, 3)
    emit_raises("x[5]", lambda: x[5])
    emit_raises("x[-4]", lambda: x[-4])
    emit_raises("m[0, 7]", lambda: m[0, 7])
    emit_raises("m[2]", lambda: m[2])
    emit_raises("too many", lambda: x[0, 0])
    emit_raises("index tensor oob", lambda: x[torch.tensor([0, 3])])
    emit("slice past end", x[1:10])
""")
case("shape_dim_errors", """
    m = torch.zeros(2, 3)
    emit_raises("sum(dim=2)", lambda: m.sum(dim=2))
    emit_raises("transpose(0, 2)", lambda: m.transpose(0, 2))
    emit_raises("squeeze(3)", lambda: m.squeeze(3))
    emit_raises("unsqueeze(4)", lambda: m.unsqueeze(4))
    emit_raises("expand", lambda: torch.ones(3).expand(4))
    emit_raises("cat", lambda: torch.cat([torch.ones(2, 3), torch.ones(2, 4)]))
""")
case("shape_numpy_requires_grad", """
    x = torch.tensor([1., 2.], requires_grad=True)
    emit_raises("numpy()", lambda: x.numpy())
    emit_raises("nonleaf numpy()", lambda: (x * 2).numpy())
    a = x.detach().numpy()
    emit("detach().numpy()", a)
    emit("np dtype", str(a.dtype))
    emit("tolist", x.tolist())
""")
case("shape_scalar_conversions", """
    emit_raises("item multi", lambda: torch.ones(2).item())
    emit_raises("bool multi", lambda: bool(torch.ones(2)))
    emit_raises("float multi", lambda: float(torch.ones(2)))
    emit_raises("int multi", lambda: int(torch.ones(2)))
    emit_raises("if multi", lambda: 1 if torch.tensor([True, False]) else 0)
    emit_raises("item empty", lambda: torch.zeros(0).item())
    emit_raises("bool empty", lambda: bool(torch.zeros(0)))
""")
case("shape_scalar_ok", """
    x = torch.tensor([2.5], requires_grad=True)
    emit("item float", x.item())
    emit("item type", type(x.item()).__name__)
    emit("item int", torch.tensor(7).item())
    emit("item int type", type(torch.tensor(7).item()).__name__)
    emit("item bool", torch.tensor(True).item())
    emit("float()", float(torch.tensor(1.5)))
    emit("int()", int(torch.tensor(2.7)))
    emit("bool()", bool(torch.tensor([0.])))
    emit("tolist 2d", torch.tensor([[1, 2], [3, 4]]).tolist())
    emit("tolist 0d", torch.tensor(3.5).tolist())
""")
case("shape_len", """
    emit("len", len(torch.ones(3, 2)))
    emit_raises("len 0-d", lambda: len(torch.tensor(1.)))
    emit("iter", [t for t in torch.tensor([[1., 2.], [3., 4.]])])
""")

# ---------------------------------------------------------------------------------------------
# small training loops
# ---------------------------------------------------------------------------------------------
case("train_tutorial_sgd", """
    rs = np.random.RandomState(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor(rs.randn(5, 3).astype(np.float32).tolist(), requires_grad=True)
    b = torch.tensor(rs.randn(3).astype(np.float32).tolist(), requires_grad=True)
    lr = 0.1
    losses = []
    for step in range(5):
        z = torch.matmul(x, w) + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
    emit("losses", losses)
    emit("w", w)
    emit("b", b)
    emit("flags", (w.is_leaf, w.requires_grad, w.grad_fn))
    emit("w.grad", w.grad)
""")
case("train_linreg_grad_none", """
    rs = np.random.RandomState(5)
    X = torch.tensor(rs.randn(8, 2).astype(np.float32).tolist())
    Y = X @ torch.tensor([[2.], [-1.]]) + 0.5
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for step in range(5):
        loss = torch.nn.functional.mse_loss(X @ w + b, Y)
        gw, gb = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w.sub_(0.2 * gw)
            b.sub_(0.2 * gb)
        losses.append(loss.item())
    emit("losses", losses)
    emit("w", w)
    emit("b", b)
    emit("w.grad", w.grad)
""")
case("train_manual_data_update", """
    rs = np.random.RandomState(6)
    X = torch.tensor(rs.rand(6, 3).astype(np.float32).tolist())
    t = torch.tensor([0., 1., 1., 0., 1., 0.])
    w = torch.tensor((rs.randn(3) * 0.1).astype(np.float32).tolist(), requires_grad=True)
    for step in range(4):
        p = torch.sigmoid(X @ w)
        loss = -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()
        loss.backward()
        w.data -= 0.5 * w.grad.data
        w.grad = None
        emit("loss %d" % step, loss)
    emit("w", w)
""")


# ---------------------------------------------------------------------------------------------
# findings of the differential fuzzer (one family per case)
# ---------------------------------------------------------------------------------------------
case("fz_mode_set_grad_enabled_decorator", """
    @torch.set_grad_enabled(False)
    def f(x):
        emit("inside", torch.is_grad_enabled())
        return x * 2
    emit("after decorating", torch.is_grad_enabled())
    x = torch.ones(2, requires_grad=True)
    emit("result requires_grad", f(x).requires_grad)
    emit("after call", torch.is_grad_enabled())
    with torch.no_grad():
        @torch.set_grad_enabled(True)
        def g(x):
            return x * 2
        emit("decorated under no_grad", torch.is_grad_enabled())
        emit("g requires_grad", g(x).requires_grad)
    torch.set_grad_enabled(False)
    emit("function form", torch.is_grad_enabled())
    torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        emit("context", torch.is_grad_enabled())
    emit("context exit", torch.is_grad_enabled())
""")
case("fz_mode_inference_mode_false", """
    a = torch.tensor([1., 2.], requires_grad=True)
    with torch.inference_mode():
        with torch.inference_mode(False):
            emit("modes", (torch.is_grad_enabled(), torch.is_inference_mode_enabled()))
            q = a * 3
        emit("back", (torch.is_grad_enabled(), torch.is_inference_mode_enabled()))
    emit("q", q)
    with torch.no_grad():
        with torch.inference_mode(False):
            emit("under no_grad", (torch.is_grad_enabled(), torch.is_inference_mode_enabled()))
    emit("outside", (torch.is_grad_enabled(), torch.is_inference_mode_enabled()))
""")
case("fz_agrad_counts_and_order", """
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    c = torch.tensor([1., 2., 3.])
    y1 = a * 2
    y2 = (a ** 2).sum()
    emit_raises("grad 2 outputs 1 grad_output", lambda: torch.autograd.grad(
        [y1, y2], [a], grad_outputs=[torch.ones_like(y1)]))
    emit_raises("backward 2 tensors 1 gradient", lambda: torch.autograd.backward(
        [y1, y2], [torch.ones_like(y1)]))
    emit_raises("backward 1 tensor 0 gradients", lambda: torch.autograd.backward([y2], []))
    emit("extra gradients are ignored", torch.autograd.grad(
        [y2], [a], grad_outputs=[None, None], retain_graph=True))
    emit_raises("materialize_grads with allow_unused=False", lambda: torch.autograd.grad(
        (a * 2).sum(), [a, c], allow_unused=False, materialize_grads=True))
    emit_raises("backward inputs not requiring grad", lambda: (a * 2).sum().backward(
        inputs=[a, c]))
    emit("a.grad", a.grad)
""")
case("fz_bw_inputs_nonleaf_and_unused", """
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([3., 4.], requires_grad=True)
    c = torch.tensor([5., 6.], requires_grad=True)
    h = a * b
    y = (h * b).sum()
    y.backward(inputs=[h, a], retain_graph=True)
    emit("h.grad", h.grad)
    emit("h.retains_grad", h.retains_grad)
    emit("a.grad", a.grad)
    emit("b.grad", b.grad)
    y.backward(inputs=[c, b])
    emit("unused c.grad", c.grad)
    emit("b.grad 2", b.grad)
    emit("h.grad 2", h.grad)
    s = torch.tensor(2., requires_grad=True)
    k = s * s + 1
    t = k.tanh()
    t.backward(inputs=[c, k])
    emit("k.grad", k.grad)
    emit("s.grad", s.grad)
""")
case("fz_agrad_hooks", """
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    x.register_hook(lambda g: g * 2)
    emit("leaf hook", torch.autograd.grad((x * x).sum(), x))
    y = x * 1
    y.register_hook(lambda g: g * 10)
    emit("non-leaf hook on the path", torch.autograd.grad(y.sum(), [x, y]))
    a = torch.tensor([1., 2.], requires_grad=True)
    m = a * 1
    m.register_hook(lambda g: g * 10)
    y3 = (m * m).sum()
    emit("hooked input alone", torch.autograd.grad(y3, [m], retain_graph=True))
    emit("hooked input and a leaf past it", torch.autograd.grad(y3, [m, a], retain_graph=True))
    y3.backward(inputs=[m])
    emit("backward inputs hooked", m.grad)
    log = []
    b = torch.tensor([3., 4.], requires_grad=True)
    h2 = a * 2
    h2.register_hook(lambda g: log.append("h2"))
    k2 = b * 3
    k2.register_hook(lambda g: log.append("k2"))
    y2 = (h2 * k2).sum()
    torch.autograd.grad(y2, [a], retain_graph=True)
    emit("hooks run on the path only", log)
    h = a * 2
    h.retain_grad()
    k = b * 3
    k.retain_grad()
    torch.autograd.grad((h * k).sum(), [a])
    emit("retained on the path", h.grad)
    emit("retained off the path", k.grad)
""")
case("fz_hook_misuse", """
    def myhook(g):
        return torch.ones(7)
    a = torch.ones(3, requires_grad=True)
    b = a * 2
    b.register_hook(myhook)
    emit_raises("wrong size", lambda: b.sum().backward())
    b = a * 2
    b.register_hook(lambda g: 3)
    emit_raises("returns an int", lambda: b.sum().backward())
    b = a * 2
    b.register_hook(lambda g: g.double())
    emit_raises("changes the dtype", lambda: b.sum().backward(retain_graph=True))
    a2 = torch.ones(3, requires_grad=True)
    a2.register_hook(lambda g: torch.ones(2))
    emit_raises("leaf hook wrong size", lambda: (a2 * 2).sum().backward())
    emit_raises("leaf hook wrong size, grad()", lambda: torch.autograd.grad((a2 * 2).sum(), a2))
""")
case("fz_agrad_reach", """
    L = torch.tensor([1., 2., 3.], requires_grad=True)
    t = L.detach().requires_grad_()
    emit("detached alias is not an edge", torch.autograd.grad(t.sum(), [L, t], allow_unused=True))
    x = torch.tensor([1., 2.], requires_grad=True)
    w = torch.tensor([3., 4.], requires_grad=True)
    g, = torch.autograd.grad((x * w).sum(), [x], create_graph=True)
    emit("g", g)
    emit_raises("d(g)/dx: not used", lambda: torch.autograd.grad(g.sum(), x, retain_graph=True))
    emit("d(g)/dw", torch.autograd.grad(g.sum(), w))
    a0 = torch.tensor([1., 2.], requires_grad=True)
    a1 = torch.tensor([3., 4.], requires_grad=True)
    emit_warns("create_graph", lambda: (a0 * a1).sum().backward(create_graph=True))
    g0 = a0.grad
    a0.grad = None
    g0.sum().backward()
    emit("a0.grad not reached", a0.grad)
    emit("a1.grad", a1.grad)
    a = torch.tensor([1., -2.], requires_grad=True)
    b = torch.tensor([[3.]], requires_grad=True)
    y = torch.where(a > 0, b, a).sum()
    ga, = torch.autograd.grad(y, [a], create_graph=True)
    emit("grad through a comparison only", (ga, ga.requires_grad, ga.grad_fn))
""")
case("fz_agrad_unreached_runs_nothing", """
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([1., 2.], requires_grad=True)
    y = (a.exp() * a).sum()
    emit("unreached", torch.autograd.grad(y, [b], allow_unused=True))
    emit_raises("unreached, not allowed", lambda: torch.autograd.grad(y, [b]))
    y.backward()
    emit("graph not freed", a.grad)
    y2 = (a * a * a).sum()
    with torch.no_grad():
        a.add_(1)
    emit("no version check", torch.autograd.grad(y2, [b], allow_unused=True))
    a1 = torch.tensor([[1.], [2.], [3.]], dtype=torch.float64, requires_grad=True)
    a0 = torch.tensor([[1.]], dtype=torch.float64, requires_grad=True)
    y3 = (torch.mul(torch.maximum(a1, a1), -a1) + torch.maximum(a1, a1)).sum()
    emit_raises("one unused", lambda: torch.autograd.grad(y3, [a1, a0]))
    emit_raises("graph was freed by it", lambda: y3.backward())
""")
case("fz_agrad_leaf_updated_after_use", """
    w = torch.tensor([1., 2.], requires_grad=True)
    c = torch.tensor([-1., 5.])
    y = torch.where(c > 0, w, c).sum()
    with torch.no_grad():
        w.mul_(3)
    y.backward()
    emit("backward", w.grad)
    w2 = torch.tensor([1., 2.], requires_grad=True)
    y2 = (w2 * 2 + 1).sum()
    with torch.no_grad():
        w2.sub_(0.5)
    emit("grad", torch.autograd.grad(y2, [w2], retain_graph=True))
    z = y2 + (w2 * 3).sum()
    emit("both versions", torch.autograd.grad(z, [w2]))
""")
case("fz_version_unrelated_backward", """
    L = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
    t = L.tanh()
    t.mul_(2)
    u = t.detach() * 1
    u.add_(1)
    L.sum().backward()
    emit("L.grad", L.grad)
    t2 = L.tanh()
    v = t2.detach() * 1
    (L * 2).sum().backward()
    emit("tanh not freed", L.grad)
    t2.sum().backward()
    emit("then through tanh", L.grad)
""")
case("fz_version_views", """
    def attempt(name, fn):
        a = torch.tensor([1., 2., 3., 4.], requires_grad=True)
        def run():
            y = fn(a)
            y.sum().backward()
            return a.grad
        emit_raises(name, run)
    def base_after_view(a):
        b = a * 1
        v = b[1:]
        y = v * v
        b.add_(1)
        return y
    attempt("base changed after a view was saved", base_after_view)
    def view_after_base(a):
        b = a * 1
        y = b * b
        b[1:].add_(1)
        return y
    attempt("view changed after the base was saved", view_after_base)
    def view_written(a):
        b = a * 1
        v = b[1:]
        y = v * v
        v.add_(1)
        return y
    attempt("saved view changed through itself", view_written)
    def detach_of_view(a):
        b = a * 1
        v = b.view(2, 2)
        y = v * v
        v.detach().add_(1)
        return y
    attempt("detach of a saved view changed", detach_of_view)
    def inplace_on_view_then_base(a):
        b = a.clone()
        v = b.narrow(0, 1, 2)
        v.sigmoid_()
        b.div_(2)
        return v ** 2
    attempt("sigmoid_ on a view, then base changed", inplace_on_view_then_base)
    def no_grad_base(a):
        b = a * 1
        v = b[:2]
        y = v.exp()
        with torch.no_grad():
            b.mul_(2)
        return y * v
    attempt("no_grad write to a base of a saved view", no_grad_base)
""")


case("fz_grad_attribute", """
    a = torch.tensor([1., 2.], requires_grad=True)
    y = a * 2
    y.grad = torch.ones(2)
    emit_warns("assigned grad of a non-leaf reads back", lambda: y.grad)
    emit_warns("unset grad of a non-leaf warns", lambda: (a * 3).grad)
    d = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
    emit_raises("dtype and size wrong: dtype first", lambda: setattr(d, "grad", torch.ones(5)))
    emit_raises("size wrong", lambda: setattr(d, "grad", torch.ones(5, dtype=torch.float64)))
    (a * a).sum().backward()
    emit("grad", a.grad)
    del a.grad
    emit("after del", a.grad)
""")
case("fz_scalar_conversion_warning", """
    a = torch.tensor([1.5, 2.], requires_grad=True)
    emit_warns("int() does not warn", lambda: int(a[1]))
    emit_warns("item() does not warn", lambda: a[0].item())
    emit_warns("float() warns", lambda: float(a[0] * 2))
    emit_warns("once per process", lambda: float(a[0]))
    emit_warns("no grad, no warning", lambda: float(torch.tensor(2.)))
""")
case("fz_select", """
    a = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    emit("method", a.select(0, 1))
    emit("function", torch.select(a, 1, 0))
    emit("negative", a.select(0, -1))
    emit("keywords", torch.select(a, dim=1, index=1))
    emit_raises("out of range", lambda: a.select(0, 2))
    emit_raises("negative out of range", lambda: a.select(1, -3))
    emit_raises("bad dim", lambda: a.select(2, 0))
    emit_raises("0-d", lambda: torch.tensor(1.).select(0, 0))
    s = a.select(1, 1) * 2
    s.sum().backward()
    emit("grad", a.grad)
""")
case("fz_index_0d", """
    z = torch.tensor(1.)
    emit_raises("int", lambda: z[0])
    emit_raises("slice", lambda: z[:])
    emit("None", z[None])
    emit("Ellipsis", z[...])
    emit_raises("two ints", lambda: z[0, 0])
""")
case("fz_getitem_alias_names", """
    a = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    x = a * 1
    emit("x[...]", type(x[...].grad_fn).__name__)
    emit("x[:]", type(x[:].grad_fn).__name__)
    emit("x[:, :]", type(x[:, :].grad_fn).__name__)
    emit("x[0:2,]", type(x[0:2, ].grad_fn).__name__)
    emit("x[..., :]", type(x[..., :].grad_fn).__name__)
    emit("x[None]", type(x[None].grad_fn).__name__)
    v = x[...]
    v.mul_(2)
    emit("alias is a view", x)
""")
case("fz_setitem", """
    a = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    w = torch.tensor(0.5, requires_grad=True)
    def gf(code, value):
        x = a * 1
        exec(code, {"x": x, "v": value, "torch": torch})
        return (type(x.grad_fn).__name__, nf(x.grad_fn), x)
    emit("x[...] = 0.5", gf("x[...] = v", 0.5))
    emit("x[...] = 0-d", gf("x[...] = v", torch.tensor(0.5)))
    emit("x[...] = w", gf("x[...] = v", w))
    emit("x[0] = 0.5", gf("x[0] = v", 0.5))
    emit("x[:] = 0.5", gf("x[:] = v", 0.5))
    emit("x[:, :] = 0.5", gf("x[:, :] = v", 0.5))
    emit("x[0] = w", gf("x[0] = v", w))
    emit("x[0] = row", gf("x[0] = v", torch.tensor([5., 6.])))
    emit("x[None] = t", gf("x[None] = v", torch.ones(1, 2, 2)))
    emit("x[[0]] = 1.5", gf("x[[0]] = v", 1.5))
    emit("x[0] = leading ones", gf("x[0] = v", torch.ones(1, 1, 2)))
    emit("x[0] = int tensor", gf("x[0] = v", torch.ones(2, dtype=torch.int64)))
    emit("x[False] = 3", gf("x[False] = v", 3.))
    t = torch.zeros(1, 3)
    t[0] = torch.ones(1, 3)
    emit("t", t)
    x = a * 1
    emit_raises("expand fails", lambda: x.__setitem__(0, torch.ones(3)))
    emit_raises("too many dims", lambda: x.__setitem__(0, torch.ones(2, 2)))
    emit_raises("index_put broadcast", lambda: x.__setitem__([0], torch.ones(3)))
    emit_raises("index_put dtype", lambda: x.__setitem__([0], torch.ones(2, dtype=torch.int64)))
    c = torch.zeros(3, 2)
    emit_raises("index_put 0-d float64", lambda: c.__setitem__([0, 2], torch.tensor(1.5, dtype=torch.float64)))
    c[torch.tensor([[True, False], [False, True], [False, False]])] = torch.tensor(2., dtype=torch.float64)
    emit("mask fill 0-d float64", c)
    c[[0, 2]] = torch.ones(1, 2)
    emit("index_put leading one", c)
    L = torch.tensor([1., 2., 3.], requires_grad=True)
    emit_raises("leaf[...] =", lambda: L.__setitem__(Ellipsis, 2.0))
    emit_raises("leaf[0] =", lambda: L.__setitem__(0, 2.0))
    emit_raises("leaf[:] =", lambda: L.__setitem__(slice(None), 2.0))
""")
case("fz_inplace_names_and_messages", """
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    t = a * 2
    t.fill_(0.25)
    emit("fill_(scalar)", (type(t.grad_fn).__name__, nf(t.grad_fn)))
    u = a * 2
    u.fill_(torch.tensor(0.5))
    emit("fill_(0-d)", (type(u.grad_fn).__name__, nf(u.grad_fn)))
    emit_raises("fill_(1-d)", lambda: (a * 2).fill_(torch.ones(3)))
    w = a * 2
    w.copy_(torch.tensor(0.5))
    emit("copy_(0-d)", type(w.grad_fn).__name__)
    d = torch.ones(3, dtype=torch.float64, requires_grad=True)
    y = a * 1
    y += d
    emit("f32 += f64", (y.dtype, type(y.grad_fn).__name__, nf(y.grad_fn)))
    y.sum().backward()
    emit("grads", (a.grad, d.grad))
    emit_raises("copy_ broadcast", lambda: torch.zeros(2, 1).copy_(torch.ones(3)))
    emit_raises("copy_ more dims", lambda: torch.zeros(3).copy_(torch.ones(2, 3)))
    emit_raises("copy_ mismatch", lambda: torch.zeros(2, 3).copy_(torch.ones(4, 3)))
    emit_raises("add_ broadcast", lambda: torch.zeros(3).add_(torch.ones(2, 3)))
    emit_raises("expand", lambda: torch.zeros(2, 1).expand(3))
    x = a * 1
    x.tanh_()
    y = (x * x).sum()
    x.mul_(2)
    emit_raises("nearest node is checked first", lambda: y.backward())
""")


case("fz_hooks_and_inplace", """
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    b = a * 1
    b.register_hook(lambda g: g + 1)
    b.mul_(3)
    (b * 2).sum().backward(); emit("before", (a.grad)); a.grad = None
    h = a * 1
    h.retain_grad()
    h.mul_(2)
    (h * 3).sum().backward(); emit("retain_grad moves to the new version", (h.grad, a.grad)); a.grad = None
    # hook registered after in-place
    b = a * 1
    b.mul_(3)
    b.register_hook(lambda g: g + 1)
    (b * 2).sum().backward(); emit("after", (a.grad)); a.grad = None
    # hooks before and after
    b = a * 1
    b.register_hook(lambda g: g * 10)
    b.add_(1)
    b.register_hook(lambda g: g + 1)
    (b * 2).sum().backward(); emit("both", (a.grad)); a.grad = None
    # remove old hook after in-place
    b = a * 1
    h = b.register_hook(lambda g: g * 10)
    b.add_(1)
    h.remove()
    (b * 2).sum().backward(); emit("removed", (a.grad)); a.grad = None
    # no_grad in-place keeps hooks
    b = a * 1
    b.register_hook(lambda g: g * 10)
    with torch.no_grad():
        b.add_(1)
    (b * 2).sum().backward(); emit("nograd", (a.grad)); a.grad = None
    # retain_grad then no_grad in-place
    b = a * 1
    b.retain_grad()
    with torch.no_grad():
        b.add_(1)
    (b * 2).sum().backward(); emit("retain nograd", (b.grad, a.grad)); a.grad = None
    # view retain_grad then base in-place
    b = a * 1
    v = b[1:]
    v.retain_grad()
    b.mul_(2)
    (v * 3).sum().backward(); emit("view retain base inplace", (v.grad, a.grad)); a.grad = None
    # view hook then base in-place
    b = a * 1
    v = b[1:]
    v.register_hook(lambda g: g * 100)
    b.mul_(2)
    (v * 3).sum().backward(); emit("view hook base inplace", (a.grad)); a.grad = None
    # base hook then in-place on view
    b = a * 1
    b.register_hook(lambda g: g * 100)
    b[1:].mul_(2)
    (b * 3).sum().backward(); emit("base hook view inplace", (a.grad)); a.grad = None
    # retain_grad base then in-place on view
    b = a * 1
    b.retain_grad()
    b[1:].mul_(2)
    (b * 3).sum().backward(); emit("base retain view inplace", (b.grad, a.grad)); a.grad = None
    # hooks on leaf modified under no_grad
    c = torch.tensor([1., 2.], requires_grad=True)
    c.register_hook(lambda g: g * 2)
    y = (c * 2).sum()
    with torch.no_grad(): c.add_(1)
    z = (c * 3).sum()
    (y + z).backward(); emit("leaf two versions", (c.grad))
    # retain_grad twice backward accumulate
    b = a * 2
    b.retain_grad()
    (b * b).sum().backward(retain_graph=True)
    (b * b).sum().backward()
    emit("retain accum", (b.grad))
    # retain_grad then detach_
    b = a * 2
    b.retain_grad()
    b2 = b * 1
    b.detach_()
    b2.sum().backward(); emit("retain then detach_", (b.grad, b.requires_grad))
""")
case("fz_detach_in_place", """
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    b = a * 1
    z = (b * b).sum()
    b.detach_()
    emit_raises("saved tensor detached in place", lambda: z.backward())
    emit("b", (b.requires_grad, b.is_leaf, b.grad_fn))
    c = torch.tensor([1., 2.], requires_grad=True)
    (c * c).sum().backward()
    y2 = c * 2
    c.detach_()
    emit("leaf after detach_", (c.grad, c.requires_grad, c.is_leaf))
    (y2 + c).sum().backward()
    emit("old graph does not accumulate", c.grad)
    d = a * 2
    e = d * 3   # does not save d
    d.detach_()
    e.sum().backward()
    emit("not saved: fine", a.grad)
""")


case("fz_inference_mode_views_inplace", """
    x = torch.tensor([1., 2., 3.])
    with torch.inference_mode():
        v = x.view(-1)
        d = x.detach()
        s = x[1:]
        n = x * 2
        emit("made inside", (v.is_inference(), d.is_inference(), s.is_inference(),
                             n.is_inference(), x.is_inference()))
        x.add_(1)
        emit("in-place on a normal tensor", x.is_inference())
        s.mul_(2)
        emit("in-place on a view", (x.is_inference(), s.is_inference(), x))
    emit("after", (v.is_inference(), s.is_inference()))
    v.tanh_()
    emit("x", x)
    w = torch.tensor([1., 2.], requires_grad=True)
    buf = torch.tensor([1., 2.])
    with torch.inference_mode():
        buf.add_(1)
        it = torch.ones(2)
    emit("buf, it", (buf.is_inference(), it.is_inference()))
    y = (torch.maximum(buf, w) * w).sum()
    y.backward()
    emit("w.grad", w.grad)
    emit_raises("inference tensor saved", lambda: (torch.maximum(it, w) * w).sum().backward())
    with torch.inference_mode():
        it.add_(1)
        emit("it", it)
        emit("view of an inference tensor", it[0].is_inference())
    a0 = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    with torch.inference_mode():
        t = a0.detach()
    emit("detach in inference mode", t.is_inference())
    (a0 * 2).sum().backward()
    emit("a0.grad", a0.grad)
""")


case("fz_aliases_and_views", """
    def tr(name, f):
        emit_raises(name, f)
    def fl(name, t):
        emit(name, (t.requires_grad, t.is_leaf, t.grad_fn))
    L = torch.tensor([1., 2., 3.], requires_grad=True)
    w = torch.tensor(2., requires_grad=True)
    for mkt in ["L.detach()", "L.data", "torch.zeros(3)", "L.detach()[1:]", "(L*1).detach()"]:
        t = eval(mkt)
        t[0] = w * 3
        fl(mkt, t)
        emit("p1", (" next", [type(f).__name__ if f else None for f, _ in t.grad_fn.next_functions]))
        t.sum().backward()
        emit("p2", (" grads", w.grad, L.grad, L))
        w.grad = None
    L = torch.tensor([1., 2., 3.], requires_grad=True)
    t = L.detach()
    t.add_(w)
    fl("add_", t)
    t.sum().backward(); emit("p3", (w.grad, L.grad, L)); w.grad = None
    # further writes to base after alias got history
    L2 = torch.tensor([1., 2., 3.], requires_grad=True)
    t = L2.detach()
    t.mul_(w)
    with torch.no_grad():
        L2.add_(10)
    emit("p4", ("t after base write", t, t.grad_fn))
    (t * 1).sum().backward(); emit("p5", (w.grad)); w.grad = None
    # b24
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    t5 = a * 1
    t6 = t5.detach().requires_grad_()
    t5[0] = 10.0
    emit("p6", (t6, t6.is_leaf))
    with torch.no_grad():
        t6[1] = 20.
    emit("p7", (t5))
    (t6 * 2).sum().backward(); emit("p8", (t6.grad, a.grad))
    tr("inplace on leaf alias", lambda: t6.add_(1))
    tr("inplace on view of leaf alias", lambda: t6[0].add_(1))
    # b13 no_grad views
    L = torch.tensor([1., 2., 3.], requires_grad=True)
    with torch.no_grad():
        v = L[1:]
        v2 = L.view(3)
    fl("v", v)
    y = (v * 2).sum()
    fl("y", y)
    emit("p9", ([type(f).__name__ if f else None for f, _ in y.grad_fn.next_functions]))
    y.backward(); emit("p10", (L.grad, v.grad))
    u = v[0]
    fl("u view of nograd view", u)
    tr("inplace nograd view", lambda: v.add_(1))
    tr("inplace view of nograd view", lambda: u.mul_(2))
    with torch.no_grad():
        v2.mul_(2)
    emit("p11", (L))
    tr("grad_fn after", lambda: v2.grad_fn)
    tr("is_leaf after", lambda: v2.is_leaf)
    tr("repr after", lambda: repr(v2))
    emit("p12", (v2.requires_grad))
    tr("v grad_fn after other view write", lambda: v.grad_fn)
    x = torch.zeros(3)
    with torch.no_grad():
        xv = x[1:]
    tr("nograd view of plain inplace grad", lambda: xv.add_(w))
    # split
    a = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    b = a.clone()
    ps = b.split(2)
    tr("split inplace", lambda: ps[1].mul_(2))
    tr("split view inplace", lambda: ps[1][0].mul_(2))
    tr("unbind inplace", lambda: b.unbind()[2].add_(1))
    tr("chunk inplace", lambda: b.chunk(2)[0].add_(1))
    with torch.no_grad():
        ps[0].mul_(2)
    tr("split grad_fn after nograd", lambda: ps[0].grad_fn)
    tr("split[1] grad_fn after nograd", lambda: ps[1].grad_fn)
    c = torch.zeros(4)
    cs = c.split(2)
    cs[0].add_(1); emit("p13", ("no grad split ok", c, cs[0].grad_fn))
    # c02 names
    a = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    b = a * 1
    v = b[0]; w2 = b.view(-1)
    b.mul_(2)
    fl("v", v); fl("w2", w2)
    emit("p14", ([type(f).__name__ for f, _ in v.grad_fn.next_functions]))
    u = (a * 1)[:, 1:]
    u.mul_(2); fl("u", u)
    b = a * 1
    v = b[0]
    with torch.no_grad(): b.mul_(2)
    fl("v after nograd", v)
    b = a * 1
    v = b[0]
    v2 = v[1:]
    b[1].add_(1)
    fl("v", v); fl("v2", v2)
    (v2 * v).sum().backward(); emit("p15", (a.grad)); a.grad = None
    # expand
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    tr("expand add_", lambda: (a * 1).expand(2, 3).add_(1))
    e = (a*1).expand(2,3)
    e.fill_(1.); fl("fill expand", e)
""")
case("fz_data_assign_keeps_old_views", """
    w = torch.tensor([1., 2.], requires_grad=True)
    v = w.unsqueeze(0)
    d = w.detach()
    w.data = torch.tensor([5., 6.])
    emit("old view", v)
    emit("old detach", d)
    emit("w", w)
    v2 = w.unsqueeze(0)
    with torch.no_grad():
        w.mul_(2)
    emit("new view follows", v2)
    emit("old view does not", v.detach())
    (v * 3).sum().backward()
    emit("grad through the old view", w.grad)
    p = torch.tensor([1., 2., 3.], requires_grad=True)
    for step in range(3):
        loss = (p * p).sum()
        loss.backward()
        p.data = p.data - 0.1 * p.grad
        p.grad = None
    emit("loop", p)
""")


case("fz_data_after_save", """
    def tr(name, f):
        emit_raises(name, lambda: emit(name, f()))
    def run(name, body):
        a = torch.tensor([1., 2., 3., 4.], requires_grad=True)
        w = torch.tensor([0.5, -1., 2., 3.], requires_grad=True)
        def f():
            y = body(a, w)
            y.sum().backward()
            return (a.grad, w.grad)
        tr(name, f)
    def leaf_saved(a, w):
        y = a * w
        a.data.mul_(2)
        return y
    run("leaf saved by mul", leaf_saved)
    def leaf_sin(a, w):
        y = a.sin() * 1
        a.data.add_(1)
        return y
    run("leaf saved by sin", leaf_sin)
    def view_saved(a, w):
        b = a * 1
        v = b[1:]
        y = v * v
        b.data.add_(1)
        return y
    run("view saved", view_saved)
    def data_of_view(a, w):
        b = a * 1
        y = b * w
        b[1:].data.mul_(3)
        return y
    run("data of a view", data_of_view)
    def out_saved(a, w):
        b = a.exp()
        y = b * 1
        b.data.zero_()
        return y
    def then_normal(a, w):
        b = a * 1
        y = b * b
        b.data.add_(1)
        b.add_(1)
        return y
    run("data then normal write", then_normal)
    def detach_write(a, w):
        b = a * 1
        y = b * b
        b.detach().add_(1)
        return y
    run("detach write", detach_write)
    def matmul_data(a, w):
        m = a.view(2, 2)
        y = m @ w.view(2, 2)
        w.data.mul_(-1)
        return y
    run("matmul", matmul_data)
    def twice(a, w):
        y = a * w
        a.data.mul_(2)
        z = a * w
        w.data.add_(1)
        return y + z
    run("twice", twice)
    a = torch.tensor([1., 2.], requires_grad=True)
    d = a.data
    emit("versions", (d._version, a._version))
    d.add_(1)
    emit("versions after", (d._version, a._version))
    b = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    p = b * 1
    q = p.exp()
    r = q * 2
    p.data.zero_()
    r.sum().backward()
    emit("not saved by exp", b.grad)
""")


case("fz_create_graph_names", """
    def nm(t): return type(t.grad_fn).__name__ if t.grad_fn is not None else None
    a = torch.tensor([1., -2.], requires_grad=True)
    b = torch.tensor([[3.]], requires_grad=True)
    x = torch.tensor([1., 2.], requires_grad=True)
    cases = {
     "where a": lambda: torch.where(a > 0, b, a * a).sum(),
     "mul": lambda: (x * x).sum(),
     "mul3": lambda: (x * 3).sum(),
     "pow": lambda: (x ** 3).sum(),
     "exp": lambda: x.exp().sum(),
     "sin": lambda: x.sin().sum(),
     "tanh": lambda: x.tanh().sum(),
     "div": lambda: (1 / x).sum(),
     "mean": lambda: (x * x).mean(),
     "matmul": lambda: (x @ x),
     "sigmoid": lambda: torch.sigmoid(x).sum(),
     "relu": lambda: torch.relu(x * x).sum(),
     "log": lambda: x.log().sum(),
    }
    for k, f in cases.items():
        ins = [a, b] if k.startswith("where") else [x]
        gs = torch.autograd.grad(f(), ins, create_graph=True, allow_unused=True)
        emit("p1", (k, [nm(g) if g is not None else "none" for g in gs], [g.requires_grad if g is not None else None for g in gs]))
    a0 = torch.tensor(0.3, requires_grad=True); a1 = torch.tensor(0.7); a2 = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    y = ((a1).add((a2 + torch.mul(a0, a1)), alpha=0.5)).tanh().sum()
    emit("p2", ([nm(g) for g in torch.autograd.grad(y, [a2, a0], create_graph=True)]))
    y = a1.sub(a2 * 3, alpha=2).sum()
    emit("p3", ([nm(g) for g in torch.autograd.grad(y, [a2], create_graph=True)]))
    b0 = torch.tensor([1., -2.], requires_grad=True); b1 = torch.tensor([3., 4.], requires_grad=True)
    y = (torch.mul(torch.where(b0 > 0, b1, b0), b1.clone()) + ((1.5 - b1) - (-b1))).sum()
    emit("p4", ([nm(g) for g in torch.autograd.grad(y, [b0, b1], create_graph=True, grad_outputs=torch.tensor(2.0))]))
""")


# ---------------------------------------------------------------------------------------------
# harness: run one snippet and collect its records (used by generator and test alike)
# ---------------------------------------------------------------------------------------------
_ADDR = re.compile(r" object at 0x[0-9a-fA-F]+")
_TRIGGERED = " (Triggered internally at"


def clean_text(s):
    s = _ADDR.sub("", s)
    i = s.find(_TRIGGERED)
    return s[:i] if i >= 0 else s


def _tensor_values(t):
    t = t.detach()
    try:
        arr = np.asarray(t.numpy())
    except Exception:  # noqa: BLE001  (e.g. bfloat16 in torch)
        arr = np.asarray(t.tolist())
    if arr.dtype == np.bool_:
        return arr.tolist()
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64).tolist()
    return arr.astype(np.float64).tolist()


def encode(torch, v):
    if v is None:
        return {"k": "none"}
    if isinstance(v, (bool, np.bool_)):
        return {"k": "bool", "v": bool(v)}
    if isinstance(v, (int, np.integer)):
        return {"k": "int", "v": int(v)}
    if isinstance(v, (float, np.floating)):
        return {"k": "float", "v": float(v)}
    if isinstance(v, str):
        return {"k": "str", "v": clean_text(v)}
    if isinstance(v, torch.dtype):
        return {"k": "dtype", "v": str(v)}
    if isinstance(v, torch.Tensor):
        return {"k": "tensor", "shape": [int(s) for s in v.shape], "dtype": str(v.dtype),
                "v": _tensor_values(v), "requires_grad": bool(v.requires_grad),
                "is_leaf": bool(v.is_leaf),
                "grad_fn": None if v.grad_fn is None else type(v.grad_fn).__name__}
    if isinstance(v, np.ndarray):
        return {"k": "ndarray", "shape": list(v.shape), "dtype": str(v.dtype),
                "v": v.astype(np.float64).tolist()}
    if isinstance(v, (list, tuple)):
        return {"k": "list" if isinstance(v, list) else "tuple", "v": [encode(torch, x) for x in v]}
    if hasattr(v, "next_functions"):
        return {"k": "node", "v": type(v).__name__}
    raise TypeError("cannot encode emitted value of type %s" % type(v).__name__)


def nf(node):
    return [(None if f is None else type(f).__name__, i) for f, i in node.next_functions]


def run_case(torch, code, warnings_as_errors=True):
    """Execute one snippet; return (records, crash) where crash is None or a traceback string."""
    records = []

    def emit(name, value):
        records.append([name, encode(torch, value)])

    def emit_raises(name, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            records.append([name, {"k": "exc", "type": type(e).__name__, "msg": clean_text(str(e))}])
            return
        records.append([name, {"k": "exc", "type": None, "msg": None}])

    def emit_warns(name, fn):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ret = fn()
        ws = [[w.category.__name__, clean_text(str(w.message))] for w in caught]
        records.append([name, {"k": "warns", "warnings": ws, "ret": encode(torch, ret)}])

    g = {"__name__": "__semantics_case__", "torch": torch, "np": np, "emit": emit,
         "emit_raises": emit_raises, "emit_warns": emit_warns, "nf": nf}
    crash = None
    try:
        with warnings.catch_warnings():
            if warnings_as_errors:
                warnings.simplefilter("error")
            exec(compile(code, "<case>", "exec"), g)
    except Exception:  # noqa: BLE001
        crash = traceback.format_exc(limit=-6)
    finally:
        try:
            torch.set_grad_enabled(True)
        except Exception:  # noqa: BLE001
            pass
    return records, crash
