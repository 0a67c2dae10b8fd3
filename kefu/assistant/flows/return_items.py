"""Return items of a delivered order, refunded to a method of the customer's."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kefu.assistant import _flows as fl
from kefu.assistant._templates import t
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class ReturnItems(Flow):
    name = "return_items"
    slots = ("order_id", "item_ids", "payment_method_id")
    tool = "return_delivered_order_items"
    statuses = "returnable_statuses"
    description = "send delivered items back to get the money back"

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        s, lang = state.slots, turn.lang
        order = turn.order(s["order_id"])
        assert order is not None
        by_id = {i["item_id"]: i for i in order["items"]}
        methods = {m["id"]: m for m in turn.methods()}
        args = {
            "order_id": s["order_id"],
            "item_ids": s["item_ids"],
            "payment_method_id": s["payment_method_id"],
        }
        return args, t(
            "details_return_items",
            lang,
            order_id=s["order_id"],
            items=", ".join(fl.item_label(by_id[i], lang) for i in s["item_ids"]),
            amount=fl.money(sum(Decimal(str(by_id[i]["price"])) for i in s["item_ids"])),
            method=fl.describe_method(methods[s["payment_method_id"]], lang),
        )

    def done_facts(self, turn: Turn, state: FlowState, data: dict[str, Any]) -> dict[str, Any]:
        by_id = {i["item_id"]: i for i in data.get("items", [])}
        amount = sum(Decimal(str(by_id[i]["price"])) for i in state.slots["item_ids"] if i in by_id)
        return {"amount": fl.money(amount)}


FLOW = ReturnItems()
