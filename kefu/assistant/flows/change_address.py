"""Change the shipping address of an order that has not shipped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kefu.assistant import _extract as ex
from kefu.assistant._templates import t
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class ChangeAddress(Flow):
    name = "change_address"
    slots = ("order_id", "address")
    tool = "modify_pending_order_address"
    statuses = "address_modifiable_statuses"
    description = "change where a pending order ships"

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        s = state.slots
        addr = ex.Address(**s["address"])
        args = {"order_id": s["order_id"], **addr.as_args()}
        return args, t(
            "details_change_address", turn.lang, order_id=s["order_id"], address=str(addr)
        )

    def done_facts(self, turn: Turn, state: FlowState, data: dict[str, Any]) -> dict[str, Any]:
        return {"address": str(ex.Address(**state.slots["address"]))}


FLOW = ChangeAddress()
