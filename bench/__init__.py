"""Benchmark suite: ``python bench/run.py``; workloads importable as ``bench.workloads``."""
