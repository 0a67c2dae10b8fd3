"""Signed webhooks and pushed order updates into kefu's mirror, through real HTTP on both
databases: forged or unsigned calls get 401 and change nothing; replays and late (older)
events are recognised; each topic lands in the mirror."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from kefu.api import create_app
from kefu.auth.keys import Role, create_key
from kefu.config import get_settings
from kefu.store.db import session_factory
from kefu.store.models import Order, Variant
from kefu.stores.models import StoreEvent
from kefu.stores.signing import sign
from tests.stores.conftest import SECRET


@pytest.fixture
def client(shop_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(shop_engine)) as c:
        yield c


def _post(client: TestClient, event: dict[str, Any], secret: str | None = SECRET) -> Any:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Kefu-Signature"] = sign(secret, body)
    return client.post("/v1/store/webhooks/kefu", content=body, headers=headers)


def _order(engine: Engine, order_id: str) -> Order:
    with session_factory(engine)() as s:
        order = s.get(Order, order_id)
        assert order is not None
        _ = (order.fulfillments, order.items)
        s.expunge_all()
        return order


def _events(engine: Engine) -> int:
    with session_factory(engine)() as s:
        return int(s.scalar(select(func.count()).select_from(StoreEvent)) or 0)


def _evt(eid: str, topic: str, version: Any, **data: Any) -> dict[str, Any]:
    return {"id": eid, "topic": topic, "version": version, "data": data}


FULFILLED = _evt(
    "evt-1",
    "order.fulfilled",
    3,
    order_id="#A-pending-2",
    status="processed",
    fulfillments=[
        {
            "tracking_id": ["1Z999"],
            "item_ids": ["m-black"],
            "carrier": "UPS",
            "shipped_at": "2026-06-01T10:00:00",
        }
    ],
)


@pytest.mark.parametrize(
    "signature",
    [None, "sha256=" + "0" * 64, "garbage", sign("wrong-secret", json.dumps(FULFILLED).encode())],
)
def test_forged_or_unsigned_webhook_is_401_and_changes_nothing(
    client: TestClient, shop_engine: Engine, signature: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Kefu-Signature"] = signature
    resp = client.post("/v1/store/webhooks/kefu", content=json.dumps(FULFILLED), headers=headers)
    assert resp.status_code == 401
    assert _order(shop_engine, "#A-pending-2").status == "pending"
    assert _events(shop_engine) == 0


def test_tampered_body_is_401(client: TestClient, shop_engine: Engine) -> None:
    body = json.dumps(FULFILLED).encode()
    tampered = body.replace(b"processed", b"cancelled")
    resp = client.post(
        "/v1/store/webhooks/kefu",
        content=tampered,
        headers={"X-Kefu-Signature": sign(SECRET, body), "Content-Type": "application/json"},
    )
    assert resp.status_code == 401
    assert _order(shop_engine, "#A-pending-2").status == "pending"


def test_no_secret_configured_refuses_every_webhook(
    shop_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEFU_STORE_WEBHOOK_SECRET", raising=False)
    get_settings.cache_clear()
    with TestClient(create_app(shop_engine)) as c:
        assert _post(c, FULFILLED, secret="").status_code == 401


def test_fulfilled_webhook_updates_status_and_tracking(
    client: TestClient, shop_engine: Engine
) -> None:
    resp = _post(client, FULFILLED)
    assert resp.status_code == 200 and resp.json()["outcome"] == "applied"
    order = _order(shop_engine, "#A-pending-2")
    assert order.status == "processed"
    assert [(f.tracking_ids, f.carrier) for f in order.fulfillments] == [(["1Z999"], "UPS")]


def test_replayed_webhook_is_applied_once(client: TestClient, shop_engine: Engine) -> None:
    assert _post(client, FULFILLED).json()["outcome"] == "applied"
    # the shop changes the order again, then the first event is replayed
    later = _evt("evt-2", "order.updated", 4, order_id="#A-pending-2", status="delivered")
    assert _post(client, later).json()["outcome"] == "applied"
    replay = _post(client, FULFILLED)
    assert replay.status_code == 200 and replay.json()["outcome"] == "duplicate"
    assert _order(shop_engine, "#A-pending-2").status == "delivered"
    assert _events(shop_engine) == 2


def test_out_of_order_delivery_keeps_the_newest(client: TestClient, shop_engine: Engine) -> None:
    newer = _evt(
        "evt-b", "order.updated", "2026-06-02T10:00:00Z", order_id="#A-pending", status="delivered"
    )
    older = _evt(
        "evt-a", "order.updated", "2026-06-01T10:00:00Z", order_id="#A-pending", status="processed"
    )
    assert _post(client, newer).json()["outcome"] == "applied"
    assert _post(client, older).json()["outcome"] == "stale"
    assert _order(shop_engine, "#A-pending").status == "delivered"


def test_cancelled_created_and_product_updated(client: TestClient, shop_engine: Engine) -> None:
    assert _post(client, _evt("c1", "order.cancelled", 2, order_id="#B-pending")).status_code == 200
    assert _order(shop_engine, "#B-pending").status == "cancelled"
    created = _evt(
        "c2",
        "order.created",
        1,
        order_id="#SHOP-1001",
        user_id="bob_2",
        status="pending",
        address={"address1": "9 Oak", "city": "Austin", "state": "TX", "country": "USA"},
        items=[{"product_id": "p-mug", "item_id": "m-white", "name": "Mug", "price": 8.0}],
        payment_history=[
            {"transaction_type": "payment", "amount": 8.0, "payment_method_id": "cc_bob"}
        ],
    )
    resp = _post(client, created)
    assert resp.status_code == 200, resp.text
    order = _order(shop_engine, "#SHOP-1001")
    assert order.customer_id == "bob_2" and [i.variant_id for i in order.items] == ["m-white"]
    product = _evt(
        "p1", "product.updated", 7, product_id="p-shirt", variants={"v-gold": {"available": True}}
    )
    assert _post(client, product).json()["outcome"] == "applied"
    with session_factory(shop_engine)() as s:
        assert s.get(Variant, "v-gold").available is True  # type: ignore[union-attr]


def test_bad_events_are_422_and_change_nothing(client: TestClient, shop_engine: Engine) -> None:
    unknown_customer = _evt("x1", "order.created", 1, order_id="#SHOP-9", user_id="ghost")
    assert _post(client, unknown_customer).status_code == 422
    assert (
        _post(client, {"id": "x2", "topic": "order.exploded", "version": 1, "data": {}}).status_code
        == 422
    )
    assert _events(shop_engine) == 0


def test_custom_shop_pushes_order_updates(client: TestClient, shop_engine: Engine) -> None:
    with session_factory(shop_engine)() as s:
        admin, agent = create_key(s, "shop", Role.ADMIN), create_key(s, "mei", Role.AGENT)
        s.commit()
    update = {
        "status": "processed",
        "version": 5,
        "fulfillments": [{"tracking_id": ["SF123"], "item_ids": ["v-red-m"], "carrier": "SF"}],
    }
    url = "/v1/store/orders/#A-pending-m/updates".replace("#", "%23")
    assert client.post(url, json=update).status_code == 401
    assert client.post(url, json=update, headers={"X-API-Key": agent}).status_code == 403
    headers = {"X-API-Key": admin, "Idempotency-Key": "ship-1"}
    first = client.post(url, json=update, headers=headers)
    assert first.status_code == 200 and first.json()["outcome"] == "applied", first.text
    assert client.post(url, json=update, headers=headers).json()["outcome"] == "duplicate"
    late = {"status": "pending", "version": 4}
    assert client.post(url, json=late, headers={"X-API-Key": admin}).json()["outcome"] == "stale"
    order = _order(shop_engine, "#A-pending-m")
    assert order.status == "processed" and order.fulfillments[0].tracking_ids == ["SF123"]
    missing = "/v1/store/orders/nope/updates"
    assert client.post(missing, json=update, headers={"X-API-Key": admin}).status_code == 404
    unversioned = client.post(url, json={"status": "x"}, headers={"X-API-Key": admin})
    assert unversioned.status_code == 422
