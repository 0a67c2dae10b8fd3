"""Delivery of outbox writes to the shop: signed, with the idempotency key, retried with
exponential backoff. Each delivery settles in its own transaction, so a crash mid-run
leaves a row pending (delivered again later, applied once thanks to the key)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.handoff._transcript import next_seq
from kefu.store.db import session_factory, write_gate
from kefu.store.models import Conversation, Message, utcnow
from kefu.stores.models import OutboxMessage
from kefu.stores.signing import HEADERS, sign
from kefu.stores.undo import undo_write

log = logging.getLogger(__name__)

BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 3600.0


@dataclass
class Delivery:
    """What one attempt learned: applied, refused (with the shop's reason) or retry later."""

    outcome: str  # applied | refused | retry
    reason: str = ""
    response: dict[str, Any] | None = None


@dataclass
class DeliveryReport:
    applied: int = 0
    refused: int = 0
    retrying: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """Delay before attempt ``attempts + 1``: 2 s, 4 s, 8 s ... capped at an hour."""
    return timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def post_signed(url: str, payload: dict[str, Any], key: str, timeout_s: float) -> Delivery:
    """POST one write to the shop; classify the answer without trusting its shape."""
    settings = get_settings()
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        HEADERS["kefu"]: sign(settings.store_webhook_secret, body),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout_s)
    except httpx.HTTPError as exc:  # down, refused connection, timeout
        return Delivery("retry", reason=f"{type(exc).__name__}: {exc}"[:500])
    data: dict[str, Any] = {}
    try:
        parsed = response.json()
        data = parsed if isinstance(parsed, dict) else {}
    except ValueError:
        pass
    if response.status_code == 429 or response.status_code >= 500 or response.status_code == 408:
        return Delivery("retry", reason=f"HTTP {response.status_code}", response=data)
    if 200 <= response.status_code < 300 and data.get("status", "applied") == "applied":
        return Delivery("applied", response=data)
    reason = data.get("reason") or data.get("message") or f"HTTP {response.status_code}"
    return Delivery("refused", reason=str(reason), response=data)


def settle(
    session: Session,
    row: OutboxMessage,
    delivery: Delivery,
    now: datetime,
    *,
    notify: bool = True,
) -> None:
    """Record one attempt's outcome on the row (and tell the conversation when it settles
    later than the turn that asked)."""
    row.attempts += 1
    row.response = delivery.response
    if delivery.outcome == "applied":
        row.status, row.settled_at, row.last_error = "delivered", now, None
        if notify:
            _notify(session, row, confirmed=True)
    elif delivery.outcome == "refused":
        row.status, row.settled_at, row.last_error = "refused", now, delivery.reason
        if notify:  # settled after the turn: take the change back out of the mirror too
            _notify(session, row, confirmed=False, restored=undo_write(session, row))
    elif row.attempts >= get_settings().store_outbox_max_attempts:
        row.status, row.settled_at, row.last_error = "failed", now, delivery.reason
        log.error("outbox %s gave up after %d attempts", row.idempotency_key, row.attempts)
        if notify:  # the customer was promised a message: say it is not confirmed
            restored = undo_write(session, row)
            _notify(session, row, confirmed=False, state="failed", restored=restored)
    else:
        row.last_error = delivery.reason
        row.next_attempt_at = now + backoff(row.attempts)


