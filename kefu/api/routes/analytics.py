"""Customer analytics for staff: segment sizes, CLV distribution, churn list, one customer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status

from kefu.analytics import (
    AnalyticsConfig,
    ChurnList,
    ClvSummary,
    CustomerNotFound,
    CustomerProfile,
    RecomputeResult,
    RfmSummary,
    churn_list,
    clv_summary,
    customer_profile,
    recompute_customer_metrics,
    rfm_summary,
)
from kefu.api.deps import AdminDep, AgentDep, SessionDep

router = APIRouter(prefix="/v1/analytics", tags=["analytics"])


@router.get("/rfm")
def get_rfm(session: SessionDep, _staff: AgentDep) -> RfmSummary:
    """Customers per RFM segment (chart: segment sizes)."""
    return rfm_summary(session)


@router.get("/clv")
def get_clv(
    session: SessionDep,
    _staff: AgentDep,
    buckets: Annotated[int, Query(ge=1, le=100)] = 10,
    top: Annotated[int, Query(ge=0, le=500)] = 10,
) -> ClvSummary:
    """CLV histogram, model parameters and the most valuable customers."""
    return clv_summary(session, buckets=buckets, top=top)


@router.get("/churn")
def get_churn(
    session: SessionDep,
    _staff: AgentDep,
    threshold: Annotated[float, Query(gt=0, le=1)] = 0.5,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    sort_by: Literal["clv", "total_spent"] = "clv",
) -> ChurnList:
    """Churn warning list: p_alive below ``threshold``, most valuable first."""
    return churn_list(session, threshold=threshold, limit=limit, sort_by=sort_by)


@router.get("/customers/{customer_id}")
def get_customer(customer_id: str, session: SessionDep, _staff: AgentDep) -> CustomerProfile:
    """One customer's segment, value and churn risk (agent console panel)."""
    try:
        return customer_profile(session, customer_id)
    except CustomerNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no customer {customer_id}")


@router.post("/recompute")
def post_recompute(
    session: SessionDep,
    _admin: AdminDep,
    as_of: datetime | None = None,
    horizon_days: Annotated[int, Query(ge=1, le=3650)] = 90,
) -> RecomputeResult:
    """Recompute every customer's metrics now (admin; batch job)."""
    if as_of is not None and as_of.tzinfo is None:
        raise HTTPException(422, "as_of needs a timezone")
    return recompute_customer_metrics(session, as_of, AnalyticsConfig(horizon_days=horizon_days))
