"""Keeping kefu's mirror in step with the shop: events from webhooks, order updates pushed
by a custom shop, and ``kefu sync``. Every change goes through :func:`apply_event`, which is
idempotent on the event id and ignores an event older than the version already applied, so
replays and out-of-order deliveries leave the mirror exactly as the newest event set it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from kefu.store.models import (
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    PaymentTransaction,
    Variant,
)
from kefu.store.tau2 import ADDRESS_FIELDS, _order_from_record, money
from kefu.stores.models import EntityVersion, StoreEvent

Topic = Literal[
    "order.created",
    "order.updated",
    "order.fulfilled",
    "order.cancelled",
    "product.updated",
]


class FulfillmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tracking_id: list[str] = Field(default_factory=list, max_length=50)
    item_ids: list[str] = Field(default_factory=list, max_length=500)
    carrier: str | None = Field(default=None, max_length=80)
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


class OrderUpdate(BaseModel):
    """What a shop may push about an order: each field left out stays as it is."""

    model_config = ConfigDict(extra="ignore")

    status: str | None = Field(default=None, min_length=1, max_length=40)
    fulfillments: list[FulfillmentIn] | None = Field(default=None, max_length=50)
    address: dict[str, str] | None = None
    items: list[dict[str, Any]] | None = Field(default=None, max_length=500)
    payment_history: list[dict[str, Any]] | None = Field(default=None, max_length=200)
    cancel_reason: str | None = Field(default=None, max_length=120)


class StoreEventIn(BaseModel):
    """One event in kefu's own webhook format (other platforms are translated to it)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=128)
    topic: Topic
    version: int | datetime = Field(
        description="The record's version or updated_at at the shop; newer wins."
    )
    data: dict[str, Any]


@dataclass(frozen=True)
class EventResult:
    outcome: Literal["applied", "duplicate", "stale"]
    entity_id: str


class MirrorError(ValueError):
    """An event that cannot be applied (unknown customer, missing fields...)."""


def version_key(version: int | datetime) -> str:
    """A sortable text form: integers and timestamps each compare within their kind."""
    if isinstance(version, datetime):
        at = version if version.tzinfo else version.replace(tzinfo=UTC)
        return "t:" + at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return f"n:{int(version):020d}"


def apply_event(session: Session, event: StoreEventIn, source: str = "kefu") -> EventResult:
    """Apply one event to the mirror (caller commits); replays and older versions no-op."""
    kind = "product" if event.topic.startswith("product") else "order"
    entity_id = str(event.data.get("product_id" if kind == "product" else "order_id") or "")
    if not entity_id:
        raise MirrorError(f"{event.topic} needs data.{kind}_id")
    if session.get(StoreEvent, event.id) is not None:
        return EventResult("duplicate", entity_id)
    version = version_key(event.version)
    current = session.get(EntityVersion, (kind, entity_id), with_for_update=True)
    newer = current is None or not _same_kind(current.version, version) or version > current.version
    if newer:
        if kind == "product":
            _apply_product(session, entity_id, event.data)
        else:
            _apply_order(session, entity_id, event.topic, event.data)
        if current is None:
            session.add(EntityVersion(entity_type=kind, entity_id=entity_id, version=version))
        else:
            current.version = version
    outcome: Literal["applied", "stale"] = "applied" if newer else "stale"
    session.add(
        StoreEvent(
            event_id=event.id,
            source=source,
            topic=event.topic,
            entity_id=entity_id[:64],
            outcome=outcome,
        )
    )
    try:
        session.flush()
    except IntegrityError:  # the same event delivered twice at once: the other one won
        session.rollback()
        return EventResult("duplicate", entity_id)
    return EventResult(outcome, entity_id)


def _aware(at: datetime | None) -> datetime | None:
    """Shop times without a zone are taken as UTC (kefu stores aware times only)."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _same_kind(a: str, b: str) -> bool:
    return a[:2] == b[:2]


def _apply_order(session: Session, order_id: str, topic: str, data: dict[str, Any]) -> None:
    order = session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.items),
            selectinload(Order.payments),
            selectinload(Order.fulfillments),
        )
        .with_for_update(of=Order)
    )
    if order is None:
        _create_order(session, order_id, data)
        return
    update = OrderUpdate.model_validate(data)
    if topic == "order.cancelled" and update.status is None:
        update.status = "cancelled"
    apply_order_update(order, update)


def _create_order(session: Session, order_id: str, data: dict[str, Any]) -> None:
    user_id = data.get("user_id")
    if not user_id or session.get(Customer, str(user_id)) is None:
        raise MirrorError(f"order {order_id}: unknown customer {user_id!r}; sync customers first")
    try:
        record = {
            "order_id": order_id,
            "user_id": user_id,
            "status": data.get("status") or "pending",
            "address": {f: str((data.get("address") or {}).get(f, "")) for f in ADDRESS_FIELDS},
            "items": [{"options": {}, "name": "", **i} for i in data.get("items") or []],
            "fulfillments": [],
            "payment_history": data.get("payment_history") or [],
        }
        order = _order_from_record(record, pos=0, customer_pos=0)
    except (KeyError, TypeError, ValueError) as exc:
        raise MirrorError(f"order {order_id}: {exc}") from None
    session.add(order)
    update = OrderUpdate.model_validate({"fulfillments": data.get("fulfillments")})
    apply_order_update(order, update)


def apply_order_update(order: Order, update: OrderUpdate) -> None:
    """Set the fields the shop sent; lists (fulfilments, items, payments) are replaced whole."""
    if update.status is not None:
        order.status = update.status
    if update.cancel_reason is not None:
        order.cancel_reason = update.cancel_reason
    if update.address is not None:
        for field in ADDRESS_FIELDS:
            if field in update.address:
                setattr(order, field, str(update.address[field])[:255])
    if update.fulfillments is not None:
        order.fulfillments[:] = [
            Fulfillment(
                tracking_ids=list(f.tracking_id),
                item_ids=list(f.item_ids),
                carrier=f.carrier,
                shipped_at=_aware(f.shipped_at),
                delivered_at=_aware(f.delivered_at),
                position=pos,
            )
            for pos, f in enumerate(update.fulfillments)
        ]
    try:
        if update.items is not None:
            order.items[:] = [
                OrderItem(
                    product_id=str(i["product_id"]),
                    variant_id=str(i["item_id"]),
                    name=str(i.get("name", "")),
                    price=money(i["price"]),
                    options=dict(i.get("options") or {}),
                    position=pos,
                )
                for pos, i in enumerate(update.items)
            ]
        if update.payment_history is not None:
            order.payments[:] = [
                PaymentTransaction(
                    transaction_type=str(t["transaction_type"]),
                    amount=money(t["amount"]),
                    payment_method_id=str(t["payment_method_id"]),
                    position=pos,
                )
                for pos, t in enumerate(update.payment_history)
            ]
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise MirrorError(f"order {order.id}: {exc}") from None


def _apply_product(session: Session, product_id: str, data: dict[str, Any]) -> None:
    """Availability and prices of the product's variants (new variants are not invented)."""
    variants = data.get("variants") or {}
    if not isinstance(variants, dict):
        raise MirrorError(f"product {product_id}: variants must map item id -> fields")
    for item_id, fields in variants.items():
        variant = session.get(Variant, str(item_id))
        if variant is None or variant.product_id != product_id or not isinstance(fields, dict):
            continue
        if "available" in fields:
            variant.available = bool(fields["available"])
        if "price" in fields:
            try:
                variant.price = money(fields["price"])
            except (ValueError, ArithmeticError):
                raise MirrorError(f"product {product_id}: bad price") from None
