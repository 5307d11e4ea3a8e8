"""The benchmark workloads run on facade as one cached program per step, and agree with
their hand-written JAX twins (compile counts asserted, never wall-clock times)."""
import numpy as np
import pytest

import facade
from bench import jax_twins, workloads


@pytest.mark.parametrize("name", ["tutorial", "mlp", "chain", "scalar_loop"])
def test_workload_one_program_per_step_and_matches_jax(name):
    step, _ = workloads.build(name, facade)
    jstep, _ = getattr(jax_twins, name)()
    losses = [step() for _ in range(4)]   # new structures run tiered, then compile whole
    jlosses = [float(jstep()) for _ in range(4)]
    np.testing.assert_allclose(losses, jlosses, rtol=2e-4, atol=1e-5)
    facade.debug.reset_counters()
    for _ in range(3):
        step()
    c = facade.debug.counters()
    assert c["compiles"] == 0
    assert c["calls"] == 3


def test_dynamic_workload_runs_tiered_and_matches_jax():
    step, _ = workloads.build("dynamic", facade)
    jstep, _ = jax_twins.build("dynamic")
    facade.debug.reset_counters()
    losses = [step() for _ in range(4)]     # four different structures
    c = facade.debug.counters()
    assert c["whole_compiles"] == 0 and c["tiered_runs"] == 4
    np.testing.assert_allclose(losses, [float(jstep()) for _ in range(4)], rtol=2e-4, atol=1e-5)
