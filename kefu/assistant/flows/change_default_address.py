"""Change the default address on the customer's account (no order is touched)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kefu.assistant import _extract as ex
from kefu.assistant._templates import t
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class ChangeDefaultAddress(Flow):
    name = "change_default_address"
    slots = ("address",)
    tool = "modify_user_address"
    description = "change the address saved on the account"

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        addr = ex.Address(**state.slots["address"])
        args = {"user_id": turn.state.customer_id, **addr.as_args()}
        return args, t("details_change_default_address", turn.lang, address=str(addr))

    def done_facts(self, turn: Turn, state: FlowState, data: dict[str, Any]) -> dict[str, Any]:
        return {"address": str(ex.Address(**state.slots["address"]))}


FLOW = ChangeDefaultAddress()
