"""In a customer's conversation, another customer's records look exactly like missing ones."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from kefu.orders import ToolContext, call_tool
from kefu.store.models import Customer, Order

ALICE = ToolContext(actor="assistant", conversation_id="c-alice", customer_id="alice_1")
ADDRESS = {
    "address1": "9 New Rd",
    "address2": "",
    "city": "Portland",
    "state": "OR",
    "country": "USA",
    "zip": "97201",
}


@pytest.mark.parametrize(
    ("name", "foreign", "missing", "message"),
    [
        (
            "get_order_details",
            {"order_id": "#B-pending"},
            {"order_id": "#Z-none"},
            "Order not found",
        ),
        ("track_order", {"order_id": "#B-delivered"}, {"order_id": "#Z-none"}, "Order not found"),
        ("get_user_details", {"user_id": "bob_2"}, {"user_id": "zed_9"}, "User not found"),
        ("order_history", {"user_id": "bob_2"}, {"user_id": "zed_9"}, "User not found"),
        (
            "find_user_id_by_email",
            {"email": "bob@example.com"},
            {"email": "z@example.com"},
            "User not found",
        ),
        (
            "find_user_id_by_name_zip",
            {"first_name": "Bob", "last_name": "Tester", "zip": "20002"},
            {"first_name": "Zed", "last_name": "Tester", "zip": "20002"},
            "User not found",
        ),
        (
            "cancel_pending_order",
            {"order_id": "#B-pending", "reason": "no longer needed"},
            {"order_id": "#Z-none", "reason": "no longer needed"},
            "Order not found",
        ),
        (
            "modify_pending_order_address",
            {"order_id": "#B-pending", **ADDRESS},
            {"order_id": "#Z-none", **ADDRESS},
            "Order not found",
        ),
        (
            "return_delivered_order_items",
            {"order_id": "#B-delivered", "item_ids": ["m-white"], "payment_method_id": "cc_bob"},
            {"order_id": "#Z-none", "item_ids": ["m-white"], "payment_method_id": "cc_bob"},
            "Order not found",
        ),
        (
            "modify_user_address",
            {"user_id": "bob_2", **ADDRESS},
            {"user_id": "zed_9", **ADDRESS},
            "User not found",
        ),
        (
            "modify_pending_order_payment",
            {"order_id": "#A-pending", "payment_method_id": "gc_bob"},
            {"order_id": "#A-pending", "payment_method_id": "gc_none"},
            "Payment method not found",
        ),
    ],
)
def test_other_customers_records_look_missing(
    shop: Session, name: str, foreign: dict[str, Any], missing: dict[str, Any], message: str
) -> None:
    theirs = call_tool(shop, name, foreign, ALICE)
    nobodys = call_tool(shop, name, missing, ALICE)
    assert not theirs.ok and theirs.error == message
    assert (theirs.code, theirs.error, theirs.message, theirs.http_status) == (
        nobodys.code,
        nobodys.error,
        nobodys.message,
        nobodys.http_status,
    )


def test_other_customers_records_stay_untouched(shop: Session) -> None:
    call_tool(
        shop,
        "cancel_pending_order",
        {"order_id": "#B-pending", "reason": "no longer needed"},
        ALICE,
    )
    call_tool(shop, "modify_user_address", {"user_id": "bob_2", **ADDRESS}, ALICE)
    shop.expire_all()
    order, bob = shop.get(Order, "#B-pending"), shop.get(Customer, "bob_2")
    assert order is not None and order.status == "pending" and len(order.payments) == 1
    assert bob is not None and bob.zip == "20002"


def test_own_records_work_in_scope(shop: Session) -> None:
    assert (
        call_tool(shop, "find_user_id_by_email", {"email": "alice@example.COM"}, ALICE).data
        == "alice_1"
    )
    history = call_tool(shop, "order_history", {}, ALICE)
    assert history.ok and {o["order_id"] for o in history.data} >= {"#A-pending", "#A-delivered"}
    assert all(o["order_id"].startswith("#A") for o in history.data)
    assert call_tool(
        shop,
        "cancel_pending_order",
        {"order_id": "#A-pending", "reason": "no longer needed"},
        ALICE,
    ).ok
