"""Order intake from the store's site: new orders are recorded and risk-scored at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from kefu.api.deps import AdminDep, SessionDep
from kefu.store.importer import ImportFailed, OrderIn, import_records
from kefu.store.models import Order

router = APIRouter(prefix="/v1/orders", tags=["orders"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_order(body: OrderIn, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    """Record an order placed on the store's site (integration key) and score its risk."""
    from kefu.risk import on_order_created

    try:
        import_records(session, "orders", [body.model_dump(mode="json")])
    except ImportFailed as exc:
        raise HTTPException(422, [e.reason for e in exc.errors]) from None
    order = session.get(Order, body.order_id)
    assert order is not None
    risk = on_order_created(session, order)
    return {
        "order_id": order.id,
        "status": order.status,
        "total": str(order.payments[0].amount),
        "risk": risk.model_dump(mode="json"),
    }
