"""Order risk service: score one order or all, keep results in ``order_risk``, review queue.

Batch scoring trains the anomaly model on the store's orders and saves it; scoring one order
(at creation, or on demand) reuses the saved model and, without one, scores by rules alone.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.risk.anomaly import AnomalyModel, default_model_path
from kefu.risk.features import load_order_frame, order_features
from kefu.risk.rules import RiskConfig, anomaly_points, rule_reasons
from kefu.risk.schemas import BatchResult, ReviewOutcome, RiskAssessment, RiskReason
from kefu.store.models import Order, OrderRisk, utcnow


class OrderNotFound(LookupError):
    """No order with that id."""


def resolve_order_id(session: Session, order_id: str) -> str:
    """The stored id, accepting ``W123`` for ``#W123`` (a ``#`` is awkward in URLs)."""
    for candidate in (order_id, f"#{order_id}"):
        if session.get(Order, candidate) is not None:
            return candidate
    raise OrderNotFound(order_id)


def _assess(
    row: pd.Series,
    order_id: str,
    anomaly: float | None,
    model: AnomalyModel | None,
    cfg: RiskConfig,
) -> RiskAssessment:
    reasons = rule_reasons(row, cfg)
    extra = anomaly_points(anomaly, cfg)
    if extra > 0 and anomaly is not None:
        unusual = model.unusual_features(row) if model is not None else {}
        reasons.append(
            RiskReason(
                rule_id="anomaly",
                points=extra,
                message="unusual combination of order features (Isolation Forest)",
                data={"anomaly_score": round(anomaly, 4), "unusual_features": unusual},
            )
        )
    score = min(100.0, round(sum(r.points for r in reasons), 2))
    return RiskAssessment(
        order_id=order_id,
        customer_id=str(row["customer_id"]),
        score=score,
        flagged=score >= cfg.flag_threshold,
        threshold=cfg.flag_threshold,
        anomaly_score=None if anomaly is None else round(float(anomaly), 4),
        reasons=reasons,
        computed_at=utcnow(),
    )


def _persist(session: Session, assessment: RiskAssessment) -> RiskAssessment:
    """Upsert the score; a previous review survives rescoring (it was about the same order)."""
    row = session.get(OrderRisk, assessment.order_id)
    if row is None:
        row = OrderRisk(order_id=assessment.order_id)
        session.add(row)
    row.score = assessment.score
    row.flagged = assessment.flagged
    row.anomaly_score = assessment.anomaly_score
    row.reasons = [r.model_dump() for r in assessment.reasons]
    row.computed_at = assessment.computed_at
    session.flush()
    return assessment.model_copy(
        update={
            "reviewed_at": row.reviewed_at,
            "reviewed_by": row.reviewed_by,
            "review_outcome": row.review_outcome,
            "review_note": row.review_note,
        }
    )


def score_order(
    session: Session,
    order_id: str,
    config: RiskConfig | None = None,
    model_path: Path | None = None,
    persist: bool = True,
) -> RiskAssessment:
    """Score one order against its customer's history (and the saved anomaly model)."""
    cfg = config or RiskConfig()
    order_id = resolve_order_id(session, order_id)
    customer_id = session.scalar(select(Order.customer_id).where(Order.id == order_id))
    features = order_features(load_order_frame(session, [str(customer_id)]), cfg.window_hours)
    row = features.loc[order_id]
    model = AnomalyModel.load(model_path or default_model_path())
    anomaly = float(model.score(features.loc[[order_id]])[0]) if model is not None else None
    assessment = _assess(row, order_id, anomaly, model, cfg)
    return _persist(session, assessment) if persist else assessment


def on_order_created(
    session: Session, order: Order, config: RiskConfig | None = None
) -> RiskAssessment:
    """Hook for the order service: score a just-created order (flushes it first)."""
    session.flush()
    return score_order(session, order.id, config)


