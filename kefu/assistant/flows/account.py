"""The customer's own account: name, email, default address, payment methods, orders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn

_ADDRESS_FIELDS = ("address1", "address2", "city", "state", "zip", "country")


class Account(Flow):
    name = "account"
    description = "show the customer's account details"

    def read(self, turn: Turn, state: FlowState) -> None:
        user = turn.user()
        if user is None:
            return
        addr = user.get("address", {})
        turn.say(
            "account",
            name=f"{user['name']['first_name']} {user['name']['last_name']}",
            email=user.get("email", ""),
            address=str(ex.Address(**{k: addr.get(k, "") for k in _ADDRESS_FIELDS})),
            methods="; ".join(fl.describe_method(m, turn.lang) for m in turn.methods()),
            orders=", ".join(user.get("orders", [])),
        )


FLOW = Account()
