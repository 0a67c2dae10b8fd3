"""Load a slice of the tau2 retail store into a Medusa v2 shop through its Admin API.

``python -m kefu.stores.medusa_seed --url URL --api-key sk_... [--customers 20]``

The shop is set up once (US region in USD with the system payment provider, a warehouse
stock location with the manual fulfilment provider, a standard and a return shipping
option); then, for each customer of the slice, the products of their orders (every variant,
so exchanges have somewhere to go), the customer with their default address, and each order
as a draft order converted to an order and paid; processed orders get a fulfilment shipped
with their tracking numbers, delivered ones are also marked delivered, cancelled ones are
cancelled (Medusa refunds the payment). kefu's ids ride along: variant ``sku`` = tau2
``item_id``, product ``external_id`` = ``product_id``, ``metadata.kefu_id`` on customers and
orders. Every step looks first, so a second run only adds what is missing.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kefu.stores.medusa_client import MedusaAdmin

REGION = "kefu US"
LOCATION = "kefu warehouse"
STANDARD = "kefu standard shipping"
RETURNS = "kefu returns"
COUNTRIES = {"USA": "us", "United States": "us", "US": "us", "China": "cn", "中国": "cn"}
STATUSES = ("pending", "processed", "delivered", "cancelled")
IN_STOCK = 100_000  # an available variant's stock at the warehouse


@dataclass(frozen=True)
class ShopSetup:
    region_id: str
    sales_channel_id: str
    location_id: str
    shipping_option_id: str
    return_option_id: str
    profile_id: str


def _find(rows: Iterable[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    return next((r for r in rows if all(r.get(k) == v for k, v in match.items())), None)


def ensure_setup(admin: MedusaAdmin) -> ShopSetup:
    """Region, currency, stock location, fulfilment and shipping options (idempotent)."""
    store = admin.get("/admin/stores")["stores"][0]
    currencies = {c["currency_code"] for c in store.get("supported_currencies") or []}
    if "usd" not in currencies:
        admin.post(
            f"/admin/stores/{store['id']}",
            {
                "supported_currencies": [
                    {"currency_code": "usd", "is_default": True},
                    *({"currency_code": c} for c in sorted(currencies)),
                ]
            },
        )
    channel = str(store["default_sales_channel_id"])
    region = _find(admin.all("/admin/regions", "regions"), name=REGION)
    if region is None:
        region = admin.post(
            "/admin/regions",
            {
                "name": REGION,
                "currency_code": "usd",
                "countries": ["us", "cn"],
                "payment_providers": ["pp_system_default"],
                "automatic_taxes": False,
            },
        )["region"]
    profile = admin.get("/admin/shipping-profiles", type="default")["shipping_profiles"][0]
    location = _find(
        admin.all("/admin/stock-locations", "stock_locations", fields="*fulfillment_sets"),
        name=LOCATION,
    )
    if location is None:
        location = admin.post(
            "/admin/stock-locations",
            {"name": LOCATION, "address": {"address_1": "1 Warehouse Way", "country_code": "us"}},
        )["stock_location"]
        admin.post(f"/admin/stock-locations/{location['id']}/sales-channels", {"add": [channel]})
        admin.post(
            f"/admin/stock-locations/{location['id']}/fulfillment-providers",
            {"add": ["manual_manual"]},
        )
        location = admin.post(
            f"/admin/stock-locations/{location['id']}/fulfillment-sets",
            {"name": "kefu shipping", "type": "shipping"},
            fields="*fulfillment_sets",
        )["stock_location"]
    fset = (location.get("fulfillment_sets") or [])[0]
    fset = admin.get(
        f"/admin/stock-locations/{location['id']}", fields="*fulfillment_sets.service_zones"
    )["stock_location"]["fulfillment_sets"][0]
    zone = (fset.get("service_zones") or [None])[0]
    if zone is None:
        zone = admin.post(
            f"/admin/fulfillment-sets/{fset['id']}/service-zones",
            {
                "name": "kefu US",
                "geo_zones": [
                    {"type": "country", "country_code": "us"},
                    {"type": "country", "country_code": "cn"},
                ],
            },
            fields="*service_zones",
        )["fulfillment_set"]["service_zones"][0]
    options = admin.all("/admin/shipping-options", "shipping_options")

    def option(name: str, is_return: bool) -> str:
        found = _find(options, name=name)
        if found is not None:
            return str(found["id"])
        created = admin.post(
            "/admin/shipping-options",
            {
                "name": name,
                "service_zone_id": zone["id"],
                "shipping_profile_id": profile["id"],
                "provider_id": "manual_manual",
                "price_type": "flat",
                "type": {
                    "label": name,
                    "description": name,
                    "code": "return" if is_return else "standard",
                },
                "prices": [{"currency_code": "usd", "amount": 0}],
                "rules": [
                    {
                        "attribute": "is_return",
                        "operator": "eq",
                        "value": "true" if is_return else "false",
                    },
                    {"attribute": "enabled_in_store", "operator": "eq", "value": "true"},
                ],
            },
        )
        return str(created["shipping_option"]["id"])

    return ShopSetup(
        region_id=str(region["id"]),
        sales_channel_id=channel,
        location_id=str(location["id"]),
        shipping_option_id=option(STANDARD, False),
        return_option_id=option(RETURNS, True),
        profile_id=str(profile["id"]),
    )


def ensure_product(
    admin: MedusaAdmin, setup: ShopSetup, product: dict[str, Any], existing: dict[str, str]
) -> None:
    """One tau2 product with all its variants; ``existing`` maps tau2 item id -> variant id."""
    variants = list(product["variants"].values())
    if all(v["item_id"] in existing for v in variants):
        return
    handle = f"tau2-{product['product_id']}"
    there = admin.get("/admin/products", handle=handle, fields="id,*variants")["products"]
    if there:  # made before (an earlier run, or a call whose answer was lost): reuse it
        for variant in there[0].get("variants") or []:
            if variant.get("sku"):
                existing[str(variant["sku"])] = str(variant["id"])
        return
    keys: list[str] = []
    for v in variants:
        for k in v["options"]:
            if k not in keys:
                keys.append(k)
    values = {k: sorted({str(v["options"].get(k, "-")) for v in variants}) for k in keys}
    body = {
        "title": product["name"],
        "handle": handle,
        "external_id": product["product_id"],
        "status": "published",
        "shipping_profile_id": setup.profile_id,
        "sales_channels": [{"id": setup.sales_channel_id}],
        "options": [{"title": k, "values": values[k]} for k in keys],
        "metadata": {"kefu_id": product["product_id"]},
        "variants": [
            {
                "title": " / ".join(str(v["options"].get(k, "-")) for k in keys),
                "sku": v["item_id"],
                "options": {k: str(v["options"].get(k, "-")) for k in keys},
                "prices": [{"currency_code": "usd", "amount": v["price"]}],
                # availability is inventory in Medusa: every variant is tracked at the
                # warehouse, an available one with ample stock, an unavailable one with none
                "manage_inventory": True,
                "allow_backorder": False,
                "metadata": {"kefu_id": v["item_id"]},
            }
            for v in variants
        ],
    }
    created = admin.post("/admin/products", body, fields="*variants")["product"]
    available = {v["item_id"]: bool(v["available"]) for v in variants}
    for variant in created["variants"]:
        existing[str(variant["sku"])] = str(variant["id"])
    links = admin.get(
        "/admin/product-variants",
        id=[v["id"] for v in created["variants"]],
        fields="id,sku,*inventory_items",
        limit=500,
    )["variants"]
    admin.post(
        "/admin/inventory-items/location-levels/batch",
        {
            "create": [
                {
                    "inventory_item_id": link["inventory_item_id"],
                    "location_id": setup.location_id,
                    "stocked_quantity": IN_STOCK if available.get(str(v["sku"])) else 0,
                }
                for v in links
                for link in (v.get("inventory_items") or [])[:1]
            ]
        },
    )


def change_stock(admin: MedusaAdmin, setup: ShopSetup, variant_id: str, delta: int) -> None:
    """Add ``delta`` to a tracked variant's stock at the warehouse (creating its level).

    An unavailable tau2 variant is kept at zero sellable stock: an order that holds it gets
    exactly the units it reserves, so the variant stays unavailable to everyone else."""
    with _STOCK_LOCK:  # read-modify-write of one level; seeding runs customers in threads
        _change_stock(admin, setup, variant_id, delta)


_STOCK_LOCK = threading.Lock()


def _change_stock(admin: MedusaAdmin, setup: ShopSetup, variant_id: str, delta: int) -> None:
    variant = admin.get("/admin/product-variants", id=variant_id, fields="id,*inventory_items")[
        "variants"
    ][0]
    links = variant.get("inventory_items") or []
    if not links:
        return
    item_id = links[0]["inventory_item_id"]
    levels = admin.get(f"/admin/inventory-items/{item_id}/location-levels")["inventory_levels"]
    level = _find(levels, location_id=setup.location_id)
    if level is None:
        admin.post(
            f"/admin/inventory-items/{item_id}/location-levels",
            {"location_id": setup.location_id, "stocked_quantity": max(delta, 0)},
        )
    else:
        stocked = max(int(level.get("stocked_quantity") or 0) + delta, 0)
        admin.post(
            f"/admin/inventory-items/{item_id}/location-levels/{setup.location_id}",
            {"stocked_quantity": stocked},
        )


def product_variants(admin: MedusaAdmin) -> dict[str, str]:
    """tau2 item id (sku) -> Medusa variant id for every variant in the shop."""
    rows = admin.all("/admin/product-variants", "variants", fields="id,sku")
    return {str(v["sku"]): str(v["id"]) for v in rows if v.get("sku")}


def medusa_address(address: dict[str, str], first: str = "", last: str = "") -> dict[str, Any]:
    return {
        "first_name": first,
        "last_name": last,
        "address_1": address["address1"],
        "address_2": address.get("address2", ""),
        "city": address["city"],
        "province": address["state"],
        "postal_code": address["zip"],
        "country_code": COUNTRIES.get(address["country"], address["country"].lower()[:2]),
    }


def ensure_customer(admin: MedusaAdmin, user: dict[str, Any]) -> str:
    found = admin.get("/admin/customers", email=user["email"], fields="id")["customers"]
    if not found:  # Medusa's filter may be case-sensitive; kefu's id is in metadata
        found = [
            c
            for c in admin.get("/admin/customers", q=user["email"], fields="id,email,metadata")[
                "customers"
            ]
            if str(c.get("email", "")).lower() == user["email"].lower()
        ]
    if found:
        return str(found[0]["id"])
    name = user["name"]
    customer = admin.post(
        "/admin/customers",
        {
            "email": user["email"],
            "first_name": name["first_name"],
            "last_name": name["last_name"],
            "metadata": {
                "kefu_id": user["user_id"],
                "payment_methods": json.dumps(list(user["payment_methods"].values())),
            },
        },
    )["customer"]
    admin.post(
        f"/admin/customers/{customer['id']}/addresses",
        {
            **medusa_address(user["address"], name["first_name"], name["last_name"]),
            "address_name": "default",
            "is_default_shipping": True,
            "is_default_billing": True,
        },
    )
    return str(customer["id"])


def create_order(
    admin: MedusaAdmin,
    setup: ShopSetup,
    order: dict[str, Any],
    customer_id: str,
    email: str,
    variants: dict[str, str],
    kefu_id: str | None = None,
    tracked: frozenset[str] = frozenset(),
) -> str:
    """One tau2 order at the shop, brought to its tau2 status; returns the Medusa order id.
    ``tracked``: item ids of unavailable variants (stock is added for what the order holds)."""
    counts: dict[str, int] = {}
    for item in order["items"]:
        counts[item["item_id"]] = counts.get(item["item_id"], 0) + 1
    for item, n in counts.items():
        if item in tracked:
            change_stock(admin, setup, variants[item], n)
    prices = {i["item_id"]: i["price"] for i in order["items"]}
    payments = order.get("payment_history") or []
    method = payments[0]["payment_method_id"] if payments else ""
    draft = admin.post(
        "/admin/draft-orders",
        {
            "email": email,
            "customer_id": customer_id,
            "region_id": setup.region_id,
            "sales_channel_id": setup.sales_channel_id,
            "shipping_address": medusa_address(order["address"]),
            "billing_address": medusa_address(order["address"]),
            "items": [
                {"variant_id": variants[item], "quantity": n, "unit_price": prices[item]}
                for item, n in counts.items()
            ],
            "shipping_methods": [
                {"shipping_option_id": setup.shipping_option_id, "name": STANDARD, "amount": 0}
            ],
            "metadata": {"kefu_id": kefu_id or order["order_id"], "payment_method_id": method},
        },
    )["draft_order"]
    medusa_id = str(draft["id"])
    admin.post(f"/admin/draft-orders/{medusa_id}/convert-to-order")
    full = admin.get(f"/admin/orders/{medusa_id}", fields="id,total,*items,*payment_collections")[
        "order"
    ]
    collections = full.get("payment_collections") or []
    if not collections and payments:
        collections = [
            admin.post(
                "/admin/payment-collections",
                {"order_id": medusa_id, "amount": full["total"]},
            )["payment_collection"]
        ]
    for collection in collections:  # captured through the system provider
        admin.post(
            f"/admin/payment-collections/{collection['id']}/mark-as-paid", {"order_id": medusa_id}
        )
    status = order["status"]
    if status in ("processed", "delivered"):
        by_variant = {str(i["variant_sku"] or ""): i for i in full["items"]}
        for pos, fulfilment in enumerate(order.get("fulfillments") or []):
            wanted: dict[str, int] = {}
            for item in fulfilment["item_ids"]:
                wanted[item] = wanted.get(item, 0) + 1
            lines = [
                {"id": by_variant[item]["id"], "quantity": n}
                for item, n in wanted.items()
                if item in by_variant
            ]
            if not lines:
                continue
            done = admin.post(
                f"/admin/orders/{medusa_id}/fulfillments",
                {"items": lines, "location_id": setup.location_id, "metadata": {"pos": pos}},
                fields="id,*fulfillments",
            )["order"]
            ful = done["fulfillments"][-1]
            tracking = list(fulfilment.get("tracking_id") or [])
            admin.post(
                f"/admin/orders/{medusa_id}/fulfillments/{ful['id']}/shipments",
                {
                    "items": lines,
                    "labels": [
                        {"tracking_number": t, "tracking_url": "#", "label_url": "#"}
                        for t in tracking
                    ],
                },
            )
            if status == "delivered":
                admin.post(f"/admin/orders/{medusa_id}/fulfillments/{ful['id']}/mark-as-delivered")
    elif status == "cancelled":
        admin.post(f"/admin/orders/{medusa_id}/cancel")
        for item, n in counts.items():  # the reservation is released: back to zero
            if item in tracked:
                change_stock(admin, setup, variants[item], -n)
    return medusa_id


def slice_of(data: dict[str, Any], customers: int) -> list[dict[str, Any]]:
    """The first customers (in db.json order) whose orders, together, cover every status;
    at least ``customers`` of them."""
    chosen: list[dict[str, Any]] = []
    seen: set[str] = set()
    for user in data["users"].values():
        statuses = {data["orders"][o]["status"] for o in user["orders"] if o in data["orders"]}
        if len(chosen) >= customers and seen >= set(STATUSES):
            break
        if len(chosen) >= customers and not statuses - seen:
            continue
        chosen.append(user)
        seen |= statuses
    return chosen


def unavailable(data: dict[str, Any]) -> frozenset[str]:
    """tau2 item ids of the variants that are not available."""
    return frozenset(
        v["item_id"]
        for p in data["products"].values()
        for v in p["variants"].values()
        if not v["available"]
    )


def existing_orders(admin: MedusaAdmin) -> dict[str, str]:
    """kefu order id -> Medusa order id for every order carrying one."""
    rows = admin.all("/admin/orders", "orders", fields="id,metadata")
    return {
        str((o.get("metadata") or {}).get("kefu_id")): str(o["id"])
        for o in rows
        if (o.get("metadata") or {}).get("kefu_id")
    }


def seed(
    admin: MedusaAdmin, data: dict[str, Any], customers: int = 20, workers: int = 4
) -> dict[str, int]:
    """Load the slice (idempotent); returns counts of what the shop holds for it."""
    setup = ensure_setup(admin)
    users = slice_of(data, customers)
    variants = product_variants(admin)
    product_ids: list[str] = []
    for user in users:
        for order_id in user["orders"]:
            for item in data["orders"][order_id]["items"]:
                if item["product_id"] not in product_ids:
                    product_ids.append(item["product_id"])
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(
            pool.map(
                lambda pid: ensure_product(admin, setup, data["products"][pid], variants),
                product_ids,
            )
        )
    orders = existing_orders(admin)
    tracked = unavailable(data)

    def one_customer(user: dict[str, Any]) -> int:
        customer_id = ensure_customer(admin, user)
        made = 0
        for order_id in user["orders"]:
            if order_id not in orders:
                create_order(
                    admin,
                    setup,
                    data["orders"][order_id],
                    customer_id,
                    user["email"],
                    variants,
                    tracked=tracked,
                )
                made += 1
        return made

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:  # customers side by side
        made = sum(pool.map(one_customer, users))
    settle_unavailable(admin, setup, tracked)
    return {"customers": len(users), "products": len(product_ids), "orders_created": made}


def settle_unavailable(admin: MedusaAdmin, setup: ShopSetup, tracked: frozenset[str]) -> int:
    """Bring every unavailable tau2 variant back to no sellable stock.

    Cancelling an order, or editing an item out of it, hands its reserved unit back to the
    shop: right for a shop, but the seeded slice is read as tau2 has it, so each run starts
    with those units taken out again. Returns how many levels were corrected."""
    fixed = 0
    items = admin.all("/admin/inventory-items", "inventory_items", fields="id,sku,*location_levels")
    for item in items:
        if str(item.get("sku")) not in tracked:
            continue
        for level in item.get("location_levels") or []:
            spare = int(float(level.get("available_quantity") or 0))
            if level.get("location_id") == setup.location_id and spare > 0:
                stocked = int(float(level.get("stocked_quantity") or 0)) - spare
                admin.post(
                    f"/admin/inventory-items/{item['id']}/location-levels/{setup.location_id}",
                    {"stocked_quantity": max(stocked, 0)},
                )
                fixed += 1
    return fixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--db", default=str(Path("../shared/tau2-retail/db.json")))
    parser.add_argument("--customers", type=int, default=20)
    args = parser.parse_args()
    admin = MedusaAdmin(args.url, args.api_key, timeout_s=60)
    data = json.loads(Path(args.db).read_text("utf-8"))
    print(json.dumps(seed(admin, data, args.customers)))


if __name__ == "__main__":
    main()
