"""The local llama.cpp backend with the real Qwen2.5-Coder-0.5B model (structure, not wording)."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from kefu.llm import Command, fence, recorder, render_prompt
from kefu.llm.local import LocalLlama
from tests.llm.openai_server import ChatServer

pytestmark = pytest.mark.slow


def _messages(lang: str, text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": render_prompt("system", lang, store_name="Demo Shop")},
        {"role": "user", "content": fence(text, "customer_message")},
    ]


class Intent(BaseModel):
    intent: Literal["order_status", "cancel", "return", "other"]
    order_id: str | None
    urgent: bool


def test_chat_returns_text_with_token_counts_and_timings(local_llm: LocalLlama) -> None:
    reply = local_llm.chat(_messages("en", "Hello, who are you?"), max_tokens=24, temperature=0)
    assert reply.text.strip()
    assert reply.prompt_tokens > 20
    assert 0 < reply.completion_tokens <= 24
    assert 0 < reply.ttft_s <= reply.latency_s


def test_token_counts_match_llama_cpp_own_usage(local_llm: LocalLlama) -> None:
    messages = _messages("en", "Say hi in three words.")
    ours = local_llm.chat(messages, max_tokens=16, temperature=0)
    theirs = local_llm.llama.create_chat_completion(messages=messages, max_tokens=16, temperature=0)
    assert ours.text == theirs["choices"][0]["message"]["content"]
    assert ours.prompt_tokens == theirs["usage"]["prompt_tokens"]
    assert ours.completion_tokens == theirs["usage"]["completion_tokens"]


def test_stream_deltas_add_up_to_the_completion(local_llm: LocalLlama) -> None:
    stream = local_llm.stream(_messages("zh", "你好，请问你们几点下班？"), max_tokens=24)
    deltas = list(stream)
    assert len(deltas) > 1
    assert stream.completion is not None
    assert stream.completion.text == "".join(deltas)
    assert stream.completion.completion_tokens >= len(deltas) - 1


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Where is my order #W1234567? I need it today!"),
        ("zh", "我的订单#W7654321到哪了？"),
    ],
)
def test_json_matches_the_schema_in_both_languages(
    local_llm: LocalLlama, lang: str, text: str
) -> None:
    value = local_llm.json(
        [*_messages(lang, text), {"role": "system", "content": "Classify the message as JSON."}],
        Intent,
        max_tokens=64,
    )
    parsed = Intent.model_validate(value)
    assert parsed.intent in {"order_status", "cancel", "return", "other"}


def test_choose_returns_one_of_the_offered_commands(local_llm: LocalLlama) -> None:
    commands = [
        Command(
            name="track_order",
            description="Tell the customer where an order is",
            parameters={
                "type": "object",
                "properties": {"order_id": {"type": "string", "pattern": "^#W[0-9]{7}$"}},
                "required": ["order_id"],
                "additionalProperties": False,
            },
        ),
        Command(name="human_agent", description="Pass the conversation to a person"),
    ]
    choice = local_llm.choose(_messages("en", "Where is order #W1234567?"), commands)
    assert choice.name in {"track_order", "human_agent"}
    if choice.name == "track_order":
        assert choice.arguments["order_id"].startswith("#W")


def test_every_call_is_recorded(local_llm: LocalLlama) -> None:
    recorder.clear()
    local_llm.chat(_messages("en", "hi"), max_tokens=4)
    (record,) = recorder.records()
    assert (record.backend, record.model, record.kind) == ("local", "qwen2.5-coder-0.5b", "chat")
    assert record.prompt_tokens > 0 and record.completion_tokens > 0 and not record.error


def test_same_model_file_is_loaded_once_per_process(local_llm: LocalLlama) -> None:
    again = LocalLlama(local_llm.model_path, n_ctx=local_llm.n_ctx, n_threads=local_llm.n_threads)
    assert again.llama is local_llm.llama


def test_openai_backend_talks_to_a_server_running_the_real_model(local_llm: LocalLlama) -> None:
    from kefu.llm.remote import OpenAICompatible

    with ChatServer(model=local_llm) as server:
        remote = OpenAICompatible(server.base_url, "qwen", timeout_s=120, max_retries=0)
        value = remote.json(_messages("en", "Cancel order #W1234567 please"), Intent, max_tokens=64)
        reply = remote.chat(_messages("en", "Thanks!"), max_tokens=16)
    Intent.model_validate(value)
    assert reply.text.strip() and reply.completion_tokens > 0
