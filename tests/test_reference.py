"""The seed tutorials against PyTorch's recorded outputs in ../shared/reference (CI has it
beside the clone; skipped where it is absent)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(ROOT, "..", "shared", "reference", "run.py")
CASES = os.path.join(ROOT, "..", "shared", "reference", "cases")
names = sorted(f[:-3] for f in os.listdir(CASES) if f.endswith(".py")) \
    if os.path.isdir(CASES) else []


@pytest.mark.skipif(not os.path.exists(RUNNER), reason="../shared/reference not present")
@pytest.mark.parametrize("case", names)
def test_seed_case_matches_pytorch(case):
    r = subprocess.run([sys.executable, RUNNER, "--impl", "facade", "--compare", "--project",
                        ROOT, "--python", sys.executable, "--only", case, "-j", "1", "-v"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
