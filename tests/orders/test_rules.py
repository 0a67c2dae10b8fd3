"""Every store-policy rule of the order tools, on SQLite and PostgreSQL: effect and refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.orders import (
    InsufficientBalance,
    InvalidArguments,
    OrderNotFound,
    PaymentMethodNotFound,
    RuleViolation,
    StorePolicy,
    ToolContext,
    ToolResult,
    call_tool,
    cancel_pending_order,
)
from kefu.store.models import AuditLog, Customer, Order, PaymentMethod

STAFF = ToolContext(actor="staff:test", conversation_id="conv-1")


def run(session: Session, name: str, ctx: ToolContext = STAFF, **args: Any) -> ToolResult:
    return call_tool(session, name, args, ctx)


def refused(
    session: Session, name: str, message: str, ctx: ToolContext = STAFF, **args: Any
) -> None:
    result = run(session, name, ctx, **args)
    assert not result.ok, result
    assert result.error == message
    assert result.message == f"Error: {message}"


def order(session: Session, order_id: str) -> Order:
    session.expire_all()
    row = session.get(Order, order_id)
    assert row is not None
    return row


def balance(session: Session, method_id: str) -> Decimal | None:
    session.expire_all()
    method = session.get(PaymentMethod, method_id)
    assert method is not None
    return method.balance


def history(session: Session, order_id: str) -> list[tuple[str, Decimal, str]]:
    return [
        (t.transaction_type, t.amount, t.payment_method_id)
        for t in order(session, order_id).payments
    ]


ADDRESS = {
    "address1": "9 New Rd",
    "address2": "Apt 2",
    "city": "Portland",
    "state": "OR",
    "country": "USA",
    "zip": "97201",
}


# --------------------------------------------------------------------------- cancel


def test_cancel_refunds_every_payment_and_records_reason(shop: Session) -> None:
    result = run(shop, "cancel_pending_order", order_id="#A-pending", reason="no longer needed")
    assert result.ok and result.data["status"] == "cancelled"
    row = order(shop, "#A-pending")
    assert row.status == "cancelled" and row.cancel_reason == "no longer needed"
    assert history(shop, "#A-pending") == [
        ("payment", Decimal("28.00"), "cc_alice"),
        ("refund", Decimal("28.00"), "cc_alice"),
    ]
    assert balance(shop, "gc_alice") == Decimal("15.00")


def test_cancel_refunds_gift_card_balance_at_once(shop: Session) -> None:
    assert run(
        shop, "cancel_pending_order", order_id="#A-pending-gc", reason="ordered by mistake"
    ).ok
    assert balance(shop, "gc_alice") == Decimal("23.00")


@pytest.mark.parametrize("order_id", ["#A-processed", "#A-delivered", "#A-modified"])
def test_cancel_refuses_non_pending_order(shop: Session, order_id: str) -> None:
    refused(
        shop,
        "cancel_pending_order",
        "Non-pending order cannot be cancelled",
        order_id=order_id,
        reason="no longer needed",
    )
    assert order(shop, order_id).cancel_reason is None


def test_cancel_refuses_reason_outside_policy(shop: Session) -> None:
    refused(
        shop,
        "cancel_pending_order",
        "Invalid reason",
        order_id="#A-pending",
        reason="found it cheaper",
    )
    assert order(shop, "#A-pending").status == "pending"


def test_cancel_reasons_come_from_the_store_policy(shop: Session) -> None:
    ctx = ToolContext(actor="staff:test", policy=StorePolicy(cancel_reasons=("found it cheaper",)))
    refused(
        shop,
        "cancel_pending_order",
        "Invalid reason",
        ctx,
        order_id="#A-pending",
        reason="no longer needed",
    )
    assert run(
        shop, "cancel_pending_order", ctx, order_id="#A-pending", reason="found it cheaper"
    ).ok


def test_failed_write_changes_nothing_even_midway(shop: Session) -> None:
    # the second payment's method is not Alice's: the first refund must be rolled back too
    with pytest.raises(PaymentMethodNotFound):
        cancel_pending_order(shop, STAFF, "#A-odd", "no longer needed")
    assert balance(shop, "gc_alice") == Decimal("15.00")
    assert order(shop, "#A-odd").status == "pending"
    assert len(history(shop, "#A-odd")) == 2


def test_typed_function_raises_typed_error(shop: Session) -> None:
    with pytest.raises(RuleViolation, match="Invalid reason") as info:
        cancel_pending_order(shop, STAFF, "#A-pending", "meh")
    assert info.value.message == "Invalid reason" and info.value.http_status == 400
    with pytest.raises(OrderNotFound):
        cancel_pending_order(shop, STAFF, "A-pending", "no longer needed")


# --------------------------------------------------------------------------- address


def test_modify_order_address_changes_order_not_customer(shop: Session) -> None:
    result = run(shop, "modify_pending_order_address", order_id="#A-pending", **ADDRESS)
    assert result.ok and result.data["address"] == ADDRESS
    assert order(shop, "#A-pending").city == "Portland"
    customer = shop.get(Customer, "alice_1")
    assert customer is not None and customer.city == "Springfield"


def test_modify_order_address_allowed_after_item_change(shop: Session) -> None:
    assert run(shop, "modify_pending_order_address", order_id="#A-modified", **ADDRESS).ok


@pytest.mark.parametrize("order_id", ["#A-delivered", "#A-processed"])
def test_modify_order_address_refuses_non_pending(shop: Session, order_id: str) -> None:
    refused(
        shop,
        "modify_pending_order_address",
        "Non-pending order cannot be modified",
        order_id=order_id,
        **ADDRESS,
    )


def test_modify_user_address_changes_customer_not_orders(shop: Session) -> None:
    result = run(shop, "modify_user_address", user_id="alice_1", **ADDRESS)
    assert result.ok and result.data["address"] == ADDRESS
    shop.expire_all()
    customer = shop.get(Customer, "alice_1")
    assert customer is not None and customer.zip == "97201"
    assert order(shop, "#A-pending").zip == "62701"


def test_modify_user_address_unknown_user(shop: Session) -> None:
    refused(shop, "modify_user_address", "User not found", user_id="nobody_0", **ADDRESS)


# --------------------------------------------------------------------------- payment


def test_modify_payment_pays_with_new_method_and_refunds_old(shop: Session) -> None:
    assert run(
        shop, "modify_pending_order_payment", order_id="#A-pending", payment_method_id="pp_alice"
    ).ok
    assert history(shop, "#A-pending") == [
        ("payment", Decimal("28.00"), "cc_alice"),
        ("payment", Decimal("28.00"), "pp_alice"),
        ("refund", Decimal("28.00"), "cc_alice"),
    ]
    assert order(shop, "#A-pending").status == "pending"


def test_modify_payment_from_gift_card_credits_it(shop: Session) -> None:
    assert run(
        shop, "modify_pending_order_payment", order_id="#A-pending-gc", payment_method_id="cc_alice"
    ).ok
    assert balance(shop, "gc_alice") == Decimal("23.00")


def test_modify_payment_to_gift_card_debits_it(shop: Session) -> None:
    assert run(
        shop, "modify_pending_order_payment", order_id="#A-pending-2", payment_method_id="gc_alice"
    ).ok
    assert balance(shop, "gc_alice") == Decimal("6.00")


def test_modify_payment_to_gift_card_needs_full_balance(shop: Session) -> None:
    refused(
        shop,
        "modify_pending_order_payment",
        "Insufficient gift card balance to pay for the order",
        order_id="#A-pending",
        payment_method_id="gc_alice",
    )
    assert balance(shop, "gc_alice") == Decimal("15.00")


def test_modify_payment_refuses_same_method(shop: Session) -> None:
    refused(
        shop,
        "modify_pending_order_payment",
        "The new payment method should be different from the current one",
        order_id="#A-pending",
        payment_method_id="cc_alice",
    )


def test_modify_payment_needs_exactly_one_payment(shop: Session) -> None:
    refused(
        shop,
        "modify_pending_order_payment",
        "There should be exactly one payment for a pending order",
        order_id="#A-modified",
        payment_method_id="pp_alice",
    )


@pytest.mark.parametrize("method", ["cc_bob", "no_such_card"])
def test_modify_payment_method_must_be_the_customers(shop: Session, method: str) -> None:
    refused(
        shop,
        "modify_pending_order_payment",
        "Payment method not found",
        order_id="#A-pending",
        payment_method_id=method,
    )


def test_modify_payment_refuses_non_pending(shop: Session) -> None:
    refused(
        shop,
        "modify_pending_order_payment",
        "Non-pending order cannot be modified",
        order_id="#A-delivered",
        payment_method_id="pp_alice",
    )


# --------------------------------------------------------------------------- modify items


def test_modify_items_gives_each_item_its_own_variant_and_charges_difference(shop: Session) -> None:
    result = run(
        shop,
        "modify_pending_order_items",
        order_id="#A-pending",
        item_ids=["v-red-s", "m-white"],
        new_item_ids=["v-blue-s", "m-black"],
        payment_method_id="cc_alice",
    )
    assert result.ok
    row = order(shop, "#A-pending")
    assert row.status == "pending (item modified)"
    assert [(i.variant_id, i.price, i.options) for i in row.items] == [
        ("v-blue-s", Decimal("30.00"), {"variant": "v-blue-s"}),
        ("v-red-s", Decimal("10.00"), {"variant": "v-red-s"}),
        ("m-black", Decimal("9.00"), {"variant": "m-black"}),
    ]
    assert history(shop, "#A-pending")[-1] == ("payment", Decimal("21.00"), "cc_alice")


def test_modify_items_changes_each_listed_unit_of_a_duplicate(shop: Session) -> None:
    assert run(
        shop,
        "modify_pending_order_items",
        order_id="#A-pending",
        item_ids=["v-red-s", "v-red-s"],
        new_item_ids=["v-red-m", "v-blue-s"],
        payment_method_id="cc_alice",
    ).ok
    assert [i.variant_id for i in order(shop, "#A-pending").items] == [
        "v-red-m",
        "v-blue-s",
        "m-white",
    ]
    assert history(shop, "#A-pending")[-1] == ("payment", Decimal("22.50"), "cc_alice")


def test_modify_items_refund_to_gift_card_credits_balance(shop: Session) -> None:
    assert run(
        shop,
        "modify_pending_order_items",
        order_id="#A-pending-m",
        item_ids=["v-red-m"],
        new_item_ids=["v-red-s"],
        payment_method_id="gc_alice",
    ).ok
    assert history(shop, "#A-pending-m")[-1] == ("refund", Decimal("2.50"), "gc_alice")
    assert balance(shop, "gc_alice") == Decimal("17.50")


def test_modify_items_only_once(shop: Session) -> None:
    args = {
        "order_id": "#A-pending-m",
        "item_ids": ["v-red-m"],
        "new_item_ids": ["v-blue-s"],
        "payment_method_id": "cc_alice",
    }
    assert run(shop, "modify_pending_order_items", **args).ok
    refused(
        shop,
        "modify_pending_order_items",
        "Non-pending order cannot be modified",
        **{**args, "item_ids": ["v-blue-s"], "new_item_ids": ["v-red-s"]},
    )
    refused(
        shop,
        "cancel_pending_order",
        "Non-pending order cannot be cancelled",
        order_id="#A-pending-m",
        reason="no longer needed",
    )


@pytest.mark.parametrize(
    ("item_ids", "new_item_ids", "message"),
    [
        (["v-red-s"] * 3, ["v-red-m"] * 3, "v-red-s not found"),
        (["v-red-s"], ["v-red-m", "v-blue-s"], "The number of items to be exchanged should match"),
        (["v-red-s"], ["v-red-s"], "The new item id should be different from the old item id"),
        (["v-red-s"], ["m-black"], "Variant not found"),
        (["v-red-s"], ["v-gold"], "New item v-gold not found or available"),
        (
            ["v-red-s", "v-red-s"],
            ["v-blue-s", "v-blue-s"],
            "Insufficient gift card balance to pay for the new item",
        ),
    ],
)
def test_modify_items_refusals(
    shop: Session, item_ids: list[str], new_item_ids: list[str], message: str
) -> None:
    refused(
        shop,
        "modify_pending_order_items",
        message,
        order_id="#A-pending",
        item_ids=item_ids,
        new_item_ids=new_item_ids,
        payment_method_id="gc_alice",
    )
    assert order(shop, "#A-pending").status == "pending"
    assert balance(shop, "gc_alice") == Decimal("15.00")


# --------------------------------------------------------------------------- return


def test_return_requests_items_without_moving_money(shop: Session) -> None:
    result = run(
        shop,
        "return_delivered_order_items",
        order_id="#A-delivered",
        item_ids=["m-black", "v-red-s"],
        payment_method_id="cc_alice",
    )
    assert result.ok
    row = order(shop, "#A-delivered")
    assert row.status == "return requested"
    assert row.return_items == ["m-black", "v-red-s"] and row.return_payment_method_id == "cc_alice"
    assert len(row.payments) == 1


def test_return_may_refund_to_any_gift_card(shop: Session) -> None:
    assert run(
        shop,
        "return_delivered_order_items",
        order_id="#A-delivered",
        item_ids=["m-black"],
        payment_method_id="gc_alice",
    ).ok
    assert balance(shop, "gc_alice") == Decimal("15.00")


def test_return_refuses_other_non_gift_method(shop: Session) -> None:
    refused(
        shop,
        "return_delivered_order_items",
        "Payment method should be the original payment method",
        order_id="#A-delivered",
        item_ids=["m-black"],
        payment_method_id="pp_alice",
    )


def test_return_to_gift_card_can_be_switched_off_by_policy(shop: Session) -> None:
    ctx = ToolContext(actor="staff:test", policy=StorePolicy(refund_to_any_gift_card=False))
    refused(
        shop,
        "return_delivered_order_items",
        "Payment method should be the original payment method",
        ctx,
        order_id="#A-delivered",
        item_ids=["m-black"],
        payment_method_id="gc_alice",
    )


def test_return_refuses_non_delivered(shop: Session) -> None:
    refused(
        shop,
        "return_delivered_order_items",
        "Non-delivered order cannot be returned",
        order_id="#A-pending",
        item_ids=["m-white"],
        payment_method_id="cc_alice",
    )


def test_return_refuses_items_not_in_order(shop: Session) -> None:
    refused(
        shop,
        "return_delivered_order_items",
        "Some item not found",
        order_id="#A-delivered",
        item_ids=["m-black", "m-black"],
        payment_method_id="cc_alice",
    )


def test_return_window_from_policy(shop: Session) -> None:
    short = ToolContext(actor="staff:test", policy=StorePolicy(return_window_days=1))
    refused(
        shop,
        "return_delivered_order_items",
        "The return window of 1 days after delivery has passed",
        short,
        order_id="#A-delivered",
        item_ids=["m-black"],
        payment_method_id="cc_alice",
    )
    long = ToolContext(actor="staff:test", policy=StorePolicy(return_window_days=30))
    assert run(
        shop,
        "return_delivered_order_items",
        long,
        order_id="#A-delivered",
        item_ids=["m-black"],
        payment_method_id="cc_alice",
    ).ok


# --------------------------------------------------------------------------- exchange


def test_exchange_records_request_and_difference(shop: Session) -> None:
    result = run(
        shop,
        "exchange_delivered_order_items",
        order_id="#A-delivered",
        item_ids=["v-red-s", "m-black"],
        new_item_ids=["v-red-m", "m-white"],
        payment_method_id="gc_alice",
    )
    assert result.ok
    row = order(shop, "#A-delivered")
    assert row.status == "exchange requested"
    assert row.exchange_items == ["m-black", "v-red-s"] and row.exchange_new_items == [
        "m-white",
        "v-red-m",
    ]
    assert (
        row.exchange_price_difference == Decimal("1.50")
        and row.exchange_payment_method_id == "gc_alice"
    )
    assert len(row.payments) == 1 and balance(shop, "gc_alice") == Decimal("15.00")


@pytest.mark.parametrize(
    ("order_id", "item_ids", "new_item_ids", "message"),
    [
        ("#A-pending", ["m-white"], ["m-black"], "Non-delivered order cannot be exchanged"),
        ("#A-delivered", ["m-white"], ["m-black"], "Number of m-white not found."),
        (
            "#A-delivered",
            ["m-black"],
            ["m-white", "v-red-m"],
            "The number of items to be exchanged should match.",
        ),
        ("#A-delivered", ["v-red-s"], ["v-gold"], "New item v-gold not found or available"),
        ("#A-delivered", ["m-black"], ["v-red-s"], "Variant not found"),
        (
            "#A-delivered",
            ["v-red-s"],
            ["v-blue-s"],
            "Insufficient gift card balance to pay for the price difference",
        ),
    ],
)
def test_exchange_refusals(
    shop: Session, order_id: str, item_ids: list[str], new_item_ids: list[str], message: str
) -> None:
    refused(
        shop,
        "exchange_delivered_order_items",
        message,
        order_id=order_id,
        item_ids=item_ids,
        new_item_ids=new_item_ids,
        payment_method_id="gc_alice",
    )
    assert order(shop, order_id).exchange_items is None


def test_exchange_window_from_policy(shop: Session) -> None:
    ctx = ToolContext(actor="staff:test", policy=StorePolicy(exchange_window_days=2))
    refused(
        shop,
        "exchange_delivered_order_items",
        "The exchange window of 2 days after delivery has passed",
        ctx,
        order_id="#A-delivered",
        item_ids=["m-black"],
        new_item_ids=["m-white"],
        payment_method_id="cc_alice",
    )


# --------------------------------------------------------------------------- audit


def test_every_write_is_audited_with_actor_conversation_and_states(shop: Session) -> None:
    assert run(shop, "cancel_pending_order", order_id="#A-pending", reason="no longer needed").ok
    refused(
        shop,
        "cancel_pending_order",
        "Non-pending order cannot be cancelled",
        order_id="#A-pending",
        reason="no longer needed",
    )
    rows = shop.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(r.actor, r.conversation_id, r.action, r.target_id) for r in rows] == [
        ("staff:test", "conv-1", "cancel_pending_order", "#A-pending")
    ] * 2
    done, refusal = rows
    assert done.before is not None and done.before["status"] == "pending"
    assert done.after is not None and done.after["status"] == "cancelled"
    assert done.arguments == {"order_id": "#A-pending", "reason": "no longer needed"}
    assert done.result == {"ok": True, "data": done.after}
    assert refusal.result == {
        "ok": False,
        "code": "rule_violation",
        "error": "Non-pending order cannot be cancelled",
    }


def test_reads_change_nothing_and_are_not_audited(shop: Session) -> None:
    assert run(shop, "get_order_details", order_id="#A-pending").ok
    assert shop.scalars(select(AuditLog)).first() is None


def test_insufficient_balance_is_a_typed_rule_violation() -> None:
    assert issubclass(InsufficientBalance, RuleViolation)
    assert InvalidArguments("x").http_status == 422
