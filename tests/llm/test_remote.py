"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from kefu.llm import Command, LLMOutputError, LLMUnavailable, recorder
from kefu.llm.remote import CircuitBreaker, OpenAICompatible
from tests.llm.openai_server import ChatServer

USER = [{"role": "user", "content": "where is my order"}]


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with ChatServer() as running:
        yield running


def client(server: ChatServer, **kwargs: object) -> OpenAICompatible:
    options: dict[str, object] = {"timeout_s": 2.0, "max_retries": 0}
    options.update(kwargs)
    return OpenAICompatible(server.base_url, "test-model", **options)  # type: ignore[arg-type]


def test_chat_returns_text_with_server_usage(server: ChatServer) -> None:
    reply = client(server).chat(USER, max_tokens=20)
    assert reply.text == "echo: where is my order"
    assert (reply.prompt_tokens, reply.completion_tokens) == (4, 5)
    assert 0 < reply.ttft_s <= reply.latency_s
    assert server.requests[0]["stream"] is True
    assert server.requests[0]["max_tokens"] == 20


def test_stream_yields_deltas_then_totals(server: ChatServer) -> None:
    stream = client(server).stream(USER)
    deltas = list(stream)
    assert len(deltas) == 5
    assert stream.completion is not None
    assert stream.completion.text == "".join(deltas)
    assert stream.completion.completion_tokens == 5


def test_server_error_is_retried_then_succeeds(server: ChatServer) -> None:
    server.script = ["500"]
    reply = client(server, max_retries=2).chat(USER)
    assert reply.text.startswith("echo:")
    assert len(server.requests) == 2


def test_persistent_errors_raise_unavailable(server: ChatServer) -> None:
    server.script = ["500", "500"]
    with pytest.raises(LLMUnavailable):
        client(server, max_retries=1).chat(USER)
    assert len(server.requests) == 2


def test_slow_server_times_out_as_unavailable(server: ChatServer) -> None:
    server.script = ["hang"]
    server.hang_s = 2.0
    start = time.perf_counter()
    with pytest.raises(LLMUnavailable):
        client(server, timeout_s=0.3).chat(USER)
    assert time.perf_counter() - start < 1.5


def test_breaker_opens_and_fails_fast_without_calling_the_server(server: ChatServer) -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown_s=30, clock=lambda: now[0])
    llm = client(server, breaker=breaker)
    server.script = ["500", "500"]
    for _ in range(2):
        with pytest.raises(LLMUnavailable):
            llm.chat(USER)
    assert breaker.state == "open"
    with pytest.raises(LLMUnavailable, match="circuit open"):
        llm.chat(USER)
    assert len(server.requests) == 2

    now[0] = 31.0  # cool-down over: one trial call goes through and closes the circuit
    assert breaker.state == "half-open"
    assert llm.chat(USER).text.startswith("echo:")
    assert breaker.state == "closed"
    assert len(server.requests) == 3


def test_failed_trial_call_reopens_the_circuit(server: ChatServer) -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, cooldown_s=10, clock=lambda: now[0])
    llm = client(server, breaker=breaker)
    server.script = ["500", "500"]
    with pytest.raises(LLMUnavailable):
        llm.chat(USER)
    now[0] = 11.0
    with pytest.raises(LLMUnavailable):
        llm.chat(USER)
    assert breaker.state == "open"
    assert len(server.requests) == 2


def test_json_sends_the_schema_and_validates_the_answer(server: ChatServer) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    assert client(server).json(USER, schema) == {"ok": True}
    sent = server.requests[0]["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["schema"] == schema


def test_invalid_json_is_retried_once_then_raises(server: ChatServer) -> None:
    server.script = ["badjson", "badjson"]
    with pytest.raises(LLMOutputError) as caught:
        client(server).json(USER, {"type": "object"})
    assert caught.value.raw == "not json at all"
    assert len(server.requests) == 2


def test_json_not_matching_schema_is_rejected(server: ChatServer) -> None:
    server.json_reply = '{"ok": "yes"}'
    with pytest.raises(LLMOutputError):
        client(server).json(USER, {"type": "object", "properties": {"ok": {"type": "boolean"}}})


def test_choose_returns_the_command_the_server_picked(server: ChatServer) -> None:
    server.json_reply = '{"command": "track_order", "arguments": {"order_id": "#W1234567"}}'
    commands = [
        Command(
            name="track_order",
            description="Where an order is",
            parameters={
                "type": "object",
                "properties": {"order_id": {"type": "string"}},
                "required": ["order_id"],
            },
        ),
        Command(name="handoff", description="Pass to a human"),
    ]
    choice = client(server).choose(USER, commands)
    assert (choice.name, choice.arguments) == ("track_order", {"order_id": "#W1234567"})
    options = server.requests[0]["response_format"]["json_schema"]["schema"]["oneOf"]
    assert [o["properties"]["command"]["const"] for o in options] == ["track_order", "handoff"]


def test_remote_prompts_are_redacted_when_enabled(server: ChatServer) -> None:
    message = [{"role": "user", "content": "I am ann@example.com, order #W1234567"}]
    client(server, redact_prompts=True).chat(message)
    client(server).chat(message)
    assert server.requests[0]["messages"][0]["content"] == "I am [EMAIL], order #W1234567"
    assert "ann@example.com" in server.requests[1]["messages"][0]["content"]


def test_calls_are_recorded_with_tokens_and_errors(server: ChatServer) -> None:
    recorder.clear()
    llm = client(server)
    llm.chat(USER)
    server.script = ["500"]
    with pytest.raises(LLMUnavailable):
        llm.chat(USER)
    ok, failed = recorder.records()
    assert (ok.backend, ok.kind, ok.prompt_tokens, ok.completion_tokens) == ("openai", "chat", 4, 5)
    assert ok.error == "" and ok.ttft_s is not None
    assert failed.error == "LLMUnavailable"
    assert recorder.summary()["errors"] == 1
