"""The customer is told the truth in the chat when the shop only queues a write: with the
webhook backend and the shop down, the assistant's reply after the customer's yes says the
request was sent and is not done yet, never that the order is cancelled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.assistant import Assistant
from kefu.store.db import session_factory
from kefu.store.models import utcnow
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


def test_the_stores_later_notice_reaches_the_chat_over_http(
    shop_engine: Engine, shop: Session, fake_shop: FakeShop
) -> None:
    """Through the app: the customer's transcript says a store write is pending, and after
    the shop confirms, polling with ``after`` brings the notice, with role ``store``."""
    from fastapi.testclient import TestClient

    from kefu.api import create_app
    from kefu.auth import sign_site_identity
    from kefu.stores.outbox import deliver_due

    fake_shop.stop()
    with TestClient(create_app(shop_engine)) as client:
        opened = client.post(
            "/v1/conversations",
            json={"language": "en", "customer_token": sign_site_identity("alice_1")},
        ).json()
        cid, auth = opened["conversation_id"], {"Authorization": f"Bearer {opened['token']}"}
        asks = ["I want to cancel an order, I ordered it by mistake", "the first one", "yes"]
        for text in asks:
            reply = client.post(
                f"/v1/conversations/{cid}/messages", json={"text": text}, headers=auth
            )
            assert reply.status_code == 200
        assert "isn't done until the store confirms" in reply.json()["text"]
        seen = client.get(f"/v1/conversations/{cid}", headers=auth).json()
        assert seen["store_pending"] == 1
        last = seen["messages"][-1]["seq"]
        unchanged = client.get(f"/v1/conversations/{cid}?after={last}", headers=auth).json()
        assert unchanged["messages"] == []
        fake_shop.start()
        assert deliver_due(shop_engine, now=utcnow() + timedelta(hours=1)).applied == 1
        polled = client.get(f"/v1/conversations/{cid}?after={last}", headers=auth).json()
        assert polled["store_pending"] == 0
        [notice] = polled["messages"]
        assert notice["role"] == "store" and notice["seq"] == last + 1
        assert notice["text"].startswith("Update from the store:")
        assert "is confirmed" in notice["text"]
        staff = client.get(
            f"/v1/conversations/{cid}", headers={"X-API-Key": _staff_key(shop)}
        ).json()
        assert staff["messages"][-1]["data"]["store_state"] == "confirmed"


def _staff_key(session: Session) -> str:
    from kefu.auth import Role, create_key

    secret = create_key(session, "test-agent", Role.AGENT)
    session.commit()
    return secret
