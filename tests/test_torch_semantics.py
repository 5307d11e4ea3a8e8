"""Differential test: PyTorch autograd-core semantics, facade vs. goldens recorded from real torch.

The scenarios live in tests/golden/semantics_cases.py; what real PyTorch emitted for each is in
tests/golden/semantics.json.  This test needs only numpy and facade (not torch): it runs every
scenario with facade bound as `torch` and compares each emitted record with the golden one.
Regenerate the goldens after editing the scenarios (needs torch):

    .venv/bin/python tests/tools/gen_semantics.py

Comparison: kinds, shapes, dtypes, requires_grad / is_leaf / grad_fn names, ints, bools,
strings, exception types and messages, and warning texts are exact; floating values use
rtol 1e-5 / atol 1e-6 (float32 and Python floats), rtol 1e-10 / atol 1e-12 (float64),
rtol 1e-3 (float16), rtol 1e-2 (bfloat16).
"""
import importlib.util
import json
import math
import pathlib

import numpy as np
import pytest

import facade as torch

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / "golden"


def _load_cases():
    spec = importlib.util.spec_from_file_location("semantics_cases", GOLDEN_DIR / "semantics_cases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CASES_MOD = _load_cases()
CASES = CASES_MOD.CASES
GOLDEN = json.loads((GOLDEN_DIR / "semantics.json").read_text())["cases"]

TOLERANCES = {  # dtype -> (rtol, atol)
    "torch.float32": (1e-5, 1e-6),
    "torch.float64": (1e-10, 1e-12),
    "torch.float16": (1e-3, 1e-5),
    "torch.bfloat16": (1e-2, 1e-4),
    "float32": (1e-5, 1e-6),
    "float64": (1e-10, 1e-12),
    "float16": (1e-3, 1e-5),
}
PY_FLOAT_TOL = (1e-5, 1e-6)


def _short(enc, limit=300):
    s = json.dumps(enc)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def _cmp_values(exp, got, dtype, path):
    e = np.asarray(exp, dtype=np.float64)
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError) as ex:
        return ["%s: cannot read values (%s)" % (path, ex)]
    if e.shape != g.shape:
        return ["%s: value array shape %s expected, got %s" % (path, e.shape, g.shape)]
    if dtype in TOLERANCES:
        rtol, atol = TOLERANCES[dtype]
        ok = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    else:  # integer and bool dtypes
        ok = e == g
    ok = np.asarray(ok)
    if ok.all():
        return []
    bad = np.argwhere(~ok)
    idx = tuple(int(i) for i in bad[0])
    return ["%s: values differ at %s: expected %r, got %r (%d/%d bad)\n    expected %s\n    got      %s"
            % (path, list(idx), float(e[idx]), float(g[idx]), len(bad), max(e.size, 1),
               _short(exp, 200), _short(got, 200))]


def compare(exp, got, path):
    """Return a list of mismatch descriptions (empty when equal)."""
    ek, gk = exp["k"], got["k"]
    if ek != gk:
        return ["%s: expected %s %s, got %s %s" % (path, ek, _short(exp, 200), gk, _short(got, 200))]
    if ek == "none":
        return []
    if ek in ("bool", "int", "str", "dtype", "node"):
        if exp["v"] != got["v"]:
            return ["%s: expected %r, got %r" % (path, exp["v"], got["v"])]
        return []
    if ek == "float":
        e, g = exp["v"], got["v"]
        rtol, atol = PY_FLOAT_TOL
        if (math.isnan(e) and math.isnan(g)) or e == g or abs(e - g) <= atol + rtol * abs(e):
            return []
        return ["%s: expected %r, got %r" % (path, e, g)]
    if ek in ("list", "tuple"):
        if len(exp["v"]) != len(got["v"]):
            return ["%s: %s of length %d expected, got %d: %s" % (
                path, ek, len(exp["v"]), len(got["v"]), _short(got, 200))]
        out = []
        for i, (a, b) in enumerate(zip(exp["v"], got["v"])):
            out += compare(a, b, "%s[%d]" % (path, i))
        return out
    if ek == "exc":
        if (exp["type"], exp["msg"]) != (got["type"], got["msg"]):
            fmt = lambda r: "no exception" if r["type"] is None else "%s: %s" % (r["type"], r["msg"])  # noqa: E731
            return ["%s: expected exception\n    %s\n  got\n    %s" % (path, fmt(exp), fmt(got))]
        return []
    if ek == "warns":
        out = []
        if exp["warnings"] != got["warnings"]:
            out.append("%s: expected warnings\n    %s\n  got\n    %s" % (path, exp["warnings"], got["warnings"]))
        return out + compare(exp["ret"], got["ret"], path + " (returned)")
    if ek in ("tensor", "ndarray"):
        out = []
        for key in ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn"):
            if key in exp and exp[key] != got.get(key):
                out.append("%s: %s %r expected, got %r" % (path, key, exp[key], got.get(key)))
        if exp["shape"] == got["shape"]:
            out += _cmp_values(exp["v"], got["v"], exp["dtype"], path)
        return out
    return ["%s: unknown kind %r in golden" % (path, ek)]


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """The goldens were recorded one scenario per process: reset once-per-process state."""
    from facade import _tensor
    from facade.autograd import engine
    engine._warned_cycle.clear()
    _tensor._warned_scalar.clear()
    yield
    torch.set_grad_enabled(True)


@pytest.mark.parametrize("cid,code", CASES, ids=[cid for cid, _ in CASES])
def test_semantics(cid, code):
    if cid not in GOLDEN:
        pytest.fail("no golden for %r: run tests/tools/gen_semantics.py" % cid)
    expected = GOLDEN[cid]
    got, crash = CASES_MOD.run_case(torch, code)
    problems = []
    for i, (name, enc) in enumerate(expected):
        if i >= len(got):
            problems.append("missing emit %r and %d more (the snippet stopped early)" % (name, len(expected) - i - 1))
            break
        gname, genc = got[i]
        if gname != name:
            problems.append("emit #%d: name %r expected, got %r" % (i, name, gname))
            break
        problems += compare(enc, genc, name)
    if len(got) > len(expected):
        problems.append("unexpected extra emit %r" % got[len(expected)][0])
    if crash:
        problems.append("snippet raised:\n" + crash)
    if problems:
        pytest.fail("%s: %d mismatch(es)\n- %s\n--- snippet ---\n%s" % (
            cid, len(problems), "\n- ".join(problems), code), pytrace=False)


def test_goldens_match_cases():
    """Every golden belongs to a current scenario (stale goldens mean a forgotten regeneration)."""
    ids = [cid for cid, _ in CASES]
    assert len(ids) == len(set(ids)), "duplicate scenario ids"
    stale = sorted(set(GOLDEN) - set(ids))
    assert not stale, "goldens without a scenario (regenerate): %s" % stale
