"""Benchmarks (`make bench`): understanding, latency and throughput, resources.
They print figures and write bench/results/; they are not timed tests."""
