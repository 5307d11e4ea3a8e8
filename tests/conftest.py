"""Compile counts asserted by the tests must not depend on a worker thread's timing: whole
programs compile inline here (tests/test_tiers.py checks the background mode itself). Nor
on the graphs earlier tests ran: each test starts with no history of recent structures (a
window full of new ones delays whole compiles, by design; see facade/_tiers.py)."""
import pytest

import facade
from facade._tiers import GRAPHS_SEEN

facade.config.background_compile = False


@pytest.fixture(autouse=True)
def _fresh_compile_history():
    GRAPHS_SEEN.clear()
    yield
