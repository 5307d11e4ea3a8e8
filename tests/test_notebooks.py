"""The notebooks of notebooks/: each one executes afresh in a new kernel without an error (a
failing cell fails the test), its committed outputs equal the fresh run's (apart from cells
tagged `timing`, object addresses, and pictures, compared by size; a graph's DOT text is
compared exactly), its .ipynb holds the same cells as its paired .py text, and the README
links it. `python notebooks/refresh.py` rewrites the committed notebooks."""
import importlib.util
import os

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("jupytext")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "notebooks_refresh", os.path.join(ROOT, "notebooks", "refresh.py"))
refresh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(refresh)

PATHS = refresh.notebooks()
NAMES = [os.path.basename(p)[:-3] for p in PATHS]


def _cells(nb):
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_the_five_notebooks_are_there():
    assert NAMES == ["01_autograd_tutorial", "02_imperative_vs_functional",
                     "03_training_with_jit", "04_the_computational_graph",
                     "05_on_accelerators"]


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_paired_small_and_clean(name):
    path = os.path.join(refresh.HERE, name + ".ipynb")
    assert os.path.getsize(path) < 400_000, "keep committed outputs small"
    committed = nbformat.read(path, as_version=4)
    assert _cells(committed) == _cells(refresh.read_text(path[:-6] + ".py")), \
        f"{name}.ipynb and {name}.py differ: run python notebooks/refresh.py {name[:2]}"
    for cell in committed.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, "committed without running it"
            assert all(o.output_type != "error" for o in cell.outputs)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_reproduces_its_outputs(name):
    committed = nbformat.read(os.path.join(refresh.HERE, name + ".ipynb"), as_version=4)
    fresh = refresh.execute(refresh.read_text(os.path.join(refresh.HERE, name + ".py")))
    want, got = refresh.comparable(committed), refresh.comparable(fresh)
    assert len(got) == len(want)
    for (src, w), (_, g) in zip(want, got):
        assert g == w, (f"{name}: the outputs of the cell\n{src}\nchanged "
                        f"(python notebooks/refresh.py {name[:2]} rewrites them):\n"
                        f"committed: {w}\nfresh:     {g}")


def test_readme_links_every_notebook():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    for name in NAMES:
        assert f"(notebooks/{name}.ipynb)" in readme, name
