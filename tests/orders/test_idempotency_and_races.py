"""Retries act once, and racing writes to one order (or one gift card) cannot both succeed.

Each test runs on SQLite and PostgreSQL with real threads and separate sessions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kefu.orders import (
    IdempotencyConflict,
    ToolContext,
    ToolResult,
    call_tool,
    cancel_pending_order,
)
from kefu.orders._access import get_order, take_write_lock
from kefu.store.db import session_factory
from kefu.store.models import AuditLog, Order, PaymentMethod

STAFF = ToolContext(actor="staff:test", conversation_id="conv-1")
ADDRESS = {
    "address1": "9 New Rd",
    "address2": "",
    "city": "Portland",
    "state": "OR",
    "country": "USA",
    "zip": "97201",
}


def _fresh(engine: Engine, fn: Callable[[Session], Any]) -> Any:
    with session_factory(engine)() as session:
        return fn(session)


def _order(engine: Engine, order_id: str) -> Order:
    order = _fresh(engine, lambda s: get_order(s, STAFF, order_id))
    assert isinstance(order, Order)
    return order


def _balance(engine: Engine, method_id: str) -> Decimal:
    value = _fresh(engine, lambda s: s.get(PaymentMethod, method_id).balance)
    assert isinstance(value, Decimal)
    return value


def _race(engine: Engine, calls: list[tuple[str, dict[str, Any], ToolContext]]) -> list[ToolResult]:
    """Start every call at the same moment, each in its own thread and session."""
    barrier = threading.Barrier(len(calls))
    results: list[ToolResult | None] = [None] * len(calls)

    def worker(i: int) -> None:
        name, args, ctx = calls[i]
        with session_factory(engine)() as session:
            barrier.wait()
            results[i] = call_tool(session, name, args, ctx)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


# --------------------------------------------------------------------------- idempotency


def test_same_cancel_sent_twice_refunds_once(shop_engine: Engine) -> None:
    ctx = replace(STAFF, idempotency_key="cancel-1")
    args = {"order_id": "#A-pending-gc", "reason": "no longer needed"}
    first = _fresh(shop_engine, lambda s: call_tool(s, "cancel_pending_order", args, ctx))
    second = _fresh(shop_engine, lambda s: call_tool(s, "cancel_pending_order", args, ctx))
    assert first.ok and second.ok and second.data == first.data
    assert [t.transaction_type for t in _order(shop_engine, "#A-pending-gc").payments] == [
        "payment",
        "refund",
    ]
    assert _balance(shop_engine, "gc_alice") == Decimal("23.00")
    count = _fresh(shop_engine, lambda s: s.scalar(select(func.count()).select_from(AuditLog)))
    assert count == 1


def test_without_key_a_repeat_is_a_new_request(shop_engine: Engine) -> None:
    args = {"order_id": "#A-pending-gc", "reason": "no longer needed"}
    assert _fresh(shop_engine, lambda s: call_tool(s, "cancel_pending_order", args, STAFF)).ok
    again = _fresh(shop_engine, lambda s: call_tool(s, "cancel_pending_order", args, STAFF))
    assert again.error == "Non-pending order cannot be cancelled"
    assert _balance(shop_engine, "gc_alice") == Decimal("23.00")


def test_key_reused_for_other_arguments_is_refused(shop_engine: Engine) -> None:
    ctx = replace(STAFF, idempotency_key="k-1")
    with session_factory(shop_engine)() as session:
        cancel_pending_order(session, ctx, "#A-pending", "no longer needed")
        with pytest.raises(IdempotencyConflict):
            cancel_pending_order(session, ctx, "#A-pending-2", "no longer needed")
    assert _order(shop_engine, "#A-pending-2").status == "pending"


def test_same_key_racing_itself_acts_once(shop_engine: Engine) -> None:
    ctx = replace(STAFF, idempotency_key="dup-1")
    args = {"order_id": "#A-pending-gc", "reason": "ordered by mistake"}
    results = _race(shop_engine, [("cancel_pending_order", args, ctx)] * 3)
    assert all(r.ok for r in results), results
    assert len(_order(shop_engine, "#A-pending-gc").payments) == 2
    assert _balance(shop_engine, "gc_alice") == Decimal("23.00")


def test_keys_are_scoped_to_the_customer(shop_engine: Engine) -> None:
    alice = ToolContext(actor="assistant", customer_id="alice_1", idempotency_key="same")
    bob = ToolContext(actor="assistant", customer_id="bob_2", idempotency_key="same")
    args = {"order_id": "#B-pending", "reason": "no longer needed"}
    assert _fresh(shop_engine, lambda s: call_tool(s, "cancel_pending_order", args, bob)).ok
    # Alice retrying "her" key with Bob's order must not see Bob's recorded result
    leaked = _fresh(shop_engine, lambda s: call_tool(s, "cancel_pending_order", args, alice))
    assert not leaked.ok and leaked.error == "Order not found"


# --------------------------------------------------------------------------- races


def test_cancel_racing_address_change_waits_then_sees_cancelled(shop_engine: Engine) -> None:
    """Hold the order's lock mid-cancel; the address change must wait, then be refused."""
    outcome: list[ToolResult] = []
    holder = session_factory(shop_engine)()
    take_write_lock(holder)
    order = get_order(holder, STAFF, "#A-pending", lock=True)

    def change_address() -> None:
        with session_factory(shop_engine)() as session:
            args = {"order_id": "#A-pending", **ADDRESS}
            outcome.append(call_tool(session, "modify_pending_order_address", args, STAFF))

    thread = threading.Thread(target=change_address)
    thread.start()
    time.sleep(0.8)
    assert not outcome, "the address change ran while the order was locked"
    order.status = "cancelled"
    order.cancel_reason = "no longer needed"
    holder.commit()
    holder.close()
    thread.join(timeout=30)
    assert outcome and outcome[0].error == "Non-pending order cannot be modified"
    final = _order(shop_engine, "#A-pending")
    assert final.status == "cancelled" and final.city == "Springfield"


