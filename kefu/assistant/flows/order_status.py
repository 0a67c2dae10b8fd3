"""Where is my order: its status, items and tracking (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.assistant import _flows as fl
from kefu.assistant._templates import t
from kefu.assistant.flows.base import Flow, order_card

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class OrderStatus(Flow):
    name = "order_status"
    slots = ("order_id",)
    description = "where an order is, its status or tracking"

    def read(self, turn: Turn, state: FlowState) -> None:
        order = turn.order(state.slots["order_id"])
        if order is None:
            return
        turn.cards.append(order_card(turn, order))
        ids = [tid for f in order.get("fulfillments", []) for tid in f.get("tracking_id", [])]
        tracking = (
            t("tracking", turn.lang, ids=", ".join(ids)) if ids else t("no_tracking", turn.lang)
        )
        turn.say(
            "order_status",
            order_id=order["order_id"],
            status=fl.status_label(order["status"], turn.lang),
            items=", ".join(fl.item_label(i, turn.lang) for i in order["items"]),
            tracking=tracking,
        )


FLOW = OrderStatus()
