"""Tiered execution (facade/_tiers.py): a new graph structure runs in cached segments, a
recurring one as one whole program; the caches are bounded; every tier gives the same
numbers. Asserted with the counters, never with wall-clock times."""

import numpy as np
import pytest

import facade as torch
from facade import config, debug
from facade._compile import PROGRAMS
from facade._tiers import GRAPHS_SEEN, SEGMENTS, SEGMENTS_SEEN


@pytest.fixture
def policy():
    old = (config.compile_after, config.max_programs, config.max_segment_programs,
           config.background_compile)
    PROGRAMS.clear()          # each test starts from structures never seen
    GRAPHS_SEEN.clear()
    SEGMENTS_SEEN.clear()
    yield config
    (config.compile_after, config.max_programs, config.max_segment_programs,
     config.background_compile) = old


def rnn_step(W, U, length, halve, lr=0.1, seed=0):
    """The `dynamic` benchmark's step: an RNN cell unrolled `length` times."""
    rs = np.random.RandomState(seed)
    h = torch.zeros(1, 4)
    for t in range(length):
        h = torch.tanh(h @ W + torch.tensor(rs.randn(1, 3), dtype=torch.float32) @ U)
        if t in halve:
            h = h * 0.5
    loss = (h * h).mean()
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        U -= lr * U.grad
    W.grad = None
    U.grad = None
    return loss.item()


def params(seed=0):
    g = np.random.RandomState(seed)
    W = torch.tensor(g.randn(4, 4) * 0.5, dtype=torch.float32, requires_grad=True)
    U = torch.tensor(g.randn(3, 4) * 0.5, dtype=torch.float32, requires_grad=True)
    return W, U


def run(compile_after, schedule):
    config.compile_after = compile_after
    W, U = params()
    losses = [rnn_step(W, U, n, h, seed=i) for i, (n, h) in enumerate(schedule)]
    return losses, W.detach().numpy(), U.detach().numpy()


SCHEDULE = [(5, {1}), (5, {1}), (7, {0, 3}), (5, {1}), (2, set()), (7, {0, 3}), (7, {0, 3})]


def test_every_tier_gives_the_same_numbers(policy):
    whole = run(1, SCHEDULE)              # every structure compiled whole at once
    tiered = run(10**9, SCHEDULE)         # never compiled whole: ops and segments only
    mixed = run(2, SCHEDULE)
    for other in (tiered, mixed):
        np.testing.assert_allclose(other[0], whole[0], rtol=1e-6)
        np.testing.assert_allclose(other[1], whole[1], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(other[2], whole[2], rtol=1e-6, atol=1e-7)


def test_a_new_structure_compiles_nothing_whole_and_a_recurring_one_once(policy):
    config.compile_after = 2
    W, U = params()
    for i in range(3):                    # warm the single-op and segment programs
        rnn_step(W, U, 9, {2}, seed=i)
    debug.reset_counters()
    rnn_step(W, U, 11, {4, 8})            # never seen: runs tiered
    c = debug.counters()
    assert c["whole_compiles"] == 0 and c["whole_runs"] == 0 and c["tiered_runs"] >= 1
    assert c["segment_calls"] > 0         # the repeated cell ran as a segment program
    debug.reset_counters()
    for i in range(4):
        rnn_step(W, U, 13, {4, 8}, seed=i)
    c = debug.counters()
    # the first sighting runs tiered, the second compiles it whole, the rest hit the cache
    assert c["whole_compiles"] == 1 and c["tiered_runs"] == 1 and c["whole_runs"] == 3


def test_data_dependent_control_flow_realizes_only_what_it_needs(policy):
    h = torch.full((3,), 4.0, requires_grad=True)
    x = h * 1
    steps = 0
    while x.norm() > 1.0:                 # each test realizes only the newest ops
        x = x * 0.5
        steps += 1
    assert steps == 3
    x.sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [0.125] * 3)


def test_caches_are_bounded(policy):
    config.compile_after = 1
    config.max_programs = 8
    config.max_segment_programs = 16
    for n in range(1, 30):
        torch.ones(n).sum().item()
    assert len(PROGRAMS) <= 8
    config.compile_after = 10**9
    for n in range(1, 30):
        (torch.ones(n) * 2).sum().item()
    assert len(SEGMENTS) <= 16


def test_background_compile_switches_tiers_without_changing_numbers(policy):
    config.compile_after = 2
    config.background_compile = True
    sched = [(6, {2})] * 8
    W, U = params()
    debug.reset_counters()
    losses = [rnn_step(W, U, n, h, seed=0) for n, h in sched[:4]]   # step 4 recurs
    debug.wait_for_compiles()
    c = debug.counters()
    assert c["background_compiles"] >= 1 and c["background_errors"] == 0
    assert c["whole_runs"] == 0            # the compile happened off the loop
    debug.reset_counters()
    losses += [rnn_step(W, U, n, h, seed=0) for n, h in sched[4:]]
    debug.wait_for_compiles()
    assert debug.counters()["whole_runs"] >= 1   # the compiled program took over
    config.background_compile = False
    config.compile_after = 1
    W2, U2 = params()
    ref = [rnn_step(W2, U2, n, h, seed=0) for n, h in sched]
    np.testing.assert_allclose(losses, ref, rtol=1e-6)
    np.testing.assert_allclose(W.detach().numpy(), W2.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_code_whose_graph_changes_every_step_never_compiles_whole(policy):
    """A loop over ever new structures (the `dynamic` benchmark's, shorter): once the
    window is full of new graphs, rare repeats compile nothing whole, and every cache
    stays within its bound."""
    config.compile_after = 2
    config.max_segment_programs = 64
    rs = np.random.RandomState(0)
    W, U = params()
    for i in range(40):                   # fill the window; let the cells' programs compile
        n = int(rs.randint(1, 13))
        rnn_step(W, U, n, set(np.flatnonzero(rs.rand(n) < 0.3)), seed=i)
    debug.reset_counters()
    whole_before = len(PROGRAMS)
    for i in range(400):
        n = int(rs.randint(1, 13))
        rnn_step(W, U, n, set(np.flatnonzero(rs.rand(n) < 0.3)), seed=i)
    c = debug.counters()
    assert c["whole_compiles"] == 0 and c["background_compiles"] == 0 and c["whole_runs"] == 0
    assert c["tiered_runs"] >= 400 and len(PROGRAMS) == whole_before
    assert len(SEGMENTS) <= 64 and len(GRAPHS_SEEN.runs) <= config.compile_window
    assert c["calls"] / 400 < 40          # segments of cells, not op by op


def test_thousands_of_distinct_structures_keep_every_cache_bounded(policy):
    """2,000 distinct graphs (random sequences of ops on one shape): the window, the segment
    templates and the programs stay within their bounds."""
    config.compile_after = 2
    config.max_segment_programs = 32
    rs = np.random.RandomState(1)
    ops = [torch.sin, torch.cos, torch.tanh, torch.exp, lambda t: t * 0.5, lambda t: t + 1.0,
           torch.sigmoid, torch.neg]
    x = torch.ones(3)
    for i in range(2000):
        h = x
        for k in rs.randint(0, len(ops), size=6):
            h = ops[k](h)
        h.sum().item()
    assert len(GRAPHS_SEEN.runs) <= config.compile_window and len(GRAPHS_SEEN.counts) <= 16
    assert len(SEGMENTS) <= 32 and len(SEGMENTS_SEEN.d) <= SEGMENTS_SEEN.maxsize
