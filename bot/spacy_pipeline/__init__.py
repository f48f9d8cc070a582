"""Builds the project's own English spaCy pipeline (no model download needed)."""
