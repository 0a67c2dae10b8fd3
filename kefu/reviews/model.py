"""Loading of the trained sentiment model (filled in by ``kefu train sentiment``)."""

from __future__ import annotations

from typing import Protocol


class SentimentModel(Protocol):
    """A trained scorer for one language."""

    def score(self, text: str) -> float:
        """Polarity in [-1, 1]."""
        ...


def get_model(language: str) -> SentimentModel | None:
    """The trained model for ``language``, or None (lexicon fallback)."""
    return None
