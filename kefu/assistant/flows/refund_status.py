"""Where is my refund: the order's payments and refunds (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.assistant import _flows as fl
from kefu.assistant.flows.base import Flow, order_card

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class RefundStatus(Flow):
    name = "refund_status"
    slots = ("order_id",)
    description = "whether a refund already issued has arrived"

    def read(self, turn: Turn, state: FlowState) -> None:
        order = turn.order(state.slots["order_id"])
        if order is None:
            return
        turn.cards.append(order_card(turn, order))
        history = "; ".join(
            f"{p['transaction_type']} {fl.money(p['amount'])} ({p['payment_method_id']})"
            for p in order.get("payment_history", [])
        )
        turn.say(
            "refund_status",
            order_id=order["order_id"],
            status=fl.status_label(order["status"], turn.lang),
            history=history,
        )


FLOW = RefundStatus()
