"""Regenerate tests/golden/ops.json by running tests/golden/ops_cases.py with real torch.

Usage (needs torch installed; the test itself needs only numpy and facade):
    .venv/bin/python tests/tools/gen_ops_golden.py

Every case runs twice with torch (in one process); the two records must agree (a case whose
result is not deterministic would make a useless golden).
"""
import importlib.util
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN_DIR = HERE.parent / "golden"
OUT = GOLDEN_DIR / "ops.json"


def load_cases():
    spec = importlib.util.spec_from_file_location("ops_cases", GOLDEN_DIR / "ops_cases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    import torch
    torch.manual_seed(0)
    mod = load_cases()
    ids = [c[0] for c in mod.CASES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        sys.exit(f"duplicate case ids: {dupes}")
    out = {}
    for cid, fn, args, grad in mod.CASES:
        r1 = mod.run_case(torch, fn, args, grad)
        r2 = mod.run_case(torch, fn, args, grad)
        if json.dumps(r1, sort_keys=True) != json.dumps(r2, sort_keys=True):
            sys.exit(f"case {cid} is not deterministic")
        out[cid] = r1
    lines = ",\n".join(f"{json.dumps(cid)}: {json.dumps(rec, sort_keys=True)}"
                       for cid, rec in out.items())   # one line per case: readable diffs
    names = json.dumps(mod.names_present(torch))
    OUT.write_text(f'{{"torch": {json.dumps(torch.__version__)}, "names": {names}, '
                   f'"cases": {{\n{lines}\n}}}}\n')
    print(f"wrote {len(out)} cases to {OUT}")


if __name__ == "__main__":
    main()
