"""Personalised recommendations: models, offline evaluation and the store-facing service.

Call :func:`recommend_for_customer`, :func:`similar_products` and :func:`also_bought`;
:func:`get_recommender` returns the loaded model (training a quick one if none is saved).
"""

from kefu.recommend._base import Recommender, available_models, make_recommender
from kefu.recommend._store import RecommendSettings, recommend_settings
from kefu.recommend.service import (
    Recommendation,
    TrainedModel,
    also_bought,
    format_recommendations,
    get_recommender,
    model_root,
    recommend_for_customer,
    reload_recommender,
    similar_products,
    train_from_store,
)

__all__ = [
    "RecommendSettings",
    "Recommendation",
    "Recommender",
    "TrainedModel",
    "also_bought",
    "available_models",
    "format_recommendations",
    "get_recommender",
    "make_recommender",
    "model_root",
    "recommend_for_customer",
    "recommend_settings",
    "reload_recommender",
    "similar_products",
    "train_from_store",
]
