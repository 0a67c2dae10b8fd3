"""Responders of the dialogue policy (one module each)."""