def score_all_orders(
    session: Session,
    config: RiskConfig | None = None,
    model_path: Path | None = None,
    train: bool = True,
) -> BatchResult:
    """Score every order; retrain and save the anomaly model first unless ``train`` is False."""
    cfg = config or RiskConfig()
    start = time.perf_counter()
    features = order_features(load_order_frame(session), cfg.window_hours)
    path = model_path or default_model_path()
    model: AnomalyModel | None
    if train and len(features) >= 20:
        model = AnomalyModel.fit(features)
        model.save(path)
    else:
        model = AnomalyModel.load(path)
    scores = model.score(features) if model is not None else [None] * len(features)
    existing = {r.order_id: r for r in session.scalars(select(OrderRisk))}
    by_rule: Counter[str] = Counter()
    flagged = 0
    now = utcnow()
    for (order_id, row), anomaly in zip(features.iterrows(), scores, strict=True):
        a = _assess(row, str(order_id), None if anomaly is None else float(anomaly), model, cfg)
        by_rule.update(r.rule_id for r in a.reasons)
        flagged += a.flagged
        stored = existing.get(str(order_id))
        if stored is None:
            stored = OrderRisk(order_id=str(order_id))
            session.add(stored)
        stored.score = a.score
        stored.flagged = a.flagged
        stored.anomaly_score = a.anomaly_score
        stored.reasons = [r.model_dump() for r in a.reasons]
        stored.computed_at = now
    session.flush()
    return BatchResult(
        orders=len(features),
        flagged=flagged,
        seconds=time.perf_counter() - start,
        model_trained=bool(train and model is not None),
        by_rule=dict(by_rule),
    )


def _from_row(row: OrderRisk, customer_id: str | None, threshold: float) -> RiskAssessment:
    return RiskAssessment(
        order_id=row.order_id,
        customer_id=customer_id,
        score=row.score,
        flagged=row.flagged,
        threshold=threshold,
        anomaly_score=row.anomaly_score,
        reasons=[RiskReason.model_validate(r) for r in row.reasons or []],
        computed_at=row.computed_at,
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
        review_outcome=row.review_outcome,
        review_note=row.review_note,
    )


def get_assessment(
    session: Session, order_id: str, config: RiskConfig | None = None
) -> RiskAssessment:
    """The stored assessment, scoring the order now if it was never scored."""
    cfg = config or RiskConfig()
    order_id = resolve_order_id(session, order_id)
    row = session.get(OrderRisk, order_id)
    if row is None:
        return score_order(session, order_id, cfg)
    customer_id = session.scalar(select(Order.customer_id).where(Order.id == order_id))
    return _from_row(row, customer_id, cfg.flag_threshold)


def review_queue(
    session: Session,
    flagged: bool | None = True,
    reviewed: bool | None = False,
    limit: int = 50,
    offset: int = 0,
    config: RiskConfig | None = None,
) -> list[RiskAssessment]:
    """Scored orders, highest score first (default: flagged and not yet reviewed)."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be positive and offset non-negative")
    cfg = config or RiskConfig()
    query = select(OrderRisk, Order.customer_id).join(Order, Order.id == OrderRisk.order_id)
    if flagged is not None:
        query = query.where(OrderRisk.flagged.is_(flagged))
    if reviewed is not None:
        cond = OrderRisk.reviewed_at.is_not(None) if reviewed else OrderRisk.reviewed_at.is_(None)
        query = query.where(cond)
    query = query.order_by(OrderRisk.score.desc(), OrderRisk.order_id).limit(limit).offset(offset)
    return [_from_row(r, c, cfg.flag_threshold) for r, c in session.execute(query).all()]


def mark_reviewed(
    session: Session,
    order_id: str,
    reviewer: str,
    outcome: ReviewOutcome,
    note: str | None = None,
    config: RiskConfig | None = None,
) -> RiskAssessment:
    """Record a staff decision on a scored order; it then leaves the open queue."""
    if outcome not in ("legitimate", "fraud", "needs_follow_up"):
        raise ValueError(f"unknown review outcome {outcome!r}")
    assessment = get_assessment(session, order_id, config)
    row = session.get(OrderRisk, assessment.order_id)
    assert row is not None  # get_assessment stored it
    row.reviewed_at = utcnow()
    row.reviewed_by = reviewer
    row.review_outcome = outcome
    row.review_note = note
    session.flush()
    return assessment.model_copy(
        update={
            "reviewed_at": row.reviewed_at,
            "reviewed_by": reviewer,
            "review_outcome": outcome,
            "review_note": note,
        }
    )
