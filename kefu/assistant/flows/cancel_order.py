"""Cancel a pending order, with one of the store's cancel reasons; every payment refunded."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kefu.assistant import _flows as fl
from kefu.assistant._templates import label, t
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class CancelOrder(Flow):
    name = "cancel_order"
    slots = ("order_id", "reason")
    tool = "cancel_pending_order"
    statuses = "cancellable_statuses"
    description = "cancel an order that has not shipped"

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        s, lang = state.slots, turn.lang
        order = turn.order(s["order_id"])
        items = ", ".join(fl.product_name(i["name"], lang) for i in order["items"]) if order else ""
        total = sum(Decimal(str(i["price"])) for i in (order or {}).get("items", []))
        args = {"order_id": s["order_id"], "reason": s["reason"]}
        return args, t(
            "details_cancel_order",
            lang,
            order_id=s["order_id"],
            items=items,
            reason=label(s["reason"], lang),
            total=fl.money(total),
        )

    def done_facts(self, turn: Turn, state: FlowState, data: dict[str, Any]) -> dict[str, Any]:
        return {"total": fl.money(sum(Decimal(str(i["price"])) for i in data.get("items", [])))}


FLOW = CancelOrder()
