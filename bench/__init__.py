"""Benchmarks and the simulated request histories they (and some tests) run on."""
