"""Review ingestion (analysed on arrival), weekly sentiment trends and jump alerts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from kefu.api.deps import AgentDep, SessionDep
from kefu.reviews import service
from kefu.reviews.service import AlertRule, ReviewError

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


class ReviewIn(BaseModel):
    """A review to store; the body is treated as data, never as instructions or markup."""

    product_id: str
    body: str = Field(min_length=1, max_length=service.MAX_REVIEW_CHARS)
    rating: int | None = Field(default=None, ge=1, le=5)
    title: str | None = Field(default=None, max_length=255)
    customer_id: str | None = None
    order_id: str | None = None
    language: str | None = Field(default=None, pattern="^(zh|en)$")
    created_at: datetime | None = None


class ReviewOut(BaseModel):
    id: int
    product_id: str
    body: str
    rating: int | None
    language: str | None
    sentiment: str | None
    sentiment_score: float | None
    aspects: dict[str, Any] | None
    created_at: datetime


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ReviewOut)
def create_review(payload: ReviewIn, session: SessionDep, _staff: AgentDep) -> ReviewOut:
    """Store and analyse one review."""
    try:
        review = service.ingest_review(session, **payload.model_dump())
    except ReviewError as exc:
        raise HTTPException(422, str(exc))
    return ReviewOut.model_validate(review, from_attributes=True)


@router.get("/trends")
def get_trends(
    session: SessionDep,
    _staff: AgentDep,
    product_id: str | None = None,
    weeks: int = Query(12, ge=1, le=104),
) -> list[dict[str, Any]]:
    """Weekly review count, negative share and mean score per product and aspect."""
    result = []
    for trend in service.trends(session, product_id, weeks):
        result.append(
            {
                "product_id": trend.product_id,
                "weeks": [_point(p) for p in trend.weeks],
                "aspects": {a: [_point(p) for p in pts] for a, pts in trend.aspects.items()},
            }
        )
    return result


def _point(point: service.TrendPoint) -> dict[str, Any]:
    return {
        "week": point.week,
        "reviews": point.reviews,
        "negative": point.negative,
        "positive": point.positive,
        "negative_share": round(point.negative_share, 4),
        "mean_score": round(point.mean_score, 4),
    }


@router.get("/alerts")
def get_alerts(
    session: SessionDep,
    _staff: AgentDep,
    recent_days: int = Query(14, ge=1, le=90),
    baseline_days: int = Query(56, ge=7, le=365),
    min_reviews: int = Query(10, ge=1),
) -> dict[str, Any]:
    """Products whose recent negative share jumped against their own baseline."""
    rule = AlertRule(recent_days=recent_days, baseline_days=baseline_days, min_reviews=min_reviews)
    return {"rule": asdict(rule), "alerts": [asdict(a) for a in service.alerts(session, rule)]}
