"""Execute the notebooks afresh and write them with their outputs.

    .venv/bin/python notebooks/refresh.py              # every notebook
    .venv/bin/python notebooks/refresh.py 03 04        # those whose names start so

Each notebook's source of truth is its paired text, `NN_name.py` (jupytext percent format);
the `.ipynb` beside it is written from that text and the outputs of a fresh run, in a new
kernel that runs this interpreter (`sys.executable`, so the venv's facade). The tests
(tests/test_notebooks.py) use the same functions: they execute each notebook again and
compare the outputs with the committed ones, apart from cells tagged `timing` (outputs not
compared), object addresses (`0x...`) and rendered pictures (compared by size; a graph's
DOT text is compared exactly).
"""
from __future__ import annotations

import base64
import copy
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebooks(prefixes=()):
    """Paths of the paired texts `NN_*.py`, in order (those starting with a prefix)."""
    names = sorted(f for f in os.listdir(HERE) if re.match(r"^\d\d_.*\.py$", f))
    if prefixes:
        names = [n for n in names if any(n.startswith(p) for p in prefixes)]
    return [os.path.join(HERE, n) for n in names]


def read_text(path):
    """The notebook of a paired text file, with no outputs."""
    import jupytext
    nb = jupytext.read(path)
    for i, cell in enumerate(nb.cells):     # stable ids: a refresh changes only what changed
        cell.id = f"cell-{i:02d}"
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    return nb


def _state_dir():
    """Where kernels keep IPython's profile and matplotlib's font cache: inside the venv
    (kept between runs), or a temporary directory when that is not writable."""
    d = os.path.join(sys.prefix, "var", "facade-notebooks")
    try:
        os.makedirs(d, exist_ok=True)
        if os.access(d, os.W_OK):
            return d
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="facade-notebooks-")


def kernel_manager_class(runtime_dir):
    """A KernelManager class whose kernel is `sys.executable -m ipykernel_launcher` (no
    kernel spec is looked up or installed anywhere), with a headless matplotlib (the inline
    backend, which renders with Agg), IPython's state kept in the venv and the connection
    files in `runtime_dir`."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import KernelManager

    state = _state_dir()
    spec = KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name=KERNELSPEC["display_name"], language="python",
        env={"MPLBACKEND": "module://matplotlib_inline.backend_inline",
             "MPLCONFIGDIR": os.path.join(state, "matplotlib"),
             "IPYTHONDIR": os.path.join(state, "ipython"),
             "JUPYTER_PLATFORM_DIRS": "1",
             "PYDEVD_DISABLE_FILE_VALIDATION": "1"})

    class Manager(KernelManager):
        def __init__(self, **kw):
            kw.setdefault("transport", "ipc" if os.name == "posix" else "tcp")
            kw.setdefault("connection_file", os.path.join(runtime_dir, "kernel.json"))
            super().__init__(**kw)

        @property
        def kernel_spec(self):
            return spec

    return Manager


def execute(nb, timeout=600):
    """Run every cell of `nb` (a copy is returned) in a fresh kernel, in this directory;
    raises nbclient's CellExecutionError on the first failing cell."""
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    from nbclient import NotebookClient
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with tempfile.TemporaryDirectory(prefix="facade-nb-") as runtime:
        NotebookClient(nb, kernel_manager_class=kernel_manager_class(runtime),
                       timeout=timeout, record_timing=False, allow_errors=False,
                       resources={"metadata": {"path": HERE}}).execute()
    return coalesce_streams(nb)


def coalesce_streams(nb):
    """Merge consecutive stdout (stderr) outputs of a cell into one: how a cell's printing
    is split into messages depends on when the kernel flushed it."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.outputs:
            if (o.output_type == "stream" and outs and outs[-1].output_type == "stream"
                    and outs[-1].name == o.name):
                outs[-1].text += o.text
            else:
                outs.append(o)
        cell.outputs = outs
    return nb


def _png_size(b64):
    raw = base64.b64decode(b64)
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


def comparable(nb):
    """Per code cell: (source, outputs as compared). Outputs of cells tagged `timing` are
    left out; addresses are masked; PNG pictures are reduced to their size, SVG pictures to
    their presence (their text/plain DOT source is compared)."""
    out = []
    for cell in coalesce_streams(copy.deepcopy(nb)).cells:
        if cell.cell_type != "code":
            continue
        if "timing" in cell.metadata.get("tags", []):
            out.append((cell.source, "timing"))
            continue
        outs = []
        for o in cell.outputs:
            if o.output_type == "stream":
                outs.append(("stream", o.name, ADDRESS.sub("0x...", o.text)))
            elif o.output_type in ("execute_result", "display_data"):
                data = {}
                for mime, v in o.data.items():
                    if mime == "image/png":
                        data[mime] = _png_size(v)
                    elif mime == "image/svg+xml":
                        data[mime] = "<svg>"
                    elif isinstance(v, str):
                        data[mime] = ADDRESS.sub("0x...", v)
                    else:
                        data[mime] = v
                outs.append((o.output_type, data))
            else:
                outs.append((o.output_type, o.get("ename"), o.get("evalue")))
        out.append((cell.source, outs))
    return out


def ipynb_path(py_path):
    return py_path[:-3] + ".ipynb"


def refresh(py_path):
    import nbformat
    t = time.perf_counter()
    nb = execute(read_text(py_path))
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, ipynb_path(py_path))
    return time.perf_counter() - t


def main(argv):
    for path in notebooks(argv):
        dt = refresh(path)
        print(f"{os.path.basename(ipynb_path(path))}: executed and written in {dt:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
