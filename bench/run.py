"""Benchmark facade against hand-written JAX (the floor) and PyTorch.

    python bench/run.py [--quick] [--only tutorial,mlp] [--rounds R] [--steps N] [--json out.json]

Each system runs in its own worker process (one thread per library, so one
library's thread pools cannot slow another), driven over a JSON-lines pipe.
Rounds interleave the systems so machine drift hits all of them alike.  A step
always forces completion (``loss.item()`` / ``block_until_ready``); we report
the median per-step time.  The output is a markdown report to paste as-is.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
SYSTEMS = ["facade", "jax", "torch"]
LABEL = {"facade": "facade", "jax": "JAX", "torch": "PyTorch"}

# One thread per library; must be set before the library is imported.
THREAD_ENV = {
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}

# Per workload: measured steps per round, warm-up steps, steps for the RSS check.
# Scaled so a default run stays well under 10 minutes on 2 cores.
PLAN = {
    "tutorial": dict(steps=2000, warmup=20, mem=2000),
    "mlp": dict(steps=200, warmup=20, mem=2000),
    "mlp_large": dict(steps=2, warmup=1, mem=0),  # RSS over a few steps is allocator noise
    "chain": dict(steps=200, warmup=20, mem=2000),
    "scalar_loop": dict(steps=40, warmup=5, mem=2000),
    "mlp_nn": dict(steps=200, warmup=20, mem=2000),
    "dynamic": dict(steps=300, warmup=100, mem=2000),
}
QUICK = {
    "tutorial": dict(steps=300, warmup=20, mem=300),
    "mlp": dict(steps=40, warmup=5, mem=200),
    "mlp_large": dict(steps=1, warmup=0, mem=0),
    "chain": dict(steps=40, warmup=5, mem=200),
    "scalar_loop": dict(steps=8, warmup=2, mem=50),
    "mlp_nn": dict(steps=40, warmup=5, mem=200),
    "dynamic": dict(steps=60, warmup=40, mem=200),
}
DEFAULT = ["tutorial", "mlp", "mlp_large", "chain", "scalar_loop", "dynamic", "first_step"]
CHANGING = {"dynamic"}   # a new graph structure almost every step: compiles are expected
FIRST_STEP_WORKLOAD = "tutorial"
MEM_STEPS_FOR_TARGET = 2000

# (kind, workload, bound): facade/JAX <= bound, PyTorch/facade >= bound.
TARGETS = [
    ("facade/JAX", "tutorial", 1.3), ("facade/JAX", "mlp", 1.15),
    ("facade/JAX", "chain", 1.5), ("facade/JAX", "mlp_large", 1.05),
    ("PyTorch/facade", "tutorial", 3.5), ("PyTorch/facade", "chain", 3.0),
    ("PyTorch/facade", "scalar_loop", 5.0), ("PyTorch/facade", "mlp", 1.1),
    ("PyTorch/facade", "dynamic", 0.5),   # facade's median step <= 2 x PyTorch's
]
FIRST_STEP_BOUND = 1.5  # facade's fresh-process first gradient vs JAX's
MEM_BOUND_MB = 5.0


# ---------------------------------------------------------------- the worker


def load_system(name):
    """Import one system; returns (module or None for JAX, versions)."""
    sys.path[:0] = [ROOT, BENCH]
    if name == "torch":
        import torch

        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        return torch, {"torch": torch.__version__}
    import jax
    import jaxlib

    versions = {"jax": jax.__version__, "jaxlib": jaxlib.__version__}
    if name == "jax":
        return None, versions
    import facade

    if not hasattr(facade, "tensor"):
        raise ImportError("facade has no facade.tensor yet")
    versions["facade"] = getattr(facade, "__version__", "dev")
    return facade, versions


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def counters(mod):
    """facade.debug.counters() if the module has it, else None."""
    try:
        c = mod.debug.counters()
        return {"calls": int(c["calls"]), "compiles": int(c["compiles"])}
    except Exception:
        return None


def delta(after, before):
    if after is None or before is None:
        return None
    return {k: after[k] - before[k] for k in after}


def build_step(name, mod, workload):
    if name == "jax":
        import jax_twins

        return jax_twins.build(workload)[0]
    import workloads

    return workloads.build(workload, mod)[0]


def worker(name):
    """Serve JSON-lines commands on stdin; replies go to the real stdout only."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the protocol
    sys.stdout = sys.stderr

    def reply(**kw):
        proto.write(json.dumps(kw) + "\n")

    try:
        mod, versions = load_system(name)
    except Exception as e:
        return reply(ok=False, error=f"{type(e).__name__}: {e}")
    reply(ok=True, versions=versions)
    steps = {}
    for line in sys.stdin:
        msg = json.loads(line)
        cmd, w = msg["cmd"], msg.get("workload")
        try:
            if cmd == "exit":
                return
            if cmd == "build":
                step = build_step(name, mod, w)
                c0 = counters(mod)
                t0 = time.perf_counter()
                first_loss = float(step())
                first = time.perf_counter() - t0
                c1 = counters(mod)
                for _ in range(msg["warmup"]):
                    step()
                # facade: let background compiles land, then keep stepping until a few
                # steps in a row compile nothing.
                wait = getattr(getattr(mod, "debug", None), "wait_for_compiles", None)
                if wait is not None:
                    wait()
                quiet, extra = 0, 0
                while c1 is not None and quiet < 3 and extra < 100:
                    c = counters(mod)
                    step()
                    quiet = quiet + 1 if counters(mod)["compiles"] == c["compiles"] else 0
                    extra += 1
                steps[w] = step
                reply(ok=True, first_step_s=first, first_loss=first_loss,
                      first_counters=delta(c1, c0),
                      warmup_compiles=delta(counters(mod), c1))
            elif cmd == "run":
                step, clock, times = steps[w], time.perf_counter_ns, []
                c0 = counters(mod)
                for _ in range(msg["steps"]):
                    t0 = clock()
                    loss = step()
                    times.append(clock() - t0)
                reply(ok=True, times_ns=times, loss=float(loss),
                      counters=delta(counters(mod), c0))
            elif cmd == "mem":
                import gc

                step = steps[w]
                gc.collect()
                r0 = rss_bytes()
                for _ in range(msg["steps"]):
                    step()
                gc.collect()
                reply(ok=True, rss_growth=rss_bytes() - r0)
            elif cmd == "drop":
                steps.pop(w, None)
                reply(ok=True)
        except Exception as e:
            traceback.print_exc()
            reply(ok=False, error=f"{type(e).__name__}: {e}")


