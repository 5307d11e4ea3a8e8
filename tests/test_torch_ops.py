"""The op corpus against PyTorch 2.13's recorded outputs (no torch needed to run it).

Every case of tests/golden/ops_cases.py (about 2,000: each op of the table under its
PyTorch names, as function, method and in-place method, on broadcast, 0-d and empty
tensors, mixed dtypes, Python scalars, keyword arguments, bad shapes and dtypes) ran with
real torch; tests/golden/ops.json holds what it gave. This test runs each case with facade
and compares: exception type and first line of the message; result kind, named-tuple type,
shape, dtype, requires_grad, grad_fn name and values; and the inputs' gradients for a fixed
cotangent. Regenerate after editing the cases (needs torch):

    .venv/bin/python tests/tools/gen_ops_golden.py

KNOWN lists the cases where facade differs on purpose or by a documented limitation (each
with its reason); a KNOWN case that starts to match fails too, so the list stays honest.
"""
import importlib.util
import json
import math
import pathlib

import numpy as np
import pytest

import facade as torch

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("ops_cases", GOLDEN_DIR / "ops_cases.py")
CASES_MOD = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(CASES_MOD)
CASES = {cid: (fn, args, grad) for cid, fn, args, grad in CASES_MOD.CASES}
GOLDEN = json.loads((GOLDEN_DIR / "ops.json").read_text())["cases"]

TOLERANCES = {"torch.float64": (1e-9, 1e-11), "torch.float16": (2e-3, 1e-3),
              "torch.bfloat16": (1e-2, 1e-2), "torch.complex128": (1e-9, 1e-11)}
DEFAULT_TOL = (2e-5, 2e-5)          # float32: XLA and PyTorch's CPU kernels round differently
LOOSE = ("float16", "matmul", "mm", "bmm", "einsum", "tensordot", "linalg", "inv", "det", "solve",
         "cholesky", "qr", "svd", "eig", "pinv", "matrix", "conv", "inner", "kron", "addmm",
         "baddbmm", "addbmm", "addmv", "multi_dot", "norm", "logdet", "slogdet", "nn/linear",
         "nn/bilinear", "cross", "vdot", "dot", "loss/", "nn/")

# case id -> why facade's record differs from PyTorch's (the README's "Differences from
# PyTorch" names the user-visible ones)
_NO_DERIVATIVE = ("PyTorch records a NotImplemented grad_fn and raises in backward; facade's "
                  "gradient is the derivative of the math (zero for floor division)")
KNOWN = {cid: _NO_DERIVATIVE for cid in (
    "floor_divide/bcast", "floor_divide/bcast-0d", "floor_divide/empty", "floor_divide/f32-f64",
    "floor_divide/int-float", "floor_divide/scalar-float", "floor_divide/scalar-first",
    "floor_divide/inplace", "floor_divide/inplace-wider", "floor_divide/kw",
    "floor_divide/float-by-0", "op///tensor-2", "op///2-tensor", "op///tensor-2.5",
    "op///2.5-tensor", "op///tensor-True", "op///True-tensor", "remainder/scalar-first",
    "op%/2-tensor", "op%/2.5-tensor", "op%/True-tensor", "index/scatter/reduce-add",
    "index/scatter/reduce-multiply-value")}
KNOWN["nn/ldexp"] = ("PyTorch's derivative computes 2 ** other in integer arithmetic: 0 for "
                     "a negative integer exponent")
KNOWN["nn/nextafter"] = ("PyTorch records NextafterBackward0 (no derivative); facade's "
                         "nextafter does not require grad")
KNOWN.update({cid: "PyTorch's autograd returns no gradient (None) for the 0-norm; facade's is "
                   "zeros" for cid in ("norm/dim=0", "norm/dim=0-keepdim", "norm/0d-dim0",
                                       "norm/p=0", "norm/p=0-dim", "vector_norm/ord=0",
                                       "vector_norm/ord=0-zeros")})
KNOWN.update({cid: "an in-place op's result-type check comes after the op's own dtype check "
                   "in facade (PyTorch checks the cast first)"
              for cid in ("bitwise_and/inplace-int-float", "bitwise_or/inplace-int-float",
                          "bitwise_xor/inplace-int-float")})
KNOWN.update({f"{n}/inplace-int-float": "x.eq_(y) on an integer x with a float y that requires "
                                        "grad: PyTorch records EqBackward1 on an integer "
                                        "tensor; facade's integer results never require grad"
              for n in ("eq", "ne", "lt", "le", "gt", "ge")})