def deliver_due(engine: Engine, *, now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Deliver every pending write whose next attempt is due (the periodic job)."""
    settings = get_settings()
    report = DeliveryReport()
    at = now or utcnow()
    with session_factory(engine)() as session:
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= at)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    sqlite = engine.dialect.name == "sqlite"
    for row_id in ids:
        with session_factory(engine)() as session:
            row = session.get(OutboxMessage, row_id, with_for_update=True)
            if row is None or row.status != "pending":
                continue
            url = str(row.payload.get("url") or settings.store_url)
            wire, key = _wire(row), row.idempotency_key
            if sqlite:  # hold no SQLite transaction across the call to the shop
                session.rollback()
            delivery = post_signed(url, wire, key, settings.store_timeout_s)
            # settling may undo the write in the mirror: queue behind SQLite's other writers
            with write_gate(engine):
                if sqlite:
                    row = session.get(OutboxMessage, row_id)
                    if row is None or row.status != "pending":
                        continue  # another delivery settled it meanwhile (same key: once)
                settle(session, row, delivery, at)
                session.commit()
            report.keys.append(row.idempotency_key)
            if row.status == "delivered":
                report.applied += 1
            elif row.status == "refused":
                report.refused += 1
            elif row.status == "failed":
                report.failed += 1
            else:
                report.retrying += 1
    return report


def _wire(row: OutboxMessage) -> dict[str, Any]:
    """The body the shop receives (the stored payload less kefu-internal fields)."""
    return {k: v for k, v in row.payload.items() if k != "url"}


_NOTICE = {
    ("en", "confirmed"): "Update from the store: your request ({what}) for {target} is confirmed.",
    ("en", "refused"): "Update from the store: your request ({what}) for {target} could not be "
    "made: {reason}. The store has not changed it; a colleague can help if you reply here.",
    ("en", "failed"): "Update on your request ({what}) for {target}: the store has not "
    "confirmed it and we could not reach the store after several tries. Please do not "
    "count on it yet; a colleague will check and get back to you here.",
    ("zh", "confirmed"): "商店更新：您对 {target} 的请求（{what}）已确认完成。",
    ("zh", "refused"): "商店更新：您对 {target} 的请求（{what}）未能完成：{reason}。"
    "商店没有做任何更改，如需帮助请直接回复。",
    (
        "zh",
        "failed",
    ): "关于您对 {target} 的请求（{what}）：商店尚未确认，我们多次尝试也未能联系上商店。"
    "请先不要以此为准，同事会核实后在这里回复您。",
}

_WHAT = {
    "en": {
        "cancel_pending_order": "cancel the order",
        "modify_pending_order_address": "change the shipping address",
        "modify_pending_order_payment": "change the payment method",
        "modify_pending_order_items": "change items",
        "return_delivered_order_items": "return items",
        "exchange_delivered_order_items": "exchange items",
        "modify_user_address": "change your default address",
    },
    "zh": {
        "cancel_pending_order": "取消订单",
        "modify_pending_order_address": "修改收货地址",
        "modify_pending_order_payment": "更换支付方式",
        "modify_pending_order_items": "更换商品",
        "return_delivered_order_items": "退货",
        "exchange_delivered_order_items": "换货",
        "modify_user_address": "修改默认地址",
    },
}


_RESTORED = {
    "en": " {target} is shown again as it was before your request.",
    "zh": "{target} 已恢复为您申请之前的状态。",
}


def _notify(
    session: Session,
    row: OutboxMessage,
    *,
    confirmed: bool,
    state: str | None = None,
    restored: bool = False,
) -> None:
    """Tell the customer, in the conversation that asked, that the shop confirmed or refused
    the write (or that kefu gave up delivering it). The message's ``data`` carries
    ``store_outbox`` (the idempotency key), ``store_state`` (confirmed | refused | failed),
    ``operation``, ``target_id`` and ``restored`` (the write was taken back out of kefu's
    mirror) for the chat and the console to show it. Its role is ``store``."""
    if not row.conversation_id or session.get(Conversation, row.conversation_id) is None:
        return
    from kefu.orders.errors import _clean_reason

    state = state or ("confirmed" if confirmed else "refused")
    language = str(row.payload.get("language") or "en")
    language = language if language in ("zh", "en") else "en"
    text = _NOTICE[(language, state)].format(
        what=_WHAT[language].get(row.operation, row.operation.replace("_", " ")),
        target=row.target_id,
        reason=_clean_reason(row.last_error or ""),
    )
    if restored:
        text += _RESTORED[language].format(target=row.target_id)
    session.add(
        Message(
            conversation_id=row.conversation_id,
            seq=next_seq(session, row.conversation_id),
            role="store",  # shown as a notice from the store, not as the assistant
            text=text,
            language=language,
            data={
                "store_outbox": row.idempotency_key,
                "confirmed": confirmed,
                "store_state": state,
                "operation": row.operation,
                "target_id": row.target_id,
                "restored": restored,
            },
        )
    )
