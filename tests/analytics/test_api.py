"""Analytics routes over real HTTP: staff only, chart-ready JSON, 404 for unknown customers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api.app import create_app
from kefu.auth.keys import Role, create_key
from kefu.store.db import session_scope
from tests.analytics.test_service import AS_OF, date_orders


def test_analytics_routes_serve_dashboard_data(sqlite_tau2_engine: Engine) -> None:
    with session_scope(sqlite_tau2_engine) as session:
        date_orders(session)
        agent = create_key(session, "agent", Role.AGENT)
        admin = create_key(session, "admin", Role.ADMIN)
    client = TestClient(create_app(sqlite_tau2_engine))
    assert client.get("/v1/analytics/rfm").status_code == 401
    forbidden = client.post("/v1/analytics/recompute", headers={"X-API-Key": agent})
    assert forbidden.status_code == 403
    done = client.post(
        "/v1/analytics/recompute",
        params={"as_of": AS_OF.isoformat()},
        headers={"X-API-Key": admin},
    )
    assert done.status_code == 200, done.text
    customers = done.json()["customers"]
    h = {"X-API-Key": agent}
    rfm = client.get("/v1/analytics/rfm", headers=h).json()
    assert sum(s["customers"] for s in rfm["segments"]) == customers
    clv = client.get("/v1/analytics/clv", params={"buckets": 4}, headers=h).json()
    assert len(clv["histogram"]) == 4
    churn = client.get("/v1/analytics/churn", params={"threshold": 0.4, "limit": 5}, headers=h)
    assert churn.status_code == 200
    assert all(c["p_alive"] < 0.4 for c in churn.json()["customers"])
    first = clv["top"][0]["customer_id"]
    profile = client.get(f"/v1/analytics/customers/{first}", headers=h).json()
    assert profile["segment"] and profile["churn_risk"] in {"low", "medium", "high"}
    assert client.get("/v1/analytics/customers/nobody", headers=h).status_code == 404
    bad = client.get("/v1/analytics/churn", params={"threshold": 2}, headers=h)
    assert bad.status_code == 422
