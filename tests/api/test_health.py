"""Health, readiness and OpenAPI docs through real HTTP (TestClient)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api import create_app
from kefu.store.db import make_engine


def test_health_ready_and_docs(engine: Engine) -> None:
    with TestClient(create_app(engine)) as client:
        assert client.get("/health").json()["status"] == "ok"
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["database"] == "ok"
        assert "swagger" in client.get("/docs").text.lower()
        assert client.get("/openapi.json").json()["info"]["title"] == "kefu"


def test_ready_reports_503_when_database_is_unreachable() -> None:
    dead = make_engine(
        "postgresql+psycopg://nobody:x@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    with TestClient(create_app(dead)) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 503
