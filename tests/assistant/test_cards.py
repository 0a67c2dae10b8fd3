"""Order cards carry what the widget shows: placed date and shipments with carrier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from kefu.assistant import Assistant
from kefu.store.db import session_factory
from kefu.store.models import Fulfillment, Order
from tests.assistant.conftest import DELIVERED_ORDER, PENDING_ORDER, YUSUF


def _ship(engine: Engine, order_id: str, carrier: str, placed: datetime) -> list[str]:
    """Give the order a placed date and its shipment a carrier; returns the tracking ids."""
    with session_factory(engine)() as s, s.begin():
        s.get(Order, order_id).placed_at = placed  # type: ignore[union-attr]
        shipment = s.scalars(select(Fulfillment).where(Fulfillment.order_id == order_id)).one()
        shipment.carrier = carrier
        return list(shipment.tracking_ids)


def _order_cards(reply: Any) -> list[dict[str, Any]]:
    return [c.data for c in reply.cards if c.type == "order"]


def test_order_card_shows_tracking_with_carrier_and_placed_date(
    sqlite_tau2_engine: Engine, tau2_data: dict[str, Any]
) -> None:
    placed = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
    tracking = _ship(sqlite_tau2_engine, DELIVERED_ORDER, "UPS", placed)
    assert tracking == tau2_data["orders"][DELIVERED_ORDER]["fulfillments"][0]["tracking_id"]
    assistant = Assistant(sqlite_tau2_engine)
    cid = assistant.start()
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    reply = assistant.handle(cid, f"where is my order {DELIVERED_ORDER}?")
    (card,) = _order_cards(reply)
    assert card["order_id"] == DELIVERED_ORDER and card["status"] == "delivered"
    assert card["placed_at"].startswith("2024-05-02T09:30")
    assert [(t["tracking_ids"], t["carrier"]) for t in card["tracking"]] == [(tracking, "UPS")]
    assert tracking[0] in reply.text


def test_unshipped_order_card_has_no_tracking(sqlite_tau2_engine: Engine) -> None:
    assistant = Assistant(sqlite_tau2_engine)
    cid = assistant.start()
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    (card,) = _order_cards(assistant.handle(cid, f"status of {PENDING_ORDER}"))
    assert card["status"] == "pending" and card["tracking"] == []
