"""Pay a pending order with another of the customer's saved payment methods."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kefu.assistant import _flows as fl
from kefu.assistant._templates import t
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class ChangePayment(Flow):
    name = "change_payment"
    slots = ("order_id", "payment_method_id")
    tool = "modify_pending_order_payment"
    statuses = "payment_modifiable_statuses"
    description = "pay a pending order with another method"

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        s, lang = state.slots, turn.lang
        order = turn.order(s["order_id"]) or {}
        methods = {m["id"]: m for m in turn.methods()}
        total = sum(Decimal(str(i["price"])) for i in order.get("items", []))
        args = {"order_id": s["order_id"], "payment_method_id": s["payment_method_id"]}
        return args, t(
            "details_change_payment",
            lang,
            order_id=s["order_id"],
            total=fl.money(total),
            method=fl.describe_method(methods[s["payment_method_id"]], lang),
        )


FLOW = ChangePayment()
