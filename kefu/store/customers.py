"""Staff-facing customer overview: profile, saved payment methods (masked) and orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kefu.store.models import Customer, Order


def _order_total(order: Order) -> Decimal:
    """Money kept by the store for the order: payments minus refunds."""
    total = Decimal("0.00")
    for txn in order.payments:
        total += txn.amount if txn.transaction_type == "payment" else -txn.amount
    return total


def customer_overview(
    session: Session, customer_id: str, max_orders: int = 50
) -> dict[str, Any] | None:
    """Everything the console's customer panel shows from the store itself, or None."""
    customer = session.get(Customer, customer_id)
    if customer is None or customer.deleted_at is not None:
        return None
    orders = session.scalars(
        select(Order)
        .where(Order.customer_id == customer_id)
        .options(
            selectinload(Order.items),
            selectinload(Order.payments),
            selectinload(Order.fulfillments),
        )
        .order_by(Order.placed_at.desc().nulls_last(), Order.customer_position.desc())
        .limit(max_orders)
    ).all()
    return {
        "customer_id": customer.id,
        "name": f"{customer.first_name} {customer.last_name}",
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "address": ", ".join(
            p
            for p in (
                customer.address1,
                customer.address2,
                customer.city,
                customer.state,
                customer.zip,
                customer.country,
            )
            if p
        ),
        "member_since": customer.created_at.isoformat(),
        "payment_methods": [
            {
                "id": m.id,
                "source": m.source,
                "label": f"{m.brand or m.source} ···{m.last_four}" if m.last_four else m.source,
                "balance": str(m.balance) if m.balance is not None else None,
            }
            for m in customer.payment_methods
        ],
        "orders": [
            {
                "order_id": o.id,
                "status": o.status,
                "placed_at": o.placed_at.isoformat() if o.placed_at else None,
                "items": len(o.items),
                "item_names": sorted({i.name for i in o.items}),
                "total": str(_order_total(o)),
                "tracking_ids": [t for f in o.fulfillments for t in f.tracking_ids],
            }
            for o in orders
        ],
    }
