"""Record what real PyTorch prints for the `%%beside_pytorch` cells of a notebook.

    python notebooks/record_pytorch.py [notebooks/01_autograd_tutorial.py]

Run it with an interpreter that has PyTorch (2.13, CPU) and NumPy, e.g. a scratch venv with
`pip install torch==2.13.0 numpy ipython`. It reads the notebook's paired text (jupytext
percent format), runs its code cells in order in one namespace with `import facade as torch`
replaced by `import torch` (the only line the notebook changes), skips IPython magics and
cells tagged `facade-only`, and writes each `%%beside_pytorch KEY` cell's output to
`pytorch_printed.json`. `torch.manual_seed(0)` first, so the recording is reproducible.
"""
from __future__ import annotations

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from beside_pytorch import RECORDED, run_cell  # noqa: E402


def code_cells(path):
    """(tags, source) of each code cell of a jupytext percent-format file, magics uncommented."""
    cells, cur, tags, kind = [], None, [], None
    with open(path) as f:
        lines = f.read().split("\n")
    for line in lines + ["# %%"]:
        m = re.match(r"^# %%( \[(\w+)\])?( tags=(\[.*\]))?\s*$", line)
        if m:
            if cur is not None and kind is None:
                cells.append((tags, "\n".join(cur).strip("\n")))
            cur, kind = [], m.group(2)
            tags = json.loads(m.group(4)) if m.group(4) else []
        elif cur is not None:
            cur.append(line[2:] if re.match(r"^# %", line) else line)
    return cells


def main(path):
    import torch
    try:
        from IPython.lib.pretty import pretty as fmt
    except ImportError:   # pragma: no cover
        fmt = repr
    torch.manual_seed(0)
    ns, out = {"__name__": "__main__"}, {}
    for tags, src in code_cells(path):
        if "facade-only" in tags:
            continue
        key = None
        if src.startswith("%%beside_pytorch"):
            first, _, src = src.partition("\n")
            key = first.split()[1]
        src = "\n".join(line for line in src.split("\n") if not line.startswith("%"))
        src = src.replace("import facade as torch", "import torch")
        text = run_cell(src, ns, fmt=fmt)
        if key is not None:
            out[key] = text
    with open(RECORDED, "w") as f:
        json.dump({"recorded_with": f"torch {torch.__version__}",
                   "notebook": os.path.basename(path), "cells": out}, f, indent=1,
                  ensure_ascii=False)
        f.write("\n")
    print(f"{len(out)} cells recorded in {RECORDED}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "01_autograd_tutorial.py"))