# ---------------------------------------------------------------- the parent


class Worker:
    """A worker process for one system; ``call`` sends a command, returns the reply."""

    def __init__(self, name):
        self.name = name
        self.log = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-u", os.path.abspath(__file__), "--worker", name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            env={**os.environ, **THREAD_ENV}, text=True, bufsize=1)
        self.hello = self._read()

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            self.log.seek(0)
            tail = self.log.read()[-2000:].strip().splitlines()
            return {"ok": False, "error": "worker died: " + (tail[-1] if tail else "?")}
        return json.loads(line)

    def call(self, cmd, **kw):
        if self.proc.poll() is not None:
            return {"ok": False, "error": "worker is not running"}
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"cmd": "exit"}\n')
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except Exception:
                self.proc.kill()


def summarize(times_ns, rounds):
    us = [t / 1000 for t in times_ns]
    q = statistics.quantiles(us, n=10) if len(us) > 1 else [us[0]] * 9
    return {"median_us": statistics.median(us), "p10_us": q[0], "p90_us": q[-1],
            "n": len(us), "round_medians_us": [statistics.median(r) / 1000 for r in rounds]}


def run_workload(w, workers, plan, rounds, notes):
    res = {}
    live = []
    for wk in workers:
        r = wk.call("build", workload=w, warmup=plan["warmup"])
        if r["ok"]:
            res[wk.name] = {k: r[k] for k in ("first_step_s", "first_loss", "first_counters",
                                              "warmup_compiles")}
            live.append(wk)
        else:
            res[wk.name] = {"error": r["error"]}
            notes.append(f"{w}: {LABEL[wk.name]} failed: {r['error']}")
    per_round = {wk.name: [] for wk in live}
    calls = {wk.name: [] for wk in live}
    for i in range(rounds):
        k = i % max(len(live), 1)
        for wk in live[k:] + live[:k]:  # rotate who goes first
            if "error" in res[wk.name]:
                continue
            r = wk.call("run", workload=w, steps=plan["steps"])
            if not r["ok"]:
                res[wk.name]["error"] = r["error"]
                notes.append(f"{w}: {LABEL[wk.name]} failed: {r['error']}")
                continue
            per_round[wk.name].append(r["times_ns"])
            res[wk.name]["last_loss"] = r["loss"]
            if r["counters"] is not None:
                calls[wk.name].append(r["counters"])
    for wk in live:
        if "error" in res[wk.name]:
            continue
        res[wk.name].update(summarize([t for rd in per_round[wk.name] for t in rd],
                                      per_round[wk.name]))
        if calls[wk.name]:
            n = plan["steps"] * len(calls[wk.name])
            res[wk.name]["calls_per_step"] = sum(c["calls"] for c in calls[wk.name]) / n
            res[wk.name]["compiles_while_timed"] = sum(c["compiles"] for c in calls[wk.name])
        if plan["mem"]:
            r = wk.call("mem", workload=w, steps=plan["mem"])
            if r["ok"]:
                res[wk.name]["rss_growth_mb"] = r["rss_growth"] / 2**20
                res[wk.name]["rss_steps"] = plan["mem"]
        wk.call("drop", workload=w)
    return res


