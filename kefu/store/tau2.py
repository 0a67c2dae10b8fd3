"""Lossless import and export of the tau2-bench retail record form (``db.json``).

Export writes exactly the record shapes tau2 uses (users, orders, products keyed by id,
in the original order), so ``export(import(db)) == db``. Orders also carry the optional
fields (``cancel_reason``, ``exchange_*``, ``return_*``) once they are set.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from kefu.store.models import (
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    PaymentMethod,
    PaymentTransaction,
    Product,
    Variant,
)

ProgressFn = Callable[[int], None]
ADDRESS_FIELDS = ("address1", "address2", "city", "country", "state", "zip")


def money(value: float | int | str | Decimal) -> Decimal:
    """Exact two-decimal money from a JSON number (never through binary float maths)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def money_out(value: Decimal) -> float:
    """Money as the JSON number tau2 records (e.g. ``536.65``)."""
    return float(value)


def load_db_json(path: Path) -> dict[str, Any]:
    """Read a tau2 ``db.json`` and check it has the three collections."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = {"products", "users", "orders"} - set(data)
    if missing:
        raise ValueError(f"{path}: not a tau2 retail db.json (missing {sorted(missing)})")
    return data


def clear_store(session: Session) -> None:
    """Delete every catalogue, customer and order row (support-desk data is kept)."""
    for model in (
        PaymentTransaction,
        Fulfillment,
        OrderItem,
        Order,
        PaymentMethod,
        Variant,
        Product,
    ):
        session.execute(delete(model))
    session.execute(delete(Customer))


def import_tau2(
    session: Session, data: dict[str, Any], progress: ProgressFn | None = None
) -> dict[str, int]:
    """Add tau2 products, users and orders to the session (caller commits).

    Returns counts per record type. Ids are kept as they are; positions record the order of
    the source so export reproduces it.
    """
    tick = progress or (lambda _n: None)
    for p_pos, product in enumerate(data["products"].values()):
        row = Product(
            id=product["product_id"], name=product["name"], position=p_pos, category=product["name"]
        )
        for v_pos, variant in enumerate(product["variants"].values()):
            row.variants.append(
                Variant(
                    id=variant["item_id"],
                    options=dict(variant["options"]),
                    price=money(variant["price"]),
                    available=bool(variant["available"]),
                    position=v_pos,
                )
            )
        session.add(row)
        tick(1)
    order_owner_pos: dict[str, int] = {}
    for u_pos, user in enumerate(data["users"].values()):
        address = user["address"]
        customer = Customer(
            id=user["user_id"],
            first_name=user["name"]["first_name"],
            last_name=user["name"]["last_name"],
            email=user["email"],
            position=u_pos,
            **{f: address[f] for f in ADDRESS_FIELDS},
        )
        for m_pos, method in enumerate(user["payment_methods"].values()):
            customer.payment_methods.append(
                PaymentMethod(
                    id=method["id"],
                    source=method["source"],
                    brand=method.get("brand"),
                    last_four=method.get("last_four"),
                    balance=money(method["balance"]) if "balance" in method else None,
                    position=m_pos,
                )
            )
        for o_pos, order_id in enumerate(user["orders"]):
            order_owner_pos[order_id] = o_pos
        session.add(customer)
        tick(1)
    session.flush()
    for pos, order in enumerate(data["orders"].values()):
        session.add(_order_from_record(order, pos, order_owner_pos.get(order["order_id"], pos)))
        tick(1)
    session.flush()
    return {
        "products": len(data["products"]),
        "users": len(data["users"]),
        "orders": len(data["orders"]),
    }


def _order_from_record(order: dict[str, Any], pos: int, customer_pos: int) -> Order:
    address = order["address"]
    row = Order(
        id=order["order_id"],
        customer_id=order["user_id"],
        status=order["status"],
        position=pos,
        customer_position=customer_pos,
        cancel_reason=order.get("cancel_reason"),
        exchange_items=order.get("exchange_items"),
        exchange_new_items=order.get("exchange_new_items"),
        exchange_payment_method_id=order.get("exchange_payment_method_id"),
        exchange_price_difference=(
            money(order["exchange_price_difference"])
            if order.get("exchange_price_difference") is not None
            else None
        ),
        return_items=order.get("return_items"),
        return_payment_method_id=order.get("return_payment_method_id"),
        **{f: address[f] for f in ADDRESS_FIELDS},
    )
    for i_pos, item in enumerate(order["items"]):
        row.items.append(
            OrderItem(
                product_id=item["product_id"],
                variant_id=item["item_id"],
                name=item["name"],
                price=money(item["price"]),
                options=dict(item["options"]),
                position=i_pos,
            )
        )
    for f_pos, ful in enumerate(order["fulfillments"]):
        row.fulfillments.append(
            Fulfillment(
                tracking_ids=list(ful["tracking_id"]),
                item_ids=list(ful["item_ids"]),
                position=f_pos,
            )
        )
    for t_pos, txn in enumerate(order["payment_history"]):
        row.payments.append(
            PaymentTransaction(
                transaction_type=txn["transaction_type"],
                amount=money(txn["amount"]),
                payment_method_id=txn["payment_method_id"],
                position=t_pos,
            )
        )
    return row


# --------------------------------------------------------------------------- export


def address_record(row: Customer | Order) -> dict[str, str]:
    """The six-field tau2 address of a customer or an order."""
    return {f: getattr(row, f) for f in ADDRESS_FIELDS}


def product_record(product: Product) -> dict[str, Any]:
    """A product in tau2 form with its variants keyed by item id."""
    return {
        "name": product.name,
        "product_id": product.id,
        "variants": {
            v.id: {
                "item_id": v.id,
                "options": dict(v.options),
                "available": v.available,
                "price": money_out(v.price),
            }
            for v in product.variants
        },
    }


def payment_method_record(method: PaymentMethod) -> dict[str, Any]:
    """A saved payment method in tau2 form (only present fields are written)."""
    rec: dict[str, Any] = {"source": method.source, "id": method.id}
    if method.brand is not None:
        rec["brand"] = method.brand
    if method.last_four is not None:
        rec["last_four"] = method.last_four
    if method.balance is not None:
        rec["balance"] = money_out(method.balance)
    return rec


def user_record(customer: Customer) -> dict[str, Any]:
    """A customer in tau2 ``user`` form."""
    return {
        "user_id": customer.id,
        "name": {"first_name": customer.first_name, "last_name": customer.last_name},
        "address": address_record(customer),
        "email": customer.email,
        "payment_methods": {m.id: payment_method_record(m) for m in customer.payment_methods},
        "orders": [o.id for o in customer.orders],
    }


OPTIONAL_ORDER_FIELDS = (
    "cancel_reason",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
    "exchange_price_difference",
    "return_items",
    "return_payment_method_id",
)


def order_record(order: Order, with_optional: bool = False) -> dict[str, Any]:
    """An order in tau2 form; optional fields are written when set (or always, as null)."""
    rec: dict[str, Any] = {
        "order_id": order.id,
        "user_id": order.customer_id,
        "address": address_record(order),
        "items": [
            {
                "name": i.name,
                "product_id": i.product_id,
                "item_id": i.variant_id,
                "price": money_out(i.price),
                "options": dict(i.options),
            }
            for i in order.items
        ],
        "status": order.status,
        "fulfillments": [
            {"tracking_id": list(f.tracking_ids), "item_ids": list(f.item_ids)}
            for f in order.fulfillments
        ],
        "payment_history": [
            {
                "transaction_type": t.transaction_type,
                "amount": money_out(t.amount),
                "payment_method_id": t.payment_method_id,
            }
            for t in order.payments
        ],
    }
    for field in OPTIONAL_ORDER_FIELDS:
        value = getattr(order, field)
        if isinstance(value, Decimal):
            value = money_out(value)
        if value is not None or with_optional:
            rec[field] = value
    return rec


def export_tau2(session: Session, with_optional: bool = False) -> dict[str, Any]:
    """The whole store in tau2 ``db.json`` form."""
    products = session.scalars(
        select(Product).options(selectinload(Product.variants)).order_by(Product.position)
    )
    customers = session.scalars(
        select(Customer)
        .where(Customer.deleted_at.is_(None))
        .options(selectinload(Customer.payment_methods), selectinload(Customer.orders))
        .order_by(Customer.position)
    )
    orders = session.scalars(
        select(Order)
        .options(
            selectinload(Order.items),
            selectinload(Order.fulfillments),
            selectinload(Order.payments),
        )
        .order_by(Order.position)
    )
    return {
        "products": {p.id: product_record(p) for p in products},
        "users": {c.id: user_record(c) for c in customers},
        "orders": {o.id: order_record(o, with_optional) for o in orders},
    }
