"""Response shapes of customer analytics (shared by the service, routes and CLI)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

ChurnRisk = Literal["low", "medium", "high"]


class CustomerProfile(BaseModel):
    """What the agent console's customer panel shows about one customer."""

    customer_id: str
    name: str
    email: str
    customer_since: datetime
    order_count: int = Field(description="Dated, non-cancelled orders.")
    total_spent: Decimal = Field(description="Payments minus refunds over those orders.")
    last_order_at: datetime | None = None
    segment: str | None = Field(None, description="RFM segment; None until a recompute ran.")
    r_score: int | None = None
    f_score: int | None = None
    m_score: int | None = None
    p_alive: float | None = None
    expected_purchases: float | None = None
    clv: Decimal | None = Field(None, description="Expected spend over horizon_days.")
    horizon_days: int | None = None
    churn_risk: ChurnRisk | None = None
    computed_at: datetime | None = Field(None, description="When the cached metrics were made.")


class SegmentStat(BaseModel):
    """One bar of the segment-size chart."""

    segment: str
    customers: int
    share: float
    total_spent: Decimal
    avg_recency_days: float
    avg_orders: float


class RfmSummary(BaseModel):
    """Segment sizes for the dashboard."""

    as_of: datetime | None
    computed_at: datetime | None
    total_customers: int
    segments: list[SegmentStat]


class HistogramBucket(BaseModel):
    """Customers whose CLV lies in [lower, upper)."""

    lower: float
    upper: float
    customers: int


class CustomerValue(BaseModel):
    """A customer with their value and churn signal (CLV leaders, churn warnings)."""

    customer_id: str
    name: str
    email: str
    segment: str
    order_count: int
    total_spent: Decimal
    last_order_at: datetime | None
    p_alive: float | None
    clv: Decimal | None
    churn_risk: ChurnRisk


class ClvSummary(BaseModel):
    """CLV distribution, model parameters and top customers."""

    as_of: datetime | None
    horizon_days: int | None
    params: dict[str, Any]
    customers: int
    total_clv: Decimal
    mean_clv: float
    histogram: list[HistogramBucket]
    top: list[CustomerValue]


class ChurnList(BaseModel):
    """Customers likely to have left (p_alive below threshold), most valuable first."""

    threshold: float
    sort_by: str
    total: int
    customers: list[CustomerValue]


class RecomputeResult(BaseModel):
    """Outcome of a batch recompute."""

    as_of: datetime
    customers: int
    orders_used: int
    orders_skipped_undated: int
    seconds: float
    params: dict[str, Any]
    notes: list[str]
