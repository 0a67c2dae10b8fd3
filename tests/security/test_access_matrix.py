"""Access-control matrix over every ``/v1`` route of the real app.

The routes are enumerated from ``create_app(...)``, and each must be classified below: a new
route that nobody classified fails :func:`test_every_route_is_classified`, so access rules
cannot be forgotten.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from kefu.api import create_app
from kefu.auth import Role, create_key, sign_site_identity
from kefu.store.db import session_factory
from kefu.store.models import ApiKey, Order
from tests.assistant.conftest import YUSUF
from tests.security._routes import api_routes

PUBLIC = {
    ("GET", "/v1/products"),
    ("GET", "/v1/products/{product_id}"),
    ("GET", "/v1/products/{product_id}/similar"),
    ("GET", "/v1/products/{product_id}/also-bought"),
    ("POST", "/v1/conversations"),
}
"""Open to anyone: the public catalogue and opening a chat."""

CUSTOMER = {
    ("GET", "/v1/conversations/{conversation_id}"),
    ("POST", "/v1/conversations/{conversation_id}/messages"),
    ("POST", "/v1/conversations/{conversation_id}/feedback"),
}
"""Reached with the conversation's own token (staff may read transcripts with a key)."""

ADMIN = {
    ("GET", "/v1/admin/keys"),
    ("POST", "/v1/admin/keys"),
    ("DELETE", "/v1/admin/keys/{key_id}"),
    ("GET", "/v1/privacy/customers/{customer_id}/export"),
    ("DELETE", "/v1/privacy/customers/{customer_id}"),
    ("POST", "/v1/analytics/recompute"),
    ("POST", "/v1/risk/rescore"),
    ("DELETE", "/v1/knowledge/documents/{document_id}"),
    ("POST", "/v1/orders"),
    ("POST", "/v1/store/orders/{order_id}/updates"),
}
"""Key management, order intake from the store's site, personal-data rights, batch recomputation and deletions."""

AGENT = {
    ("GET", "/v1/analytics/churn"),
    ("GET", "/v1/analytics/clv"),
    ("GET", "/v1/analytics/customers/{customer_id}"),
    ("GET", "/v1/analytics/rfm"),
    ("GET", "/v1/analytics/support"),
    ("GET", "/v1/customers/{customer_id}"),
    ("GET", "/v1/handoffs"),
    ("GET", "/v1/handoffs/{conversation_id}/brief"),
    ("GET", "/v1/handoffs/{conversation_id}/suggestions"),
    ("GET", "/v1/knowledge/documents"),
    ("GET", "/v1/knowledge/search"),
    ("GET", "/v1/recommendations"),
    ("GET", "/v1/reviews/alerts"),
    ("GET", "/v1/reviews/trends"),
    ("GET", "/v1/risk/orders"),
    ("GET", "/v1/risk/orders/{order_id}"),
    ("GET", "/v1/tools"),
    ("POST", "/v1/content/describe"),
    ("POST", "/v1/handoffs/{conversation_id}/claim"),
    ("POST", "/v1/handoffs/{conversation_id}/close"),
    ("POST", "/v1/handoffs/{conversation_id}/hand-back"),
    ("POST", "/v1/handoffs/{conversation_id}/messages"),
    ("POST", "/v1/knowledge/catalog"),
    ("POST", "/v1/knowledge/documents"),
    ("POST", "/v1/reviews"),
    ("POST", "/v1/risk/orders/{order_id}/review"),
    ("POST", "/v1/tools/{name}"),
}
"""Everyday staff work: any valid key."""

STAFF = ADMIN | AGENT

SIGNED = {("POST", "/v1/store/webhooks/{scheme}")}
"""From the shop: HMAC-signed with the webhook secret instead of a key (docs/stores.md)."""


@pytest.fixture
def setup(sqlite_tau2_engine: Engine) -> dict[str, Any]:
    """The app, an agent key, a revoked key and two customers' conversations."""
    with session_factory(sqlite_tau2_engine)() as s:
        agent = create_key(s, "agent-amy", Role.AGENT)
        revoked = create_key(s, "gone", Role.ADMIN)
        s.flush()
        key = s.scalars(select(ApiKey).where(ApiKey.name == "gone")).one()
        key.revoked_at = key.created_at
        order = s.scalars(select(Order).where(Order.customer_id != YUSUF["id"])).first()
        assert order is not None
        s.commit()
        other_order, other_customer = order.id, order.customer_id
    client = TestClient(create_app(sqlite_tau2_engine))
    mine = client.post(
        "/v1/conversations", json={"customer_token": sign_site_identity(YUSUF["id"])}
    ).json()
    theirs = client.post(
        "/v1/conversations", json={"customer_token": sign_site_identity(other_customer)}
    ).json()
    return {
        "client": client,
        "agent": {"X-API-Key": agent},
        "revoked": {"X-API-Key": revoked},
        "mine": mine,
        "theirs": theirs,
        "other_order": other_order,
        "other_customer": other_customer,
    }


