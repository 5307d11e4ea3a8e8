"""facade.viz: the grad_fn graph as Graphviz DOT (always), rendered where a renderer is
installed; and how tensors, modules and graphs display in IPython / Jupyter."""
import re

import pytest

import facade as torch
import facade.nn.functional as F
from facade import viz
from facade.viz import Digraph, ExecutableNotFound, make_dot


def _tutorial():
    x, y = torch.ones(5), torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y)
    return loss, w, b


def _parse(dot):
    """{name: label}, {name: fillcolor}, [(tail, head, attrs)] of make_dot's DOT text."""
    labels, colors, edges = {}, {}, []
    for line in dot.source.splitlines():
        m = re.match(r'^\t"(\w+)" -> "(\w+)"(?: \[(.*)\])?$', line)
        if m:
            edges.append((m.group(1), m.group(2), m.group(3) or ""))
            continue
        m = re.match(r'^\t"(\w+)" \[label="((?:[^"\\]|\\.)*)"(?: fillcolor="(\w+)")?\]$', line)
        if m:
            labels[m.group(1)] = m.group(2).replace("\\n", "\n")
            if m.group(3):
                colors[m.group(1)] = m.group(3)
    return labels, colors, edges


def test_tutorial_graph_structure():
    loss, w, b = _tutorial()
    dot = make_dot(loss, params={"w": w, "b": b})
    assert isinstance(dot, Digraph)
    src = dot.source
    assert src.startswith("digraph {\n") and src.endswith("}\n")
    labels, colors, edges = _parse(dot)
    by_label = {v: k for k, v in labels.items()}
    # one node per backward function, named as type(grad_fn).__name__ names it
    fns = ["BinaryCrossEntropyWithLogitsBackward0", "AddBackward0", "SqueezeBackward4",
           "MmBackward0"]
    assert type(loss.grad_fn).__name__ == fns[0]
    for name in fns:
        assert name in by_label
    accs = [k for k, v in labels.items() if v == "AccumulateGrad"]
    assert len(accs) == 2
    # leaves (blue) named by params and labelled with their shapes; the output (green)
    assert labels[by_label["w\n (5, 3)"]] and colors[by_label["w\n (5, 3)"]] == "lightblue"
    assert colors[by_label["b\n (3)"]] == "lightblue"
    assert colors[by_label["\n ()"]] == "darkolivegreen1"
    assert len(labels) == 9
    # edges from the inputs to the function that consumed them, ending at the output
    e = {(labels[t], labels[h]) for t, h, _ in edges}
    assert e == {("w\n (5, 3)", "AccumulateGrad"), ("b\n (3)", "AccumulateGrad"),
                 ("AccumulateGrad", "MmBackward0"), ("MmBackward0", "SqueezeBackward4"),
                 ("SqueezeBackward4", "AddBackward0"), ("AccumulateGrad", "AddBackward0"),
                 ("AddBackward0", fns[0]), (fns[0], "\n ()")}
    assert len(edges) == 8
    assert repr(dot) == "<facade.viz.Digraph: 9 nodes, 8 edges>"


def test_the_graph_follows_next_functions():
    loss, w, b = _tutorial()
    labels, _, edges = _parse(make_dot(loss))
    heads = {}
    for t, h, _ in edges:
        heads.setdefault(h, []).append(labels[t])

    def walk(fn):
        if type(fn).__name__ == "AccumulateGrad":
            return
        node = [k for k, v in labels.items() if v == type(fn).__name__][0]
        kids = [type(f).__name__ for f, _ in fn.next_functions if f is not None]
        assert sorted(heads.get(node, [])) == sorted(kids)
        for f, _ in fn.next_functions:
            if f is not None:
                walk(f)
    walk(loss.grad_fn)
    # unnamed leaves show only their shapes
    assert "\n (5, 3)" in labels.values()


def test_names_are_numbers_in_walk_order_so_the_text_is_reproducible():
    a, _, _ = _tutorial()
    b, _, _ = _tutorial()
    assert make_dot(a).source == make_dot(b).source
    assert "0x" not in make_dot(a).source


