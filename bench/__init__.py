"""Benchmarks and the synthetic archive they run against (see `generator.py`)."""
