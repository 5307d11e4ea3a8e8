"""Regenerate tests/golden/func_semantics.json: tests/golden/func_cases.py run with real torch.

Usage (needs torch installed; the test itself needs only numpy and facade):
    .venv/bin/python tests/tools/gen_func_semantics.py [--only PREFIX]

Like gen_semantics.py (whose run_case executes the snippets): every case runs twice, each
in a fresh process, and the two runs must agree; a case that crashes aborts the generation.
"""
import argparse
import concurrent.futures as cf
import importlib.util
import json
import os
import pathlib
import subprocess
import sys

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent.parent / "golden"
OUT = GOLDEN_DIR / "func_semantics.json"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, GOLDEN_DIR / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_one(cid):
    import warnings

    import torch
    with warnings.catch_warnings():   # torch's forward AD registers its decompositions with
        warnings.simplefilter("ignore")   # torch.jit.script on first use (a DeprecationWarning)
        import torch._decomp.decompositions_for_jvp  # noqa: F401
    code = dict(_load("func_cases").CASES)[cid]
    try:
        records, crash = _load("semantics_cases").run_case(torch, code)
    except TypeError as e:
        records, crash = [], "TypeError: %s" % e
    print(json.dumps({"records": records, "crash": crash, "version": torch.__version__}))


def run_in_subprocess(cid):
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--_one", cid],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        return {"records": [], "crash": "exit %d: %s" % (p.returncode, p.stderr[-2000:])}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--_one":
        return run_one(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=None, help="re-record only ids starting with this prefix")
    args = ap.parse_args()
    ids = [cid for cid, _ in _load("func_cases").CASES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        sys.exit("duplicate case ids: %s" % dupes)
    old = json.loads(OUT.read_text())["cases"] if (args.only and OUT.exists()) else {}
    todo = [cid for cid in ids if not (args.only and not cid.startswith(args.only))]
    with cf.ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as ex:
        first = dict(zip(todo, ex.map(run_in_subprocess, todo)))
        second = dict(zip(todo, ex.map(run_in_subprocess, todo)))
    out, bad, version = {}, 0, None
    for cid in ids:
        if cid not in first:
            if cid in old:
                out[cid] = old[cid]
            continue
        r1, r2 = first[cid], second[cid]
        if r1["crash"] or r2["crash"]:
            print("CRASH %s:\n%s" % (cid, r1["crash"] or r2["crash"]))
            bad += 1
            continue
        if r1["records"] != r2["records"]:
            print("NONDETERMINISTIC %s" % cid)
            bad += 1
            continue
        out[cid] = r1["records"]
        version = r1["version"]
    if bad:
        sys.exit("%d case(s) failed; golden file not written" % bad)
    OUT.write_text(json.dumps({"torch_version": version, "cases": out}, indent=1) + "\n")
    print("wrote %s: %d cases, %d records" % (OUT, len(out), sum(len(r) for r in out.values())))


if __name__ == "__main__":
    main()