FIRST_STEP_CODE = """\
import sys, time
sys.path[:0] = [{root!r}, {bench!r}]
{imports}
step()
print(repr(time.time()))
"""
FIRST_STEP_IMPORTS = {
    "torch": "import torch; torch.set_num_threads(1); torch.set_num_interop_threads(1)\n"
             "import workloads; step = workloads.build({w!r}, torch)[0]",
    "facade": "import facade\nimport workloads; step = workloads.build({w!r}, facade)[0]",
    "jax": "import jax_twins; step = jax_twins.build({w!r})[0]",
}


def first_step(systems, reps, notes):
    """Fresh process start to first gradient (import + build + compile), median of reps."""
    out = {s: [] for s in systems}
    for _ in range(reps):
        for s in systems:
            code = FIRST_STEP_CODE.format(
                root=ROOT, bench=BENCH,
                imports=FIRST_STEP_IMPORTS[s].format(w=FIRST_STEP_WORKLOAD))
            t0 = time.time()
            p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={**os.environ, **THREAD_ENV})
            if p.returncode:
                notes.append(f"first_step: {LABEL[s]} failed: "
                             + (p.stderr.strip().splitlines() or ["?"])[-1])
                systems = [x for x in systems if x != s]
                out.pop(s)
                continue
            out[s].append(float(p.stdout.strip().splitlines()[-1]) - t0)
    return {s: {"median_s": statistics.median(v), "runs_s": v} for s, v in out.items() if v}


# ---------------------------------------------------------------- reporting


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "os": platform.platform(),
            "python": platform.python_version()}


def fmt(v, spec=".1f"):
    if v is None:
        return "—"
    return format(v, ",.0f" if spec == ".1f" and abs(v) >= 1000 else spec)


