"""Helpers shared by the tests: project paths, data loading, real servers."""
