"""Regenerate tests/golden/semantics.json by running tests/golden/semantics_cases.py with real torch.

Usage (needs torch installed; the test itself needs only numpy and facade):
    .venv/bin/python tests/tools/gen_semantics.py [--only PREFIX]

Every case runs twice with torch, each time in a fresh process (some PyTorch warnings are
issued once per process); the two runs must agree.  Warnings outside emit_warns are errors,
and a case that crashes or emits an unsupported value aborts the generation.
With --only, only the matching cases are re-recorded; the others keep their goldens.
"""
import argparse
import concurrent.futures as cf
import importlib.util
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN_DIR = HERE.parent / "golden"
OUT = GOLDEN_DIR / "semantics.json"


def load_cases():
    spec = importlib.util.spec_from_file_location("semantics_cases", GOLDEN_DIR / "semantics_cases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_one(cid):
    """Child side: run case `cid` with real torch, print {"records", "crash"} as JSON."""
    import torch
    mod = load_cases()
    code = dict(mod.CASES)[cid]
    try:
        records, crash = mod.run_case(torch, code)
    except TypeError as e:  # unsupported emitted value
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
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=None, help="re-record only case ids starting with this prefix")
    args = ap.parse_args()
    mod = load_cases()
    ids = [cid for cid, _ in mod.CASES]
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
    payload = {"torch_version": version, "cases": out}
    OUT.write_text(json.dumps(payload, indent=1, sort_keys=False) + "\n")
    print("wrote %s: %d cases, %d records" % (OUT, len(out), sum(len(r) for r in out.values())))


if __name__ == "__main__":
    main()
