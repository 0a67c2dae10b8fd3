"""Pattern "correct": the explicit yes, a no, and corrections while confirming ("no, the other
order", "only the lamp", "actually the black one").
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant import _variants
from kefu.assistant._state import FlowState
from kefu.assistant.flows import FLOWS
from kefu.assistant.turn import (
    OWN_SLOT,
    Turn,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)


class Corrections:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _confirming(self: Assistant, turn: Turn) -> None:
        u, state = turn.u, turn.state
        flow = state.flow
        assert flow is not None and flow.action is not None
        if u.yes and not u.no:
            self._execute(turn, flow)
            return
        if u.no and not self._fills_any(turn) and not self._names_another_order(turn, flow):
            if self._correct(turn, flow):  # "no, only the lamp" / "不对，退哑铃"
                return
            state.flow, state.declined = None, flow
            turn.say("declined")
            return
        if self._aside(turn, flow):
            return
        if self._correct(turn, flow):
            return
        if OWN_SLOT.get(u.flow or "") in FLOWS[flow.name].slots:
            pass  # "use the original card" while confirming is about this action's slot
        elif u.flow and not fl.same_request(u.flow, flow.name) and u.confidence >= 0.7:
            state.flow = None
            self._start_flow(turn, self._flow_name(u))
            return
        turn.say("confirm_again", details=flow.action["details"])
        turn.yes_no()

    def _reconsiders(self: Assistant, turn: Turn, declined: FlowState) -> bool:
        """Right after a no: "actually yes" or asking for the same thing again."""
        u = turn.u
        if u.no or u.order_ids or declined.action is None:
            return False
        return (
            u.yes
            or u.intent == "affirm"
            or (u.flow is not None and self._flow_name(u) == declined.name)
        )

    def _correct(self: Assistant, turn: Turn, flow: FlowState) -> bool:
        """A correction while confirming ('no, the other order', another card): re-propose."""
        u = turn.u
        changed = False
        if "order_id" in flow.slots and (
            u.order_ids
            or ex.means_other(u.text)
            or ex.ordinal(u.text) is not None
            or self._names_another_order(turn, flow)
        ):
            previous = flow.slots.pop("order_id")
            kept: dict[str, Any] = {
                k: flow.slots.pop(k) for k in ("item_ids", "new_item_ids") if k in flow.slots
            }
            refilled = self._fill_order_id(turn, flow, False)
            if turn.state.flow is None:  # the other order was refused (status): said so
                return True
            if refilled and flow.slots.get("order_id") != previous:
                changed = True
            else:
                flow.slots["order_id"] = previous
                flow.slots.update(kept)
        if not changed and self._correct_items(turn, flow):
            changed = True
        for slot, filler in (
            ("payment_method_id", self._fill_payment_method_id),
            ("reason", self._fill_reason),
            ("address", self._fill_address),
        ):
            if slot in flow.slots:
                old = flow.slots.pop(slot)
                if filler(turn, flow, False) and flow.slots[slot] != old:
                    changed = True
                else:
                    flow.slots[slot] = old
        if not changed:
            return False
        flow.confirming = False
        flow.action = None
        self._advance(turn, fresh=False)
        return True

    def _switches_order(self: Assistant, turn: Turn, flow: FlowState) -> bool:
        """Before the confirmation: the customer says the request is about another order
        ("wrong order, it's the other one", "#W2 not #W1", "不是这单，是有哑铃的那单")."""
        current = flow.slots.get("order_id")
        if not current or flow.awaiting == "order_id":
            return False
        u = turn.u
        if u.order_ids:
            return u.order_ids[-1] != current
        wrong = u.no or re.search(r"\bwrong\b|不是|不对|错了|搞错", u.text, re.I)
        return bool(wrong) and (ex.means_other(u.text) or self._names_another_order(turn, flow))

    def _names_another_order(self: Assistant, turn: Turn, flow: FlowState) -> bool:
        """ "not that one, the one with the grill" names a different order by its products."""
        current = flow.slots.get("order_id")
        if not current:
            return False
        order = turn.order(current) or {}
        if fl.names_mentioned(turn.u.text, order.get("items", [])):
            return False  # it talks about this order's own items (a narrowing, not a switch)
        other = self._order_naming(turn, flow, turn.u.text, other=False)
        return other is not None and other != current

    def _correct_items(self: Assistant, turn: Turn, flow: FlowState) -> bool:
        """While confirming: "only the lamp", "not the bottle", "actually the black one"."""
        if "item_ids" not in flow.slots or "order_id" not in flow.slots:
            return False
        if self._narrow_items(turn, flow):
            return True
        if "new_item_ids" not in flow.slots:
            return False
        order = turn.order(flow.slots["order_id"]) or {}
        items = [i for i in order.get("items", []) if i["item_id"] in flow.slots["item_ids"]]
        text = turn.u.text
        changed = False
        new_ids = list(flow.slots["new_item_ids"])
        for n, item in enumerate(items):
            product = turn.product(item["product_id"])
            if product is None:
                continue
            part = _variants.segment(text, item, items)
            current = product.get("variants", {}).get(new_ids[n], {})
            pick = _variants.choose(part, {**item, "item_id": new_ids[n], **current}, product)
            if pick.variant_id and pick.variant_id not in (new_ids[n], item["item_id"]):
                new_ids[n] = pick.variant_id
                changed = True
        if changed:
            flow.slots["new_item_ids"] = new_ids
        return changed

    def _narrow_items(self: Assistant, turn: Turn, flow: FlowState, *, add: bool = True) -> bool:
        """ "only the lamp" / "not the bottle" / "背包不退，退哑铃": edit the request's items."""
        if not flow.slots.get("item_ids") or "order_id" not in flow.slots:
            return False
        order = turn.order(flow.slots["order_id"]) or {}
        items = order.get("items", [])
        current = list(flow.slots["item_ids"])
        new = fl.edit_items(turn.u.text, items, current, allow_add=add)
        if new is None:
            return False
        pairs = dict(zip(current, flow.slots.get("new_item_ids", []), strict=False))
        flow.slots["item_ids"] = new
        if "new_item_ids" in flow.slots:
            if all(i in pairs for i in new):
                flow.slots["new_item_ids"] = [pairs[i] for i in new]
            else:  # an item was added: its new variant is still to be chosen
                flow.slots.pop("new_item_ids")
                flow.slots["_new"] = {i: v for i, v in pairs.items() if i in new}
        for key in ("_new", "_want", "_closest"):
            if isinstance(flow.slots.get(key), dict):
                flow.slots[key] = {k: v for k, v in flow.slots[key].items() if k in new}
        return True
