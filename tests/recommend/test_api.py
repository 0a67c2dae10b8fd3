"""The recommendation routes over real HTTP (FastAPI TestClient) on the tau2 store."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from kefu.api import create_app
from kefu.auth.keys import Role, create_key
from kefu.store.db import session_factory
from kefu.store.models import Order


def _agent_key_and_buyer(engine: Engine) -> tuple[str, str]:
    with session_factory(engine)() as session:
        key = create_key(session, "recommend-test", Role.AGENT)
        buyer = session.scalars(select(Order.customer_id).order_by(Order.id)).first() or ""
        session.commit()
    return key, buyer


def test_customer_recommendations_need_a_staff_key(tau2_engine: Engine) -> None:
    key, buyer = _agent_key_and_buyer(tau2_engine)
    with TestClient(create_app(tau2_engine)) as client:
        assert client.get("/v1/recommendations", params={"customer_id": buyer}).status_code == 401
        response = client.get(
            "/v1/recommendations", params={"customer_id": buyer, "k": 4}, headers={"X-API-Key": key}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body) == 4
        assert {"product_id", "variant_id", "price", "score", "reason", "reason_zh"} <= set(body[0])
        unknown = client.get(
            "/v1/recommendations", params={"customer_id": "ghost"}, headers={"X-API-Key": key}
        )
        assert unknown.status_code == 200 and len(unknown.json()) == 10


def test_bad_parameters_are_rejected_with_a_reason(tau2_engine: Engine) -> None:
    key, buyer = _agent_key_and_buyer(tau2_engine)
    headers = {"X-API-Key": key}
    with TestClient(create_app(tau2_engine)) as client:
        too_many = client.get(
            "/v1/recommendations", params={"customer_id": buyer, "k": 1000}, headers=headers
        )
        assert too_many.status_code == 422
        inverted = client.get(
            "/v1/recommendations",
            params={"customer_id": buyer, "min_price": "90", "max_price": "10"},
            headers=headers,
        )
        assert inverted.status_code == 422 and "above max_price" in inverted.json()["detail"]


def test_similar_and_also_bought_are_public(tau2_engine: Engine) -> None:
    with TestClient(create_app(tau2_engine)) as client:
        similar = client.get("/v1/products/9523456873/similar", params={"k": 3})
        assert similar.status_code == 200 and len(similar.json()) == 3
        assert "9523456873" not in {r["product_id"] for r in similar.json()}
        together = client.get("/v1/products/9523456873/also-bought", params={"k": 3}).json()
        assert together[0]["reason"].startswith("Customers who bought T-Shirt")
        unknown = client.get("/v1/products/unknown/similar").json()
        assert len(unknown) == 10 and unknown[0]["reason"] == "Popular with customers"
