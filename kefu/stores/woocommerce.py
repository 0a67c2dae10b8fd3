"""WooCommerce backend (REST API v3, ``/wp-json/wc/v3``), written from the published API
reference and tested only as a contract against its documented request and response shapes.

Reads come from kefu's mirror, kept current by WooCommerce webhooks (topics order.created,
order.updated, order.deleted, product.updated; ``X-WC-Webhook-Signature`` = base64
HMAC-SHA256 of the body) and ``kefu sync`` (``GET orders?modified_after=``). Writes are
made synchronously during the turn. WooCommerce core has no returns/exchanges API and no
way to move an order's charge to another payment method, so those three are refused with
a clear sentence (a person handles them). The API takes no idempotency key: a write that
timed out is not retried blindly, the customer is told to check, and sync reconciles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.orders.errors import ShopRefused
from kefu.stores._http import call
from kefu.stores.base import Operation, WriteOutcome, WriteRequest, WriteState
from kefu.stores.builtin import BuiltinBackend
from kefu.stores.mirror import StoreEventIn

#: WooCommerce order status -> kefu's (tau2) vocabulary
STATUS = {
    "pending": "pending",
    "on-hold": "pending",
    "processing": "pending",  # paid, not shipped: still changeable
    "completed": "delivered",
    "cancelled": "cancelled",
    "refunded": "cancelled",
    "failed": "cancelled",
}
TOPICS = {
    "order.created": "order.created",
    "order.updated": "order.updated",
    "order.deleted": "order.cancelled",
    "product.updated": "product.updated",
}
UNSUPPORTED = frozenset({Operation.CHANGE_PAYMENT, Operation.RETURN, Operation.EXCHANGE})


class WooCommerceBackend(BuiltinBackend):
    name = "woocommerce"
    unsupported = UNSUPPORTED

    def __init__(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        self.base = url.rstrip("/") + "/wp-json/wc/v3"
        self.auth = (consumer_key, consumer_secret)

    # ------------------------------------------------------------------ http
    def _call(self, method: str, path: str, language: str, body: Any = None, **params: Any) -> Any:
        status, data = call(
            method,
            f"{self.base}/{path}",
            language=language,
            timeout_s=get_settings().store_timeout_s,
            json=body,
            params=params or None,
            auth=self.auth,
        )
        if status >= 400:  # documented error shape: {"code", "message", "data": {"status"}}
            message = data.get("message") if isinstance(data, dict) else None
            raise ShopRefused(str(message or f"HTTP {status}"), language)
        return data

    # ------------------------------------------------------------------ writes
    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        raise ShopRefused(
            "WooCommerce has no API for this change; a colleague will handle it",
            request.language,
        )

    def cancel_order(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang, oid = request.language, request.target_id
        order = self._call("GET", f"orders/{oid}", lang)
        total = str(order.get("total") or "0")
        if total not in ("0", "0.00"):
            self._call(
                "POST",
                f"orders/{oid}/refunds",
                lang,
                {
                    "amount": total,
                    "reason": request.arguments.get("reason", ""),
                    "api_refund": True,
                },
            )
        self._call("PUT", f"orders/{oid}", lang, {"status": "cancelled"})
        return WriteOutcome(WriteState.DONE, oid)

    def change_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        body = {"shipping": _address(request.arguments)}
        self._call("PUT", f"orders/{request.target_id}", request.language, body)
        return WriteOutcome(WriteState.DONE, request.target_id)

    def change_default_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        body = {"shipping": _address(request.arguments)}
        self._call("PUT", f"customers/{request.target_id}", request.language, body)
        return WriteOutcome(WriteState.DONE, request.target_id)

    def change_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang, oid = request.language, request.target_id
        order = self._call("GET", f"orders/{oid}", lang)
        lines = list(order.get("line_items") or [])
        changes: list[dict[str, Any]] = []
        for old, new in zip(
            request.arguments["item_ids"], request.arguments["new_item_ids"], strict=True
        ):
            line = next(
                (ln for ln in lines if str(ln.get("variation_id") or ln.get("product_id")) == old),
                None,
            )
            if line is None:
                raise ShopRefused(f"item {old} is not in the order at the store", lang)
            lines.remove(line)
            remaining = int(line.get("quantity", 1)) - 1
            changes.append({"id": line["id"], "quantity": remaining})
            changes.append(
                {"product_id": line["product_id"], "variation_id": int(new), "quantity": 1}
            )
        self._call("PUT", f"orders/{oid}", lang, {"line_items": changes})
        return WriteOutcome(WriteState.DONE, oid)

    # ------------------------------------------------------------------ sync
    def changes(self, since: datetime | None) -> Iterable[StoreEventIn]:
        page = 1
        while True:
            params: dict[str, Any] = {"per_page": 100, "page": page, "orderby": "modified"}
            if since is not None:
                params["modified_after"] = since.isoformat()
            orders = self._call("GET", "orders", "en", **params)
            if not orders:
                return
            for order in orders:
                yield order_event(f"sync:{order['id']}:{order.get('date_modified_gmt')}", order)
            if len(orders) < 100:
                return
            page += 1


def _address(arguments: dict[str, Any]) -> dict[str, str]:
    return {
        "address_1": arguments["address1"],
        "address_2": arguments["address2"],
        "city": arguments["city"],
        "state": arguments["state"],
        "postcode": arguments["zip"],
        "country": arguments["country"],
    }


def order_event(event_id: str, order: dict[str, Any], topic: str = "order.updated") -> StoreEventIn:
    """A WooCommerce order (REST v3 order properties) as a mirror event."""
    shipping = order.get("shipping") or {}
    data: dict[str, Any] = {
        "order_id": str(order["id"]),
        "user_id": str(order.get("customer_id") or ""),
        "status": STATUS.get(str(order.get("status")), str(order.get("status"))),
        "address": {
            "address1": shipping.get("address_1", ""),
            "address2": shipping.get("address_2", ""),
            "city": shipping.get("city", ""),
            "state": shipping.get("state", ""),
            "country": shipping.get("country", ""),
            "zip": shipping.get("postcode", ""),
        },
    }
    version = order.get("date_modified_gmt") or order.get("date_modified")
    if not version:
        raise ValueError("a WooCommerce order needs date_modified_gmt")
    return StoreEventIn(
        id=event_id, topic=topic, version=datetime.fromisoformat(str(version)), data=data
    )


def webhook_event(headers: dict[str, str], body: bytes) -> StoreEventIn | None:
    """A verified WooCommerce webhook as a mirror event (None for topics kefu ignores)."""
    lower = {k.lower(): v for k, v in headers.items()}
    topic = TOPICS.get(lower.get("x-wc-webhook-topic", ""))
    if topic is None:
        return None
    payload = json.loads(body)
    delivery = (
        lower.get("x-wc-webhook-delivery-id")
        or f"{payload.get('id')}:{payload.get('date_modified_gmt')}"
    )
    event_id = f"wc:{delivery}"
    if topic == "product.updated":
        # a simple product is its own variant; a variation's own webhook carries its id
        variants = {
            str(payload["id"]): {
                "available": payload.get("stock_status") == "instock",
                **({"price": payload["price"]} if payload.get("price") not in (None, "") else {}),
            }
        }
        version = payload.get("date_modified_gmt") or payload.get("date_modified")
        return StoreEventIn(
            id=event_id,
            topic="product.updated",
            version=datetime.fromisoformat(str(version)),
            data={"product_id": str(payload["id"]), "variants": variants},
        )
    if topic == "order.cancelled" and "date_modified_gmt" not in payload:
        payload = {
            **payload,
            "status": "cancelled",
            "date_modified_gmt": datetime.now().isoformat(),
        }
    return order_event(event_id, payload, topic)
