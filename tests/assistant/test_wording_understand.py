"""KEFU_LLM_ROLE=understand: the model reads every message the bot answers, over a scripted
OpenAI-compatible HTTP server; the engine merges its cross-checked reading
(kefu/assistant/commands_model.py). Invented ids are dropped, the code's explicit yes/no
wins, and two requests the model found in one message are both carried out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from kefu.assistant._state import DialogueState
from kefu.config import get_settings
from kefu.llm.remote import OpenAICompatible
from kefu.store.db import session_factory
from kefu.store.models import Conversation, Order
from tests.assistant.conftest import DELIVERED_ORDER, PENDING_ORDER, YUSUF
from tests.llm.openai_server import ChatServer


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with ChatServer() as running:
        yield running


def _reads_as(server: ChatServer, requests: list[dict[str, Any]]) -> None:
    """The model's answer to every reading request (other JSON requests get '{}')."""

    def answer(body: dict[str, Any]) -> None:
        schema = (body.get("response_format") or {}).get("json_schema", {}).get("schema", {})
        reading = "requests" in schema.get("properties", {})
        server.json_reply = json.dumps({"requests": requests}) if reading else "{}"

    server.on_request = answer


@pytest.fixture
def understanding(
    sqlite_tau2_engine: Engine, server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Assistant]]:
    def make(role: str = "understand") -> Assistant:
        monkeypatch.setenv("KEFU_LLM_ROLE", role)
        get_settings.cache_clear()
        llm = OpenAICompatible(server.base_url, "scripted", timeout_s=5, max_retries=0)
        return Assistant(sqlite_tau2_engine, llm=llm)

    yield make
    get_settings.cache_clear()


def _state(engine: Engine, cid: str) -> DialogueState:
    with session_factory(engine)() as session:
        conv = session.get(Conversation, cid)
        assert conv is not None
        return DialogueState.load(conv.state)


def _status(engine: Engine, order_id: str) -> str:
    with session_factory(engine)() as session:
        order = session.get(Order, order_id)
        assert order is not None
        return order.status


def _readings(server: ChatServer) -> list[str]:
    """The customer messages the model was asked to read."""
    out = []
    for body in server.requests:
        schema = (body.get("response_format") or {}).get("json_schema", {}).get("schema", {})
        if "requests" in schema.get("properties", {}):
            out.append(body["messages"][-1]["content"])
    return out


VAGUE = "that thing I bought, get rid of it before it ships"
"""The classifier is unsure of this one (no request word it knows)."""


def test_the_models_reading_is_taken_but_an_invented_order_id_is_dropped(
    understanding: Callable[..., Assistant], server: ChatServer, sqlite_tau2_engine: Engine
) -> None:
    # without the model's reading (role route), the message starts no cancellation
    plain = understanding("route")
    cid = plain.start(language="en", customer_id=YUSUF["id"])
    plain.handle(cid, VAGUE)
    assert (_state(sqlite_tau2_engine, cid).flow or DialogueState().flow) is None

    _reads_as(server, [{"flow": "cancel_order", "order_id": "#W9999999", "quote": VAGUE}])
    assistant = understanding()
    cid = assistant.start(language="en", customer_id=YUSUF["id"])
    reply = assistant.handle(cid, VAGUE)
    assert any(VAGUE in m for m in _readings(server)), "the message went to the model"
    state = _state(sqlite_tau2_engine, cid)
    assert state.flow is not None and state.flow.name == "cancel_order"
    assert "W9999999" not in json.dumps(state.flow.slots)
    assert "W9999999" not in reply.text
    assert state.flow.awaiting == "order_id"  # the code asks which order instead


def test_an_explicit_no_is_the_codes_whatever_the_model_reads(
    understanding: Callable[..., Assistant], server: ChatServer, sqlite_tau2_engine: Engine
) -> None:
    _reads_as(server, [{"flow": "cancel_order", "order_id": PENDING_ORDER}])
    assistant = understanding()
    cid = assistant.start(language="en", customer_id=YUSUF["id"])
    assistant.handle(cid, f"Please cancel order {PENDING_ORDER}")
    assistant.handle(cid, "no longer needed")
    assert _state(sqlite_tau2_engine, cid).flow.confirming  # type: ignore[union-attr]
    before = len(_readings(server))
    reply = assistant.handle(cid, "no")
    assert len(_readings(server)) == before + 1, "the 'no' was read by the model too"
    assert _status(sqlite_tau2_engine, PENDING_ORDER) == "pending"
    state = _state(sqlite_tau2_engine, cid)
    assert state.flow is None and not state.queue
    assert "cancelled" not in reply.text.lower() or "not" in reply.text.lower()


TWO = f"kill {PENDING_ORDER}, and the camera {DELIVERED_ORDER} is going back"
"""Two requests the code's own splitting does not find (it reads one, unsure)."""


def test_two_requests_the_model_found_in_one_message_are_both_carried_out(
    understanding: Callable[..., Assistant], server: ChatServer, sqlite_tau2_engine: Engine
) -> None:
    _reads_as(
        server,
        [
            {"flow": "cancel_order", "order_id": PENDING_ORDER, "quote": f"kill {PENDING_ORDER}"},
            {"flow": "return_items", "order_id": DELIVERED_ORDER, "quote": "the camera"},
        ],
    )
    assistant = understanding()
    cid = assistant.start(language="en", customer_id=YUSUF["id"])
    assistant.handle(cid, TWO)
    state = _state(sqlite_tau2_engine, cid)
    assert state.flow is not None and state.flow.name == "cancel_order"
    assert state.flow.slots.get("order_id") == PENDING_ORDER
    assert len(state.queue) == 1 and DELIVERED_ORDER in state.queue[0]
    for answer in ("no longer needed", "yes"):
        reply = assistant.handle(cid, answer)
        if _status(sqlite_tau2_engine, PENDING_ORDER) == "cancelled":
            break
    assert _status(sqlite_tau2_engine, PENDING_ORDER) == "cancelled"
    # then the second request is taken up at once
    state = _state(sqlite_tau2_engine, cid)
    assert state.flow is not None and state.flow.name == "return_items", reply.text
    assert state.flow.slots.get("order_id") == DELIVERED_ORDER
    assert not state.queue
