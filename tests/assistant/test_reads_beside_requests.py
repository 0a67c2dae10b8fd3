"""A status question beside a write request is answered at once (it needs no yes); asked
"and then", it waits its turn after the write."""

from __future__ import annotations

from kefu.assistant import Assistant
from tests.assistant.conftest import DELIVERED_ORDER, PENDING_ORDER, YUSUF


def test_status_beside_a_cancel_is_answered_before_the_yes(assistant: Assistant) -> None:
    cid = assistant.start()
    reply = assistant.handle(
        cid,
        f"{YUSUF['email']} cancel {PENDING_ORDER}, I ordered it by mistake. "
        f"also, where is {DELIVERED_ORDER}?",
    )
    assert "delivered" in reply.text and DELIVERED_ORDER in reply.text
    assert "cancel order" in reply.text.lower() and reply.quick_replies  # the yes comes last
    assert reply.text.rfind(DELIVERED_ORDER) < reply.text.lower().rfind("cancel order")
    done = assistant.handle(cid, "yes")
    assert "cancelled" in done.text and DELIVERED_ORDER not in done.text


def test_status_asked_for_after_the_cancel_waits_for_it(assistant: Assistant) -> None:
    cid = assistant.start()
    reply = assistant.handle(
        cid,
        f"{YUSUF['email']} please cancel {PENDING_ORDER} (ordered by mistake) and then tell me "
        f"where {DELIVERED_ORDER} is",
    )
    assert "delivered" not in reply.text
    done = assistant.handle(cid, "yes")
    assert "cancelled" in done.text and "delivered" in done.text


def test_chinese_status_beside_a_return_is_answered_at_once(assistant: Assistant) -> None:
    cid = assistant.start(language="zh")
    reply = assistant.handle(
        cid, f"{YUSUF['email']} 订单{DELIVERED_ORDER}的相机要退，另外{PENDING_ORDER}发货了吗？"
    )
    assert "待发货" in reply.text and "确认" in reply.text
