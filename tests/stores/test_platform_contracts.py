"""CONTRACT tests of the Shopify (Admin GraphQL) and WooCommerce (REST v3) backends: the
requests kefu sends and the responses it reads follow the shapes in the platforms'
published API references. No real shop is called; these show conformance to the documented
shapes, nothing more (docs/stores.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kefu.api import create_app
from kefu.config import get_settings
from kefu.orders.errors import ShopRefused, ShopUnavailable
from kefu.store.db import session_factory
from kefu.store.models import Order
from kefu.stores import Operation, WriteRequest, WriteState
from kefu.stores.shopify import ShopifyBackend
from kefu.stores.shopify import webhook_event as shopify_event
from kefu.stores.woocommerce import WooCommerceBackend
from tests.stores.conftest import SECRET

Responder = Callable[[str, str, dict[str, Any]], tuple[int, Any]]


@pytest.fixture
def shop_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Capture every request; answer with the responder installed in ``shop_api[0]``."""
    sent: list[dict[str, Any]] = [{}]

    def fake(method: str, url: str, **kw: Any) -> httpx.Response:
        sent.append({"method": method, "url": url, **kw})
        status, body = sent[0]["respond"](method, url, kw)
        if isinstance(body, Exception):
            raise body
        return httpx.Response(status, json=body, request=httpx.Request(method, url))

    monkeypatch.setattr("kefu.stores._http.httpx.request", fake)
    yield sent


def _req(op: Operation, target: str, **arguments: Any) -> WriteRequest:
    return WriteRequest(op, target, arguments, "key-1", language="en")


ADDRESS = {"address1": "2 Elm", "address2": "", "city": "Austin", "state": "TX"}
ADDRESS |= {"country": "USA", "zip": "73301"}

# ---------------------------------------------------------------- Shopify Admin GraphQL


def _gql(responses: dict[str, Any]) -> Responder:
    def respond(method: str, url: str, kw: dict[str, Any]) -> tuple[int, Any]:
        query = kw["json"]["query"]
        name = next(k for k in responses if k in query)
        return 200, responses[name]

    return respond


