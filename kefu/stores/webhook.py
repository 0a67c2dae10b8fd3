"""The generic backend for a custom shop: writes go to its endpoint as signed webhooks.

Every confirmed write is first recorded in the outbox in the turn's transaction. With
``KEFU_STORE_SYNC_CONFIRM`` (default) kefu also tries the shop during the turn: an answer
"applied" makes the write *done*, a refusal rolls the turn back with a clear sentence, and
anything else (down, 5xx, 429, timeout) leaves the write *requested*, delivered later by
:func:`kefu.stores.outbox.deliver_due` with the same idempotency key.

Reads come from kefu's mirror, which the shop keeps current with webhooks in
(``POST /v1/store/webhooks/kefu``) or order updates (``POST /v1/store/orders/{id}/updates``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.orders.errors import ShopRefused
from kefu.store.models import utcnow
from kefu.stores.base import WriteOutcome, WriteRequest, WriteState
from kefu.stores.builtin import BuiltinBackend
from kefu.stores.models import OutboxMessage
from kefu.stores.outbox import post_signed, settle


class WebhookBackend(BuiltinBackend):
    """Mirror reads (inherited) + outbox writes to ``KEFU_STORE_URL``."""

    name = "webhook"

    def __init__(self, url: str, *, sync_confirm: bool = True) -> None:
        self.url = url
        self.sync_confirm = sync_confirm

    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        row = OutboxMessage(
            idempotency_key=request.idempotency_key,
            backend=self.name,
            operation=request.operation.value,
            target_id=request.target_id[:64],
            conversation_id=request.conversation_id,
            payload={
                "operation": request.operation.value,
                "target_id": request.target_id,
                "arguments": request.arguments,
                "expected": request.record,
                "idempotency_key": request.idempotency_key,
                "customer_id": request.customer_id,
                "language": request.language,
            },
            status="pending",
            next_attempt_at=utcnow(),
        )
        session.add(row)
        session.flush()
        if not self.sync_confirm:
            return WriteOutcome(WriteState.REQUESTED, detail={"outbox": row.idempotency_key})
        delivery = post_signed(
            self.url, row.payload, row.idempotency_key, get_settings().store_timeout_s
        )
        if delivery.outcome == "refused":
            raise ShopRefused(delivery.reason, request.language)  # the turn rolls back, row too
        settle(session, row, delivery, utcnow(), notify=False)
        state = WriteState.DONE if row.status == "delivered" else WriteState.REQUESTED
        reference = (delivery.response or {}).get("reference")
        return WriteOutcome(state, str(reference) if reference else None)
