"""Benchmark harness for PocketBase vs Roost; the entry point is benchmarks/run.py."""