KNOWN.update({
    "div/bool-bool": "XLA folds convert(bool) / convert(bool) into a select: False / False is 0, "
                     "not nan",
    "op**/True-tensor": "PyTorch fails inside its own backward (an internal assert)",
    "kthvalue/empty": "Python's TypeError wording for a missing argument, not PyTorch's parser's",
    "kthvalue/bool": "Python's TypeError wording for a missing argument, not PyTorch's parser's",
    "max/tuple-dim": "the TypeError lists the arguments as the function form does",
    "topk/nan": "which of tied values' indices is returned is unspecified",
    "mode/nan-dim0-keepdim": "PyTorch's mode of a column holding a nan is its sort's artefact",
})


def _close(exp, got, dtype, loose):
    e = np.asarray(exp, dtype=np.float64)
    g = np.asarray(got, dtype=np.float64)
    if e.shape != g.shape:
        return False
    rtol, atol = TOLERANCES.get(dtype, DEFAULT_TOL)
    if loose:
        rtol, atol = max(rtol, loose), max(atol, loose)
    return bool(np.all(np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)))


def _values_equal(exp, got, dtype, loose):
    if dtype.startswith("torch.float") or dtype.startswith("torch.bfloat") or \
            dtype.startswith("torch.complex"):
        return _close(exp, got, dtype, loose)
    return exp == got


def diff(exp, got, loose):
    """Mismatches between a golden record and facade's (a list of strings)."""
    if "exc" in exp or "exc" in got:
        if exp.get("exc") != got.get("exc"):
            return [f"exception: expected {exp.get('exc')}, got {got.get('exc')}"]
        return []
    out = []
    if exp["type"] != got["type"]:
        out.append(f"result type: expected {exp['type']}, got {got['type']}")
    if len(exp["outs"]) != len(got["outs"]):
        return out + [f"{len(exp['outs'])} results expected, got {len(got['outs'])}"]
    for i, (e, g) in enumerate(zip(exp["outs"], got["outs"])):
        if "py" in e or "py" in g:
            if e != g:
                out.append(f"result {i}: expected {e}, got {g}")
            continue
        for key in ("shape", "dtype", "rg", "grad_fn"):
            if e[key] != g[key]:
                out.append(f"result {i}: {key} expected {e[key]!r}, got {g[key]!r}")
        if e["shape"] == g["shape"] and e["dtype"] == g["dtype"] and \
                not _values_equal(e["v"], g["v"], e["dtype"], loose):
            out.append(f"result {i}: values expected {str(e['v'])[:300]}, got "
                       f"{str(g['v'])[:300]}")
    eg, gg = exp.get("grads"), got.get("grads")
    if (eg is None) != (gg is None):
        out.append(f"gradients: expected {str(eg)[:200]}, got {str(gg)[:200]}")
    elif isinstance(eg, dict) or isinstance(gg, dict):
        if eg != gg:
            out.append(f"gradients: expected {eg}, got {gg}")
    elif eg is not None:
        for i, (a, b) in enumerate(zip(eg, gg)):
            if (a is None) != (b is None):
                out.append(f"gradient {i}: expected {a}, got {b}")
            elif a is not None and (a["dtype"] != b["dtype"] or
                                    not _close(a["v"], b["v"], a["dtype"], max(loose, 1e-4))):
                out.append(f"gradient {i}: expected {str(a)[:300]}, got {str(b)[:300]}")
    return out


@pytest.mark.parametrize("cid", list(CASES))
def test_op_against_pytorch(cid):
    if cid not in GOLDEN:
        pytest.fail(f"no golden for {cid!r}: run tests/tools/gen_ops_golden.py")
    fn, args, grad = CASES[cid]
    got = CASES_MOD.run_case(torch, fn, args, grad)
    got = json.loads(json.dumps(got))   # the golden's JSON types (tuples -> lists, ...)
    loose = 2e-3 if "float16" in cid else 1e-4 if any(p in cid for p in LOOSE) else 0
    problems = diff(GOLDEN[cid], got, loose)
    if cid in KNOWN:
        assert problems, f"{cid} now matches PyTorch: remove it from KNOWN ({KNOWN[cid]})"
        return
    if problems:
        pytest.fail(f"{cid}: " + "\n  ".join(problems), pytrace=False)


def test_every_listed_op_exists_under_its_pytorch_names():
    """Each name of the op lists exists in facade wherever PyTorch has it: as torch.X,
    Tensor.X, the in-place Tensor.X_, nn.functional.X and torch.linalg.X."""
    recorded = json.loads((GOLDEN_DIR / "ops.json").read_text())["names"]
    missing = sorted(set(recorded) - set(CASES_MOD.names_present(torch))
                     - CASES_MOD.NOT_PROVIDED)
    assert not missing, f"PyTorch names facade lacks: {missing}"


def test_goldens_match_cases():
    assert set(GOLDEN) == set(CASES), (sorted(set(GOLDEN) ^ set(CASES))[:10],
                                       "regenerate tests/golden/ops.json")
    assert not set(KNOWN) - set(CASES), sorted(set(KNOWN) - set(CASES))


_ = math
