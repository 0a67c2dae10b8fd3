"""Risk rules, batch scoring, the creation hook and the review queue on real stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.api.app import create_app
from kefu.auth.keys import Role, create_key
from kefu.risk import (
    OrderNotFound,
    RiskConfig,
    mark_reviewed,
    on_order_created,
    review_queue,
    score_all_orders,
    score_order,
)
from kefu.store.db import session_scope
from kefu.store.models import AuditLog, Customer, Order, OrderItem, PaymentTransaction

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _date_store(session: Session) -> None:
    for i, customer in enumerate(session.scalars(select(Customer).order_by(Customer.id))):
        customer.created_at = NOW - timedelta(days=400 + i % 50)
        for j, order in enumerate(customer.orders):
            order.placed_at = NOW - timedelta(days=300 - 40 * j, hours=i % 24)
    session.flush()


def _order(session: Session, customer: Customer, oid: str, when: datetime, price: str) -> Order:
    order = Order(
        id=oid, customer_id=customer.id, status="pending", placed_at=when,
        country=customer.country, state=customer.state, zip=customer.zip, city=customer.city,
    )  # fmt: skip
    order.items.append(
        OrderItem(position=0, product_id="p", variant_id="v", name="thing", price=Decimal(price))
    )
    order.payments.append(
        PaymentTransaction(
            position=0, transaction_type="payment", amount=Decimal(price), payment_method_id="pm"
        )
    )
    session.add(order)
    session.flush()
    return order


def _rules(assessment) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.rule_id for r in assessment.reasons}


def test_new_account_big_order_is_flagged_on_creation_with_reasons(
    tau2_session: Session, tmp_path: Path
) -> None:
    _date_store(tau2_session)
    newbie = Customer(
        id="fresh_1", first_name="F", last_name="R", email="f@example.com",
        created_at=NOW - timedelta(days=2), country="USA", state="NY", zip="10001",
    )  # fmt: skip
    tau2_session.add(newbie)
    order = _order(tau2_session, newbie, "#N0000001", NOW, "4500.00")
    assessment = on_order_created(tau2_session, order)
    assert assessment.flagged and assessment.score >= assessment.threshold
    reason = next(r for r in assessment.reasons if r.rule_id == "new_account_high_value")
    assert reason.data["order_value"] == 4500.0 and reason.data["account_age_days"] == 2.0
    # the same order from an old account is not flagged by that rule
    old = tau2_session.get(Customer, "noah_brown_6181")
    assert old is not None
    normal = _order(tau2_session, old, "#N0000002", NOW, "4500.00")
    assert "new_account_high_value" not in _rules(score_order(tau2_session, normal.id))


def test_burst_of_orders_and_payment_changes_and_returns_fire_their_rules(
    tau2_session: Session,
) -> None:
    _date_store(tau2_session)
    customer = tau2_session.get(Customer, "noah_brown_6181")
    assert customer is not None
    burst = [
        _order(tau2_session, customer, f"#B{i}", NOW + timedelta(hours=i), "20") for i in range(3)
    ]
    assert "order_velocity" in _rules(score_order(tau2_session, burst[-1].id))
    for i in range(2):
        tau2_session.add(
            AuditLog(actor="bot", action="modify_pending_order_payment", target_type="order",
                     target_id=burst[0].id, idempotency_key=f"k{i}")
        )  # fmt: skip
    tau2_session.flush()
    changed = score_order(tau2_session, burst[0].id)
    pay = next(r for r in changed.reasons if r.rule_id == "payment_method_change")
    assert pay.data["payment_changes"] == 2
    for order in burst:
        order.status = "return requested"
    later = _order(tau2_session, customer, "#B9", NOW + timedelta(days=30), "20")
    returns = next(
        r for r in score_order(tau2_session, later.id).reasons if r.rule_id == "many_returns"
    )
    assert returns.data["prior_returns"] >= 3


def test_batch_scores_all_orders_and_queue_empties_as_reviewed(
    tau2_session: Session, tmp_path: Path
) -> None:
    _date_store(tau2_session)
    model = tmp_path / "model.joblib"
    result = score_all_orders(tau2_session, RiskConfig(), model_path=model)
    assert result.orders == 1000 and model.exists() and result.model_trained
    queue = review_queue(tau2_session, limit=1000)
    assert len(queue) == result.flagged
    assert [a.score for a in queue] == sorted((a.score for a in queue), reverse=True)
    assert all(a.flagged and a.reasons for a in queue)
    if queue:
        reviewed = mark_reviewed(
            tau2_session, queue[0].order_id, "ana", "legitimate", "known buyer"
        )
        assert reviewed.review_outcome == "legitimate"
        assert queue[0].order_id not in {a.order_id for a in review_queue(tau2_session, limit=1000)}
    with pytest.raises(OrderNotFound):
        score_order(tau2_session, "#W0000000")


def test_undated_store_still_scores_without_time_rules(
    tau2_session: Session, tmp_path: Path
) -> None:
    result = score_all_orders(tau2_session, model_path=tmp_path / "m.joblib")
    assert result.orders == 1000
    assert "order_velocity" not in result.by_rule and "new_account_high_value" not in result.by_rule


def test_risk_routes_queue_detail_and_review(sqlite_tau2_engine: Engine, tmp_path: Path) -> None:
    with session_scope(sqlite_tau2_engine) as session:
        _date_store(session)
        newbie = Customer(
            id="fresh_2",
            first_name="F",
            last_name="R",
            email="g@example.com",
            created_at=NOW - timedelta(days=1),
            state="CA",
            zip="94000",
        )
        session.add(newbie)
        _order(session, newbie, "#N0000009", NOW, "6000.00")
        agent = create_key(session, "ana", Role.AGENT)
    client = TestClient(create_app(sqlite_tau2_engine))
    h = {"X-API-Key": agent}
    assert client.get("/v1/risk/orders").status_code == 401
    detail = client.get("/v1/risk/orders/N0000009", headers=h)
    assert detail.status_code == 200 and detail.json()["flagged"] is True
    queue = client.get("/v1/risk/orders", params={"flagged": True}, headers=h).json()
    assert "#N0000009" in {a["order_id"] for a in queue}
    bad = client.post("/v1/risk/orders/N0000009/review", json={"outcome": "maybe"}, headers=h)
    assert bad.status_code == 422
    ok = client.post("/v1/risk/orders/N0000009/review", json={"outcome": "fraud"}, headers=h)
    assert ok.status_code == 200 and ok.json()["reviewed_by"] == "ana"
    queue = client.get("/v1/risk/orders", headers=h).json()
    assert "#N0000009" not in {a["order_id"] for a in queue}
    assert client.get("/v1/risk/orders/nope", headers=h).status_code == 404
