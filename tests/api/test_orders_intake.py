"""New orders pushed by the store's site are validated, stored and risk-scored at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api import create_app
from kefu.auth.keys import Role, create_key
from kefu.store.db import session_factory
from kefu.store.models import Order

ORDER = {
    "order_id": "#W0999999",
    "customer_id": "noah_brown_6181",
    "status": "pending",
    "placed_at": "2026-11-20T10:00:00+00:00",
    "items": [{"variant_id": "9612497925", "quantity": 2}],
    "payment_method_id": "paypal_5727330",
}


def _keys(engine: Engine) -> tuple[str, str]:
    with session_factory(engine)() as s:
        admin, agent = create_key(s, "shop", Role.ADMIN), create_key(s, "mei", Role.AGENT)
        s.commit()
    return admin, agent


def test_order_intake_creates_order_and_risk_assessment(tau2_engine: Engine) -> None:
    admin, agent = _keys(tau2_engine)
    with TestClient(create_app(tau2_engine)) as client:
        assert client.post("/v1/orders", json=ORDER).status_code == 401
        assert client.post("/v1/orders", json=ORDER, headers={"X-API-Key": agent}).status_code == 403
        resp = client.post("/v1/orders", json=ORDER, headers={"X-API-Key": admin})
        assert resp.status_code == 201, resp.text
        body = resp.json()
        assert body["total"] == "101.76"  # 2 x 50.88
        assert 0 <= body["risk"]["score"] <= 100 and isinstance(body["risk"]["reasons"], list)
        again = client.post("/v1/orders", json=ORDER, headers={"X-API-Key": admin})
        assert again.status_code == 422 and "already exists" in str(again.json())
        bad = client.post("/v1/orders", json={**ORDER, "order_id": "#W0999998", "items": [{"variant_id": "nope"}]}, headers={"X-API-Key": admin})
        assert bad.status_code == 422 and "unknown variant_id" in str(bad.json())
    with session_factory(tau2_engine)() as s:
        order = s.get(Order, "#W0999999")
        assert order is not None and len(order.items) == 2
        assert s.get(Order, "#W0999998") is None
