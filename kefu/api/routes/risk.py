"""Order risk review queue for staff: list flagged orders, inspect one, record a review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from kefu.api.deps import AdminDep, AgentDep, SessionDep
from kefu.risk import (
    BatchResult,
    OrderNotFound,
    ReviewOutcome,
    RiskAssessment,
    get_assessment,
    mark_reviewed,
    review_queue,
    score_all_orders,
    score_order,
)

router = APIRouter(prefix="/v1/risk", tags=["risk"])


class ReviewRequest(BaseModel):
    """A staff decision on a scored order."""

    outcome: ReviewOutcome
    note: str | None = Field(None, max_length=2000)


@router.get("/orders")
def list_orders(
    session: SessionDep,
    _staff: AgentDep,
    flagged: bool | None = True,
    reviewed: bool | None = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[RiskAssessment]:
    """Review queue: scored orders, highest risk first (default: flagged, not reviewed)."""
    return review_queue(session, flagged=flagged, reviewed=reviewed, limit=limit, offset=offset)


@router.get("/orders/{order_id}")
def get_order(
    order_id: str, session: SessionDep, _staff: AgentDep, refresh: bool = False
) -> RiskAssessment:
    """One order's score and reasons (``W123`` works for ``#W123``); ``refresh`` rescores."""
    try:
        if refresh:
            return score_order(session, order_id)
        return get_assessment(session, order_id)
    except OrderNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no order {order_id}")


@router.post("/orders/{order_id}/review")
def review_order(
    order_id: str, body: ReviewRequest, session: SessionDep, staff: AgentDep
) -> RiskAssessment:
    """Mark a scored order reviewed (it leaves the open queue)."""
    try:
        return mark_reviewed(session, order_id, staff.name, body.outcome, body.note)
    except OrderNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no order {order_id}")


@router.post("/rescore")
def rescore(session: SessionDep, _admin: AdminDep) -> BatchResult:
    """Retrain the anomaly model and rescore every order (admin; batch job)."""
    return score_all_orders(session)
