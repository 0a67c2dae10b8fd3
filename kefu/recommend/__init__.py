"""Personalised recommendations: models, offline evaluation and the store-facing service."""

from kefu.recommend._base import Recommender, available_models, make_recommender

__all__ = ["Recommender", "available_models", "make_recommender"]
