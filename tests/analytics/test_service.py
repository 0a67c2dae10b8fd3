"""Batch recompute, customer profile and dashboard summaries on a real store (both backends)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.analytics import (
    CustomerNotFound,
    churn_list,
    clv_summary,
    customer_profile,
    recompute_customer_metrics,
    rfm_summary,
)
from kefu.store.models import Customer, Order

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


def date_orders(session: Session, seed: int = 3) -> None:
    """Seeded dates: most customers active all year, a fifth stop buying early."""
    rng = random.Random(seed)
    for i, customer in enumerate(session.scalars(select(Customer).order_by(Customer.id))):
        start = AS_OF - timedelta(days=rng.uniform(200, 700))
        customer.created_at = start - timedelta(days=1)
        end = start + timedelta(days=60) if i % 5 == 0 else AS_OF
        for order in customer.orders:
            order.placed_at = start + (end - start) * rng.random()
    session.flush()


def test_recompute_caches_segments_clv_and_churn(tau2_session: Session) -> None:
    date_orders(tau2_session)
    result = recompute_customer_metrics(tau2_session, AS_OF)
    tau2_session.commit()
    assert result.customers > 300
    assert result.orders_skipped_undated == 0
    assert {"bgnbd", "gamma_gamma"} <= set(result.params)

    summary = rfm_summary(tau2_session)
    assert summary.total_customers == result.customers
    assert sum(s.customers for s in summary.segments) == result.customers
    assert {"champions", "lost"} <= {s.segment for s in summary.segments}

    clv = clv_summary(tau2_session, buckets=5, top=3)
    assert sum(b.customers for b in clv.histogram) == clv.customers
    assert [c.clv for c in clv.top] == sorted((c.clv for c in clv.top), reverse=True)

    churn = churn_list(tau2_session, threshold=0.5, limit=10)
    assert churn.total > 0
    assert all(c.p_alive is not None and c.p_alive < 0.5 for c in churn.customers)
    assert [c.clv for c in churn.customers] == sorted(
        (c.clv for c in churn.customers), reverse=True
    )


def test_profile_reads_cache_and_churned_customer_is_high_risk(tau2_session: Session) -> None:
    date_orders(tau2_session)
    recompute_customer_metrics(tau2_session, AS_OF)
    churn = churn_list(tau2_session, threshold=0.3, limit=1)
    gone = customer_profile(tau2_session, churn.customers[0].customer_id)
    assert gone.churn_risk == "high"
    assert gone.p_alive is not None and gone.p_alive < 0.3
    assert gone.segment is not None and gone.computed_at is not None
    with pytest.raises(CustomerNotFound):
        customer_profile(tau2_session, "nobody_0000")


def test_undated_and_cancelled_orders_are_left_out(tau2_session: Session) -> None:
    customer = tau2_session.get(Customer, "noah_brown_6181")
    assert customer is not None
    live = customer_profile(tau2_session, customer.id)  # nothing computed, nothing dated
    assert live.segment is None and live.order_count == 0
    result = recompute_customer_metrics(tau2_session, AS_OF)
    assert result.customers == 0
    not_cancelled = tau2_session.scalar(
        select(func.count()).select_from(Order).where(Order.status != "cancelled")
    )
    assert result.orders_skipped_undated == not_cancelled == 898
    for order in customer.orders:
        order.placed_at = AS_OF - timedelta(days=10)
        order.status = "cancelled"
    tau2_session.flush()
    assert customer_profile(tau2_session, customer.id).order_count == 0
