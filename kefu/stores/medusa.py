"""Medusa v2 backend (Admin REST API), tested live against a real Medusa in ``make test``.

Writes use Medusa's native flows: ``POST /admin/orders/{id}/cancel`` (Medusa refunds the
captured payment), ``POST /admin/orders/{id}`` (shipping address), order edits
(``/admin/order-edits``: begin, change quantity, add variant, request, confirm; a price
difference is refunded or charged on the order's payment) for item changes, returns
(``/admin/returns``) and exchanges (``/admin/exchanges``) with their shipping options, and
the customer's default address (``/admin/customers/{id}/addresses/{address_id}``). Medusa has
no API to move an order's payment to another method, so that write is refused with a clear
sentence (a person handles it).

Medusa's Admin API takes no idempotency keys, so each write is made idempotent here: kefu's
key rides in the created object's ``metadata.kefu_key`` (order edits, returns, exchanges) and
is looked for before anything is created; cancel and address changes are checked against
the order's current state. A retry after a timeout therefore never applies a write twice.

kefu's ids are carried by Medusa: variant ``sku`` = kefu item id, ``metadata.kefu_id`` on
customers, orders and products (an order placed at Medusa without one is ``#<display_id>``).
Reads (customer, orders, order, products) are live calls returning tau2-shaped records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu.orders.errors import ShopRefused
from kefu.stores.base import Operation, Record, WriteOutcome, WriteRequest, WriteState
from kefu.stores.builtin import BuiltinBackend
from kefu.stores.medusa_client import MedusaAdmin
from kefu.stores.mirror import StoreEventIn

UNSUPPORTED = frozenset({Operation.CHANGE_PAYMENT})
COUNTRY_NAMES = {"us": "USA", "cn": "China"}
COUNTRY_CODES = {"USA": "us", "United States": "us", "US": "us", "China": "cn", "中国": "cn"}
ORDER_FIELDS = ",".join(
    [
        "id",
        "display_id",
        "status",
        "fulfillment_status",
        "payment_status",
        "metadata",
        "customer_id",
        "email",
        "updated_at",
        "*customer",
        "*shipping_address",
        "*items",
        "*items.variant",
        "*items.variant.options",
        "*items.variant.options.option",
        "*fulfillments",
        "*fulfillments.labels",
        "*fulfillments.items",
        "*payment_collections",
        "*payment_collections.payments",
        "*payment_collections.payments.refunds",
        "*returns",
    ]
)


class MedusaBackend(BuiltinBackend):
    """kefu's mirror stays the tools' store; each allowed write is applied at Medusa inside
    the turn's transaction (a refusal rolls the turn back)."""

    name = "medusa"
    unsupported = UNSUPPORTED

    def __init__(self, url: str, api_key: str, password: str = "", timeout_s: float = 5.0) -> None:
        self.admin = MedusaAdmin(url, api_key, password, timeout_s)
        self._orders: dict[str, str] = {}
        self._customers: dict[str, str] = {}
        self._variants: dict[str, str] = {}
        self._options: tuple[str, str, str] | None = None

    # ------------------------------------------------------------------ ids
    def medusa_order_id(self, order_id: str, language: str = "en") -> str:
        """Medusa's id of a kefu order id (``metadata.kefu_id``, ``#<display_id>`` or
        Medusa's own id)."""
        if order_id.startswith("order_"):
            return order_id
        if order_id not in self._orders:
            self._scan("/admin/orders", "orders", order_id, self._orders, _kefu_order_id, language)
        if order_id not in self._orders:
            raise ShopRefused(f"order {order_id} is not known at the store", language)
        return self._orders[order_id]

    def medusa_customer_id(self, customer_id: str, language: str = "en") -> str:
        if customer_id.startswith("cus_"):
            return customer_id
        if customer_id not in self._customers:
            self._scan(
                "/admin/customers",
                "customers",
                customer_id,
                self._customers,
                _kefu_customer_id,
                language,
            )
        if customer_id not in self._customers:
            raise ShopRefused(f"customer {customer_id} is not known at the store", language)
        return self._customers[customer_id]

    def _scan(
        self,
        path: str,
        key: str,
        wanted: str,
        cache: dict[str, str],
        kefu_id: Any,
        language: str,
    ) -> None:
        """Page through ``path`` newest first, remembering every id, until ``wanted`` is
        seen (kefu's ids are in metadata, which the Admin API cannot filter on)."""
        offset = 0
        while wanted not in cache:
            page = self.admin.get(
                path,
                language,
                fields=_ID_FIELDS if key == "orders" else "id,metadata",
                order="-created_at",
                limit=100,
                offset=offset,
            )
            rows = page.get(key) or []
            for row in rows:
                cache.setdefault(kefu_id(row), str(row["id"]))
            offset += len(rows)
            if not rows or offset >= int(page.get("count", 0)):
                return

    def medusa_variant_id(self, item_id: str, language: str = "en") -> str:
        if item_id not in self._variants:
            rows = self.admin.get(
                "/admin/product-variants", language, sku=item_id, fields="id,sku"
            ).get("variants")
            if rows:
                self._variants[item_id] = str(rows[0]["id"])
        if item_id not in self._variants:
            raise ShopRefused(f"item {item_id} is not sold by the store", language)
        return self._variants[item_id]

    def shipping(self, language: str = "en") -> tuple[str, str, str]:
        """(stock location, outbound shipping option, return shipping option) for returns,
        exchanges and fulfilments: the first stock location and its options."""
        if self._options is None:
            locations = self.admin.get("/admin/stock-locations", language, fields="id")
            options = self.admin.all(
                "/admin/shipping-options", "shipping_options", language, fields="id,*rules"
            )
            returns = [o for o in options if _is_return(o)]
            outbound = [o for o in options if not _is_return(o)]
            if not locations.get("stock_locations") or not returns or not outbound:
                raise ShopRefused(
                    "the store has no stock location or shipping options for this", language
                )
            self._options = (
                str(locations["stock_locations"][0]["id"]),
                str(outbound[0]["id"]),
                str(returns[0]["id"]),
            )
        return self._options

    # ------------------------------------------------------------------ reads
    def customer_by_email(self, session: Session, email: str) -> Record | None:
        rows = self.admin.get("/admin/customers", email=email, fields=_CUSTOMER_FIELDS)
        found = rows.get("customers") or []
        return self._user_record(found[0]) if found else None

    def customer_by_name_zip(
        self, session: Session, first_name: str, last_name: str, zip: str
    ) -> Record | None:
        rows = self.admin.get("/admin/customers", q=last_name, fields=_CUSTOMER_FIELDS)
        for row in rows.get("customers") or []:
            if (
                str(row.get("first_name", "")).lower() == first_name.lower()
                and str(row.get("last_name", "")).lower() == last_name.lower()
                and any(a.get("postal_code") == zip for a in row.get("addresses") or [])
            ):
                return self._user_record(row)
        return None

    def customer(self, session: Session, customer_id: str) -> Record | None:
        try:
            medusa_id = self.medusa_customer_id(customer_id)
        except ShopRefused:
            return None
        row = self.admin.get(f"/admin/customers/{medusa_id}", fields=_CUSTOMER_FIELDS)
        return self._user_record(row["customer"])

    def customer_orders(self, session: Session, customer_id: str) -> list[Record]:
        try:
            medusa_id = self.medusa_customer_id(customer_id)
        except ShopRefused:
            return []
        rows = self.admin.all(
            "/admin/orders",
            "orders",
            customer_id=medusa_id,
            fields=ORDER_FIELDS,
            order="created_at",
        )
        return [self._order_record(o) for o in rows]

    def order(self, session: Session, order_id: str) -> Record | None:
        try:
            medusa_id = self.medusa_order_id(order_id)
        except ShopRefused:
            return None
        return self._order_record(self._medusa_order(medusa_id))

    def products(self, session: Session) -> list[Record]:
        rows = self.admin.all(
            "/admin/products",
            "products",
            fields="id,title,external_id,metadata,*variants,*variants.options,"
            "*variants.options.option,*variants.prices,"
            "*variants.inventory_items.inventory.location_levels",
        )
        return [_product_record(p) for p in rows]

    def changes(self, since: datetime | None) -> Iterable[StoreEventIn]:
        params: dict[str, Any] = {"fields": ORDER_FIELDS, "order": "updated_at"}
        if since is not None:
            params["updated_at[$gte]"] = since.isoformat()
        for row in self.admin.all("/admin/orders", "orders", **params):
            record = self._order_record(row)
            data = {k: record[k] for k in ("order_id", "user_id", "status", "address")}
            data |= {k: record[k] for k in ("items", "fulfillments", "payment_history")}
            yield StoreEventIn(
                id=f"sync:medusa:{row['id']}:{row['updated_at']}",
                topic="order.updated",
                version=datetime.fromisoformat(str(row["updated_at"]).replace("Z", "+00:00")),
                data=data,
            )

    def _medusa_order(self, medusa_id: str, language: str = "en") -> dict[str, Any]:
        return dict(
            self.admin.get(f"/admin/orders/{medusa_id}", language, fields=ORDER_FIELDS)["order"]
        )

    def _user_record(self, row: dict[str, Any]) -> Record:
        addresses = row.get("addresses") or []
        default = next((a for a in addresses if a.get("is_default_shipping")), None)
        default = default or (addresses[0] if addresses else {})
        metadata = row.get("metadata") or {}
        methods = json.loads(str(metadata.get("payment_methods") or "[]"))
        user_id = _kefu_customer_id(row)
        self._customers[user_id] = str(row["id"])
        orders = self.admin.all(
            "/admin/orders", "orders", customer_id=row["id"], fields=_ID_FIELDS, order="created_at"
        )
        return {
            "user_id": user_id,
            "name": {
                "first_name": row.get("first_name") or "",
                "last_name": row.get("last_name") or "",
            },
            "address": _address_record(default),
            "email": row.get("email") or "",
            "payment_methods": {m["id"]: m for m in methods},
            "orders": [_kefu_order_id(o) for o in orders],
        }

    def _order_record(self, row: dict[str, Any]) -> Record:
        order_id = _kefu_order_id(row)
        if "kefu_changes" not in row:  # edits and exchanges live in the order's changes
            row["kefu_changes"] = (
                self.admin.get(
                    f"/admin/orders/{row['id']}/changes", fields="id,change_type,status"
                ).get("order_changes")
                or []
            )
        self._orders[order_id] = str(row["id"])
        method = str((row.get("metadata") or {}).get("payment_method_id") or "")
        outbound = self._exchange_outbound(row)
        items: list[dict[str, Any]] = []
        by_line: dict[str, str] = {}
        for item in row.get("items") or []:
            variant = item.get("variant") or {}
            sku = str(item.get("variant_sku") or variant.get("sku") or item.get("variant_id"))
            by_line[str(item["id"])] = sku
            options = {
                str((o.get("option") or {}).get("title")): str(o.get("value"))
                for o in variant.get("options") or []
            }
            product = str(item.get("product_handle") or "").removeprefix("tau2-")
            # an exchange's new items are sent later: tau2 lists them apart, not as items
            for _ in range(int(item.get("quantity") or 0) - outbound.get(str(item["id"]), 0)):
                items.append(
                    {
                        "name": item.get("product_title") or item.get("title") or "",
                        "product_id": product or str(item.get("product_id")),
                        "item_id": sku,
                        "price": float(item.get("unit_price") or 0),
                        "options": options,
                    }
                )
        fulfillments = [
            {
                "tracking_id": [
                    str(lb["tracking_number"])
                    for lb in f.get("labels") or []
                    if lb.get("tracking_number")
                ],
                "item_ids": [
                    by_line.get(str(fi.get("line_item_id")), str(fi.get("sku") or ""))
                    for fi in f.get("items") or []
                    for _ in range(int(fi.get("quantity") or 0))
                ],
            }
            for f in row.get("fulfillments") or []
            if not f.get("canceled_at")
        ]
        history: list[dict[str, Any]] = []
        for collection in row.get("payment_collections") or []:
            for payment in collection.get("payments") or []:
                if payment.get("captured_at"):
                    history.append(
                        {
                            "transaction_type": "payment",
                            "amount": float(payment.get("amount") or 0),
                            "payment_method_id": method,
                        }
                    )
                for refund in payment.get("refunds") or []:
                    history.append(
                        {
                            "transaction_type": "refund",
                            "amount": float(refund.get("amount") or 0),
                            "payment_method_id": method,
                        }
                    )
        customer = row.get("customer") or {}
        return {
            "order_id": order_id,
            "user_id": _kefu_customer_id(customer) if customer else str(row.get("customer_id")),
            "address": _address_record(row.get("shipping_address") or {}),
            "items": items,
            "status": _status(row),
            "fulfillments": fulfillments,
            "payment_history": history,
        }

    def _exchange_outbound(self, row: dict[str, Any]) -> dict[str, int]:
        """Line item id -> quantity the order's live exchanges add (to be sent)."""
        if not any(c.get("change_type") == "exchange" for c in row.get("kefu_changes") or []):
            return {}
        rows = self.admin.get(
            "/admin/exchanges",
            order_id=row["id"],
            fields="id,canceled_at,*additional_items",
        ).get("exchanges")
        out: dict[str, int] = {}
        for exchange in rows or []:
            if exchange.get("canceled_at"):
                continue
            for added in exchange.get("additional_items") or []:
                key = str(added.get("item_id"))
                out[key] = out.get(key, 0) + int(added.get("quantity") or 0)
        return out

    # ------------------------------------------------------------------ writes
    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        raise ShopRefused(
            "Medusa cannot move an order's payment to another method; a colleague will handle it",
            request.language,
        )

    def cancel_order(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        medusa_id = self.medusa_order_id(request.target_id, lang)
        order = self.admin.get(f"/admin/orders/{medusa_id}", lang, fields="id,status")["order"]
        if order["status"] != "canceled":  # a retry after a timeout finds it done
            self.admin.post(f"/admin/orders/{medusa_id}/cancel", {}, lang)
        return WriteOutcome(WriteState.DONE, medusa_id)

    def change_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        medusa_id = self.medusa_order_id(request.target_id, lang)
        current = self.admin.get(f"/admin/orders/{medusa_id}", lang, fields="id,*shipping_address")[
            "order"
        ]
        old = current.get("shipping_address") or {}
        address = _medusa_address(request.arguments)
        address["first_name"] = old.get("first_name") or ""
        address["last_name"] = old.get("last_name") or ""
        self.admin.post(f"/admin/orders/{medusa_id}", {"shipping_address": address}, lang)
        return WriteOutcome(WriteState.DONE, medusa_id)

    def change_default_address(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        medusa_id = self.medusa_customer_id(request.target_id, lang)
        customer = self.admin.get(f"/admin/customers/{medusa_id}", lang, fields="id,*addresses")[
            "customer"
        ]
        addresses = customer.get("addresses") or []
        default = next((a for a in addresses if a.get("is_default_shipping")), None)
        body = {**_medusa_address(request.arguments), "is_default_shipping": True}
        if default is None:
            self.admin.post(f"/admin/customers/{medusa_id}/addresses", body, lang)
        else:
            self.admin.post(f"/admin/customers/{medusa_id}/addresses/{default['id']}", body, lang)
        return WriteOutcome(WriteState.DONE, medusa_id)

    def change_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        key = request.idempotency_key
        medusa_id = self.medusa_order_id(request.target_id, lang)
        changes = (
            self.admin.get(f"/admin/orders/{medusa_id}/changes", lang).get("order_changes") or []
        )
        for change in changes:
            if (change.get("metadata") or {}).get("kefu_key") != key:
                continue
            if change.get("status") == "confirmed":
                return WriteOutcome(WriteState.DONE, str(change["id"]))  # applied before
            if change.get("status") in ("pending", "requested"):
                self.admin.delete(f"/admin/order-edits/{medusa_id}", lang)  # half-made
        order = self._medusa_order(medusa_id, lang)
        lines: dict[str, dict[str, Any]] = {}
        for item in order.get("items") or []:
            sku = str(item.get("variant_sku") or (item.get("variant") or {}).get("sku"))
            lines[sku] = {"id": item["id"], "quantity": int(item["quantity"])}
        self.admin.post(
            "/admin/order-edits",
            {
                "order_id": medusa_id,
                "description": "kefu: change items",
                "metadata": {"kefu_key": key},
            },
            lang,
        )
        try:
            adds: dict[str, int] = {}
            for old, new in zip(
                request.arguments["item_ids"], request.arguments["new_item_ids"], strict=True
            ):
                line = lines.get(str(old))
                if line is None or line["quantity"] < 1:
                    raise ShopRefused(f"item {old} is not in the order at the store", lang)
                line["quantity"] -= 1
                self.admin.post(
                    f"/admin/order-edits/{medusa_id}/items/item/{line['id']}",
                    {"quantity": line["quantity"]},
                    lang,
                )
                adds[str(new)] = adds.get(str(new), 0) + 1
            self.admin.post(
                f"/admin/order-edits/{medusa_id}/items",
                {
                    "items": [
                        {"variant_id": self.medusa_variant_id(v, lang), "quantity": n}
                        for v, n in adds.items()
                    ]
                },
                lang,
            )
            self.admin.post(f"/admin/order-edits/{medusa_id}/request", {}, lang)
        except ShopRefused:
            self.admin.delete(f"/admin/order-edits/{medusa_id}", lang)
            raise
        self.admin.post(f"/admin/order-edits/{medusa_id}/confirm", {}, lang)
        self._settle(medusa_id, lang)
        return WriteOutcome(WriteState.DONE, medusa_id)

    def _settle(self, medusa_id: str, language: str) -> None:
        """Refund or charge the price difference an item change left on the order."""
        order = self.admin.get(
            f"/admin/orders/{medusa_id}",
            language,
            fields="id,summary,*payment_collections,*payment_collections.payments",
        )["order"]
        difference = float((order.get("summary") or {}).get("pending_difference") or 0)
        if difference < 0:
            payments = [
                p
                for c in order.get("payment_collections") or []
                for p in c.get("payments") or []
                if p.get("captured_at")
            ]
            if payments:
                self.admin.post(
                    f"/admin/payments/{payments[0]['id']}/refund",
                    {"amount": round(-difference, 2), "note": "kefu: item change"},
                    language,
                )
        elif difference > 0:
            collection = self.admin.post(
                "/admin/payment-collections",
                {"order_id": medusa_id, "amount": round(difference, 2)},
                language,
            )["payment_collection"]
            self.admin.post(
                f"/admin/payment-collections/{collection['id']}/mark-as-paid",
                {"order_id": medusa_id},
                language,
            )

    def _line_items(
        self, medusa_id: str, item_ids: list[str], language: str
    ) -> list[dict[str, Any]]:
        """Medusa line items (id, quantity) for kefu item ids of a delivered order."""
        order = self._medusa_order(medusa_id, language)
        counts: dict[str, int] = {}
        for item in item_ids:
            counts[str(item)] = counts.get(str(item), 0) + 1
        lines = []
        for sku, n in counts.items():
            line = next(
                (
                    i
                    for i in order.get("items") or []
                    if str(i.get("variant_sku") or (i.get("variant") or {}).get("sku")) == sku
                ),
                None,
            )
            if line is None:
                raise ShopRefused(f"item {sku} is not in the order at the store", language)
            lines.append({"id": line["id"], "quantity": n})
        return lines

    def _existing(
        self, kind: str, medusa_id: str, key: str, language: str
    ) -> dict[str, Any] | None:
        rows = (
            self.admin.get(
                f"/admin/{kind}",
                language,
                order_id=medusa_id,
                fields="id,status,metadata,canceled_at",
            ).get(kind)
            or []
        )
        for row in rows:
            if (row.get("metadata") or {}).get("kefu_key") == key and not row.get("canceled_at"):
                return dict(row)
        return None

    def return_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        key = request.idempotency_key
        medusa_id = self.medusa_order_id(request.target_id, lang)
        found = self._existing("returns", medusa_id, key, lang)
        if found is not None and found.get("status") != "open":
            return WriteOutcome(WriteState.DONE, str(found["id"]))
        if found is not None:  # a half-made return from an earlier attempt
            self.admin.post(f"/admin/returns/{found['id']}/cancel", {}, lang)
        location, _, return_option = self.shipping(lang)
        lines = self._line_items(medusa_id, list(request.arguments["item_ids"]), lang)
        ret = self.admin.post(
            "/admin/returns",
            {
                "order_id": medusa_id,
                "location_id": location,
                "description": "kefu: return",
                "metadata": {"kefu_key": key},
            },
            lang,
        )["return"]
        try:
            self.admin.post(f"/admin/returns/{ret['id']}/request-items", {"items": lines}, lang)
            self.admin.post(
                f"/admin/returns/{ret['id']}/shipping-method",
                {"shipping_option_id": return_option},
                lang,
            )
        except ShopRefused:
            self.admin.post(f"/admin/returns/{ret['id']}/cancel", {}, lang)
            raise
        self.admin.post(f"/admin/returns/{ret['id']}/request", {}, lang)
        return WriteOutcome(WriteState.DONE, str(ret["id"]))

    def exchange_items(self, session: Session, request: WriteRequest) -> WriteOutcome:
        lang = request.language
        key = request.idempotency_key
        medusa_id = self.medusa_order_id(request.target_id, lang)
        found = self._existing("exchanges", medusa_id, key, lang)
        if found is not None:
            order = (
                self.admin.get(f"/admin/orders/{medusa_id}/changes", lang).get("order_changes")
                or []
            )
            live = [
                c
                for c in order
                if c.get("exchange_id") == found["id"]
                and c.get("status") in ("pending", "requested")
            ]
            if not live:
                return WriteOutcome(WriteState.DONE, str(found["id"]))
            self.admin.post(f"/admin/exchanges/{found['id']}/cancel", {}, lang)
        location, outbound, return_option = self.shipping(lang)
        lines = self._line_items(medusa_id, list(request.arguments["item_ids"]), lang)
        exchange = self.admin.post(
            "/admin/exchanges",
            {"order_id": medusa_id, "description": "kefu: exchange", "metadata": {"kefu_key": key}},
            lang,
        )["exchange"]
        eid = exchange["id"]
        try:
            self.admin.post(
                f"/admin/exchanges/{eid}/inbound/items",
                {"items": lines, "location_id": location},
                lang,
            )
            self.admin.post(
                f"/admin/exchanges/{eid}/inbound/shipping-method",
                {"shipping_option_id": return_option},
                lang,
            )
            adds: dict[str, int] = {}
            for new in request.arguments["new_item_ids"]:
                adds[str(new)] = adds.get(str(new), 0) + 1
            self.admin.post(
                f"/admin/exchanges/{eid}/outbound/items",
                {
                    "items": [
                        {"variant_id": self.medusa_variant_id(v, lang), "quantity": n}
                        for v, n in adds.items()
                    ]
                },
                lang,
            )
            self.admin.post(
                f"/admin/exchanges/{eid}/outbound/shipping-method",
                {"shipping_option_id": outbound},
                lang,
            )
        except ShopRefused:
            self.admin.post(f"/admin/exchanges/{eid}/cancel", {}, lang)
            raise
        self.admin.post(f"/admin/exchanges/{eid}/request", {}, lang)
        return WriteOutcome(WriteState.DONE, str(eid))


_ID_FIELDS = "id,display_id,metadata"
_CUSTOMER_FIELDS = "id,email,first_name,last_name,metadata,*addresses"


def _kefu_order_id(row: dict[str, Any]) -> str:
    kefu_id = (row.get("metadata") or {}).get("kefu_id")
    return str(kefu_id) if kefu_id else f"#{row.get('display_id')}"


def _kefu_customer_id(row: dict[str, Any]) -> str:
    kefu_id = (row.get("metadata") or {}).get("kefu_id")
    return str(kefu_id) if kefu_id else str(row["id"])


def _is_return(option: dict[str, Any]) -> bool:
    return any(
        r.get("attribute") == "is_return" and str(r.get("value")).lower() == "true"
        for r in option.get("rules") or []
    )


def _address_record(address: dict[str, Any]) -> dict[str, str]:
    code = str(address.get("country_code") or "")
    return {
        "address1": str(address.get("address_1") or ""),
        "address2": str(address.get("address_2") or ""),
        "city": str(address.get("city") or ""),
        "country": COUNTRY_NAMES.get(code, code.upper()),
        "state": str(address.get("province") or ""),
        "zip": str(address.get("postal_code") or ""),
    }


def _medusa_address(a: dict[str, Any]) -> dict[str, Any]:
    country = str(a.get("country", ""))
    return {
        "address_1": a["address1"],
        "address_2": a.get("address2", ""),
        "city": a["city"],
        "province": a["state"],
        "postal_code": a["zip"],
        "country_code": COUNTRY_CODES.get(country, country.lower()[:2]),
    }


def _status(row: dict[str, Any]) -> str:
    """tau2's status words for a Medusa order."""
    if row.get("status") == "canceled":
        return "cancelled"
    kinds = {
        (str(c.get("change_type")), str(c.get("status"))) for c in row.get("kefu_changes") or []
    }
    if {("exchange", "requested"), ("exchange", "confirmed")} & kinds:
        return "exchange requested"
    returns = [r for r in row.get("returns") or [] if r.get("status") not in ("canceled", "open")]
    if any(r.get("exchange_id") for r in returns):
        return "exchange requested"
    if returns:
        return "return requested"
    fulfilment = str(row.get("fulfillment_status") or "")
    if fulfilment in ("delivered", "partially_delivered"):
        return "delivered"
    if fulfilment in ("shipped", "partially_shipped", "fulfilled", "partially_fulfilled"):
        return "processed"
    if ("edit", "confirmed") in kinds:
        return "pending (item modified)"
    return "pending"


def _product_record(row: dict[str, Any]) -> Record:
    variants: dict[str, Any] = {}
    for v in row.get("variants") or []:
        sku = str(v.get("sku") or v["id"])
        usd = next((p for p in v.get("prices") or [] if p.get("currency_code") == "usd"), None)
        price = usd or ((v.get("prices") or [{}])[0])
        in_stock = sum(
            float(level.get("available_quantity") or 0)
            for link in v.get("inventory_items") or []
            for level in (link.get("inventory") or {}).get("location_levels") or []
        )
        available = not v.get("manage_inventory") or bool(v.get("allow_backorder")) or in_stock > 0
        variants[sku] = {
            "item_id": sku,
            "options": {
                str((o.get("option") or {}).get("title")): str(o.get("value"))
                for o in v.get("options") or []
            },
            "available": available,
            "price": float(price.get("amount") or 0),
        }
    product_id = (row.get("metadata") or {}).get("kefu_id") or row.get("external_id") or row["id"]
    return {"name": row.get("title") or "", "product_id": str(product_id), "variants": variants}
