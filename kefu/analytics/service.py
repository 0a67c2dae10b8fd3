"""Customer analytics service: batch recompute into ``customer_metrics`` and fast reads.

Order value is the order's payment history (payments minus refunds), which is what the store
actually kept; an order without any transaction falls back to the sum of its item prices.
Cancelled orders and orders without ``placed_at`` are left out (their count is reported).
"""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import Select, case, delete, func, insert, select
from sqlalchemy.orm import Session

from kefu.analytics.metrics import AnalyticsConfig, compute_metrics
from kefu.analytics.schemas import (
    ChurnList,
    ClvSummary,
    CustomerProfile,
    CustomerValue,
    HistogramBucket,
    RecomputeResult,
    RfmSummary,
    SegmentStat,
)
from kefu.store.models import (
    AnalyticsRun,
    Customer,
    CustomerMetrics,
    Order,
    OrderItem,
    PaymentTransaction,
    utcnow,
)

CANCELLED = "cancelled"
CENT = Decimal("0.01")


class CustomerNotFound(LookupError):
    """No customer with that id."""


def _money(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT)


def load_orders(session: Session, customer_id: str | None = None) -> tuple[pd.DataFrame, int]:
    """Dated, non-cancelled orders as (frame of customer_id/placed_at/value, undated count)."""
    net = func.sum(
        case(
            (PaymentTransaction.transaction_type == "refund", -PaymentTransaction.amount),
            else_=PaymentTransaction.amount,
        )
    )
    pay = (
        select(PaymentTransaction.order_id, net.label("net"))
        .group_by(PaymentTransaction.order_id)
        .subquery()
    )
    items = (
        select(OrderItem.order_id, func.sum(OrderItem.price).label("item_total"))
        .group_by(OrderItem.order_id)
        .subquery()
    )
    query = (
        select(Order.customer_id, Order.placed_at, pay.c.net, items.c.item_total)
        .outerjoin(pay, pay.c.order_id == Order.id)
        .outerjoin(items, items.c.order_id == Order.id)
        .where(Order.status != CANCELLED, Order.placed_at.is_not(None))
    )
    undated_q = (
        select(func.count())
        .select_from(Order)
        .where(Order.status != CANCELLED, Order.placed_at.is_(None))
    )
    if customer_id is not None:
        query = query.where(Order.customer_id == customer_id)
        undated_q = undated_q.where(Order.customer_id == customer_id)
    rows = session.execute(query).all()
    undated = int(session.scalar(undated_q) or 0)
    frame = pd.DataFrame(rows, columns=["customer_id", "placed_at", "net", "items"])
    net_values = pd.to_numeric(frame["net"], errors="coerce")
    item_values = pd.to_numeric(frame["items"], errors="coerce").fillna(0.0)
    frame["value"] = net_values.fillna(item_values).astype(float)
    frame["placed_at"] = pd.to_datetime(frame["placed_at"], utc=True)
    return frame[["customer_id", "placed_at", "value"]], undated


def recompute_customer_metrics(
    session: Session, as_of: datetime | None = None, config: AnalyticsConfig | None = None
) -> RecomputeResult:
    """Recompute every customer's metrics and replace the cached table (caller commits)."""
    cfg = config or AnalyticsConfig()
    as_of = as_of or utcnow()
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    start = time.perf_counter()
    orders, undated = load_orders(session)
    result = compute_metrics(orders, as_of, cfg)
    frame = result.customers
    now = utcnow()
    rows = [
        {
            "customer_id": r.customer_id,
            "as_of": as_of,
            "computed_at": now,
            "order_count": int(r.order_count),
            "total_spent": _money(r.total_spent),
            "first_order_at": r.first_order_at.to_pydatetime(),
            "last_order_at": r.last_order_at.to_pydatetime(),
            "recency_days": float(r.recency_days),
            "r_score": int(r.r_score),
            "f_score": int(r.f_score),
            "m_score": int(r.m_score),
            "segment": str(r.segment),
            "repeat_purchases": int(r.frequency),
            "p_alive": _optional(r.p_alive),
            "expected_purchases": _optional(r.expected_purchases),
            "expected_order_value": None
            if np.isnan(r.expected_order_value)
            else _money(r.expected_order_value),
            "clv": None if np.isnan(r.clv) else _money(r.clv),
            "horizon_days": cfg.horizon_days,
            "churn_risk": str(r.churn_risk),
        }
        for r in frame.itertuples(index=False)
    ]
    session.execute(delete(CustomerMetrics))
    for chunk in range(0, len(rows), 5000):
        session.execute(insert(CustomerMetrics), rows[chunk : chunk + 5000])
    stats = {"customers": len(rows), "orders_used": len(orders), "orders_skipped_undated": undated}
    session.add(
        AnalyticsRun(kind="customer_metrics", as_of=as_of, params=result.params(), stats=stats)
    )
    session.flush()
    return RecomputeResult(
        as_of=as_of,
        customers=len(rows),
        orders_used=len(orders),
        orders_skipped_undated=undated,
        seconds=time.perf_counter() - start,
        params=result.params(),
        notes=result.notes,
    )


def _optional(value: float) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def _latest_run(session: Session) -> AnalyticsRun | None:
    return session.scalars(
        select(AnalyticsRun)
        .where(AnalyticsRun.kind == "customer_metrics")
        .order_by(AnalyticsRun.id.desc())
        .limit(1)
    ).first()


