"""Exchange items of a delivered order for other variants of the same products."""

from __future__ import annotations

from kefu.assistant.flows._swap import SwapFlow


class ExchangeItems(SwapFlow):
    name = "exchange_items"
    tool = "exchange_delivered_order_items"
    statuses = "exchangeable_statuses"
    details_key = "details_exchange_items"
    description = "swap delivered items for another size or colour"


FLOW = ExchangeItems()
