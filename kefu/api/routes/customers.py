"""Staff view of one customer: the console's 360° panel."""

from __future__ import annotations

import statistics
from typing import Any

from fastapi import APIRouter, HTTPException
from sqlalchemy import select

from kefu.api.deps import AgentDep, SessionDep
from kefu.store.customers import customer_overview
from kefu.store.models import Conversation, Message, Review

router = APIRouter(prefix="/v1/customers", tags=["customers"])


def _analytics(session: SessionDep, customer_id: str) -> dict[str, Any] | None:
    from kefu.analytics import CustomerNotFound, customer_profile

    try:
        return customer_profile(session, customer_id).model_dump(mode="json")
    except CustomerNotFound:
        return None


def _sentiment(session: SessionDep, customer_id: str) -> dict[str, Any]:
    reviews = session.scalars(
        select(Review)
        .where(Review.customer_id == customer_id, Review.sentiment_score.is_not(None))
        .order_by(Review.created_at.desc())
        .limit(20)
    ).all()
    review_scores = [r.sentiment_score for r in reviews if r.sentiment_score is not None]
    chat = session.scalars(
        select(Message.sentiment)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.customer_id == customer_id,
            Message.role == "customer",
            Message.sentiment.is_not(None),
        )
        .order_by(Message.created_at.desc())
        .limit(50)
    ).all()
    return {
        "reviews": len(reviews),
        "review_mean": round(statistics.fmean(review_scores), 3) if review_scores else None,
        "recent_reviews": [
            {
                "product_id": r.product_id,
                "rating": r.rating,
                "sentiment": r.sentiment,
                "body": r.body[:300],
            }
            for r in reviews[:5]
        ],
        "chat_messages": len(chat),
        "chat_mean": round(statistics.fmean(c for c in chat if c is not None), 3) if chat else None,
    }


@router.get("/{customer_id}")
def customer_360(customer_id: str, session: SessionDep, _agent: AgentDep) -> dict[str, Any]:
    """Profile, orders, value/segment/churn risk and recent sentiment of one customer."""
    overview = customer_overview(session, customer_id)
    if overview is None:
        raise HTTPException(404, "customer not found")
    overview["analytics"] = _analytics(session, customer_id)
    overview["sentiment"] = _sentiment(session, customer_id)
    return overview
