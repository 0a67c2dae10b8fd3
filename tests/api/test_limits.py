"""Request limits: oversized bodies, rate limits, database outages, redacted logs."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api import create_app
from kefu.api.limits import TokenBuckets
from kefu.config import get_settings
from kefu.logs import RedactingFilter
from kefu.store.db import make_engine


def test_oversized_body_gets_413_before_the_handler(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_MAX_BODY_BYTES", "1000")
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as client:
        resp = client.post(
            "/v1/conversations",
            content=b"{" + b" " * 5000 + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert resp.status_code == 413
        assert "too large" in resp.json()["detail"]

        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b" " * 500

        chunked = client.post(
            "/v1/conversations", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert chunked.status_code == 413


def test_rate_limit_answers_429_with_retry_after(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_RATE_LIMIT_PER_S", "1")
    monkeypatch.setenv("KEFU_RATE_LIMIT_BURST", "3")
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as client:
        codes = [
            client.get("/v1/products", headers={"X-API-Key": "kf_someone"}).status_code
            for _ in range(5)
        ]
        assert codes[:3] == [200, 200, 200]
        assert codes[3] == 429
        limited = client.get("/v1/products", headers={"X-API-Key": "kf_someone"})
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        # another caller has its own budget
        assert client.get("/v1/products", headers={"X-API-Key": "kf_other"}).status_code == 200
        # health checks are never limited
        assert all(client.get("/health").status_code == 200 for _ in range(10))


def test_token_bucket_refills_over_time() -> None:
    bucket = TokenBuckets(rate_per_s=2, burst=2)
    assert bucket.take("a", now=0.0) == 0 and bucket.take("a", now=0.0) == 0
    assert bucket.take("a", now=0.0) == pytest.approx(0.5)
    assert bucket.take("a", now=1.0) == 0


def test_database_outage_is_a_clear_503() -> None:
    dead = make_engine(
        "postgresql+psycopg://nobody:x@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    with TestClient(create_app(dead), raise_server_exceptions=False) as client:
        resp = client.get("/v1/products")
        assert resp.status_code == 503
        assert resp.headers["Retry-After"] == "2"
        assert "database unavailable" in resp.json()["detail"]


def test_logs_redact_personal_data() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "customer %s phone %s card %s",
        ("ann@example.com", "13812345678", "4111 1111 1111 1111"),
        None,
    )
    RedactingFilter().filter(record)
    line = record.getMessage()
    assert "ann@example.com" not in line and "13812345678" not in line and "4111" not in line
    assert "[EMAIL]" in line and "[PHONE]" in line and "[CARD]" in line
