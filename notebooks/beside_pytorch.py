"""IPython extension: `%%beside_pytorch KEY` shows a cell's output beside PyTorch's.

    %load_ext beside_pytorch

    %%beside_pytorch grad_fn
    print(f"Gradient function for z = {z.grad_fn}")

The cell's code runs unchanged, in the notebook's namespace. What it printed (and the value
of its last expression, as Jupyter would show it) is shown in a left column, and what real
PyTorch 2.13 printed for the same cell in a right column; PyTorch's texts are recorded in
`pytorch_printed.json` by `record_pytorch.py`, which runs this notebook's cells with
`import torch`. The two must be identical apart from object addresses (`0x...`), or the cell
fails. `%%beside_pytorch KEY --random` marks a cell whose numbers come from `torch.randn`:
facade's random stream is not PyTorch's, so both are shown and nothing is compared.
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re

_HERE = os.path.dirname(os.path.abspath(__file__))
RECORDED = os.path.join(_HERE, "pytorch_printed.json")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def masked(text: str) -> str:
    """`text` with object addresses replaced by `0x...`, trailing blanks removed."""
    return "\n".join(line.rstrip() for line in _ADDRESS.sub("0x...", text).strip("\n").split("\n"))


def run_cell(source: str, namespace: dict, fmt=repr) -> str:
    """Run `source` in `namespace`; return what it printed plus `fmt(value)` of its last
    expression (when that is not None), as a notebook shows a cell's output."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)
        value = None if last is None else eval(
            compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    text = out.getvalue()
    if value is not None:
        text += fmt(value) + "\n"
    return text


def side_by_side(left: str, right: str, titles=("facade", "PyTorch 2.13"), width=100) -> str:
    a, b = left.rstrip("\n").split("\n"), right.rstrip("\n").split("\n")
    w = max(len(s) for s in a + [titles[0]])
    if w + 3 + max(len(s) for s in b + [titles[1]]) > width:      # too wide: one above the other
        return "\n".join([f"── {titles[0]}", *a, f"── {titles[1]}", *b])
    rows = [(titles[0], titles[1]), ("─" * w, "─" * max(len(s) for s in b + [titles[1]]))]
    rows += [(a[i] if i < len(a) else "", b[i] if i < len(b) else "")
             for i in range(max(len(a), len(b)))]
    return "\n".join(f"{x:<{w}} │ {y}".rstrip() for x, y in rows)


def _recorded():
    with open(RECORDED) as f:
        return json.load(f)["cells"]


def beside_pytorch(line, cell):
    args = line.split()
    if not args:
        raise ValueError("usage: %%beside_pytorch KEY [--random]")
    key, random = args[0], "--random" in args[1:]
    from IPython import get_ipython
    ip = get_ipython()
    ours = run_cell(cell, ip.user_ns, fmt=lambda v: ip.display_formatter.format(v)[0]["text/plain"])
    theirs = _recorded().get(key)
    if theirs is None:
        print(ours, end="")
        raise KeyError(f"no PyTorch output recorded for {key!r}: run record_pytorch.py")
    print(side_by_side(ours, theirs))
    if random:
        print("(random numbers: facade's stream is not PyTorch's, so the values differ)")
    elif masked(ours) != masked(theirs):
        raise AssertionError(f"cell {key!r}: facade printed something else than PyTorch "
                             f"2.13:\n{ours}\n-- PyTorch 2.13:\n{theirs}")
    else:
        print("✓ identical" + (" (addresses aside)" if _ADDRESS.search(theirs) else ""))


def load_ipython_extension(ip):
    ip.register_magic_function(beside_pytorch, "cell")
