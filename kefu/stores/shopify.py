"""Shopify backend (Admin GraphQL API), written from the published API reference and tested
only as a contract against its documented request and response shapes.

Writes: ``orderCancel`` (refund + restock), ``orderUpdate`` (shipping address), order
editing (``orderEditBegin`` / ``orderEditSetQuantity`` / ``orderEditAddVariant`` /
``orderEditCommit``) for item changes, ``returnCreate`` for returns and, with
``exchangeLineItems``, exchanges. Changing an order's payment method and the customer's
default address are not made here (refused with a clear sentence; a person handles them).
Refusals arrive as ``userErrors`` / ``orderCancelUserErrors`` (HTTP 200); throttling is the
top-level ``THROTTLED`` error. Reads come from kefu's mirror, kept current by webhooks
(``X-Shopify-Hmac-Sha256`` = base64 HMAC-SHA256 of the body; ``X-Shopify-Topic``
orders/create, orders/updated, orders/fulfilled, orders/cancelled, products/update) and
``kefu sync``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.orders.errors import ShopRefused, ShopUnavailable
from kefu.stores._http import call
from kefu.stores.base import Operation, WriteOutcome, WriteRequest, WriteState
from kefu.stores.builtin import BuiltinBackend
from kefu.stores.mirror import StoreEventIn

API_VERSION = "2025-01"
TOPICS = {
    "orders/create": "order.created",
    "orders/updated": "order.updated",
    "orders/fulfilled": "order.fulfilled",
    "orders/cancelled": "order.cancelled",
    "products/update": "product.updated",
}
UNSUPPORTED = frozenset({Operation.CHANGE_PAYMENT, Operation.CHANGE_DEFAULT_ADDRESS})
COUNTRY_CODES = {"USA": "US", "United States": "US", "China": "CN", "中国": "CN"}

CANCEL = """mutation Cancel($orderId: ID!, $reason: OrderCancelReason!) {
  orderCancel(orderId: $orderId, reason: $reason, refund: true, restock: true,
              notifyCustomer: true) {
    job { id done }
    orderCancelUserErrors { code field message }
  }
}"""
UPDATE_ADDRESS = """mutation Address($input: OrderInput!) {
  orderUpdate(input: $input) { order { id } userErrors { field message } }
}"""
EDIT_BEGIN = """mutation Begin($id: ID!) {
  orderEditBegin(id: $id) {
    calculatedOrder { id lineItems(first: 100) { nodes { id quantity variant { id } } } }
    userErrors { field message }
  }
}"""
EDIT_SET_QUANTITY = """mutation SetQty($id: ID!, $lineItemId: ID!, $quantity: Int!) {
  orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity) {
    calculatedOrder { id } userErrors { field message }
  }
}"""
EDIT_ADD_VARIANT = """mutation Add($id: ID!, $variantId: ID!, $quantity: Int!) {
  orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity) {
    calculatedOrder { id } userErrors { field message }
  }
}"""
EDIT_COMMIT = """mutation Commit($id: ID!) {
  orderEditCommit(id: $id, notifyCustomer: true) { order { id } userErrors { field message } }
}"""
FULFILLMENT_LINES = """query Lines($id: ID!) {
  order(id: $id) {
    fulfillments { fulfillmentLineItems(first: 100) { nodes { id quantity
      lineItem { variant { id } } } } }
  }
}"""
RETURN_CREATE = """mutation Return($input: ReturnInput!) {
  returnCreate(returnInput: $input) { return { id status } userErrors { field message } }
}"""
CHANGED_ORDERS = """query Changed($query: String) {
  orders(first: 100, query: $query, sortKey: UPDATED_AT) {
    nodes { id legacyResourceId updatedAt cancelledAt displayFulfillmentStatus
      fulfillments { trackingInfo { number company } } }
  }
}"""


def gid(kind: str, value: str) -> str:
    """Shopify global id for a numeric id (ids already in gid form pass through)."""
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value.lstrip('#')}"


class ShopifyBackend(BuiltinBackend):
    name = "shopify"
    unsupported = UNSUPPORTED

    def __init__(self, shop_url: str, access_token: str) -> None:
        self.endpoint = f"{shop_url.rstrip('/')}/admin/api/{API_VERSION}/graphql.json"
        self.token = access_token

    def graphql(
        self, query: str, variables: dict[str, Any], language: str, payload: str | None = None
    ) -> dict[str, Any]:
        """Run one query; refusals (userErrors) raise ShopRefused, throttling ShopUnavailable."""
        status, body = call(
            "POST",
            self.endpoint,
            language=language,
            timeout_s=get_settings().store_timeout_s,
            json={"query": query, "variables": variables},
            headers={"X-Shopify-Access-Token": self.token},
        )
        if status >= 400 or not isinstance(body, dict):
            raise ShopRefused(_first_message(body) or f"HTTP {status}", language)
        errors = body.get("errors") or []
        if errors:
            codes = {str((e.get("extensions") or {}).get("code")) for e in errors}
            if "THROTTLED" in codes:
                raise ShopUnavailable(language)
            raise ShopRefused(_first_message(body) or "the request was refused", language)
        data = body.get("data") or {}
        if payload is not None:
            result = data.get(payload) or {}
            user_errors = result.get("userErrors") or result.get("orderCancelUserErrors") or []
            if user_errors:
                raise ShopRefused(str(user_errors[0].get("message", "")), language)
        return dict(data)

    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        raise ShopRefused(
            "Shopify's API does not allow this change here; a colleague will handle it",
            request.language,
        )

    def cancel_order(self, session: Session, request: WriteRequest) -> WriteOutcome:
        reason = "CUSTOMER"  # both tau2 reasons are the customer's
        variables = {"orderId": gid("Order", request.target_id), "reason": reason}
        data = self.graphql(CANCEL, variables, request.language, "orderCancel")
        job = (data.get("orderCancel") or {}).get("job") or {}
        state = WriteState.DONE if job.get("done") else WriteState.REQUESTED  # async job
        return WriteOutcome(state, job.get("id"))

    def change_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        a = request.arguments
        address = {
            "address1": a["address1"],
            "address2": a["address2"],
            "city": a["city"],
            "provinceCode": a["state"],
            "countryCode": COUNTRY_CODES.get(a["country"], a["country"]),
            "zip": a["zip"],
        }
        variables = {"input": {"id": gid("Order", request.target_id), "shippingAddress": address}}
        self.graphql(UPDATE_ADDRESS, variables, request.language, "orderUpdate")
        return WriteOutcome(WriteState.DONE, request.target_id)

    def change_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        begun = self.graphql(
            EDIT_BEGIN, {"id": gid("Order", request.target_id)}, lang, "orderEditBegin"
        )
        calculated = begun["orderEditBegin"]["calculatedOrder"]
        lines = list(calculated["lineItems"]["nodes"])
        for old, new in zip(
            request.arguments["item_ids"], request.arguments["new_item_ids"], strict=True
        ):
            line = next(
                (
                    ln
                    for ln in lines
                    if (ln.get("variant") or {}).get("id") == gid("ProductVariant", old)
                ),
                None,
            )
            if line is None:
                raise ShopRefused(f"item {old} is not in the order at the store", lang)
            line["quantity"] = int(line["quantity"]) - 1
            self.graphql(
                EDIT_SET_QUANTITY,
                {"id": calculated["id"], "lineItemId": line["id"], "quantity": line["quantity"]},
                lang,
                "orderEditSetQuantity",
            )
            self.graphql(
                EDIT_ADD_VARIANT,
                {"id": calculated["id"], "variantId": gid("ProductVariant", new), "quantity": 1},
                lang,
                "orderEditAddVariant",
            )
        self.graphql(EDIT_COMMIT, {"id": calculated["id"]}, lang, "orderEditCommit")
        return WriteOutcome(WriteState.DONE, request.target_id)

    def _return(self, request: WriteRequest, exchange: bool) -> WriteOutcome:
        lang = request.language
        order_gid = gid("Order", request.target_id)
        data = self.graphql(FULFILLMENT_LINES, {"id": order_gid}, lang)
        available: list[dict[str, Any]] = [
            node
            for ful in (data.get("order") or {}).get("fulfillments") or []
            for node in ful["fulfillmentLineItems"]["nodes"]
        ]
        lines: list[dict[str, Any]] = []
        for item in request.arguments["item_ids"]:
            node = next(
                (
                    n
                    for n in available
                    if ((n.get("lineItem") or {}).get("variant") or {}).get("id")
                    == gid("ProductVariant", item)
                ),
                None,
            )
            if node is None:
                raise ShopRefused(f"item {item} was not fulfilled by the store", lang)
            available.remove(node)
            lines.append(
                {"fulfillmentLineItemId": node["id"], "quantity": 1, "returnReason": "OTHER"}
            )
        payload: dict[str, Any] = {"orderId": order_gid, "returnLineItems": lines}
        if exchange:
            payload["exchangeLineItems"] = [
                {"variantId": gid("ProductVariant", v), "quantity": 1}
                for v in request.arguments["new_item_ids"]
            ]
        created = self.graphql(RETURN_CREATE, {"input": payload}, lang, "returnCreate")
        ret = (created.get("returnCreate") or {}).get("return") or {}
        return WriteOutcome(WriteState.DONE, ret.get("id"))

    def return_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self._return(request, exchange=False)

    def exchange_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        return self._return(request, exchange=True)

    def changes(self, since: datetime | None) -> Iterable[StoreEventIn]:
        query = f"updated_at:>'{since.isoformat()}'" if since else None
        data = self.graphql(CHANGED_ORDERS, {"query": query}, "en")
        for node in (data.get("orders") or {}).get("nodes") or []:
            order_id = str(node.get("legacyResourceId") or node["id"].rsplit("/", 1)[-1])
            status = (
                "cancelled"
                if node.get("cancelledAt")
                else _STATUS.get(str(node.get("displayFulfillmentStatus")), "pending")
            )
            tracking = [
                t["number"]
                for f in node.get("fulfillments") or []
                for t in f.get("trackingInfo") or []
                if t.get("number")
            ]
            data_out: dict[str, Any] = {"order_id": order_id, "status": status}
            if tracking:
                data_out["fulfillments"] = [{"tracking_id": tracking}]
            yield StoreEventIn(
                id=f"sync:shopify:{order_id}:{node['updatedAt']}",
                topic="order.updated",
                version=datetime.fromisoformat(str(node["updatedAt"]).replace("Z", "+00:00")),
                data=data_out,
            )


_STATUS = {"UNFULFILLED": "pending", "IN_PROGRESS": "processed", "FULFILLED": "delivered"}


def _first_message(body: Any) -> str:
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
        if isinstance(errors, str):
            return errors
    return ""


def webhook_event(headers: dict[str, str], body: bytes) -> StoreEventIn | None:
    """A verified Shopify webhook (REST-shaped order/product JSON) as a mirror event."""
    lower = {k.lower(): v for k, v in headers.items()}
    topic = TOPICS.get(lower.get("x-shopify-topic", ""))
    if topic is None:
        return None
    payload = json.loads(body)
    event = lower.get("x-shopify-event-id") or lower.get("x-shopify-webhook-id")
    if not event:
        raise ValueError("X-Shopify-Webhook-Id is missing")
    version = datetime.fromisoformat(str(payload["updated_at"]))
    if topic == "product.updated":
        variants = {
            str(v["id"]): {
                "available": (v.get("inventory_quantity") or 0) > 0
                or v.get("inventory_policy") == "continue",
                "price": v.get("price"),
            }
            for v in payload.get("variants") or []
        }
        data: dict[str, Any] = {"product_id": str(payload["id"]), "variants": variants}
    else:
        data = {"order_id": str(payload["id"])}
        if payload.get("cancelled_at"):
            data["status"] = "cancelled"
        elif payload.get("fulfillment_status") == "fulfilled":
            data["status"] = "delivered" if topic != "order.fulfilled" else "processed"
        fulfillments = [
            {
                "tracking_id": list(f.get("tracking_numbers") or []),
                "item_ids": [str(li.get("variant_id")) for li in f.get("line_items") or []],
                "carrier": f.get("tracking_company"),
            }
            for f in payload.get("fulfillments") or []
        ]
        if fulfillments:
            data["fulfillments"] = fulfillments
        address = payload.get("shipping_address")
        if isinstance(address, dict):
            data["address"] = {
                "address1": address.get("address1") or "",
                "address2": address.get("address2") or "",
                "city": address.get("city") or "",
                "state": address.get("province_code") or "",
                "country": address.get("country_code") or "",
                "zip": address.get("zip") or "",
            }
    return StoreEventIn(id=f"shopify:{event}", topic=topic, version=version, data=data)
