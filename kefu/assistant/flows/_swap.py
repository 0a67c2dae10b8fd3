"""What an item change and an exchange share: the old and new variants, and what the
price difference comes to (from the catalogue's prices, never from the message)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kefu.assistant import _flows as fl
from kefu.assistant._templates import t
from kefu.assistant.flows.base import Flow

if TYPE_CHECKING:
    from kefu.assistant._state import FlowState
    from kefu.assistant.turn import Turn


class SwapFlow(Flow):
    """Items of an order swapped for other variants of the same products."""

    slots = ("order_id", "item_ids", "new_item_ids", "payment_method_id")
    details_key = ""

    def propose(self, turn: Turn, state: FlowState) -> tuple[dict[str, Any] | None, str]:
        s, lang = state.slots, turn.lang
        order = turn.order(s["order_id"])
        assert order is not None
        by_id = {i["item_id"]: i for i in order["items"]}
        methods = {m["id"]: m for m in turn.methods()}
        changes, difference = [], Decimal("0")
        for old, new in zip(s["item_ids"], s["new_item_ids"], strict=True):
            item = by_id[old]
            product = turn.product(item["product_id"]) or {}
            variant = product.get("variants", {}).get(new, {})
            difference += Decimal(str(variant.get("price", 0))) - Decimal(str(item["price"]))
            new_label = fl.item_label(
                {"name": item["name"], "options": variant.get("options", {})}, lang
            )
            arrow = " → " if lang == "zh" else " to "
            changes.append(f"{fl.item_label(item, lang)}{arrow}{new_label}")
        args = {
            "order_id": s["order_id"],
            "item_ids": s["item_ids"],
            "new_item_ids": s["new_item_ids"],
            "payment_method_id": s["payment_method_id"],
        }
        return args, t(
            self.details_key,
            lang,
            order_id=s["order_id"],
            changes="; ".join(changes),
            difference=fl.money(difference),
            method=fl.describe_method(methods[s["payment_method_id"]], lang),
        )

    def done_facts(self, turn: Turn, state: FlowState, data: dict[str, Any]) -> dict[str, Any]:
        diff = data.get("exchange_price_difference")
        if diff is None:
            diff = _price_difference(turn, state.slots)
        return {"difference": fl.money(diff)}


def _price_difference(turn: Turn, slots: dict[str, Any]) -> Decimal:
    order = turn.order(slots["order_id"]) or {}
    old = {i["item_id"]: Decimal(str(i["price"])) for i in order.get("items", [])}
    total = Decimal("0")
    for old_id, new_id in zip(slots["item_ids"], slots["new_item_ids"], strict=True):
        call = turn.tools.call("get_item_details", {"item_id": new_id})
        if call.ok and isinstance(call.data, dict):
            total += Decimal(str(call.data.get("price", 0))) - old.get(old_id, Decimal("0"))
    return total
