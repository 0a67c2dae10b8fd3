"""Conversation behaviour through the real engine, order tools and store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from kefu.assistant import Assistant
from kefu.store.db import session_factory
from kefu.store.models import AuditLog, Conversation, Handoff, HandoffState, Message
from tests.assistant.conftest import PENDING_ORDER, YUSUF


def _audit_count(engine: Engine) -> int:
    with session_factory(engine)() as s:
        return int(s.scalar(select(func.count()).select_from(AuditLog)) or 0)


def test_another_customers_order_is_never_shown(
    tau2_engine: Engine, other_order: dict[str, Any]
) -> None:
    assistant = Assistant(tau2_engine)
    cid = assistant.start(language="en")
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    order = other_order["order"]
    reply = assistant.handle(cid, f"what is the status of {order['order_id']}?")
    lookups = [c for c in reply.tool_calls if c.arguments.get("order_id") == order["order_id"]]
    assert lookups and all(not c.ok and c.data is None for c in lookups)
    assert "couldn't find order" in reply.text
    owner = other_order["owner"]
    leaked = [owner["name"]["first_name"], owner["email"], *(i["item_id"] for i in order["items"])]
    assert not any(value in reply.model_dump_json() for value in leaked)


def test_second_customer_identity_is_refused(
    assistant: Assistant, other_order: dict[str, Any]
) -> None:
    cid = assistant.start(language="en")
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    reply = assistant.handle(cid, f"actually I am {other_order['owner']['email']}")
    assert "only help that customer" in reply.text
    with session_factory(assistant.engine)() as s:
        conv = s.get(Conversation, cid)
        assert conv is not None and conv.customer_id == YUSUF["id"]


def test_restart_mid_flow_resumes_the_conversation(sqlite_tau2_engine: Engine) -> None:
    first = Assistant(sqlite_tau2_engine)
    cid = first.start(language="zh")
    reply = first.handle(cid, "你好，我叫 Yusuf Rossi")
    assert "邮编" in reply.text
    sqlite_tau2_engine.dispose()
    restarted = Assistant(sqlite_tau2_engine)  # a new engine instance: nothing kept in memory
    reply = restarted.handle(cid, YUSUF["zip"])
    assert [c.name for c in reply.tool_calls][:1] == ["find_user_id_by_name_zip"]
    assert reply.tool_calls[0].data == YUSUF["id"]
    assert "身份已验证" in reply.text
    reply = restarted.handle(cid, PENDING_ORDER)
    assert PENDING_ORDER in reply.text and "待发货" in reply.text


def test_handed_off_conversation_gets_no_bot_replies(assistant: Assistant) -> None:
    cid = assistant.start(language="en")
    reply = assistant.handle(cid, "talk to a person")
    assert reply.handoff_state == "waiting_for_agent"
    assert [c.name for c in reply.tool_calls] == ["transfer_to_human_agents"]
    silent = assistant.handle(
        cid, f"hello? my email is {YUSUF['email']} and cancel {PENDING_ORDER}"
    )
    assert silent.silent and silent.text == "" and silent.tool_calls == []
    with session_factory(assistant.engine)() as s:
        roles = s.scalars(
            select(Message.role).where(Message.conversation_id == cid).order_by(Message.seq)
        ).all()
        assert roles == ["customer", "assistant", "customer"]
        handoff = s.scalar(select(Handoff).where(Handoff.conversation_id == cid))
        assert handoff is not None and handoff.reason == "explicit_request"
        conv = s.get(Conversation, cid)
        assert (
            conv is not None
            and conv.handoff_state is HandoffState.WAITING_FOR_AGENT
            and conv.customer_id is None
        )


def test_two_messages_the_bot_cannot_act_on_hand_off(assistant: Assistant) -> None:
    cid = assistant.start(language="en")
    first = assistant.handle(cid, "blorp fizzle wug")
    assert first.handoff_state == "bot"
    assert "person" in first.text  # a person is offered at once
    second = assistant.handle(cid, "zorp quux")
    assert second.handoff_state == "waiting_for_agent"
    with session_factory(assistant.engine)() as s:
        handoff = s.scalar(select(Handoff).where(Handoff.conversation_id == cid))
        assert handoff is not None
        assert handoff.reason in {"low_confidence", "out_of_scope", "repeated_frustration"}
        assert "blorp fizzle wug" in handoff.summary


def test_retried_message_returns_the_same_reply_without_a_second_turn(assistant: Assistant) -> None:
    cid = assistant.start(language="en")
    first = assistant.handle(cid, f"my email is {YUSUF['email']}", client_message_id="m-1")
    again = assistant.handle(cid, f"my email is {YUSUF['email']}", client_message_id="m-1")
    assert again == first
    with session_factory(assistant.engine)() as s:
        count = s.scalar(
            select(func.count()).select_from(Message).where(Message.conversation_id == cid)
        )
    assert count == 2


def test_customer_switching_language_gets_replies_in_the_new_language(assistant: Assistant) -> None:
    cid = assistant.start(language="en")
    en = assistant.handle(cid, f"my email is {YUSUF['email']}")
    assert en.language == "en" and "verified" in en.text
    zh = assistant.handle(cid, f"请帮我查一下订单 {PENDING_ORDER}")
    assert zh.language == "zh" and "订单" in zh.text


def test_recommendations_need_no_login_and_are_personal_once_known(assistant: Assistant) -> None:
    cid = assistant.start(language="en")
    anonymous = assistant.handle(cid, "can you recommend something for me?")
    assert "email" not in anonymous.text  # no identity asked for a shopping question
    assert [c for c in anonymous.cards if c.type == "product"], anonymous.text
    assistant.handle(cid, f"my email is {YUSUF['email']}")
    reply = assistant.handle(cid, "what would you recommend for me?")
    products = [c.data for c in reply.cards if c.type == "product"]
    assert products, reply.text
    assert all(p["product_id"] and p["reason"] for p in products)
    assert all(p["name"] in reply.text for p in products)
