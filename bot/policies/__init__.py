"""Dialogue policies of our own, used in config.yml."""
