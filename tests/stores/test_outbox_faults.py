"""The webhook backend against a real HTTP shop on 127.0.0.1: each fault ends with the write
applied exactly once (or refused and not applied), never lost, and the customer told the
truth ("done" vs "requested, the store will confirm")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.orders import ToolContext, call_tool
from kefu.store.models import Conversation, Message, Order, utcnow
from kefu.stores.models import OutboxMessage
from kefu.stores.outbox import backoff, deliver_due
from tests.stores.conftest import FakeShop

CANCEL = {"order_id": "#A-pending", "reason": "no longer needed"}


def _ctx(key: str | None = None, conversation: str | None = None) -> ToolContext:
    return ToolContext(
        actor="test", customer_id="alice_1", idempotency_key=key, conversation_id=conversation
    )


def _later(hours: int = 2) -> object:
    return utcnow() + timedelta(hours=hours)


def _outbox(session: Session) -> list[OutboxMessage]:
    session.rollback()  # end the read snapshot: see what other sessions committed
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _status(session: Session, order_id: str = "#A-pending") -> str:
    session.rollback()  # end the read snapshot: see what other sessions committed
    order = session.get(Order, order_id)
    assert order is not None
    return order.status


def test_shop_that_answers_makes_the_write_done_once(shop: Session, fake_shop: FakeShop) -> None:
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx())
    assert result.ok
    assert result.data["store_confirmation"] == "done"
    assert result.data["store_message"].startswith("Done")
    [row] = _outbox(shop)
    assert row.status == "delivered" and row.attempts == 1
    assert fake_shop.applied == {row.idempotency_key: 1}
    assert fake_shop.received[0]["operation"] == "cancel_pending_order"
    assert fake_shop.received[0]["expected"]["status"] == "cancelled"
    assert fake_shop.bad_signatures == 0


def test_shop_down_mid_write_is_requested_then_delivered_once(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    fake_shop.stop()
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx())
    assert result.ok and result.data["store_confirmation"] == "requested"
    assert "will confirm" in result.data["store_message"]
    [row] = _outbox(shop)
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    assert _status(shop) == "cancelled"  # kefu's mirror records what was requested

    assert deliver_due(shop_engine).applied == 0  # not due yet: backoff
    fake_shop.start()  # the shop comes back on the same port
    report = deliver_due(shop_engine, now=_later())  # type: ignore[arg-type]
    assert report.applied == 1
    [row] = _outbox(shop)
    assert row.status == "delivered" and row.attempts == 2
    assert list(fake_shop.applied.values()) == [1]
    assert deliver_due(shop_engine, now=_later(4)).applied == 0  # type: ignore[arg-type]
    assert list(fake_shop.applied.values()) == [1]


def test_timeout_after_the_shop_applied_never_applies_twice(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    fake_shop.mode, fake_shop.delay_s = "slow", 1.5  # kefu's timeout is 0.5 s
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx())
    assert result.ok and result.data["store_confirmation"] == "requested"
    [row] = _outbox(shop)
    assert row.status == "pending"
    assert fake_shop.applied == {row.idempotency_key: 1}  # applied, but kefu never heard

    fake_shop.mode = "ok"
    assert deliver_due(shop_engine, now=_later()).applied == 1  # type: ignore[arg-type]
    assert len(fake_shop.received) == 2  # delivered twice ...
    assert fake_shop.applied == {row.idempotency_key: 1}  # ... applied once (same key)


def test_5xx_and_429_are_retried_with_backoff(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    fake_shop.mode = "500"
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx())
    assert result.ok and result.data["store_confirmation"] == "requested"
    fake_shop.mode = "429"
    assert deliver_due(shop_engine, now=_later()).retrying == 1  # type: ignore[arg-type]
    [row] = _outbox(shop)
    assert row.attempts == 2 and row.last_error == "HTTP 429"
    assert backoff(1) < backoff(2) < backoff(3) and backoff(40) == timedelta(hours=1)
    fake_shop.mode = "ok"
    assert deliver_due(shop_engine, now=_later(3)).applied == 1  # type: ignore[arg-type]
    assert list(fake_shop.applied.values()) == [1]


def test_retry_with_the_same_key_sends_nothing_new(shop: Session, fake_shop: FakeShop) -> None:
    first = call_tool(shop, "cancel_pending_order", CANCEL, _ctx(key="turn-7"))
    again = call_tool(shop, "cancel_pending_order", CANCEL, _ctx(key="turn-7"))
    assert first.ok and again.ok and again.data == first.data
    assert len(_outbox(shop)) == 1 and len(fake_shop.received) == 1


def test_synchronous_refusal_rolls_the_turn_back(shop: Session, fake_shop: FakeShop) -> None:
    fake_shop.mode = "refuse"
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx())
    assert not result.ok and result.code == "shop_refused"
    assert result.error == (
        "The store could not make this change: Order already shipped from warehouse. "
        "Nothing was changed."
    )
    assert _status(shop) == "pending" and _outbox(shop) == []


def test_raw_json_refusal_is_not_shown(shop: Session, fake_shop: FakeShop) -> None:
    fake_shop.mode = "garbage"
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx())
    assert not result.ok and result.error is not None
    assert "{" not in result.error and "[" not in result.error


def test_later_confirmation_and_refusal_are_told_in_the_conversation(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    shop.add_all(
        [
            Conversation(id="conv-1", customer_id="alice_1"),
            Conversation(id="conv-2", customer_id="alice_1"),
        ]
    )
    shop.commit()
    fake_shop.stop()
    call_tool(shop, "cancel_pending_order", CANCEL, _ctx(conversation="conv-1"))
    call_tool(
        shop,
        "cancel_pending_order",
        {"order_id": "#A-pending-2", "reason": "no longer needed"},
        _ctx(conversation="conv-2"),
    )
    fake_shop.start()
    assert deliver_due(shop_engine, now=_later(), limit=1).applied == 1  # type: ignore[arg-type]
    fake_shop.mode = "refuse"
    assert deliver_due(shop_engine, now=_later()).refused == 1  # type: ignore[arg-type]
    shop.rollback()
    notes = {m.conversation_id: m for m in shop.scalars(select(Message))}
    assert "is confirmed" in notes["conv-1"].text
    assert "could not be made: Order already shipped from warehouse" in notes["conv-2"].text
    assert [r.status for r in _outbox(shop)] == ["delivered", "refused"]


def test_a_chinese_conversation_is_told_in_chinese_now_and_when_the_shop_confirms(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    # the assistant's calls carry the conversation, not a language: the conversation's is used
    shop.add(Conversation(id="conv-zh", customer_id="alice_1", language="zh"))
    shop.commit()
    fake_shop.stop()
    result = call_tool(shop, "cancel_pending_order", CANCEL, _ctx(conversation="conv-zh"))
    assert result.ok and result.data["store_confirmation"] == "requested"
    assert result.data["store_message"] == "已提交：商店稍后会确认此更改，确认后会在这里通知您。"
    fake_shop.start()
    assert deliver_due(shop_engine, now=_later()).applied == 1  # type: ignore[arg-type]
    shop.rollback()
    [note] = shop.scalars(select(Message).where(Message.conversation_id == "conv-zh"))
    assert note.language == "zh" and note.role == "store"
    assert note.text == "商店更新：您对 #A-pending 的请求（取消订单）已确认完成。"
    assert note.data == {
        "store_outbox": _outbox(shop)[0].idempotency_key,
        "confirmed": True,
        "store_state": "confirmed",
        "operation": "cancel_pending_order",
        "target_id": "#A-pending",
        "restored": False,
    }
    assert fake_shop.received[0]["language"] == "zh"


def test_gives_up_after_max_attempts(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    from kefu.config import get_settings

    mp = pytest.MonkeyPatch()
    mp.setenv("KEFU_STORE_OUTBOX_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    try:
        shop.add(Conversation(id="conv-f", customer_id="alice_1"))
        shop.commit()
        fake_shop.mode = "500"
        call_tool(shop, "cancel_pending_order", CANCEL, _ctx(conversation="conv-f"))
        assert deliver_due(shop_engine, now=_later()).failed == 1  # type: ignore[arg-type]
        [row] = _outbox(shop)
        assert row.status == "failed" and row.attempts == 2
        # the customer was promised a message: they are told it is not confirmed
        [note] = shop.scalars(select(Message).where(Message.conversation_id == "conv-f"))
        assert note.role == "store" and (note.data or {}).get("store_state") == "failed"
        assert "has not confirmed it" in note.text and "cancel the order" in note.text
    finally:
        mp.undo()
        get_settings.cache_clear()


def test_crash_between_shop_answer_and_commit_then_retry_applies_once(
    shop: Session, fake_shop: FakeShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated with a commit that fails once after the shop applied the write (a real
    kill -9 of the process is not exercised here)."""
    real_commit = Session.commit
    crashed: list[bool] = []

    def crash_once(self: Session) -> None:
        if fake_shop.applied and not crashed:
            crashed.append(True)
            raise RuntimeError("process died before commit")
        real_commit(self)

    monkeypatch.setattr(Session, "commit", crash_once)
    with pytest.raises(RuntimeError):
        call_tool(shop, "cancel_pending_order", CANCEL, _ctx(key="turn-9"))
    assert _status(shop) == "pending" and _outbox(shop) == []  # kefu kept nothing
    assert list(fake_shop.applied.values()) == [1]  # ... but the shop applied it

    retry = call_tool(shop, "cancel_pending_order", CANCEL, _ctx(key="turn-9"))
    assert retry.ok and retry.data["store_confirmation"] == "done"
    assert len(fake_shop.received) == 2 and list(fake_shop.applied.values()) == [1]
    assert _status(shop) == "cancelled"
    [row] = _outbox(shop)
    assert row.status == "delivered"


