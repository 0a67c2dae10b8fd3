"""Risk assessment shapes (service, routes and CLI share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

ReviewOutcome = Literal["legitimate", "fraud", "needs_follow_up"]


class RiskReason(BaseModel):
    """Why an order scored points: the rule, its points and the numbers behind it."""

    rule_id: str
    points: float
    message: str
    data: dict[str, Any] = Field(default_factory=dict)


class RiskAssessment(BaseModel):
    """An order's risk score (0-100), whether it is flagged, and its review state."""

    order_id: str
    customer_id: str | None = None
    score: float
    flagged: bool
    threshold: float
    anomaly_score: float | None = Field(
        None, description="Isolation Forest score in (0, 1]; above ~0.55 is unusual."
    )
    reasons: list[RiskReason]
    computed_at: datetime
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    review_outcome: str | None = None
    review_note: str | None = None


class BatchResult(BaseModel):
    """Outcome of scoring every order."""

    orders: int
    flagged: int
    seconds: float
    model_trained: bool
    by_rule: dict[str, int]