def test_contract_shopify_order_cancel_request_and_job_response(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    shop_api[0]["respond"] = _gql(
        {
            "orderCancel": {
                "data": {
                    "orderCancel": {
                        "job": {"id": "gid://shopify/Job/1", "done": False},
                        "orderCancelUserErrors": [],
                    }
                }
            }
        }
    )
    backend = ShopifyBackend("https://demo.myshopify.com", "shpat_x")
    outcome = backend.apply(session, _req(Operation.CANCEL, "450789469", reason="no longer needed"))
    call = shop_api[1]
    assert call["method"] == "POST"
    assert call["url"] == "https://demo.myshopify.com/admin/api/2025-01/graphql.json"
    assert call["headers"] == {"X-Shopify-Access-Token": "shpat_x"}
    assert call["json"]["variables"] == {
        "orderId": "gid://shopify/Order/450789469",
        "reason": "CUSTOMER",
    }
    assert "refund: true" in call["json"]["query"] and "restock: true" in call["json"]["query"]
    # the documented payload: a job that cancels asynchronously -> "requested"
    assert outcome.state == WriteState.REQUESTED and outcome.shop_reference == "gid://shopify/Job/1"


def test_contract_shopify_user_errors_become_a_clear_refusal(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    shop_api[0]["respond"] = _gql(
        {
            "orderCancel": {
                "data": {
                    "orderCancel": {
                        "job": None,
                        "orderCancelUserErrors": [
                            {
                                "code": "INVALID",
                                "field": ["orderId"],
                                "message": "Cannot cancel an order that has already been cancelled",
                            }
                        ],
                    }
                }
            }
        }
    )
    backend = ShopifyBackend("https://demo.myshopify.com", "t")
    with pytest.raises(ShopRefused) as refused:
        backend.apply(session, _req(Operation.CANCEL, "1", reason="ordered by mistake"))
    assert refused.value.message == (
        "The store could not make this change: Cannot cancel an order that has already been "
        "cancelled. Nothing was changed."
    )


def test_contract_shopify_throttled_is_unavailable(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    shop_api[0]["respond"] = _gql(
        {"orderUpdate": {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}}
    )
    with pytest.raises(ShopUnavailable):
        ShopifyBackend("https://s", "t").apply(
            session, _req(Operation.CHANGE_ADDRESS, "1", **ADDRESS)
        )
    assert shop_api[1]["json"]["variables"]["input"] == {
        "id": "gid://shopify/Order/1",
        "shippingAddress": {
            "address1": "2 Elm",
            "address2": "",
            "city": "Austin",
            "provinceCode": "TX",
            "countryCode": "US",
            "zip": "73301",
        },
    }


def test_contract_shopify_item_change_is_an_order_edit(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    calc = "gid://shopify/CalculatedOrder/9"
    shop_api[0]["respond"] = _gql(
        {
            "orderEditBegin": {
                "data": {
                    "orderEditBegin": {
                        "calculatedOrder": {
                            "id": calc,
                            "lineItems": {
                                "nodes": [
                                    {
                                        "id": "gid://shopify/CalculatedLineItem/5",
                                        "quantity": 2,
                                        "variant": {"id": "gid://shopify/ProductVariant/11"},
                                    }
                                ]
                            },
                        },
                        "userErrors": [],
                    }
                }
            },
            "orderEditSetQuantity": {
                "data": {
                    "orderEditSetQuantity": {"calculatedOrder": {"id": calc}, "userErrors": []}
                }
            },
            "orderEditAddVariant": {
                "data": {"orderEditAddVariant": {"calculatedOrder": {"id": calc}, "userErrors": []}}
            },
            "orderEditCommit": {
                "data": {
                    "orderEditCommit": {"order": {"id": "gid://shopify/Order/1"}, "userErrors": []}
                }
            },
        }
    )
    request = _req(
        Operation.CHANGE_ITEMS, "1", item_ids=["11"], new_item_ids=["12"], payment_method_id="x"
    )
    assert ShopifyBackend("https://s", "t").apply(session, request).state == WriteState.DONE
    variables = [c["json"]["variables"] for c in shop_api[1:]]
    assert variables == [
        {"id": "gid://shopify/Order/1"},
        {"id": calc, "lineItemId": "gid://shopify/CalculatedLineItem/5", "quantity": 1},
        {"id": calc, "variantId": "gid://shopify/ProductVariant/12", "quantity": 1},
        {"id": calc},
    ]


def test_contract_shopify_exchange_is_return_create_with_exchange_lines(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    shop_api[0]["respond"] = _gql(
        {
            "fulfillmentLineItems": {
                "data": {
                    "order": {
                        "fulfillments": [
                            {
                                "fulfillmentLineItems": {
                                    "nodes": [
                                        {
                                            "id": "gid://shopify/FulfillmentLineItem/7",
                                            "quantity": 1,
                                            "lineItem": {
                                                "variant": {"id": "gid://shopify/ProductVariant/11"}
                                            },
                                        }
                                    ]
                                }
                            }
                        ]
                    }
                }
            },
            "returnCreate": {
                "data": {
                    "returnCreate": {
                        "return": {"id": "gid://shopify/Return/3", "status": "OPEN"},
                        "userErrors": [],
                    }
                }
            },
        }
    )
    request = _req(
        Operation.EXCHANGE, "1", item_ids=["11"], new_item_ids=["12"], payment_method_id="x"
    )
    outcome = ShopifyBackend("https://s", "t").apply(session, request)
    assert outcome.shop_reference == "gid://shopify/Return/3"
    assert shop_api[2]["json"]["variables"]["input"] == {
        "orderId": "gid://shopify/Order/1",
        "returnLineItems": [
            {
                "fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/7",
                "quantity": 1,
                "returnReason": "OTHER",
            }
        ],
        "exchangeLineItems": [{"variantId": "gid://shopify/ProductVariant/12", "quantity": 1}],
    }


def test_contract_shopify_payment_change_is_refused_without_a_call(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    with pytest.raises(ShopRefused):
        ShopifyBackend("https://s", "t").apply(
            session, _req(Operation.CHANGE_PAYMENT, "1", payment_method_id="p")
        )
    assert len(shop_api) == 1


def test_contract_shopify_webhook_headers_and_order_payload() -> None:
    body = json.dumps(
        {
            "id": 450789469,
            "updated_at": "2026-05-01T12:00:00-04:00",
            "cancelled_at": None,
            "fulfillment_status": "fulfilled",
            "fulfillments": [
                {
                    "tracking_numbers": ["1Z2345"],
                    "tracking_company": "UPS",
                    "line_items": [{"variant_id": 11}],
                }
            ],
            "shipping_address": {
                "address1": "1 Main",
                "city": "Ottawa",
                "province_code": "ON",
                "country_code": "CA",
                "zip": "K2P",
            },
        }
    ).encode()
    event = shopify_event(
        {"X-Shopify-Topic": "orders/updated", "X-Shopify-Webhook-Id": "b54557e4"}, body
    )
    assert event is not None and event.id == "shopify:b54557e4" and event.topic == "order.updated"
    assert event.data["status"] == "delivered" and event.data["fulfillments"][0]["tracking_id"] == [
        "1Z2345"
    ]
    assert shopify_event({"X-Shopify-Topic": "carts/update"}, b"{}") is None


# ---------------------------------------------------------------- WooCommerce REST v3


def test_contract_woocommerce_cancel_refunds_then_sets_status(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    def respond(method: str, url: str, kw: dict[str, Any]) -> tuple[int, Any]:
        if method == "GET":
            return 200, {"id": 727, "status": "processing", "total": "29.35", "line_items": []}
        if url.endswith("/refunds"):
            return 201, {"id": 730, "amount": "29.35"}
        return 200, {"id": 727, "status": "cancelled"}

    shop_api[0]["respond"] = respond
    backend = WooCommerceBackend("https://shop.example", "ck_1", "cs_1")
    outcome = backend.apply(session, _req(Operation.CANCEL, "727", reason="no longer needed"))
    assert outcome.state == WriteState.DONE
    calls = [(c["method"], c["url"], c.get("json")) for c in shop_api[1:]]
    assert calls == [
        ("GET", "https://shop.example/wp-json/wc/v3/orders/727", None),
        (
            "POST",
            "https://shop.example/wp-json/wc/v3/orders/727/refunds",
            {"amount": "29.35", "reason": "no longer needed", "api_refund": True},
        ),
        ("PUT", "https://shop.example/wp-json/wc/v3/orders/727", {"status": "cancelled"}),
    ]
    assert all(c["auth"] == ("ck_1", "cs_1") for c in shop_api[1:])


def test_contract_woocommerce_error_shape_becomes_a_sentence(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    shop_api[0]["respond"] = lambda m, u, kw: (
        400,
        {
            "code": "woocommerce_rest_shop_order_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": 400},
        },
    )
    with pytest.raises(ShopRefused) as refused:
        WooCommerceBackend("https://s", "k", "s").apply(
            session, _req(Operation.CHANGE_ADDRESS, "9", **ADDRESS)
        )
    assert (
        refused.value.message
        == "The store could not make this change: Invalid ID. Nothing was changed."
    )
    assert shop_api[1]["json"] == {
        "shipping": {
            "address_1": "2 Elm",
            "address_2": "",
            "city": "Austin",
            "state": "TX",
            "postcode": "73301",
            "country": "USA",
        }
    }


@pytest.mark.parametrize(
    ("answer", "timed_out"),
    [(httpx.ConnectError("down"), False), (httpx.ReadTimeout("slow"), True)],
)
def test_contract_woocommerce_down_or_timeout(
    shop_api: list[dict[str, Any]], session: Session, answer: Exception, timed_out: bool
) -> None:
    shop_api[0]["respond"] = lambda m, u, kw: (0, answer)
    with pytest.raises(ShopUnavailable) as err:
        WooCommerceBackend("https://s", "k", "s").apply(
            session, _req(Operation.CHANGE_DEFAULT_ADDRESS, "5", **ADDRESS)
        )
    assert err.value.timed_out is timed_out


def test_contract_woocommerce_item_change_uses_line_items(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    def respond(method: str, url: str, kw: dict[str, Any]) -> tuple[int, Any]:
        if method == "GET":
            return 200, {
                "id": 1,
                "line_items": [{"id": 315, "product_id": 93, "variation_id": 101, "quantity": 1}],
            }
        return 200, {"id": 1}

    shop_api[0]["respond"] = respond
    request = _req(
        Operation.CHANGE_ITEMS, "1", item_ids=["101"], new_item_ids=["102"], payment_method_id="x"
    )
    WooCommerceBackend("https://s", "k", "s").apply(session, request)
    assert shop_api[2]["json"] == {
        "line_items": [
            {"id": 315, "quantity": 0},
            {"product_id": 93, "variation_id": 102, "quantity": 1},
        ]
    }


def test_contract_woocommerce_has_no_returns_api(
    shop_api: list[dict[str, Any]], session: Session
) -> None:
    for op in (Operation.RETURN, Operation.EXCHANGE, Operation.CHANGE_PAYMENT):
        with pytest.raises(ShopRefused):
            WooCommerceBackend("https://s", "k", "s").apply(
                session, _req(op, "1", item_ids=["1"], new_item_ids=["2"], payment_method_id="x")
            )
    assert len(shop_api) == 1


# ---------------------------------------------------------------- signed webhooks in, per scheme


@pytest.fixture
def client(shop_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(shop_engine)) as c:
        yield c


def _b64(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_contract_woocommerce_webhook_signature_and_order(
    client: TestClient, shop_engine: Engine
) -> None:
    body = json.dumps(
        {
            "id": "#A-pending",
            "status": "completed",
            "customer_id": "alice_1",
            "date_modified_gmt": "2026-05-02T10:00:00",
            "shipping": {
                "address_1": "5 Pine",
                "city": "Reno",
                "state": "NV",
                "postcode": "89501",
                "country": "US",
            },
        }
    ).encode()
    headers = {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Delivery-ID": "d-1",
        "Content-Type": "application/json",
    }
    forged = client.post(
        "/v1/store/webhooks/woocommerce",
        content=body,
        headers={**headers, "X-WC-Webhook-Signature": _b64(body, "nope")},
    )
    assert forged.status_code == 401
    ok = client.post(
        "/v1/store/webhooks/woocommerce",
        content=body,
        headers={**headers, "X-WC-Webhook-Signature": _b64(body)},
    )
    assert ok.status_code == 200 and ok.json()["outcome"] == "applied", ok.text
    replay = client.post(
        "/v1/store/webhooks/woocommerce",
        content=body,
        headers={**headers, "X-WC-Webhook-Signature": _b64(body)},
    )
    assert replay.json()["outcome"] == "duplicate"
    with session_factory(shop_engine)() as s:
        order = s.get(Order, "#A-pending")
        assert order is not None and order.status == "delivered" and order.city == "Reno"


def test_contract_shopify_webhook_signature(client: TestClient, shop_engine: Engine) -> None:
    body = json.dumps(
        {
            "id": "#A-pending-2",
            "updated_at": "2026-05-01T12:00:00-04:00",
            "cancelled_at": "2026-05-01T12:00:00-04:00",
        }
    ).encode()
    headers = {"X-Shopify-Topic": "orders/cancelled", "X-Shopify-Webhook-Id": "w-1"}
    assert (
        client.post("/v1/store/webhooks/shopify", content=body, headers=headers).status_code == 401
    )
    ok = client.post(
        "/v1/store/webhooks/shopify",
        content=body,
        headers={**headers, "X-Shopify-Hmac-Sha256": _b64(body)},
    )
    assert ok.status_code == 200, ok.text
    with session_factory(shop_engine)() as s:
        assert s.get(Order, "#A-pending-2").status == "cancelled"  # type: ignore[union-attr]
