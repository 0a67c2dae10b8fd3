"""The agent's brief of a handed-off conversation: the model's when grounded, else the rules'."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from kefu.api import create_app
from kefu.assistant import Assistant
from kefu.auth import Role, create_key
from kefu.handoff import ConversationNotFound
from kefu.handoff.brief import conversation_brief, ungrounded
from kefu.llm.remote import OpenAICompatible
from kefu.store.db import session_factory
from kefu.store.models import Handoff
from tests.assistant.conftest import YUSUF
from tests.llm.openai_server import ChatServer

MY_ORDER = "#W2611340"  # one of Yusuf's orders in tau2 retail


def _handed_off(engine: Engine) -> str:
    """Yusuf signs in, asks about an order, then asks for a person."""
    assistant = Assistant(engine)
    cid = assistant.start(language="en")
    assistant.handle(cid, f"Hi, my email is {YUSUF['email']}")
    assistant.handle(cid, f"Where is my order {MY_ORDER}? It is late and I am upset")
    assistant.handle(cid, "I want to talk to a human agent")
    return cid


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    with ChatServer() as running:
        yield running


def test_ungrounded_names_ids_and_emails_the_conversation_never_had() -> None:
    transcript = "customer: my order #W2611340 is late, mail me at a.b@example.com"
    assert ungrounded("- wants W2611340; contact a.b@example.com", transcript) == []
    assert ungrounded("- wants #W9999999 refunded", transcript) == ["#W9999999"]
    assert ungrounded("- write to boss@evil.test", transcript) == ["boss@evil.test"]


def test_without_a_model_the_brief_is_the_rules_summary(sqlite_tau2_engine: Engine) -> None:
    cid = _handed_off(sqlite_tau2_engine)
    with session_factory(sqlite_tau2_engine)() as s:
        handoff = s.scalars(select(Handoff).where(Handoff.conversation_id == cid)).one()
        key = create_key(s, "agent-bo", Role.AGENT)
        s.commit()
        summary = handoff.summary
    client = TestClient(create_app(sqlite_tau2_engine))
    res = client.get(f"/v1/handoffs/{cid}/brief", headers={"X-API-Key": key})
    assert res.status_code == 200
    body = res.json()
    assert body["source"] == "rules"
    assert body["text"] == summary
    assert body["note"]
    missing = client.get("/v1/handoffs/c_nope/brief", headers={"X-API-Key": key})
    assert missing.status_code == 404


def test_a_grounded_model_brief_is_shown(
    sqlite_tau2_engine: Engine, chat_server: ChatServer
) -> None:
    cid = _handed_off(sqlite_tau2_engine)
    chat_server.text_reply = f"- Wants to know where order {MY_ORDER} is.\n- Asked for a person."
    llm = OpenAICompatible(chat_server.base_url, "m", timeout_s=5.0, max_retries=0)
    with session_factory(sqlite_tau2_engine)() as s:
        brief = conversation_brief(s, cid, llm)
    assert brief.source == "model"
    assert MY_ORDER in brief.text
    sent = chat_server.requests[-1]["messages"][-1]["content"]
    assert '<data label="transcript">' in sent  # customer text goes in fenced as data
    assert "I want to talk to a human agent" in sent


def test_a_model_brief_naming_another_order_is_dropped(
    sqlite_tau2_engine: Engine, chat_server: ChatServer
) -> None:
    cid = _handed_off(sqlite_tau2_engine)
    chat_server.text_reply = "- Customer asked to refund order #W7777777 to a gift card."
    llm = OpenAICompatible(chat_server.base_url, "m", timeout_s=5.0, max_retries=0)
    with session_factory(sqlite_tau2_engine)() as s:
        brief = conversation_brief(s, cid, llm)
        summary = s.scalars(select(Handoff.summary).where(Handoff.conversation_id == cid)).one()
    assert brief.source == "rules"
    assert brief.text == summary
    assert "W7777777" not in brief.text


def test_a_dead_model_endpoint_falls_back_to_rules(
    sqlite_tau2_engine: Engine, chat_server: ChatServer
) -> None:
    cid = _handed_off(sqlite_tau2_engine)
    chat_server.script = ["500"]
    llm = OpenAICompatible(chat_server.base_url, "m", timeout_s=5.0, max_retries=0)
    with session_factory(sqlite_tau2_engine)() as s:
        brief = conversation_brief(s, cid, llm)
        with pytest.raises(ConversationNotFound):
            conversation_brief(s, "c_nope", llm)
    assert brief.source == "rules"
    assert "did not answer" in brief.note


@pytest.mark.slow
def test_the_local_model_writes_a_grounded_brief(
    sqlite_tau2_engine: Engine,
    local_llm: Any,
) -> None:
    cid = _handed_off(sqlite_tau2_engine)
    with session_factory(sqlite_tau2_engine)() as s:
        brief = conversation_brief(s, cid, local_llm)
    assert brief.source == "model", brief.note
    assert len(brief.text) > 20
    print(brief.text)