KILLED_TURN = """
from kefu.orders import ToolContext, call_tool
from kefu.store.db import get_engine, session_factory
with session_factory(get_engine())() as s:
    ctx = ToolContext(actor="test", customer_id="alice_1", idempotency_key="turn-kill")
    call_tool(s, "cancel_pending_order", {"order_id": "#A-pending", "reason": "no longer needed"}, ctx)
"""


def test_kill_9_after_the_shop_applied_then_retry_applies_once(
    shop: Session, shop_engine: Engine, fake_shop: FakeShop
) -> None:
    """A real kefu process is killed with SIGKILL while the shop has applied the write and
    kefu has not committed; the retried turn (same key) is applied once and recorded."""
    import os
    import signal
    import subprocess
    import sys
    import time

    if shop_engine.dialect.name != "sqlite":
        pytest.skip("one database is enough for a process kill")
    fake_shop.mode, fake_shop.delay_s = "slow", 5.0
    env = {**os.environ, "KEFU_STORE_TIMEOUT_S": "30"}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_TURN], env=env)
    deadline = time.monotonic() + 60
    while not fake_shop.applied and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert fake_shop.applied, "the shop never received the write"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert _status(shop) == "pending" and _outbox(shop) == []

    fake_shop.mode = "ok"
    retry = call_tool(shop, "cancel_pending_order", CANCEL, _ctx(key="turn-kill"))
    assert retry.ok and retry.data["store_confirmation"] == "done"
    assert list(fake_shop.applied.values()) == [1] and len(fake_shop.received) == 2
    assert _status(shop) == "cancelled"
