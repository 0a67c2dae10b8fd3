"""The store-backend interface behind the order tools: built-in by default, policy checked
in kefu before any shop is called, a shop's refusal shown as a clear localised sentence."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.orders import ToolContext, call_tool
from kefu.orders.errors import ShopRefused
from kefu.store.models import AuditLog, Order
from kefu.stores import (
    BuiltinBackend,
    Operation,
    WriteOutcome,
    WriteRequest,
    WriteState,
    get_store_backend,
    use_backend,
)

CTX = ToolContext(actor="test", customer_id="alice_1")


class RecordingBackend(BuiltinBackend):
    """A shop that records what it is asked and answers as told."""

    name = "recording"

    def __init__(self, refuse_with: str | None = None) -> None:
        self.calls: list[WriteRequest] = []
        self.refuse_with = refuse_with

    def send(self, session: Session, request: WriteRequest) -> WriteOutcome:
        self.calls.append(request)
        if self.refuse_with is not None:
            raise ShopRefused(self.refuse_with, request.language)
        return WriteOutcome(WriteState.DONE)


def test_builtin_backend_is_the_default_and_leaves_results_unchanged(shop: Session) -> None:
    assert isinstance(get_store_backend(), BuiltinBackend)
    result = call_tool(
        shop, "cancel_pending_order", {"order_id": "#A-pending", "reason": "no longer needed"}, CTX
    )
    assert result.ok
    assert "store_confirmation" not in result.data
    assert shop.get(Order, "#A-pending").status == "cancelled"  # type: ignore[union-attr]


def test_builtin_reads_cover_customer_orders_and_products(shop: Session) -> None:
    backend = BuiltinBackend()
    assert backend.customer_by_email(shop, "alice@example.com")["user_id"] == "alice_1"  # type: ignore[index]
    found = backend.customer_by_name_zip(shop, "alice", "tester", "10001")
    assert found is not None and found["user_id"] == "alice_1"
    assert backend.customer(shop, "nobody") is None
    orders = {o["order_id"]: o for o in backend.customer_orders(shop, "alice_1")}
    assert orders["#A-delivered"]["fulfillments"][0]["tracking_id"] == ["TRK123"]
    order = backend.order(shop, "#A-delivered")
    assert order is not None and order["payment_history"][0]["amount"] == 19.0
    products = {p["product_id"]: p for p in backend.products(shop)}
    assert products["p-shirt"]["variants"]["v-gold"]["available"] is False


def test_every_write_tool_goes_through_the_backend_with_an_idempotency_key(
    shop: Session,
) -> None:
    backend = RecordingBackend()
    use_backend(backend)
    address = {"address1": "2 Elm St", "address2": "", "city": "Chicago", "state": "IL"}
    address |= {"country": "USA", "zip": "60601"}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("cancel_pending_order", {"order_id": "#A-pending", "reason": "ordered by mistake"}),
        ("modify_pending_order_address", {"order_id": "#A-pending-m", **address}),
        (
            "modify_pending_order_payment",
            {"order_id": "#A-pending-2", "payment_method_id": "cc_alice"},
        ),
        (
            "modify_pending_order_items",
            {
                "order_id": "#A-pending-m",
                "item_ids": ["v-red-m"],
                "new_item_ids": ["v-red-s"],
                "payment_method_id": "cc_alice",
            },
        ),
        (
            "return_delivered_order_items",
            {"order_id": "#A-delivered", "item_ids": ["m-black"], "payment_method_id": "cc_alice"},
        ),
        ("modify_user_address", {"user_id": "alice_1", **address}),
    ]
    for name, args in calls:
        result = call_tool(shop, name, args, CTX)
        assert result.ok, (name, result.error)
        assert result.data["store_confirmation"] == "done"
    assert [c.operation for c in backend.calls] == [
        Operation.CANCEL,
        Operation.CHANGE_ADDRESS,
        Operation.CHANGE_PAYMENT,
        Operation.CHANGE_ITEMS,
        Operation.RETURN,
        Operation.CHANGE_DEFAULT_ADDRESS,
    ]
    assert len({c.idempotency_key for c in backend.calls}) == len(calls)
    cancel = backend.calls[0]
    assert cancel.record is not None and cancel.record["status"] == "cancelled"


def test_policy_refusal_never_reaches_the_shop(shop: Session) -> None:
    backend = RecordingBackend()
    use_backend(backend)
    result = call_tool(
        shop,
        "cancel_pending_order",
        {"order_id": "#A-processed", "reason": "no longer needed"},
        CTX,
    )
    assert not result.ok and result.error == "Non-pending order cannot be cancelled"
    assert backend.calls == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The store could not make this change: Order is locked. Nothing was changed."),
        ("zh", "商店未能完成此更改：Order is locked。订单没有任何变动。"),
    ],
)
def test_shop_refusal_is_a_localised_sentence_and_changes_nothing(
    shop: Session, language: str, expected: str
) -> None:
    use_backend(RecordingBackend(refuse_with="Order is locked."))
    ctx = ToolContext(actor="test", customer_id="alice_1", language=language)
    result = call_tool(
        shop, "cancel_pending_order", {"order_id": "#A-pending", "reason": "no longer needed"}, ctx
    )
    assert not result.ok and result.code == "shop_refused"
    assert result.error == expected
    shop.expire_all()
    assert shop.get(Order, "#A-pending").status == "pending"  # type: ignore[union-attr]
    audit = shop.scalars(select(AuditLog).where(AuditLog.target_id == "#A-pending")).all()
    assert [a.result["code"] for a in audit] == ["shop_refused"]  # type: ignore[index]


@pytest.mark.parametrize(
    "raw",
    ['{"errors":[{"code":"INVALID"}]}', "Traceback (most recent call last):\n  File x", ""],
)
def test_raw_shop_answers_never_reach_the_customer(raw: str) -> None:
    message = ShopRefused(raw).message
    assert "{" not in message and "Traceback" not in message
    assert (
        message == "The store could not make this change: the request was refused. "
        "Nothing was changed."
    )
