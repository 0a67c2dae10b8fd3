"""``kefu sync`` catches what webhooks missed (applied once, never older over newer) and
delivers the outbox; ``kefu connect`` writes the settings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.orders import ToolContext, call_tool
from kefu.store.db import session_factory
from kefu.store.models import Order
from kefu.stores import BuiltinBackend
from kefu.stores.mirror import StoreEventIn, apply_event
from kefu.stores.sync import sync_once
from tests.stores.conftest import FakeShop


class ChangingShop(BuiltinBackend):
    """A shop whose change feed returns fixed events (and records the cursor asked for)."""

    name = "changing"

    def __init__(self, events: list[StoreEventIn]) -> None:
        self.events = events
        self.asked: list[datetime | None] = []

    def changes(self, since: datetime | None) -> Iterable[StoreEventIn]:
        self.asked.append(since)
        return list(self.events)


def _status(engine: Engine, order_id: str) -> str:
    with session_factory(engine)() as s:
        order = s.get(Order, order_id)
        assert order is not None
        return order.status


def test_sync_applies_missed_changes_once_and_keeps_newer_webhooks(shop_engine: Engine) -> None:
    missed = StoreEventIn(
        id="sync:#A-pending:1",
        topic="order.updated",
        version=10,
        data={"order_id": "#A-pending", "status": "processed"},
    )
    old = StoreEventIn(
        id="sync:#A-pending-2:1",
        topic="order.updated",
        version=1,
        data={"order_id": "#A-pending-2", "status": "processed"},
    )
    with session_factory(shop_engine)() as s:  # a webhook already brought a newer version
        newer = StoreEventIn(
            id="wh-9",
            topic="order.updated",
            version=2,
            data={"order_id": "#A-pending-2", "status": "delivered"},
        )
        apply_event(s, newer)
        s.commit()
    shop = ChangingShop([missed, old])
    first = sync_once(shop_engine, shop)
    assert (first.applied, first.unchanged, first.errors) == (1, 1, [])
    assert _status(shop_engine, "#A-pending") == "processed"
    assert _status(shop_engine, "#A-pending-2") == "delivered"
    again = sync_once(shop_engine, shop)
    assert (again.applied, again.unchanged) == (0, 2)
    assert shop.asked[0] is None and shop.asked[1] is not None  # the cursor moved on


def test_sync_delivers_the_outbox(shop: Session, shop_engine: Engine, fake_shop: FakeShop) -> None:
    fake_shop.mode = "500"
    ctx = ToolContext(actor="test", customer_id="alice_1")
    args = {"order_id": "#A-pending", "reason": "no longer needed"}
    assert call_tool(shop, "cancel_pending_order", args, ctx).data["store_confirmation"] == (
        "requested"
    )
    fake_shop.mode = "ok"
    from kefu.stores.models import OutboxMessage

    with session_factory(shop_engine)() as s:  # make it due now
        for row in s.query(OutboxMessage):
            row.next_attempt_at = datetime(2000, 1, 1, tzinfo=UTC)
        s.commit()
    result = CliRunner().invoke(app, ["sync"])
    assert result.exit_code == 0, result.output
    assert "1 delivered" in result.output
    assert list(fake_shop.applied.values()) == [1]


def test_connect_writes_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("KEFU_LLM_BACKEND=none\nKEFU_STORE_BACKEND=builtin\n")
    result = CliRunner().invoke(
        app, ["connect", "webhook", "--url", "https://shop.example/kefu", "--env-file", str(env)]
    )
    assert result.exit_code == 0, result.output
    text = env.read_text()
    assert "KEFU_LLM_BACKEND=none" in text and "KEFU_STORE_BACKEND=webhook" in text
    assert text.count("KEFU_STORE_BACKEND") == 1 and "KEFU_STORE_WEBHOOK_SECRET=" in text
    assert "/v1/store/webhooks/kefu" in result.output
    bad = CliRunner().invoke(app, ["connect", "shopify", "--env-file", str(env)])
    assert bad.exit_code != 0


def test_connect_medusa_writes_its_settings_and_points_to_sync(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    result = CliRunner().invoke(
        app,
        [
            "connect", "medusa", "--url", "http://127.0.0.1:9000",
            "--api-key", "sk_test", "--env-file", str(env),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = env.read_text()
    assert "KEFU_STORE_BACKEND=medusa" in text and "KEFU_STORE_API_KEY=sk_test" in text
    assert "kefu sync" in result.output and "/v1/store/webhooks" not in result.output