def test_shared_subgraph_once_tuples_views_and_attrs():
    x = torch.randn(3, 4, requires_grad=True)
    y = x * 2
    z = y + y                         # y's function is drawn once, with two edges to Add
    labels, _, edges = _parse(make_dot(z))
    assert list(labels.values()).count("MulBackward0") == 1
    mul = [k for k, v in labels.items() if v == "MulBackward0"][0]
    assert sum(1 for t, h, _ in edges if t == mul) == 2
    # several outputs
    labels, colors, _ = _parse(make_dot((x.sum(), x.exp())))
    assert sum(1 for c in colors.values() if c == "darkolivegreen1") == 2
    assert {"SumBackward0", "ExpBackward0"} <= set(labels.values())
    # a view: its base is drawn too, with a dotted edge
    labels, colors, edges = _parse(make_dot(x.t()))
    assert any("dotted" in a for _, _, a in edges)
    assert "TBackward0" in labels.values()
    # show_attrs: the op's static arguments under its name
    d = make_dot(x.sum(1), show_attrs=True)
    assert "SumBackward1\\n" in d.source and "dims" in d.source and "(1,)" in d.source
    assert "dims" not in make_dot(x.sum(1)).source
    # a leaf alone, and a tensor with no history
    assert _parse(make_dot(x))[0] == {"0": "\n (3, 4)"}
    assert _parse(make_dot(torch.ones(2)))[0] == {"0": "\n (2)"}
    with pytest.raises(TypeError, match="expected a Tensor"):
        make_dot([1, 2])


def test_without_renderer(monkeypatch):
    monkeypatch.setattr(viz, "find_renderer", lambda: None)
    loss, w, b = _tutorial()
    dot = make_dot(loss)
    assert dot._repr_mimebundle_() == {"text/plain": dot.source}
    assert dot._repr_svg_() is None
    with pytest.raises(ExecutableNotFound, match="graphviz-pure"):
        dot.pipe("svg")


def test_find_renderer_looks_beside_the_interpreter(monkeypatch, tmp_path):
    import os
    import sys
    found = viz.find_renderer()
    if found is None:
        pytest.skip("no Graphviz renderer installed")
    if os.path.dirname(found) == os.path.dirname(os.path.abspath(sys.executable)):
        monkeypatch.setenv("PATH", str(tmp_path))
        assert viz.find_renderer() == found


@pytest.mark.skipif(viz.find_renderer() is None, reason="needs dot or graphviz-pure")
def test_rendered(tmp_path):
    loss, w, b = _tutorial()
    dot = make_dot(loss, params={"w": w, "b": b})
    svg = dot.pipe("svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for name in ("BinaryCrossEntropyWithLogitsBackward0", "AddBackward0", "MmBackward0",
                 "AccumulateGrad"):
        assert name in svg
    assert dot.pipe("png")[:8] == b"\x89PNG\r\n\x1a\n"
    bundle = dot._repr_mimebundle_()
    assert bundle["text/plain"] == dot.source and bundle["image/svg+xml"] == svg
    assert dot._repr_svg_() == svg
    path = dot.render(str(tmp_path / "g"), format="png")
    assert path.endswith("g.png")
    with open(path, "rb") as f:
        assert f.read(4) == b"\x89PNG"
    with open(dot.save(str(tmp_path / "g.dot"))) as f:
        assert f.read() == dot.source
    bad = Digraph()
    bad.body.append("\tthis is not dot {")
    with pytest.raises(RuntimeError, match="failed"):
        bad.pipe("svg")


def test_ipython_display():
    pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter
    fmt = DisplayFormatter()
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert fmt.format(t)[0] == {"text/plain": repr(t)}
    assert fmt.format(t * 2)[0]["text/plain"] == (
        "tensor([[2., 4.],\n        [6., 8.]], grad_fn=<MulBackward0>)")
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
    assert fmt.format(m)[0] == {"text/plain": "Sequential(\n  (0): Linear(in_features=3, "
                                "out_features=4, bias=True)\n  (1): ReLU()\n)"}
    assert fmt.format(torch.Size([2, 3]))[0] == {"text/plain": "torch.Size([2, 3])"}
    assert fmt.format(torch.float32)[0] == {"text/plain": "torch.float32"}
    dot = make_dot(t.sum())
    data = fmt.format(dot)[0]
    assert data["text/plain"] == dot.source
    assert ("image/svg+xml" in data) == (viz.find_renderer() is not None)
