"""A write the shop refuses (or kefu gives up delivering) after the turn is taken back out of
kefu's mirror in the transaction that marks the outbox row, and the customer is told. Runs
on SQLite and PostgreSQL (the ``engine`` fixture's backends)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.orders import ToolContext, call_tool
from kefu.store.db import session_factory
from kefu.store.models import Conversation, Customer, Message, Order, PaymentMethod, utcnow
from kefu.stores.mirror import StoreEventIn, apply_event
from kefu.stores.models import OutboxMessage
from kefu.stores.outbox import deliver_due
from tests.stores.conftest import FakeShop

ADDRESS = {
    "address1": "1 New Street",
    "address2": "Flat 2",
    "city": "Springfield",
    "state": "IL",
    "country": "USA",
    "zip": "62704",
}


def _ctx(conversation: str, key: str | None = None) -> ToolContext:
    return ToolContext(
        actor="test", customer_id="alice_1", conversation_id=conversation, idempotency_key=key
    )


def _later() -> object:
    return utcnow() + timedelta(hours=2)


def _open(shop: Session, conversation: str) -> None:
    shop.add(Conversation(id=conversation, customer_id="alice_1", language="en"))
    shop.commit()


def _note(shop: Session, conversation: str) -> Message:
    shop.rollback()
    [note] = shop.scalars(select(Message).where(Message.conversation_id == conversation))
    return note


def _order(shop: Session, order_id: str) -> Order:
    shop.rollback()  # see what the outbox's own session committed
    order = shop.get(Order, order_id)
    assert order is not None
    return order


def _balance(shop: Session) -> Decimal:
    method = shop.get(PaymentMethod, "gc_alice")
    assert method is not None and method.balance is not None
    return method.balance


def test_a_later_refusal_undoes_a_cancel_and_its_gift_card_refund(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    _open(shop, "conv-u1")
    start = _balance(shop)
    fake_shop.stop()  # queued: the mirror says cancelled and the gift card was credited
    cancel = {"order_id": "#A-pending-gc", "reason": "no longer needed"}
    result = call_tool(shop, "cancel_pending_order", cancel, _ctx("conv-u1"))  # no key
    assert result.ok and result.data["store_confirmation"] == "requested"
    order = _order(shop, "#A-pending-gc")
    assert order.status == "cancelled" and len(order.payments) == 2
    assert _balance(shop) == start + Decimal("8.00")
    fake_shop.start()
    fake_shop.mode = "refuse"
    assert deliver_due(shop_engine, now=_later()).refused == 1  # type: ignore[arg-type]
    order = _order(shop, "#A-pending-gc")
    assert order.status == "pending" and order.cancel_reason is None
    assert [(p.transaction_type, p.amount) for p in order.payments] == [
        ("payment", Decimal("8.00"))
    ]
    assert _balance(shop) == start
    note = _note(shop, "conv-u1")
    assert note.role == "store" and (note.data or {})["restored"] is True
    assert "could not be made: Order already shipped from warehouse" in note.text
    assert "#A-pending-gc is shown again as it was before your request." in note.text
    [row] = shop.scalars(select(OutboxMessage))
    assert row.status == "refused"


def test_a_given_up_address_change_is_undone(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_STORE_OUTBOX_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    _open(shop, "conv-u2")
    old = _order(shop, "#A-pending-m").address1
    fake_shop.mode = "500"
    change = {"order_id": "#A-pending-m", **ADDRESS}
    result = call_tool(shop, "modify_pending_order_address", change, _ctx("conv-u2", "k-u2"))
    assert result.ok and result.data["store_confirmation"] == "requested"
    assert _order(shop, "#A-pending-m").address1 == "1 New Street"
    assert deliver_due(shop_engine, now=_later()).failed == 1  # type: ignore[arg-type]
    assert _order(shop, "#A-pending-m").address1 == old
    note = _note(shop, "conv-u2")
    assert (note.data or {})["store_state"] == "failed" and (note.data or {})["restored"]
    get_settings.cache_clear()


def test_what_the_shop_changed_since_is_left_as_the_shop_said(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    _open(shop, "conv-u3")
    fake_shop.stop()
    cancel = {"order_id": "#A-pending-2", "reason": "ordered by mistake"}
    assert call_tool(shop, "cancel_pending_order", cancel, _ctx("conv-u3")).ok
    # the shop's own update arrives first: the order is processed there
    event = {"id": "ev-u3", "topic": "order.updated", "version": 5}
    apply_event(
        shop, StoreEventIn(**event, data={"order_id": "#A-pending-2", "status": "processed"})
    )
    shop.commit()
    fake_shop.start()
    fake_shop.mode = "refuse"
    assert deliver_due(shop_engine, now=_later()).refused == 1  # type: ignore[arg-type]
    order = _order(shop, "#A-pending-2")
    assert order.status == "processed"  # the shop's word, not the state before the write
    assert order.cancel_reason is None and len(order.payments) == 1  # the write's rest undone


def test_a_refused_default_address_change_is_undone(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    _open(shop, "conv-u4")
    customer = shop.get(Customer, "alice_1")
    assert customer is not None
    old = customer.address1
    shop.rollback()
    fake_shop.stop()
    change = {"user_id": "alice_1", **ADDRESS}
    assert call_tool(shop, "modify_user_address", change, _ctx("conv-u4", "k-u4")).ok
    fake_shop.start()
    fake_shop.mode = "refuse"
    assert deliver_due(shop_engine, now=_later()).refused == 1  # type: ignore[arg-type]
    with session_factory(shop_engine)() as fresh:
        customer = fresh.get(Customer, "alice_1")
        assert customer is not None and customer.address1 == old
    assert (_note(shop, "conv-u4").data or {})["restored"] is True
