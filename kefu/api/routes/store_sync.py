"""Sync from the shop into kefu's mirror: signed webhooks in, and order updates pushed by a
custom shop. The signature is checked on the raw bytes before anything is parsed; a forged
or unsigned call gets 401 and changes nothing."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, status
from pydantic import Field, ValidationError
from sqlalchemy.orm import Session

from kefu.api.deps import AdminDep, SessionDep
from kefu.store.db import write_gate
from kefu.store.models import Order
from kefu.stores.mirror import MirrorError, OrderUpdate, StoreEventIn, apply_event
from kefu.stores.signing import HEADERS, verify

router = APIRouter(prefix="/v1/store", tags=["store sync"])


def _apply(session: Session, event: StoreEventIn, source: str) -> dict[str, Any]:
    with write_gate(session.get_bind()):
        try:
            result = apply_event(session, event, source)
        except MirrorError as exc:
            session.rollback()
            raise HTTPException(422, str(exc)) from None
        session.commit()
    return {"event_id": event.id, "outcome": result.outcome, "entity_id": result.entity_id}


@router.post("/webhooks/{scheme}")
async def receive_webhook(scheme: str, request: Request, session: SessionDep) -> dict[str, Any]:
    """A webhook from the shop (``scheme``: kefu, shopify or woocommerce), HMAC-signed with
    ``KEFU_STORE_WEBHOOK_SECRET``. Replays (same event id) and events older than the
    version already applied answer 200 and change nothing."""
    if scheme not in HEADERS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown webhook scheme: {scheme}")
    body = await request.body()
    secret = request.app.state.settings.store_webhook_secret
    if not verify(secret, body, request.headers.get(HEADERS[scheme]), scheme):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or invalid webhook signature")
    try:
        event = _translate(scheme, dict(request.headers), body)
    except (ValidationError, ValueError) as exc:
        raise HTTPException(422, _short(exc)) from None
    if event is None:  # a topic kefu does not mirror
        return {"event_id": None, "outcome": "ignored", "entity_id": None}
    return _apply(session, event, scheme)


def _translate(scheme: str, headers: dict[str, str], body: bytes) -> StoreEventIn | None:
    if scheme == "kefu":
        return StoreEventIn.model_validate_json(body)
    if scheme == "shopify":
        from kefu.stores.shopify import webhook_event

        return webhook_event(headers, body)
    from kefu.stores.woocommerce import webhook_event as woo_event

    return woo_event(headers, body)


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)[:500]
    return str(exc)[:500]


class OrderUpdateIn(OrderUpdate):
    """A custom shop's update to one order: status, fulfilments with tracking, and so on."""

    version: int | None = Field(
        default=None,
        ge=0,
        description="The order's version at the shop; older updates are ignored.",
    )
    updated_at: str | None = Field(default=None, description="ISO time, used when no version.")


@router.post("/orders/{order_id}/updates")
def push_order_update(
    order_id: str,
    body: OrderUpdateIn,
    session: SessionDep,
    _admin: AdminDep,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict[str, Any]:
    """Record what happened to an order at the shop (integration key). Send an
    ``Idempotency-Key`` to make retries safe, and ``version`` or ``updated_at`` so an update
    that arrives late never overwrites a newer one."""
    if session.get(Order, order_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    data = body.model_dump(exclude_none=True, exclude={"version", "updated_at"})
    data["order_id"] = order_id
    version: Any = body.version if body.version is not None else body.updated_at
    if version is None:
        raise HTTPException(422, "version or updated_at is required")
    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()[:32]
    event_id = f"push:{order_id}:{idempotency_key or digest}"[:128]
    topic = "order.fulfilled" if body.fulfillments else "order.updated"
    try:
        event = StoreEventIn(id=event_id, topic=topic, version=version, data=data)
    except ValidationError as exc:
        raise HTTPException(422, _short(exc)) from None
    return _apply(session, event, "push")
