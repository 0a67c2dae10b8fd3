"""No write without an explicit yes to the exact action shown (needs the NLU for intents)."""

from __future__ import annotations

from sqlalchemy import func, select

from kefu.assistant import Assistant
from kefu.store.db import session_factory
from kefu.store.models import AuditLog, Order
from tests.assistant.conftest import DELIVERED_ORDER, PENDING_ORDER, YUSUF


def _state(assistant: Assistant, order_id: str) -> tuple[str, int]:
    with session_factory(assistant.engine)() as s:
        order = s.get(Order, order_id)
        assert order is not None
        writes = s.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action != "transfer_to_human_agents")
        )
        return order.status, int(writes or 0)


def test_cancel_requires_explicit_yes(assistant: Assistant) -> None:
    cid = assistant.start(language="en")
    assistant.handle(cid, f"I want to cancel order {PENDING_ORDER}")
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    proposal = assistant.handle(cid, "I no longer need it")
    assert PENDING_ORDER in proposal.text and "no longer needed" in proposal.text
    assert [q.value for q in proposal.quick_replies] == ["Yes", "No"]
    for undecided in ("hmm, let me think", "what colour was it again?", "wait"):
        reply = assistant.handle(cid, undecided)
        assert not any(c.name == "cancel_pending_order" for c in reply.tool_calls)
        assert _state(assistant, PENDING_ORDER) == ("pending", 0)
    declined = assistant.handle(cid, "no")
    assert "haven't changed" in declined.text
    assert _state(assistant, PENDING_ORDER) == ("pending", 0)

    assistant.handle(cid, f"Please cancel order {PENDING_ORDER}, I ordered it by mistake")
    done = assistant.handle(cid, "yes", client_message_id="confirm-1")
    assert [(c.name, c.ok) for c in done.tool_calls if c.name == "cancel_pending_order"] == [
        ("cancel_pending_order", True)
    ]
    assert _state(assistant, PENDING_ORDER) == ("cancelled", 1)
    again = assistant.handle(cid, "yes", client_message_id="confirm-1")
    assert again == done
    assert _state(assistant, PENDING_ORDER) == ("cancelled", 1)


def test_chinese_confirm_word_confirms_and_refusal_changes_nothing(
    assistant: Assistant,
) -> None:
    cid = assistant.start(language="zh")
    assistant.handle(cid, f"我的邮箱是 {YUSUF['email']}")
    refused = assistant.handle(cid, f"我要取消订单 {DELIVERED_ORDER}")
    assert "已送达" in refused.text and "delivered" not in refused.text
    assert _state(assistant, DELIVERED_ORDER) == ("delivered", 0)
    assistant.handle(cid, f"那取消订单 {PENDING_ORDER} 吧")
    proposal = assistant.handle(cid, "买错了")
    assert "误下单" in proposal.text
    assistant.handle(cid, "确认")
    assert _state(assistant, PENDING_ORDER) == ("cancelled", 1)