def check(value, bound, upper):
    if value is None:
        return f"{'≤' if upper else '≥'} {bound:g}"
    ok = value <= bound if upper else value >= bound
    return f"{'≤' if upper else '≥'} {bound:g} **{'pass' if ok else 'miss'}**"


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def report(out):
    res, lines = out["results"], []
    p = lines.append
    m = out["machine"]
    p("## facade benchmark\n")
    p(f"- command: `{out['command']}`")
    p(f"- machine: {m['cpu']}, {m['cores']} cores; {m['os']}; Python {m['python']}")
    p("- versions: " + ", ".join(f"{k} {v}" for k, v in out["versions"].items()))
    p(f"- one thread per library, each system in its own process; {out['rounds']} rounds "
      "interleaving the systems; median time per full training step (forward, backward, "
      "SGD update, loss forced to the host)\n")

    def med(w, s):
        return res.get(w, {}).get(s, {}).get("median_us")

    steady = [w for w in out["workloads"] if w != "first_step"]
    targets = {(k, w): b for k, w, b in TARGETS}
    if steady:
        p("| workload | facade µs | JAX µs | PyTorch µs | facade/JAX | target | "
          "PyTorch/facade | target | facade calls/step |")
        p("|---|--:|--:|--:|--:|---|--:|---|--:|")
        for w in steady:
            f, j, t = med(w, "facade"), med(w, "jax"), med(w, "torch")
            fj, tf = ratio(f, j), ratio(t, f)
            bj, bt = targets.get(("facade/JAX", w)), targets.get(("PyTorch/facade", w))
            cps = res[w].get("facade", {}).get("calls_per_step")
            p(f"| {w} | {fmt(f)} | {fmt(j)} | {fmt(t)} | {fmt(fj, '.2f')} | "
              f"{check(fj, bj, True) if bj else ''} | {fmt(tf, '.2f')} | "
              f"{check(tf, bt, False) if bt else ''} | {fmt(cps, '.2f')} |")
        p("")

    p("First step: time to the first gradient, in ms (in a warm worker: build excluded, "
      "compile included; fresh process: interpreter start + import + build + compile).\n")
    p("| workload | facade | JAX | PyTorch | facade/JAX | target |")
    p("|---|--:|--:|--:|--:|---|")
    for w in steady:
        fs = [res[w].get(s, {}).get("first_step_s") for s in SYSTEMS]
        f, j, t = [None if v is None else v * 1000 for v in fs]
        p(f"| {w} | {fmt(f)} | {fmt(j)} | {fmt(t)} | {fmt(ratio(f, j), '.2f')} | |")
    if "first_step" in res:
        fs = res["first_step"]
        f, j, t = [fs[s]["median_s"] * 1000 if s in fs else None for s in SYSTEMS]
        fj = ratio(f, j)
        p(f"| first_step: fresh process, {FIRST_STEP_WORKLOAD} (median of {out['first_step_reps']}) "
          f"| {fmt(f, '.0f')} | {fmt(j, '.0f')} | {fmt(t, '.0f')} | {fmt(fj, '.2f')} | "
          f"{check(fj, FIRST_STEP_BOUND, True)} |")
    p("")

    if steady:
        p(f"Resident-memory growth (MB) over N steps after warm-up; the target applies "
          f"at N ≥ {MEM_STEPS_FOR_TARGET}.\n")
        p("| workload | N | facade | JAX | PyTorch | target (facade) |")
        p("|---|--:|--:|--:|--:|---|")
        for w in steady:
            g = [res[w].get(s, {}).get("rss_growth_mb") for s in SYSTEMS]
            n = max((res[w].get(s, {}).get("rss_steps", 0) for s in SYSTEMS), default=0)
            if not n:
                continue
            tgt = (check(g[0], MEM_BOUND_MB, True).replace("≤", "<")
                   if n >= MEM_STEPS_FOR_TARGET else "")
            p(f"| {w} | {n} | {fmt(g[0], '.2f')} | {fmt(g[1], '.2f')} | {fmt(g[2], '.2f')} "
              f"| {tgt} |")
        p("")

    for w in steady:
        n = res[w].get("facade", {}).get("compiles_while_timed")
        if n and w not in CHANGING:
            out["notes"].append(f"{w}: facade compiled {n} program(s) while timed (expected 0)")
    for w in steady:  # same weights, same math: the first losses must agree
        losses = {s: r["first_loss"] for s, r in res[w].items() if "first_loss" in r}
        if losses and max(losses.values()) - min(losses.values()) > 1e-4 * max(
                1.0, max(abs(v) for v in losses.values())):
            out["notes"].append(f"{w}: first losses differ: {losses}")
    if out["notes"]:
        p("Notes:\n")
        for n in out["notes"]:
            p(f"- {n}")
        p("")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 5, quick 3)")
    ap.add_argument("--steps", type=int, help="measured steps per round, all workloads")
    ap.add_argument("--mem-steps", type=int, help="steps for the RSS-growth check")
    ap.add_argument("--only", help="comma-separated workloads (also: mlp_nn)")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--quick", action="store_true", help="a rough run in under 2 minutes")
    ap.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(args.worker)

    names = args.only.split(",") if args.only else DEFAULT
    unknown = set(names) - set(PLAN) - {"first_step"}
    if unknown:
        ap.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    rounds = args.rounds or (3 if args.quick else 5)
    reps = 2 if args.quick else 5
    out = {"command": " ".join(["python", os.path.relpath(__file__)] + sys.argv[1:]),
           "machine": machine(), "rounds": rounds, "first_step_reps": reps,
           "workloads": names, "versions": {}, "results": {}, "notes": [], "plans": {}}

    workers = []
    for s in SYSTEMS:
        wk = Worker(s)
        if wk.hello["ok"]:
            workers.append(wk)
            out["versions"].update(wk.hello["versions"])
        else:
            wk.close()
            out["notes"].append(f"{LABEL[s]} skipped: {wk.hello['error']}")
    try:
        for w in names:
            print(f"[bench] {w} ...", file=sys.stderr, flush=True)
            if w == "first_step":
                out["results"][w] = first_step([wk.name for wk in workers], reps, out["notes"])
                continue
            plan = dict((QUICK if args.quick else PLAN)[w])
            if args.steps:
                plan["steps"] = args.steps
            if args.mem_steps is not None:
                plan["mem"] = args.mem_steps
            out["plans"][w] = plan
            out["results"][w] = run_workload(w, workers, plan, rounds, out["notes"])
    finally:
        for wk in workers:
            wk.close()

    text = report(out)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
