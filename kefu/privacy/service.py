"""Export and erasure of one customer's personal data.

Erasure anonymises rather than deletes rows: orders, payments and refunds stay (a store must
keep its books, and the money checks in :mod:`kefu.orders` rely on them), the audit log stays
untouched, and a new audit row records who erased what. Every free text the customer wrote
(messages, reviews, feedback comments, handoff summaries quoting them) becomes ``[deleted]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kefu.store.models import (
    AuditLog,
    Conversation,
    Customer,
    CustomerEvent,
    Feedback,
    Handoff,
    Order,
    Review,
    utcnow,
)

DELETED = "[deleted]"
_ADDRESS = ("address1", "address2", "city", "state", "country", "zip")


class CustomerNotFound(LookupError):
    """No customer with that id."""


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure changed (counts only: the erased values are gone)."""

    customer_id: str
    erased_at: datetime
    already_erased: bool
    orders_anonymised: int
    messages_erased: int
    reviews_erased: int
    feedback_erased: int
    audit_id: int


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _address(row: Customer | Order) -> dict[str, str]:
    return {name: getattr(row, name) for name in _ADDRESS}


def _customer(session: Session, customer_id: str) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    return customer


def _conversations(session: Session, customer_id: str) -> list[Conversation]:
    return list(
        session.scalars(
            select(Conversation)
            .where(Conversation.customer_id == customer_id)
            .options(selectinload(Conversation.messages))
            .order_by(Conversation.created_at)
        )
    )


def export_customer(session: Session, customer_id: str, *, actor: str) -> dict[str, Any]:
    """Every piece of personal data kefu holds about the customer, as JSON-ready dicts.

    Card numbers are never stored beyond the last four digits, and the export shows those
    masked. The access itself is audited (``privacy.export``).
    """
    customer = _customer(session, customer_id)
    orders = session.scalars(
        select(Order)
        .where(Order.customer_id == customer_id)
        .options(
            selectinload(Order.items),
            selectinload(Order.payments),
            selectinload(Order.fulfillments),
        )
        .order_by(Order.placed_at, Order.id)
    ).all()
    conversations = _conversations(session, customer_id)
    conv_ids = [c.id for c in conversations]
    feedback = (
        session.scalars(select(Feedback).where(Feedback.conversation_id.in_(conv_ids))).all()
        if conv_ids
        else []
    )
    reviews = session.scalars(select(Review).where(Review.customer_id == customer_id)).all()
    events = session.scalars(
        select(CustomerEvent)
        .where(CustomerEvent.customer_id == customer_id)
        .order_by(CustomerEvent.occurred_at)
    ).all()
    export = {
        "customer_id": customer.id,
        "exported_at": utcnow().isoformat(),
        "erased_at": _json(customer.deleted_at),
        "profile": {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "email": customer.email,
            "phone": customer.phone,
            "language": customer.language,
            "address": _address(customer),
            "created_at": _json(customer.created_at),
        },
        "payment_methods": [
            {
                "id": m.id,
                "source": m.source,
                "brand": m.brand,
                "card": f"**** **** **** {m.last_four}" if m.last_four else None,
                "balance": _json(m.balance),
            }
            for m in customer.payment_methods
        ],
        "orders": [
            {
                "id": o.id,
                "status": o.status,
                "placed_at": _json(o.placed_at),
                "address": _address(o),
                "items": [
                    {
                        "product_id": i.product_id,
                        "variant_id": i.variant_id,
                        "name": i.name,
                        "price": _json(i.price),
                        "options": i.options,
                    }
                    for i in o.items
                ],
                "payments": [
                    {
                        "type": p.transaction_type,
                        "amount": _json(p.amount),
                        "payment_method_id": p.payment_method_id,
                    }
                    for p in o.payments
                ],
                "fulfillments": [
                    {"tracking_ids": f.tracking_ids, "carrier": f.carrier} for f in o.fulfillments
                ],
            }
            for o in orders
        ],
        "conversations": [
            {
                "id": c.id,
                "channel": c.channel,
                "created_at": _json(c.created_at),
                "messages": [
                    {
                        "seq": m.seq,
                        "role": m.role,
                        "text": m.text,
                        "created_at": _json(m.created_at),
                    }
                    for m in sorted(c.messages, key=lambda m: m.seq)
                ],
            }
            for c in conversations
        ],
        "feedback": [
            {
                "conversation_id": f.conversation_id,
                "kind": f.kind,
                "score": f.score,
                "comment": f.comment,
            }
            for f in feedback
        ],
        "reviews": [
            {
                "product_id": r.product_id,
                "order_id": r.order_id,
                "rating": r.rating,
                "title": r.title,
                "body": r.body,
                "created_at": _json(r.created_at),
            }
            for r in reviews
        ],
        "events": [
            {"type": e.event_type, "product_id": e.product_id, "occurred_at": _json(e.occurred_at)}
            for e in events
        ],
    }
    session.add(
        AuditLog(
            actor=actor[:120],
            action="privacy.export",
            target_type="customer",
            target_id=customer_id,
            result={"orders": len(orders), "conversations": len(conversations)},
        )
    )
    session.flush()
    return export


def erase_customer(session: Session, customer_id: str, *, actor: str) -> ErasureResult:
    """Anonymise the customer's personal data; keep financial records and the audit log.

    Idempotent: erasing twice changes nothing more and says so (``already_erased``), but
    each request is still audited.
    """
    customer = _customer(session, customer_id)
    already = customer.deleted_at is not None
    customer.first_name = DELETED
    customer.last_name = DELETED
    customer.email = DELETED
    customer.phone = None
    for name in _ADDRESS:
        setattr(customer, name, "")
    customer.address1 = DELETED
    for method in customer.payment_methods:
        method.last_four = None
    orders = session.scalars(select(Order).where(Order.customer_id == customer_id)).all()
    for order in orders:
        for name in _ADDRESS:
            setattr(order, name, "")
        order.address1 = DELETED
    conversations = _conversations(session, customer_id)
    messages = 0
    for conv in conversations:
        conv.state = {
            k: v for k, v in (conv.state or {}).items() if k in ("language", "customer_id", "turns")
        }
        for msg in conv.messages:
            if msg.text != DELETED or msg.data is not None:
                msg.text = DELETED
                msg.data = None
                messages += 1
    conv_ids = [c.id for c in conversations]
    feedback = (
        session.scalars(select(Feedback).where(Feedback.conversation_id.in_(conv_ids))).all()
        if conv_ids
        else []
    )
    for item in feedback:
        item.comment = None
    if conv_ids:
        for handoff in session.scalars(
            select(Handoff).where(Handoff.conversation_id.in_(conv_ids))
        ):
            handoff.summary = DELETED
    reviews = session.scalars(select(Review).where(Review.customer_id == customer_id)).all()
    for review in reviews:
        review.title = None
        review.body = DELETED
        review.aspects = None
    erased_at = customer.deleted_at or utcnow()
    customer.deleted_at = erased_at
    audit = AuditLog(
        actor=actor[:120],
        action="privacy.erase",
        target_type="customer",
        target_id=customer_id,
        result={
            "already_erased": already,
            "orders": len(orders),
            "messages": messages,
            "reviews": len(reviews),
            "feedback": len(feedback),
        },
    )
    session.add(audit)
    session.flush()
    return ErasureResult(
        customer_id=customer_id,
        erased_at=erased_at,
        already_erased=already,
        orders_anonymised=len(orders),
        messages_erased=messages,
        reviews_erased=len(reviews),
        feedback_erased=len(feedback),
        audit_id=audit.id,
    )