def _url(path: str, setup: dict[str, Any]) -> str:
    values = {
        "conversation_id": setup["theirs"]["conversation_id"],
        "customer_id": setup["other_customer"],
        "order_id": quote(setup["other_order"], safe=""),
        "product_id": "8310926033",
        "key_id": "1",
        "document_id": "1",
        "name": "get_order_details",
        "scheme": "kefu",
    }
    return path.format(**values)


def _call(setup: dict[str, Any], method: str, path: str, headers: dict[str, str]) -> int:
    client: TestClient = setup["client"]
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return client.request(method, _url(path, setup), **kwargs).status_code


def _bearer(conv: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {conv['token']}"}


def test_every_route_is_classified(sqlite_tau2_engine: Engine) -> None:
    routes = set(api_routes(create_app(sqlite_tau2_engine)))
    classified = PUBLIC | CUSTOMER | STAFF | SIGNED
    assert routes - classified == set(), "new /v1 routes need an access rule in this test"
    assert classified - routes == set(), "classified routes that no longer exist"


def _mismatches(
    setup: dict[str, Any], routes: set[tuple[str, str]], headers: dict[str, str], ok: Any
) -> list[str]:
    """Routes whose status fails ``ok`` (all are tried, so one run reports every gap)."""
    wrong = []
    for method, path in sorted(routes):
        code = _call(setup, method, path, headers)
        if not ok(code):
            wrong.append(f"{method} {path} -> {code}")
    return wrong


def test_no_credentials_is_401(setup: dict[str, Any]) -> None:
    assert _mismatches(setup, STAFF | CUSTOMER, {}, lambda c: c == 401) == []


def test_unsigned_shop_webhook_is_401_even_with_a_staff_key(setup: dict[str, Any]) -> None:
    assert _mismatches(setup, SIGNED, {}, lambda c: c == 401) == []
    assert _mismatches(setup, SIGNED, setup["agent"], lambda c: c == 401) == []


def test_revoked_or_unknown_key_is_401(setup: dict[str, Any]) -> None:
    assert _mismatches(setup, STAFF, setup["revoked"], lambda c: c == 401) == []
    assert _mismatches(setup, STAFF, {"X-API-Key": "kf_forged"}, lambda c: c == 401) == []


def test_public_routes_need_no_credentials(setup: dict[str, Any]) -> None:
    assert _mismatches(setup, PUBLIC, {}, lambda c: c < 400 or c == 404) == []


def test_agent_key_on_admin_route_is_403(setup: dict[str, Any]) -> None:
    assert _mismatches(setup, ADMIN, setup["agent"], lambda c: c == 403) == []


def test_agent_key_passes_the_access_check(setup: dict[str, Any]) -> None:
    """Past the access check the handler answers: success or a plain input error."""
    assert (
        _mismatches(setup, AGENT, setup["agent"], lambda c: c not in (401, 403) and c < 500) == []
    )


def test_customer_token_does_not_open_staff_routes(setup: dict[str, Any]) -> None:
    assert _mismatches(setup, STAFF, _bearer(setup["mine"]), lambda c: c == 401) == []


@pytest.mark.parametrize("route", sorted(CUSTOMER))
def test_another_customers_conversation_is_404(
    setup: dict[str, Any], route: tuple[str, str]
) -> None:
    """Yusuf's token on the other customer's conversation: absent, not forbidden."""
    method, path = route
    client: TestClient = setup["client"]
    body = {"text": "hello", "score": 5}
    res = client.request(
        method,
        _url(path, setup),
        headers=_bearer(setup["mine"]),
        json=body if method == "POST" else None,
    )
    assert res.status_code == 404
    assert setup["other_customer"] not in res.text


def test_unknown_conversation_looks_like_another_customers(setup: dict[str, Any]) -> None:
    client: TestClient = setup["client"]
    auth = _bearer(setup["mine"])
    other = client.get(f"/v1/conversations/{setup['theirs']['conversation_id']}", headers=auth)
    missing = client.get("/v1/conversations/c_000000000000000000000000", headers=auth)
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())


def test_expired_and_tampered_conversation_tokens_are_401(setup: dict[str, Any]) -> None:
    from kefu.auth import sign_token

    client: TestClient = setup["client"]
    cid = setup["mine"]["conversation_id"]
    expired = sign_token({"conv": cid, "kind": "conversation"}, ttl_s=-10)
    body, sig = setup["mine"]["token"].split(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + sig
    for token in (expired, tampered, "not-a-token"):
        res = client.get(f"/v1/conversations/{cid}", headers={"Authorization": f"Bearer {token}"})
        assert res.status_code == 401


def test_site_identity_is_not_a_conversation_token(setup: dict[str, Any]) -> None:
    client: TestClient = setup["client"]
    cid = setup["mine"]["conversation_id"]
    identity = sign_site_identity(YUSUF["id"])
    res = client.get(f"/v1/conversations/{cid}", headers={"Authorization": f"Bearer {identity}"})
    assert res.status_code == 401
    # and a conversation token is no customer identity
    res = client.post("/v1/conversations", json={"customer_token": setup["mine"]["token"]})
    assert res.status_code == 401
