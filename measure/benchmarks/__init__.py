"""Benchmarks: what each action costs, against its floor (`make bench`, docs/benchmarks.md)."""
