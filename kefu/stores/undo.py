"""Taking back, in kefu's mirror, a write the shop refused later (or that kefu gave up
delivering).

The order tools change the mirror in the turn and the webhook backend queues the write for
the shop. When the shop refuses it afterwards, the mirror would keep claiming the change.
:func:`undo_write` puts back the state recorded before the write (the audit log's ``before``
of the same turn, found by the write's idempotency key, else by operation, target,
conversation and the expected record), in the caller's transaction, field by field: a field
is put back only where it still holds what the write set, so anything the shop (a webhook,
an order update) changed since is left as the shop said. Gift-card balances moved by the
write (refunds credited, payments debited) are moved back with the payment history.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kefu.store.models import AuditLog, Customer, Order, PaymentMethod, utcnow
from kefu.store.tau2 import ADDRESS_FIELDS, OPTIONAL_ORDER_FIELDS, money, order_record
from kefu.stores.mirror import OrderUpdate, apply_order_update
from kefu.stores.models import OutboxMessage

log = logging.getLogger(__name__)


def _audit_of(session: Session, row: OutboxMessage) -> AuditLog | None:
    """The audit row the write was recorded with (same transaction as the outbox row)."""
    audit = session.scalar(
        select(AuditLog).where(
            AuditLog.idempotency_key == row.idempotency_key, AuditLog.action == row.operation
        )
    )
    if audit is not None:
        return audit
    query = select(AuditLog).where(
        AuditLog.action == row.operation, AuditLog.target_id == row.target_id[:64]
    )
    if row.conversation_id:
        query = query.where(AuditLog.conversation_id == row.conversation_id)
    expected = row.payload.get("expected")
    for candidate in session.scalars(query.order_by(AuditLog.id.desc()).limit(20)):
        if candidate.after == expected and (candidate.result or {}).get("ok"):
            return candidate
    return None


def undo_write(session: Session, row: OutboxMessage) -> bool:
    """Restore the mirror as it was before ``row``'s write; True if anything was put back."""
    audit = _audit_of(session, row)
    if audit is None or not audit.before or not audit.after:
        log.warning("outbox %s: no recorded prior state; mirror left", row.idempotency_key)
        return False
    if audit.target_type == "order":
        return _undo_order(session, audit.target_id, audit.before, audit.after)
    if audit.target_type == "customer":
        return _undo_customer(session, audit.target_id, audit.before, audit.after)
    return False


def _changed_by_write(field: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    return before.get(field) != after.get(field)


def _undo_order(
    session: Session, order_id: str, before: dict[str, Any], after: dict[str, Any]
) -> bool:
    order = session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(selectinload(Order.items), selectinload(Order.payments))
        .with_for_update(of=Order)
    )
    if order is None:
        return False
    now = order_record(order, with_optional=True)

    def still(field: str) -> bool:  # the write changed it and nobody changed it since
        return _changed_by_write(field, before, after) and now.get(field) == after.get(field)

    restored = False
    if still("status"):
        order.status = str(before["status"])
        restored = True
    for field in OPTIONAL_ORDER_FIELDS:
        if still(field):
            value = before.get(field)
            if field == "exchange_price_difference" and value is not None:
                value = money(value)
            setattr(order, field, value)
            restored = True
    if still("address"):
        for field in ADDRESS_FIELDS:
            setattr(order, field, str(before["address"].get(field, "")))
        restored = True
    update = OrderUpdate()
    if still("items"):
        update.items = list(before["items"])
    if still("payment_history"):
        _move_gift_cards_back(session, order.customer_id, before, after)
        update.payment_history = list(before["payment_history"])
    if update.items is not None or update.payment_history is not None:
        apply_order_update(order, update)
        restored = True
    if restored:
        order.updated_at = utcnow()
    return restored


def _move_gift_cards_back(
    session: Session, customer_id: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """The write appended transactions; a refund credited a gift card, a payment debited it."""
    added = (after.get("payment_history") or [])[len(before.get("payment_history") or []) :]
    for t in added:
        method = session.get(PaymentMethod, str(t.get("payment_method_id")), with_for_update=True)
        if method is None or method.customer_id != customer_id:
            continue
        if method.source != "gift_card" or method.balance is None:
            continue
        amount = money(t.get("amount", 0))
        sign = Decimal(-1) if t.get("transaction_type") == "refund" else Decimal(1)
        method.balance = (method.balance + sign * amount).quantize(Decimal("0.01"))


def _undo_customer(
    session: Session, customer_id: str, before: dict[str, Any], after: dict[str, Any]
) -> bool:
    customer = session.get(Customer, customer_id, with_for_update=True)
    if customer is None:
        return False
    now = {f: getattr(customer, f) for f in ADDRESS_FIELDS}
    if not _changed_by_write("address", before, after) or now != after.get("address"):
        return False
    for field in ADDRESS_FIELDS:
        setattr(customer, field, str(before["address"].get(field, "")))
    return True
