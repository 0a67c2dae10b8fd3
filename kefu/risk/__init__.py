"""Order risk flags: transparent rules plus an Isolation Forest anomaly score.

:func:`score_order` / :func:`on_order_created` score one order, :func:`score_all_orders`
scores the store in batch; flagged orders wait in :func:`review_queue` until
:func:`mark_reviewed`.
"""

from kefu.risk.anomaly import AnomalyModel
from kefu.risk.rules import RiskConfig
from kefu.risk.schemas import BatchResult, ReviewOutcome, RiskAssessment, RiskReason
from kefu.risk.service import (
    OrderNotFound,
    get_assessment,
    mark_reviewed,
    on_order_created,
    review_queue,
    score_all_orders,
    score_order,
)

__all__ = [
    "AnomalyModel",
    "BatchResult",
    "OrderNotFound",
    "ReviewOutcome",
    "RiskAssessment",
    "RiskConfig",
    "RiskReason",
    "get_assessment",
    "mark_reviewed",
    "on_order_created",
    "review_queue",
    "score_all_orders",
    "score_order",
]
