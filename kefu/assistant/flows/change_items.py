"""Swap items of a pending order for other variants (the order is edited before shipping)."""

from __future__ import annotations

from kefu.assistant.flows._swap import SwapFlow


class ChangeItems(SwapFlow):
    name = "change_items"
    tool = "modify_pending_order_items"
    statuses = "items_modifiable_statuses"
    details_key = "details_change_items"
    description = "swap items of a pending order for another size or colour"


FLOW = ChangeItems()
