"""The model's reading of a message (role understand/converse), held to the message by code:
over a scripted OpenAI-compatible server, schema-constrained JSON, invented values dropped."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from kefu.assistant._understand import Understanding
from kefu.assistant.wording import ModelRequest, read_message
from kefu.llm.remote import OpenAICompatible
from tests.llm.openai_server import ChatServer


def _u(text: str, **kw: object) -> Understanding:
    return Understanding(
        text=text, language="en", intent=None, confidence=0.3, sentiment=0.0, frustration=False,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with ChatServer() as running:
        yield running


def _read(server: ChatServer, answer: dict[str, object], u: Understanding) -> object:
    server.json_reply = json.dumps(answer)
    llm = OpenAICompatible(server.base_url, "m", timeout_s=5, max_retries=0)
    return read_message(llm, u)


def test_several_requests_with_the_values_the_message_has(server: ChatServer) -> None:
    u = _u("cancel #W6247578 and where is my refund for it", order_ids=["#W6247578"])
    got = _read(
        server,
        {"requests": [{"flow": "cancel_order", "order_id": "W6247578"}, {"flow": "refund_status"}]},
        u,
    )
    assert got == [
        ModelRequest("cancel_order", "#W6247578"),
        ModelRequest("refund_status", "#W6247578"),  # the one id in the message
    ]
    schema = server.requests[-1]["response_format"]["json_schema"]["schema"]
    assert "cancel_order" in schema["properties"]["requests"]["items"]["properties"]["flow"]["enum"]


def test_ids_and_emails_the_message_lacks_are_dropped(server: ChatServer) -> None:
    u = _u("please cancel my last order, my email is a@b.example", emails=["a@b.example"])
    got = _read(
        server,
        {"requests": [{"flow": "cancel_order", "order_id": "#W5918442", "email": "boss@evil.example"}]},
        u,
    )  # fmt: skip
    assert got == [
        ModelRequest(
            "cancel_order", None, None, None, ("order id #W5918442", "email boss@evil.example")
        )
    ]


def test_an_explicit_yes_or_no_is_the_codes(server: ChatServer) -> None:
    got = _read(server, {"requests": [{"flow": "cancel_order"}]}, _u("yes", yes=True))
    assert got == []


def test_unknown_flows_and_a_dead_model(server: ChatServer) -> None:
    assert _read(server, {"requests": [{"flow": "none"}]}, _u("hmm")) == []
    server.script = ["500"]
    assert _read(server, {"requests": []}, _u("hmm")) is None
