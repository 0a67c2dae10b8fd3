"""What every flow is: the slots it needs, the tool it ends in, the statuses it may act on,
how it shows its action for the customer's yes and how it tells the result.

A flow decides nothing about the dialogue (which message fills which slot, corrections,
digressions): the engine and its patterns do that the same way for every flow. A flow only
says what its request needs and how its facts are worded, from the tool's own records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.assistant._reply import Card
from kefu.assistant._state import FlowState

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant
    from kefu.assistant.turn import Turn


class Flow:
    """One request the assistant can carry out (a write) or answer (a read)."""

    name: ClassVar[str]
    slots: ClassVar[tuple[str, ...]] = ()
    tool: ClassVar[str | None] = None
    """The order tool the request ends in; None for a read-only answer."""
    statuses: ClassVar[str | None] = None
    """The store-policy attribute listing the order statuses this request may act on."""
    description: ClassVar[str] = ""
    """One line for a language model choosing between requests."""

    def allowed_statuses(self) -> tuple[str, ...] | None:
        """The order statuses this request may act on (None: any)."""
        if not self.statuses:
            return None
        from kefu.orders.policy import get_store_policy

        return tuple(getattr(get_store_policy(), self.statuses))

    def action_label(self, lang: str) -> str:
        """What the request does, as in "order X is shipped, so it can't be <label>"."""
        from kefu.assistant._templates import label

        return label(f"refused:{self.name}", lang)

    def matches(self, text: str) -> bool:
        """Whether the message asks for this request in its own words. Built-in requests
        are read by the intent classifier; a store's own flow says what names it."""
        return False

    # slots: the engine fills the common ones (order, items, address, payment...); a flow
    # with a slot of its own fills and asks for it here (None / False: not mine)

    def fill(
        self, slot: str, engine: Assistant, turn: Turn, state: FlowState, fresh: bool
    ) -> bool | None:
        return None

    def ask(self, slot: str, engine: Assistant, turn: Turn, state: FlowState) -> bool:
        return False

    # the end of the request

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        """The exact tool arguments and the details shown for the yes (None: nothing to do)."""
        raise NotImplementedError(f"{self.name} has no write")

    def done_facts(self, turn: Turn, state: FlowState, data: dict[str, Any]) -> dict[str, Any]:
        """The facts of the result sentence beyond order id, status and payment method."""
        return {}

    def done(
        self, turn: Turn, state: FlowState, data: dict[str, Any], facts: dict[str, Any]
    ) -> None:
        """Tell the customer the confirmed write is done, from the tool's answer."""
        turn.say(f"done_{self.name}", **facts, **self.done_facts(turn, state, data))
        if data.get("order_id"):
            turn.cards.append(order_card(turn, data))

    def read(self, turn: Turn, state: FlowState) -> None:
        """Answer a read-only request once its slots are filled."""
        raise NotImplementedError(f"{self.name} is not a read")


def order_card(turn: Turn, order: dict[str, Any]) -> Card:
    """The order as the widget shows it: status, items, placed date and shipments.

    ``order`` comes from the customer-scoped tool, so it is theirs; the placed date and
    carriers, which the tool record does not carry, are read for that same order id.
    """
    placed, shipments = shipping_facts(turn.session, str(order.get("order_id")))
    if not shipments:
        shipments = [
            {
                "tracking_ids": list(f.get("tracking_id", [])),
                "carrier": None,
                "item_ids": list(f.get("item_ids", [])),
            }
            for f in order.get("fulfillments", [])
        ]
    return Card(
        type="order",
        data={
            "order_id": order.get("order_id"),
            "status": order.get("status"),
            "placed_at": placed,
            "tracking": shipments,
            "items": [
                {
                    "name": i["name"],
                    "item_id": i["item_id"],
                    "price": i["price"],
                    "options": i.get("options", {}),
                }
                for i in order.get("items", [])
            ],
        },
    )


def shipping_facts(session: Session, order_id: str) -> tuple[str | None, list[dict[str, Any]]]:
    """(placed date ISO 8601 or None, shipments with tracking ids and carrier) of one order."""
    from kefu.store.models import Fulfillment, Order

    placed = session.scalar(select(Order.placed_at).where(Order.id == order_id))
    rows = session.scalars(
        select(Fulfillment).where(Fulfillment.order_id == order_id).order_by(Fulfillment.position)
    ).all()
    shipments = [
        {
            "tracking_ids": list(f.tracking_ids or []),
            "carrier": f.carrier,
            "item_ids": list(f.item_ids or []),
        }
        for f in rows
    ]
    return (placed.isoformat() if placed is not None else None), shipments
