"""Slots: filling each slot a flow needs from the message (or the records) and asking for it."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from kefu.assistant import _address, _variants
from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant._glossary import english_names
from kefu.assistant._reply import QuickReply
from kefu.assistant._state import FlowState
from kefu.assistant._templates import label
from kefu.assistant.flows import FLOWS
from kefu.assistant.turn import (
    Turn,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)


_THAT_ONE = re.compile(
    r"按(?:刚才|你)?说的|就(?:用)?(?:这个|那个|它)|就这个地址|that one"
    r"|the one you (?:showed|listed|mentioned)"
    r"|(?:use|go with) (?:that|it)\b",
    re.I,
)
_SAME_AS = re.compile(r"跟|和|同|same (?:address )?as|like (?:on|in|for)|as (?:on|in|for)", re.I)


class SlotFilling:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _answers_awaited(self: Assistant, turn: Turn, flow: FlowState) -> bool:
        """Whether the message fills the slot the flow asked for (then it is not a new request)."""
        slot = flow.awaiting
        if slot is None or slot == "order_id":
            return False
        probe = flow.model_copy(deep=True)
        texts, cards = len(turn.texts), len(turn.cards)
        filled = bool(self._fill(slot, turn, probe, False))
        turn.rewind(texts)
        del turn.cards[cards:]
        return filled

    def _fill(self: Assistant, slot: str, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        """Fill ``slot`` from the message: the flow's own filler first (a store's text slot),
        else the common one (order, items, address, payment, reason)."""
        own = FLOWS[flow.name].fill(slot, self, turn, flow, fresh)
        if own is not None:
            return own
        return bool(getattr(self, f"_fill_{slot}")(turn, flow, fresh))

    def _ask(self: Assistant, slot: str, turn: Turn, flow: FlowState) -> None:
        """Ask for ``slot``: the flow's own question, else the common one."""
        if not FLOWS[flow.name].ask(slot, self, turn, flow):
            getattr(self, f"_ask_{slot}")(turn, flow)

    def _fills_any(self: Assistant, turn: Turn) -> bool:
        """Whether the message answers the open flow (ids, ordinals), not a new request."""
        u = turn.u
        return bool(u.order_ids) or ex.ordinal(u.text) is not None or ex.means_other(u.text)

    def _fill_order_id(self: Assistant, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        u, state = turn.u, turn.state
        order_id: str | None = None
        pending_ids = state.pending_slots.pop("order_ids", None) if fresh else None
        if u.order_ids:
            order_id = u.order_ids[-1]
        elif pending_ids:
            order_id = pending_ids[-1]
        elif named := self._order_naming(turn, flow, u.text, other=ex.means_other(u.text)):
            order_id = named
        elif ex.means_other(u.text):
            order_id = self._other_order(turn, flow)
        else:
            pos = ex.ordinal(u.text)
            if (
                pos is not None
                and state.orders_shown
                and -len(state.orders_shown) <= pos < len(state.orders_shown)
            ):
                order_id = state.orders_shown[pos]
            elif flow.request and flow.request != u.text:
                order_id = self._order_naming(turn, flow, flow.request, other=False)
            if order_id is None and flow.context:
                order_id = self._order_naming(turn, flow, flow.context, other=False)
            if order_id is None and fresh and state.current_order:
                order_id = state.current_order
            if order_id is None:
                order_id = self._only_fitting_order(turn, flow)
                picked = turn.order(order_id) if order_id is not None else None
                if picked is not None:
                    flow.slots["_picked"] = order_id  # said in the reply; a named order wins
                    turn.say(
                        "order_picked",
                        order_id=order_id,
                        status=fl.status_label(picked["status"], turn.lang),
                        items=", ".join(
                            fl.product_name(i["name"], turn.lang) for i in picked["items"]
                        ),
                    )
        if order_id is None:
            return False
        order = turn.order(order_id)
        if order is None:
            turn.say("order_not_found", order_id=order_id)
            return False
        state.focus_order(order_id)
        flow.slots["order_id"] = order_id
        asked = flow.name
        self._items_flow_for_status(flow, order)
        said_exchange = re.search(r"exchang|换货", flow.request, re.I)
        if asked == "exchange_items" and flow.name == "change_items" and said_exchange:
            # say why: an exchange needs a delivered order; this one can still be changed
            turn.say(
                "exchange_is_item_change",
                order_id=order_id,
                status=fl.status_label(order["status"], turn.lang),
            )
        allowed = FLOWS[flow.name].allowed_statuses()
        if allowed is not None and order["status"] not in allowed:
            rule = {
                "en": f"Only orders that are {' or '.join(allowed)} can be handled this way.",
                "zh": "只有状态为 "
                + " 或 ".join(fl.status_label(a, "zh") for a in allowed)
                + " 的订单才能办理。",
            }[turn.lang if turn.lang in ("zh", "en") else "en"]
            turn.say(
                "refused_status",
                order_id=order_id,
                status=fl.status_label(order["status"], turn.lang),
                action=FLOWS[flow.name].action_label(turn.lang),
                rule=rule,
            )
            state.last_refusal = f"{flow.name} {order_id}: status {order['status']}"
            state.flow = None
            turn.cards.append(self._order_card(turn, order))
            return True
        return True

    @staticmethod
    def _items_flow_for_status(flow: FlowState, order: dict[str, Any]) -> None:
        """Exchange once delivered, item change while pending: the status names the request.

        Customers use the same words for both ("swap the kettle for the glass one"; 退掉 for
        cancel and return), so a pending order is not refused as "not delivered" (and vice
        versa).
        """
        from kefu.orders.policy import get_store_policy

        policy = get_store_policy()
        status = order["status"]
        if flow.name == "exchange_items" and status in policy.items_modifiable_statuses:
            flow.name = "change_items"
        elif flow.name == "change_items" and status in policy.exchangeable_statuses:
            flow.name = "exchange_items"
        elif re.search(r"退(?![款钱])", flow.request):
            # 退掉 is "cancel" before shipping and "return" after delivery
            if flow.name == "cancel_order" and status in policy.returnable_statuses:
                flow.name = "return_items"
            elif flow.name == "return_items" and status in policy.cancellable_statuses:
                flow.name = "cancel_order"

    def _only_fitting_order(self: Assistant, turn: Turn, flow: FlowState) -> str | None:
        """The customer's one order this request can act on, when no other order is named."""
        statuses = FLOWS[flow.name].allowed_statuses()
        if statuses is None:
            orders = list((turn.user() or {}).get("orders", []))
            if len(orders) == 1:
                return orders[0]
            # "我之前取消了一个订单，钱还没退回": the order in the status the request tells
            told = {
                status
                for status, words in _STATUS_TOLD.items()
                if words.search(f"{flow.request} {flow.context}")
            }
            if len(told) != 1:
                return None
            fitting = [o for o in orders if (turn.order(o) or {}).get("status") in told]
            return fitting[0] if len(fitting) == 1 else None
        from kefu.orders.policy import get_store_policy

        allowed = set(statuses)
        if flow.name in ("change_items", "exchange_items"):
            policy = get_store_policy()
            allowed |= set(policy.items_modifiable_statuses) | set(policy.exchangeable_statuses)
        fitting = []
        orders = list((turn.user() or {}).get("orders", []))
        for oid in orders:
            order = turn.order(oid)
            if order is None or order["status"] not in allowed:
                continue
            fitting.append(oid)
        if not fitting and len(orders) == 1:
            return orders[0]  # the only order, though it does not fit: refused with its reason
        return fitting[0] if len(fitting) == 1 else None

    def _order_naming(
        self: Assistant, turn: Turn, flow: FlowState, text: str, *, other: bool
    ) -> str | None:
        """The one order of the customer's that holds the product the text names ("the camera").

        Among several, orders this flow can act on are preferred; with "the other" the
        current order is left out. None unless exactly one order fits. For an address change
        only the words before "to ..." name the order ("the order that went to Washington,
        change it to the address on my luggage order"), and the place it ships to counts.
        """
        if not turn.state.customer_id or not (ex.latin_words(text) or english_names(text)):
            return None
        if flow.name == "change_address":
            marks = list(re.finditer(r"\b(?:to|into)\b|改成|改为|换成|改到", text, re.I))
            source = text[: marks[-1].start()] if marks else text
            by_place = self._order_by_place(turn, flow, source)
            if by_place:
                return by_place
            text = source
        holding = []
        scores: dict[str, tuple[int, int]] = {}
        for oid in (turn.user() or {}).get("orders", []):
            if other and oid == turn.state.current_order:
                continue
            order = turn.order(oid)
            if order is not None and fl.named_items(text, order.get("items", [])):
                holding.append(order)
                scores[oid] = fl.naming_strength(text, order.get("items", []))
        if len(holding) > 1:
            # "the backpack I got with the vacuum": the order holding more of the named things
            best = max(scores.values())
            holding = [o for o in holding if scores[o["order_id"]] == best]
        statuses = FLOWS[flow.name].allowed_statuses()
        if len(holding) > 1 and statuses is not None:
            holding = [o for o in holding if o["status"] in statuses]
        return str(holding[0]["order_id"]) if len(holding) == 1 else None

    def _order_by_place(self: Assistant, turn: Turn, flow: FlowState, text: str) -> str | None:
        """The one open order shipping to a place the text names ("sent to Washington DC")."""
        from kefu.orders.policy import get_store_policy

        allowed = get_store_policy().address_modifiable_statuses
        orders = [o for o in map(turn.order, (turn.user() or {}).get("orders", [])) if o]
        orders = [o for o in orders if o["status"] in allowed]
        places = {
            str(a) for a in _address.resolve_places(text, _address.known_addresses({}, orders))
        }
        fits = [o for o in orders if str(_address.known_addresses({}, [o])[0]) in places]
        return str(fits[0]["order_id"]) if len(fits) == 1 else None

    def _other_order(self: Assistant, turn: Turn, flow: FlowState) -> str | None:
        """'The other order': the previous one, else the only other order this flow can act on."""
        state = turn.state
        if state.previous_order and state.previous_order != state.current_order:
            return state.previous_order
        allowed = FLOWS[flow.name].allowed_statuses()
        shown = state.orders_shown or list((turn.user() or {}).get("orders", []))
        others = []
        for oid in shown:
            if oid == state.current_order:
                continue
            order = turn.order(oid)
            if order is not None and (allowed is None or order["status"] in allowed):
                others.append(oid)
        return others[0] if len(others) == 1 else None

    def _fill_reason(self: Assistant, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        reason = ex.cancel_reason(turn.u.text) or ex.cancel_reason(flow.request)
        if reason:
            flow.slots["reason"] = reason
        return reason is not None

    def _fill_address(self: Assistant, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        """A typed address (every field validated) or one of the customer's own on record."""
        texts = [turn.u.text, flow.request] if flow.request != turn.u.text else [turn.u.text]
        addr = next((a for a in map(_address.parse_address, texts) if a is not None), None)
        offered = flow.slots.get("_offered") or []
        if addr is None and len(offered) == 1 and (turn.u.yes or _THAT_ONE.search(turn.u.text)):
            addr = ex.Address(**offered[0])  # "yes" / "按刚才说的改" to the one address shown
        if addr is None:
            user = turn.user() or {}
            orders = [o for o in map(turn.order, user.get("orders", [])) if o is not None]
            current = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
            if flow.name == "change_default_address":
                user = {**user, "address": None}  # "my profile's address" changes nothing
            for text in texts:
                addr = _address.resolve_address(text, user, orders, current_order=current)
                if addr is None and _address.ORDER_WORDS.search(text):
                    # "the address on my luggage order": the order holding the named product
                    # "跟我买书架那单一样": what follows "same as / 跟" names the other order
                    same = _SAME_AS.search(text)
                    part = text[same.end() :] if same else text
                    here = (current or {}).get("order_id")
                    named = [
                        o
                        for o in orders
                        if o.get("order_id") != here and fl.named_items(part, o.get("items", []))
                    ]
                    found = _address.known_addresses({}, named)
                    addr = found[0] if len(found) == 1 else None
                if addr is not None:
                    break
        if addr is None:
            return False
        flow.slots["address"] = addr.as_args()
        return True

    def _fill_payment_method_id(self: Assistant, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        order = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
        ids: list[str] = []
        for text in (turn.u.text, flow.request):
            ids = fl.match_payment(text, turn.methods(), order)
            if flow.name == "change_payment" and order is not None:
                ids = [i for i in ids if i != fl.original_method_id(order)]
            if ids:
                break
        methods = turn.methods()
        if not ids and len(methods) == 1 and flow.name != "change_payment":
            ids = [methods[0]["id"]]  # the only method on the account (shown for the yes)
        if flow.name == "return_items" and order is not None and ids:
            allowed = self._refund_methods(turn, order)
            refused = [i for i in ids if i not in allowed]
            ids = [i for i in ids if i in allowed]
            if refused and not ids:
                by_id = {m["id"]: m for m in methods}
                turn.say(
                    "refund_method_not_allowed",
                    allowed="; ".join(
                        fl.describe_method(by_id[i], turn.lang) for i in allowed if i in by_id
                    ),
                )
                return False
        if len(ids) != 1:
            return False
        flow.slots["payment_method_id"] = ids[0]
        return True

    @staticmethod
    def _refund_methods(turn: Turn, order: dict[str, Any]) -> list[str]:
        """Where a return may be refunded: the original payment method, or a gift card."""
        from kefu.orders.policy import get_store_policy

        original = fl.original_method_id(order)
        cards = [m["id"] for m in turn.methods() if m.get("source") == "gift_card"]
        if not get_store_policy().refund_to_any_gift_card:
            cards = []
        return [i for i in [original, *cards] if i]

    def _fill_item_ids(self: Assistant, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        order = turn.order(flow.slots["order_id"])
        items = (order or {}).get("items", [])
        text = turn.u.text
        ids = fl.match_items(text, items)
        for earlier in (flow.request, flow.context):
            if not ids and earlier:
                text = earlier
                ids = fl.match_items(text, items) if fl.named_items(text, items) else []
        if not ids and len(items) == 1:
            ids = [items[0]["item_id"]]
        chosen = [i for i in items if i["item_id"] in ids]
        if not ids or fl.ambiguous_same_product(text, chosen):
            return False  # ask which (the list shows their options)
        flow.slots["item_ids"] = ids
        return True

    def _fill_new_item_ids(self: Assistant, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        self._narrow_items(turn, flow, add=False)
        order = turn.order(flow.slots["order_id"]) or {}
        items = order.get("items", [])
        by_id = {i["item_id"]: i for i in items}
        chosen: dict[str, str] = dict(flow.slots.get("_new", {}))
        wants: dict[str, dict[str, str]] = dict(flow.slots.get("_want", {}))
        closest: dict[str, list[str]] = {}
        offered: dict[str, list[str]] = dict(flow.slots.get("_closest", {}))
        for item_id in flow.slots["item_ids"]:
            item = by_id.get(item_id)
            if item is None:
                continue
            product = turn.product(item["product_id"])
            if product is None:
                continue
            texts = [turn.u.text] if item_id in chosen else [turn.u.text, flow.request]
            for text in texts:
                part = _variants.segment(text, item, items)
                if text is flow.request:
                    part = fl.wanted_part(part) or part
                pick = _variants.choose(
                    part, item, product, wants.get(item_id), offered.get(item_id)
                )
                if pick.wanted:
                    wants[item_id] = pick.wanted
                if pick.variant_id:
                    chosen[item_id] = pick.variant_id
                    break
                if pick.closest:
                    closest[item_id] = [str(v["item_id"]) for v in pick.closest]
                    chosen.pop(item_id, None)
                    break
        flow.slots["_want"] = wants
        flow.slots["_closest"] = closest
        flow.slots["_new"] = chosen
        if all(i in chosen for i in flow.slots["item_ids"]):
            flow.slots["new_item_ids"] = [chosen[i] for i in flow.slots["item_ids"]]
            for key in ("_new", "_want", "_closest", "_asked_new"):
                flow.slots.pop(key, None)
            return True
        return False

    def _ask_order_id(self: Assistant, turn: Turn, flow: FlowState) -> None:
        user = turn.user()
        order_ids: list[str] = list((user or {}).get("orders", []))
        if not order_ids:
            turn.say("ask_order_none")
            turn.state.flow = None
            return
        listed = []
        for oid in order_ids:
            order = turn.order(oid)
            if order is None:
                continue
            listed.append(
                f"{oid} ({fl.status_label(order['status'], turn.lang)}: "
                f"{', '.join(fl.product_name(i['name'], turn.lang) for i in order['items'])})"
            )
            turn.cards.append(self._order_card(turn, order))
        turn.state.orders_shown = order_ids
        turn.say("ask_order", orders="; ".join(listed))
        turn.quick = [QuickReply(label=o, value=o) for o in order_ids]

    def _ask_reason(self: Assistant, turn: Turn, flow: FlowState) -> None:
        turn.say("ask_reason")
        turn.quick = [
            QuickReply(label=label(r, turn.lang), value=label(r, turn.lang))
            for r in ("no longer needed", "ordered by mistake")
        ]

    def _ask_address(self: Assistant, turn: Turn, flow: FlowState) -> None:
        user = turn.user() or {}
        orders = [o for o in map(turn.order, user.get("orders", [])) if o is not None]
        current = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
        skip = {
            str(a)
            for a in _address.known_addresses({"address": (current or {}).get("address")}, [])
        }
        if flow.name == "change_default_address":
            skip |= {str(a) for a in _address.known_addresses(user, [])}
        known = [a for a in _address.known_addresses(user, orders) if str(a) not in skip][:4]
        again = flow.slots.get("_asked_address") and bool(turn.u.text)
        flow.slots["_asked_address"] = True
        key = "ask_address_again" if again else "ask_address"
        flow.slots["_offered"] = [a.as_args() for a in known]
        if known:
            turn.say(f"{key}_known", known="; ".join(str(a) for a in known))
            turn.quick = [QuickReply(label=str(a), value=str(a)) for a in known]
        else:
            turn.say(key)

    def _ask_payment_method_id(self: Assistant, turn: Turn, flow: FlowState) -> None:
        methods = turn.methods()
        listing = "; ".join(fl.describe_method(m, turn.lang) for m in methods)
        order = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
        original = fl.original_method_id(order) if order else None
        if flow.name == "return_items" and original:
            turn.say("ask_payment_refund", original=original, methods=listing)
        else:
            turn.say("ask_payment", methods=listing)
        turn.quick = [
            QuickReply(label=fl.describe_method(m, turn.lang), value=m["id"]) for m in methods
        ]

    def _ask_item_ids(self: Assistant, turn: Turn, flow: FlowState) -> None:
        order = turn.order(flow.slots["order_id"]) or {}
        items = order.get("items", [])
        turn.say(
            "ask_items",
            order_id=flow.slots["order_id"],
            items="; ".join(fl.item_label(i, turn.lang) for i in items),
        )
        turn.quick = [
            QuickReply(label=fl.item_label(i, turn.lang), value=i["item_id"]) for i in items
        ]

    def _ask_new_item_ids(self: Assistant, turn: Turn, flow: FlowState) -> None:
        """Ask what each item still open should become (the closest variants when known)."""
        order = turn.order(flow.slots["order_id"]) or {}
        chosen = flow.slots.get("_new", {})
        again = bool(flow.slots.get("_asked_new")) and bool(turn.u.text)
        flow.slots["_asked_new"] = True
        for item in order.get("items", []):
            if item["item_id"] not in flow.slots["item_ids"] or item["item_id"] in chosen:
                continue
            product = turn.product(item["product_id"]) or {}
            near = flow.slots.get("_closest", {}).get(item["item_id"])
            label_ = fl.item_label(item, turn.lang)
            if near:
                variants = product.get("variants", {})
                rows = [variants[v] for v in near if v in variants]
                wanted = flow.slots.get("_want", {}).get(item["item_id"], {})
                turn.say(
                    "variant_closest",
                    item=label_,
                    wanted=fl.options_text(wanted, turn.lang),
                    variants="; ".join(fl.variant_label(v, turn.lang) for v in rows),
                )
                if not turn.quick:
                    turn.quick = [
                        QuickReply(label=fl.variant_label(v, turn.lang), value=str(v["item_id"]))
                        for v in rows
                    ]
                continue
            key = "no_variant" if again else "ask_new_items"
            turn.say(key, item=label_, options=fl.options_hint(product, turn.lang))


_STATUS_TOLD = {
    "cancelled": re.compile(r"\bcancell?ed\b|取消了|已取消|取消的", re.I),
    "delivered": re.compile(r"\b(?:was|got|been) delivered\b|已送达|已签收|签收了", re.I),
    "pending": re.compile(
        r"\b(?:not|hasn'?t|haven'?t) (?:yet )?(?:been )?shipped\b|还没发货|未发货|待发货", re.I
    ),
}
"""Words that tell an order's status, for picking the one order a read request is about."""
