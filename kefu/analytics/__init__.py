"""Customer analytics: RFM segments, lifetime value (BG/NBD + Gamma-Gamma) and churn warning.

Batch :func:`recompute_customer_metrics` caches one row per customer; the console reads
:func:`customer_profile`; the dashboard reads :func:`rfm_summary`, :func:`clv_summary` and
:func:`churn_list`.
"""

from kefu.analytics.clv import BetaGeoModel, GammaGammaModel, ModelFitError
from kefu.analytics.metrics import AnalyticsConfig, ChurnConfig, compute_metrics
from kefu.analytics.rfm import RfmConfig, SegmentRule, score_rfm
from kefu.analytics.schemas import (
    ChurnList,
    ClvSummary,
    CustomerProfile,
    CustomerValue,
    RecomputeResult,
    RfmSummary,
)
from kefu.analytics.service import (
    CustomerNotFound,
    churn_list,
    clv_summary,
    customer_profile,
    load_orders,
    recompute_customer_metrics,
    rfm_summary,
)

__all__ = [
    "AnalyticsConfig",
    "BetaGeoModel",
    "ChurnConfig",
    "ChurnList",
    "ClvSummary",
    "CustomerNotFound",
    "CustomerProfile",
    "CustomerValue",
    "GammaGammaModel",
    "ModelFitError",
    "RecomputeResult",
    "RfmConfig",
    "RfmSummary",
    "SegmentRule",
    "churn_list",
    "clv_summary",
    "compute_metrics",
    "customer_profile",
    "load_orders",
    "recompute_customer_metrics",
    "rfm_summary",
    "score_rfm",
]
