"""Benchmarks of the ALS bot against its floors (issue 8). Run: `python -m bench` (see docs/BENCHMARKS.md)."""