def test_cancel_racing_item_change_only_one_wins(shop_engine: Engine) -> None:
    results = _race(
        shop_engine,
        [
            (
                "cancel_pending_order",
                {"order_id": "#A-pending-m", "reason": "no longer needed"},
                STAFF,
            ),
            (
                "modify_pending_order_items",
                {
                    "order_id": "#A-pending-m",
                    "item_ids": ["v-red-m"],
                    "new_item_ids": ["v-red-s"],
                    "payment_method_id": "gc_alice",
                },
                STAFF,
            ),
        ],
    )
    assert sum(r.ok for r in results) == 1, results
    final = _order(shop_engine, "#A-pending-m")
    if results[0].ok:
        assert final.status == "cancelled" and _balance(shop_engine, "gc_alice") == Decimal("15.00")
        assert results[1].error == "Non-pending order cannot be modified"
    else:
        assert final.status == "pending (item modified)"
        assert _balance(shop_engine, "gc_alice") == Decimal("17.50")
        assert results[0].error == "Non-pending order cannot be cancelled"


def test_double_cancel_race_refunds_once(shop_engine: Engine) -> None:
    args = {"order_id": "#A-pending-gc", "reason": "no longer needed"}
    results = _race(shop_engine, [("cancel_pending_order", args, STAFF)] * 4)
    assert sum(r.ok for r in results) == 1, results
    assert len(_order(shop_engine, "#A-pending-gc").payments) == 2
    assert _balance(shop_engine, "gc_alice") == Decimal("23.00")


def test_gift_card_cannot_be_spent_twice_by_racing_orders(shop_engine: Engine) -> None:
    # 15.00 on the card: either 9.00 order fits alone, not both
    results = _race(
        shop_engine,
        [
            (
                "modify_pending_order_payment",
                {"order_id": "#A-pending-2", "payment_method_id": "gc_alice"},
                STAFF,
            ),
            (
                "modify_pending_order_payment",
                {"order_id": "#A-pending-m", "payment_method_id": "gc_alice"},
                STAFF,
            ),
        ],
    )
    ok = [r for r in results if r.ok]
    assert len(ok) == 1, results
    assert [r.error for r in results if not r.ok] == [
        "Insufficient gift card balance to pay for the order"
    ]
    assert _balance(shop_engine, "gc_alice") in {Decimal("6.00"), Decimal("2.50")}


def test_stale_order_write_is_rejected(shop_engine: Engine) -> None:
    """A write from a snapshot older than the last commit fails: PostgreSQL by the order's
    version column, SQLite already when the stale transaction asks for the write lock."""
    stale_session = session_factory(shop_engine)()
    stale = stale_session.get(Order, "#A-pending")
    assert stale is not None
    _fresh(shop_engine, lambda s: cancel_pending_order(s, STAFF, "#A-pending", "no longer needed"))
    stale.city = "Elsewhere"
    with pytest.raises((StaleDataError, OperationalError)):
        stale_session.commit()
    stale_session.rollback()
    stale_session.close()
    assert _order(shop_engine, "#A-pending").city == "Springfield"
