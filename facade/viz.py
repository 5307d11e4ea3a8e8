"""Pictures of the autograd graph, like torchviz's `make_dot`.

`make_dot(t)` walks `t.grad_fn` and its `next_functions` and returns a `Digraph`: Graphviz
DOT text (`.source`, always available, no extra package), rendered to SVG or PNG by the
Graphviz program when one is installed (`dot`, or the `graphviz-pure` command of the PyPI
package of that name), found on PATH or beside the running Python. In Jupyter the graph
displays as a picture (or as its DOT text when there is no renderer).

    >>> import facade as torch
    >>> from facade.viz import make_dot
    >>> w = torch.randn(5, 3, requires_grad=True)
    >>> loss = (torch.ones(5) @ w).sum()
    >>> dot = make_dot(loss, params={"w": w})
    >>> print(dot.source)        # digraph { ... SumBackward0 ... AccumulateGrad ... }
    >>> dot.pipe("svg")          # bytes of an SVG picture (needs a renderer)

Nodes are drawn as torchviz draws them: the output tensor (green, its shape), one box per
backward function named as `type(grad_fn).__name__` names it (`AddBackward0`,
`AccumulateGrad`), the leaves that require grad (blue, their name from `params` and their
shape) above their `AccumulateGrad`, and the base of an output that is a view (dark green,
dotted edge). Edges point from inputs to the function that consumed them. Node names are
numbered in the order of the walk (not addresses), so the same graph gives the same text.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

__all__ = ["make_dot", "Digraph", "find_renderer", "ExecutableNotFound"]

_RENDERERS = ("dot", "graphviz-pure")


class ExecutableNotFound(RuntimeError):
    """Rendering needs the Graphviz program (`dot` or `graphviz-pure`), which is not there."""


def find_renderer():
    """Path of a Graphviz renderer (`dot`, else `graphviz-pure`) found on PATH or beside
    `sys.executable` (a virtual environment's bin/ that is not on PATH), or None."""
    here = os.path.dirname(os.path.abspath(sys.executable))
    for name in _RENDERERS:
        found = shutil.which(name) or shutil.which(name, path=here)
        if found:
            return found
    return None


def _quote(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(d):
    return " ".join(f"{k}={_quote(v)}" for k, v in d.items())


class Digraph:
    """A directed graph as Graphviz DOT text, in the manner of `graphviz.Digraph`:
    `.source` is the text; `pipe(format)` renders it to bytes; `render(filename)` and
    `save(filename)` write files; Jupyter shows it as SVG (or the text, without renderer)."""

    def __init__(self, name="", graph_attr=None, node_attr=None, edge_attr=None):
        self.name = name
        self.graph_attr = dict(graph_attr or {})
        self.node_attr = dict(node_attr or {})
        self.edge_attr = dict(edge_attr or {})
        self.body = []            # one DOT statement per line, as graphviz.Digraph keeps them
        self._rendered = {}

    def node(self, name, label=None, **attrs):
        if label is not None:
            attrs = {"label": label, **attrs}
        self.body.append(f"\t{_quote(name)}" + (f" [{_attrs(attrs)}]" if attrs else ""))

    def edge(self, tail, head, **attrs):
        self.body.append(f"\t{_quote(tail)} -> {_quote(head)}"
                         + (f" [{_attrs(attrs)}]" if attrs else ""))

    @property
    def source(self) -> str:
        lines = [f"digraph {_quote(self.name)} {{" if self.name else "digraph {"]
        for kind, d in (("graph", self.graph_attr), ("node", self.node_attr),
                        ("edge", self.edge_attr)):
            if d:
                lines.append(f"\t{kind} [{_attrs(d)}]")
        return "\n".join(lines + self.body + ["}"]) + "\n"

    def __str__(self):
        return self.source

    def __repr__(self):
        nodes = sum(1 for s in self.body if " -> " not in s)
        return f"<facade.viz.Digraph: {nodes} nodes, {len(self.body) - nodes} edges>"

    def pipe(self, format="svg", renderer=None) -> bytes:
        """The graph rendered by Graphviz to `format` ("svg", "png", "pdf", ...), as bytes.
        Raises ExecutableNotFound when no renderer is installed."""
        renderer = renderer or find_renderer()
        if renderer is None:
            raise ExecutableNotFound(
                "facade.viz: rendering needs the Graphviz program: install Graphviz (`dot`) "
                "or `pip install graphviz-pure`; the DOT text is in `.source`")
        src = self.source
        key = (renderer, format, src)
        out = self._rendered.get(key)
        if out is None:
            r = subprocess.run([renderer, f"-T{format}"], input=src.encode(),
                               capture_output=True, timeout=120)
            if r.returncode:
                raise RuntimeError(f"facade.viz: {os.path.basename(renderer)} -T{format} "
                                   f"failed: {r.stderr.decode(errors='replace').strip()}")
            out = self._rendered[key] = r.stdout
        return out

    def save(self, filename):
        """Write the DOT text to `filename`; returns the filename."""
        with open(filename, "w") as f:
            f.write(self.source)
        return filename

    def render(self, filename="graph", format="svg"):
        """Render to `filename.format` (as graphviz.Digraph.render does, minus the source
        file); returns the path written."""
        path = f"{filename}.{format}"
        with open(path, "wb") as f:
            f.write(self.pipe(format))
        return path

    # ------------------------------------------------------------------ Jupyter
    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.source}
        if find_renderer() is not None:
            bundle["image/svg+xml"] = self.pipe("svg").decode()
        return bundle

    def _repr_svg_(self):
        return self.pipe("svg").decode() if find_renderer() is not None else None


def _size(shape):
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


def _fn_label(fn, show_attrs, max_attr_chars):
    name = type(fn).__name__
    node = getattr(fn, "_node", None)
    params = getattr(node, "params", ()) if show_attrs else ()
    if not (isinstance(params, tuple) and all(isinstance(p, tuple) and len(p) == 2
                                              and isinstance(p[0], str) for p in params)):
        params = (("params", params),) if params else ()
    if not params:
        return name
    width = max(max_attr_chars, 3)
    attrs = [(k, str(v) if len(str(v)) <= width else str(v)[:width - 3] + "...")
             for k, v in params]
    kw = max(len(k) for k, _ in attrs)
    vw = max(len(v) for _, v in attrs)
    return "\n".join([name, "-" * max(kw + vw + 2, len(name))]
                     + [f"{k:<{kw}}: {v:>{vw}}" for k, v in attrs])


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """The autograd graph that produced `var` (a tensor, or a tuple of tensors) as a
    `Digraph`, as torchviz's `make_dot` draws it.

    params: a dict name -> tensor, to label leaves by name (e.g.
        `dict(model.named_parameters())`).
    show_attrs: list each backward function's static arguments under its name (facade's
        recorded parameters of the op, e.g. `reduction: mean`; PyTorch's torchviz shows the
        `_saved_*` fields instead).
    show_saved: accepted for torchviz compatibility; facade saves no tensors to show (the
        backward pass is the vjp of the recorded forward).

        >>> print(make_dot(torch.ones(2, requires_grad=True).exp().sum()).source)
    """
    from ._tensor import Tensor
    del show_saved
    names = {id(v): k for k, v in (params or {}).items()}
    dot = Digraph(node_attr=dict(style="filled", shape="box", align="left", fontsize="10",
                                 ranksep="0.1", height="0.2", fontname="Courier"),
                  graph_attr=dict(size="12,12"))
    ids = {}        # id(object) -> node name; objects kept alive in `keep` while we walk
    keep = []

    def name_of(obj):
        k = id(obj)
        if k not in ids:
            ids[k] = str(len(ids))
            keep.append(obj)
        return ids[k]

    def tensor_label(t, name=None):
        return f"{name if name is not None else names.get(id(t), '')}\n {_size(t.shape)}"

    seen = set()

    def add_fn(fn):
        if id(fn) in seen:
            return
        seen.add(id(fn))
        me = name_of(fn)
        if hasattr(fn, "variable"):     # AccumulateGrad: the leaf it accumulates into
            leaf = fn.variable
            if leaf is not None:
                seen.add(id(leaf))
                key, label = leaf, tensor_label(leaf)
            else:                       # the tensor is gone (facade holds it weakly)
                key, label = fn._node, f"\n {_size(fn._node.shape)}"
            dot.node(name_of(key), label, fillcolor="lightblue")
            dot.edge(name_of(key), me)
        dot.node(me, _fn_label(fn, show_attrs, max_attr_chars))
        for u, _ in fn.next_functions:
            if u is not None:
                dot.edge(name_of(u), me)
                add_fn(u)

    def add_tensor(t, color="darkolivegreen1"):
        if not isinstance(t, Tensor):
            raise TypeError(f"make_dot: expected a Tensor or a tuple of Tensors, got "
                            f"{type(t).__name__}")
        if id(t) in seen:
            return
        seen.add(id(t))
        dot.node(name_of(t), tensor_label(t), fillcolor=color)
        if t.grad_fn is not None:
            add_fn(t.grad_fn)
            dot.edge(name_of(t.grad_fn), name_of(t))
        base = getattr(t, "_base", None)
        if base is not None:
            add_tensor(base, color="darkolivegreen3")
            dot.edge(name_of(base), name_of(t), style="dotted")

    for v in (var if isinstance(var, (tuple, list)) else (var,)):
        add_tensor(v)
    size = max(12, len(dot.body) * 0.15)     # torchviz's resize_graph
    dot.graph_attr["size"] = f"{size:g},{size:g}"
    return dot
