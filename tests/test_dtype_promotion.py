"""PyTorch's dtype promotion table (recorded by tests/tools/gen_promotion.py with torch
2.13) against facade: result dtype and values, or the exception's type and message, for
add/mul/div/floor_divide/remainder/pow/maximum/eq over all pairs of ten dtypes as
(tensor, tensor), (tensor, 0-d tensor), (0-d tensor, tensor) and (tensor, Python scalar)."""
import json
import pathlib

import numpy as np
import pytest

import facade as torch

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "promotion.json").read_text())
RECORDS = GOLDEN["records"]


def _make(desc):
    kind, v = desc
    if kind == "scalar":
        return v
    dt = getattr(torch, v)
    if kind == "dim":
        vals = GOLDEN["dim_values"]
        return torch.tensor([bool(x) for x in vals] if v == "bool" else vals, dtype=dt)
    z = GOLDEN["zero_value"]
    return torch.tensor(bool(z) if v == "bool" else z, dtype=dt)


def _id(r):
    return "-".join([r["op"]] + [f"{k}:{v}" for k, v in (r["a"], r["b"])])


def _run(r):
    """facade's dtype (or error), and the result as a float64 tensor (still lazy)."""
    try:
        out = getattr(torch, r["op"])(_make(r["a"]), _make(r["b"]))
        return {"dtype": out.dtype.name}, out.double()
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__, "message": str(e)}, None


def test_golden_covers_the_table():
    assert len(RECORDS) == 8 * (10 * 10 * 3 + 10 * 3)
    assert len({_id(r) for r in RECORDS}) == len(RECORDS)


@pytest.mark.parametrize("op", sorted({r["op"] for r in RECORDS}))
def test_promotion_matches_pytorch(op, monkeypatch):
    bad, outs, expected, rtol = [], [], [], []
    for r in RECORDS:
        if r["op"] != op:
            continue
        got, out = _run(r)
        if "error" in r:
            if got.get("error") != r["error"] or got.get("message") != r["message"]:
                bad.append(f"{_id(r)}: expected {r['error']}: {r['message']}, got {got}")
        elif got.get("dtype") != r["dtype"]:
            bad.append(f"{_id(r)}: expected {r['dtype']}, got {got}")
        elif r["b"][0] == "scalar":   # values: the scalar cases (one compile per op)
            outs.append(out)
            expected += r["values"]
            rtol += [1e-2 if r["dtype"] in ("float16", "bfloat16") else 1e-6] * len(r["values"])
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])
    if not outs:   # maximum takes no Python scalar
        return
    # the values of the (tensor, scalar) cases, where casting the scalar can go wrong, in
    # one program (a program per case would take a minute)
    try:
        from facade import config
        monkeypatch.setattr(config, "compile_after", 1)
    except ImportError:  # an engine without tiers compiles every graph whole
        pass
    got = np.asarray(torch.cat(outs).tolist())
    expected = np.asarray(expected)
    off = ~np.isclose(got, expected, rtol=np.asarray(rtol), atol=0, equal_nan=True)
    assert not off.any(), f"values differ at {np.nonzero(off)[0][:20]}: {got[off][:20]}, " \
        f"expected {expected[off][:20]}"
