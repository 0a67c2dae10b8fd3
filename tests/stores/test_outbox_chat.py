"""The customer is told the truth in the chat when the shop only queues a write: with the
webhook backend and the shop down, the assistant's reply after the customer's yes says the
request was sent and is not done yet, never that the order is cancelled."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.assistant import Assistant
from kefu.store.db import session_factory
from kefu.stores.models import OutboxMessage
from tests.stores.conftest import FakeShop


def _cancel(engine: Engine, language: str) -> list[str]:
    bot = Assistant(engine)
    cid = bot.start(language=language, customer_id="alice_1")
    # this shop's order ids are not in the #W1234567 form: the order is picked from the list
    asks = {
        "en": ["I want to cancel an order, I ordered it by mistake", "the first one", "yes"],
        "zh": ["我要取消订单，我下错单了", "第一个", "是的"],
    }[language]
    return [bot.handle(cid, text).text for text in asks][1:]


def _outbox(engine: Engine) -> list[OutboxMessage]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(OutboxMessage)))


def test_a_queued_cancel_is_told_as_requested_not_done(
    shop_engine: Engine, shop: Session, fake_shop: FakeShop
) -> None:
    fake_shop.stop()  # the shop is down: the write waits in the outbox
    confirm, done = _cancel(shop_engine, "en")
    assert "#A-pending" in confirm and "yes" in confirm.lower()
    assert "isn't done until the store confirms" in done
    assert "is now cancelled" not in done
    [row] = _outbox(shop_engine)
    assert row.status == "pending"


def test_a_queued_cancel_is_told_in_chinese(
    shop_engine: Engine, shop: Session, fake_shop: FakeShop
) -> None:
    fake_shop.stop()
    _, done = _cancel(shop_engine, "zh")
    assert "尚未完成" in done and "已取消" not in done


def test_a_confirmed_cancel_is_told_as_done(
    shop_engine: Engine, shop: Session, fake_shop: FakeShop
) -> None:
    _, done = _cancel(shop_engine, "en")  # the shop answers at once
    assert "cancelled" in done and "isn't done" not in done
    assert [r.status for r in _outbox(shop_engine)] == ["delivered"]
