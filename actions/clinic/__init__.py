"""Talking to a person at the deploying clinic (profile: bot/clinic.py)."""
