"""Differential test: torch.func, torch.autograd.Function and the device API of a CPU-only
machine, facade vs. goldens recorded from PyTorch 2.13's CPU build.

The scenarios live in tests/golden/func_cases.py, the goldens in
tests/golden/func_semantics.json (regenerate with tests/tools/gen_func_semantics.py, which
needs torch); this test needs only numpy and facade. Records are compared as in
test_torch_semantics.py (values to float tolerance; types, messages and warnings exactly).
"""
import importlib.util
import json
import pathlib

import pytest

import facade as torch

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN_DIR = HERE / "golden"


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CASES = _load(GOLDEN_DIR / "func_cases.py", "func_cases").CASES
RUNNER = _load(GOLDEN_DIR / "semantics_cases.py", "semantics_cases")
COMPARE = _load(HERE / "test_torch_semantics.py", "_torch_semantics").compare
GOLDEN = json.loads((GOLDEN_DIR / "func_semantics.json").read_text())["cases"]
ACCEL = torch.accelerator.is_available()


@pytest.fixture(autouse=True)
def _reset():
    yield
    torch.set_grad_enabled(True)
    torch.set_default_device(None)


@pytest.mark.parametrize("cid,code", CASES, ids=[cid for cid, _ in CASES])
def test_func_semantics(cid, code):
    if ACCEL and cid.startswith(("devices_", "amp_", "device_agnostic")):
        pytest.skip("recorded on a machine without an accelerator")
    if cid not in GOLDEN:
        pytest.fail("no golden for %r: run tests/tools/gen_func_semantics.py" % cid)
    expected = GOLDEN[cid]
    got, crash = RUNNER.run_case(torch, code)
    problems = []
    for i, (name, enc) in enumerate(expected):
        if i >= len(got):
            problems.append("missing emit %r and %d more" % (name, len(expected) - i - 1))
            break
        gname, genc = got[i]
        if gname != name:
            problems.append("emit #%d: name %r expected, got %r" % (i, name, gname))
            break
        problems += COMPARE(enc, genc, name)
    if len(got) > len(expected):
        problems.append("unexpected extra emit %r" % got[len(expected)][0])
    if crash:
        problems.append("snippet raised:\n" + crash)
    if problems:
        pytest.fail("%s: %d mismatch(es)\n- %s\n--- snippet ---\n%s" % (
            cid, len(problems), "\n- ".join(problems), code), pytrace=False)


def test_goldens_match_cases():
    ids = [cid for cid, _ in CASES]
    assert len(ids) == len(set(ids)), "duplicate scenario ids"
    stale = sorted(set(GOLDEN) - set(ids))
    assert not stale, "goldens without a scenario (regenerate): %s" % stale