def customer_profile(session: Session, customer_id: str) -> CustomerProfile:
    """The console's one-customer view: cached metrics, or live order totals if none yet."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    base = {
        "customer_id": customer.id,
        "name": f"{customer.first_name} {customer.last_name}".strip(),
        "email": customer.email,
        "customer_since": customer.created_at,
    }
    metrics = session.get(CustomerMetrics, customer_id)
    if metrics is None:
        orders, _ = load_orders(session, customer_id)
        last = orders["placed_at"].max() if len(orders) else None
        return CustomerProfile(
            **base,
            order_count=len(orders),
            total_spent=_money(orders["value"].sum()) if len(orders) else Decimal("0.00"),
            last_order_at=None if last is None else last.to_pydatetime(),
        )
    return CustomerProfile(
        **base,
        order_count=metrics.order_count,
        total_spent=metrics.total_spent,
        last_order_at=metrics.last_order_at,
        segment=metrics.segment,
        r_score=metrics.r_score,
        f_score=metrics.f_score,
        m_score=metrics.m_score,
        p_alive=metrics.p_alive,
        expected_purchases=metrics.expected_purchases,
        clv=metrics.clv,
        horizon_days=metrics.horizon_days,
        churn_risk=metrics.churn_risk,
        computed_at=metrics.computed_at,
    )


def rfm_summary(session: Session) -> RfmSummary:
    """Customers, spend and averages per segment (largest first)."""
    rows = session.execute(
        select(
            CustomerMetrics.segment,
            func.count(),
            func.sum(CustomerMetrics.total_spent),
            func.avg(CustomerMetrics.recency_days),
            func.avg(CustomerMetrics.order_count),
        ).group_by(CustomerMetrics.segment)
    ).all()
    total = sum(int(r[1]) for r in rows)
    run = _latest_run(session)
    segments = sorted(
        (
            SegmentStat(
                segment=r[0],
                customers=int(r[1]),
                share=int(r[1]) / total if total else 0.0,
                total_spent=Decimal(r[2] or 0).quantize(CENT),
                avg_recency_days=float(r[3] or 0),
                avg_orders=float(r[4] or 0),
            )
            for r in rows
        ),
        key=lambda s: (-s.customers, s.segment),
    )
    return RfmSummary(
        as_of=run.as_of if run else None,
        computed_at=run.computed_at if run else None,
        total_customers=total,
        segments=segments,
    )


def _values(session: Session, query: Select[CustomerMetrics, Customer]) -> list[CustomerValue]:
    out = []
    for metrics, customer in session.execute(query).all():
        out.append(
            CustomerValue(
                customer_id=customer.id,
                name=f"{customer.first_name} {customer.last_name}".strip(),
                email=customer.email,
                segment=metrics.segment,
                order_count=metrics.order_count,
                total_spent=metrics.total_spent,
                last_order_at=metrics.last_order_at,
                p_alive=metrics.p_alive,
                clv=metrics.clv,
                churn_risk=metrics.churn_risk,
            )
        )
    return out


def clv_summary(session: Session, buckets: int = 10, top: int = 10) -> ClvSummary:
    """CLV histogram (equal-width buckets up to the 99th percentile, the tail in the last)."""
    if buckets < 1 or top < 0:
        raise ValueError("buckets must be >= 1 and top >= 0")
    values = np.array(
        [
            float(v or 0)
            for v in session.scalars(
                select(CustomerMetrics.clv).where(CustomerMetrics.clv.is_not(None))
            )
        ],
        dtype=np.float64,
    )
    run = _latest_run(session)
    histogram: list[HistogramBucket] = []
    if len(values):
        upper = float(np.quantile(values, 0.99)) or float(values.max()) or 1.0
        edges = np.linspace(0.0, upper, buckets + 1)
        counts = np.histogram(np.clip(values, 0.0, upper), bins=edges)[0]
        histogram = [
            HistogramBucket(
                lower=float(edges[i]),
                upper=float(edges[i + 1]) if i < buckets - 1 else float(values.max()),
                customers=int(counts[i]),
            )
            for i in range(buckets)
        ]
    query = (
        select(CustomerMetrics, Customer)
        .join(Customer, Customer.id == CustomerMetrics.customer_id)
        .where(CustomerMetrics.clv.is_not(None))
        .order_by(CustomerMetrics.clv.desc(), CustomerMetrics.customer_id)
        .limit(top)
    )
    horizon = session.scalar(select(CustomerMetrics.horizon_days).limit(1))
    return ClvSummary(
        as_of=run.as_of if run else None,
        horizon_days=horizon,
        params=(run.params or {}) if run else {},
        customers=len(values),
        total_clv=_money(values.sum()) if len(values) else Decimal("0.00"),
        mean_clv=float(values.mean()) if len(values) else 0.0,
        histogram=histogram,
        top=_values(session, query),
    )


def churn_list(
    session: Session,
    threshold: float = 0.5,
    limit: int = 50,
    sort_by: Literal["clv", "total_spent"] = "clv",
) -> ChurnList:
    """Customers with p_alive below ``threshold``, most valuable first."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    if limit < 1:
        raise ValueError("limit must be positive")
    key = CustomerMetrics.clv if sort_by == "clv" else CustomerMetrics.total_spent
    cond = CustomerMetrics.p_alive < threshold
    total = int(session.scalar(select(func.count()).select_from(CustomerMetrics).where(cond)) or 0)
    query = (
        select(CustomerMetrics, Customer)
        .join(Customer, Customer.id == CustomerMetrics.customer_id)
        .where(cond)
        .order_by(
            key.desc().nulls_last(), CustomerMetrics.total_spent.desc(), CustomerMetrics.customer_id
        )
        .limit(limit)
    )
    return ChurnList(
        threshold=threshold, sort_by=sort_by, total=total, customers=_values(session, query)
    )
