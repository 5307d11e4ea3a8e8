"""Compile counts asserted by the tests must not depend on a worker thread's timing: whole
programs compile inline here (tests/test_tiers.py checks the background mode itself)."""
import facade

facade.config.background_compile = False
