"""The staff tool API over real HTTP (FastAPI TestClient) on a real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kefu.api.app import create_app
from kefu.auth import Role, create_key
from kefu.store.db import session_factory
from tests.orders.conftest import build_shop


@pytest.fixture
def backend() -> str:
    """Database-independent behaviour: SQLite only (rules and races run on both)."""
    return "sqlite"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with session_factory(engine)() as session:
        build_shop(session)
        key = create_key(session, "desk-1", Role.AGENT)
        session.commit()
    with TestClient(create_app(engine), raise_server_exceptions=False) as test_client:
        test_client.headers["X-API-Key"] = key
        yield test_client


def test_tools_need_a_staff_key(client: TestClient) -> None:
    assert (
        client.post(
            "/v1/tools/get_order_details",
            json={"order_id": "#A-pending"},
            headers={"X-API-Key": "kf_wrong"},
        ).status_code
        == 401
    )


def test_list_tools_with_kinds(client: TestClient) -> None:
    tools = client.get("/v1/tools").json()
    kinds = {t["function"]["name"]: t["kind"] for t in tools}
    assert kinds["get_order_details"] == "read" and kinds["cancel_pending_order"] == "write"


def test_read_tool_returns_data(client: TestClient) -> None:
    response = client.post("/v1/tools/get_order_details", json={"order_id": "#A-pending"})
    assert response.status_code == 200
    assert response.json()["data"]["payment_history"][0]["amount"] == 28.0


def test_unknown_tool_is_404(client: TestClient) -> None:
    response = client.post("/v1/tools/format_disk", json={})
    assert response.status_code == 404 and response.json()["code"] == "unknown_tool"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"order_id": 123, "reason": "no longer needed"},
        {"order_id": "#A-pending", "reason": "no longer needed", "force": True},
        {"order_id": "#A-pending", "reason": "x" * 500},
        ["#A-pending"],
    ],
)
def test_bad_arguments_are_422(client: TestClient, body: object) -> None:
    response = client.post("/v1/tools/cancel_pending_order", json=body)
    assert response.status_code == 422


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/tools/cancel_pending_order",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_rule_violation_is_400_with_message(client: TestClient) -> None:
    response = client.post(
        "/v1/tools/cancel_pending_order", json={"order_id": "#A-pending", "reason": "bored"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid reason"


def test_missing_record_is_404(client: TestClient) -> None:
    response = client.post(
        "/v1/tools/cancel_pending_order", json={"order_id": "#nope", "reason": "no longer needed"}
    )
    assert response.status_code == 404 and response.json()["error"] == "Order not found"


def test_idempotency_key_header_replays_and_conflicts(client: TestClient) -> None:
    headers = {"Idempotency-Key": "req-42", "X-Conversation-Id": "conv-7"}
    body = {"order_id": "#A-pending-gc", "reason": "no longer needed"}
    first = client.post("/v1/tools/cancel_pending_order", json=body, headers=headers)
    second = client.post("/v1/tools/cancel_pending_order", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["data"] == second.json()["data"]
    assert len(second.json()["data"]["payment_history"]) == 2
    other = client.post(
        "/v1/tools/cancel_pending_order", json={**body, "order_id": "#A-pending"}, headers=headers
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    balance = client.post("/v1/tools/get_user_details", json={"user_id": "alice_1"}).json()
    assert balance["data"]["payment_methods"]["gc_alice"]["balance"] == 23.0


def test_customer_header_scopes_the_call(client: TestClient) -> None:
    scoped = {"X-Customer-Id": "alice_1"}
    theirs = client.post(
        "/v1/tools/get_order_details", json={"order_id": "#B-pending"}, headers=scoped
    )
    assert theirs.status_code == 404 and theirs.json()["error"] == "Order not found"
    mine = client.post(
        "/v1/tools/get_order_details", json={"order_id": "#A-pending"}, headers=scoped
    )
    assert mine.status_code == 200
