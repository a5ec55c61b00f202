"""Benchmark scripts (run as `python bench/NAME.py`) and their scoring, kept out of the library."""
