"""Patterns of the dialogue policy (one module each)."""
