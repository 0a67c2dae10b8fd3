"""The one interface every language-model backend implements.

Backends only produce text (plain or JSON-constrained, whole or streamed); validation,
retries on bad JSON, command selection and metrics live here once, so every backend
behaves the same to the assistant.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import jsonschema
from pydantic import BaseModel, Field

from kefu.llm.metrics import CallRecord, recorder

log = logging.getLogger("kefu.llm")

Role = Literal["system", "user", "assistant"]


class ChatMessage(TypedDict):
    """One chat turn, in the OpenAI shape every backend accepts."""

    role: Role
    content: str


class LLMError(RuntimeError):
    """Base of every language-model failure the caller may handle."""


class LLMUnavailable(LLMError):
    """No model answered (not configured, down, timed out, or the circuit is open).

    The assistant catches this and carries on with deterministic templates.
    """


class LLMOutputError(LLMError):
    """The model answered, but not with JSON matching the schema (after one retry)."""

    def __init__(self, message: str, raw: str) -> None:
        super().__init__(message)
        self.raw = raw


@dataclass(frozen=True)
class Completion:
    """A finished generation with its cost: token counts and timings."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    ttft_s: float
    finish_reason: str = "stop"

    @property
    def tokens_per_s(self) -> float:
        """Decode speed: tokens after the first one over the time after the first one."""
        decode = self.latency_s - self.ttft_s
        return (
            (self.completion_tokens - 1) / decode
            if self.completion_tokens > 1 and decode > 0
            else 0.0
        )


class Command(BaseModel):
    """One action the model may pick; ``parameters`` is a JSON schema of its arguments."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class Choice(BaseModel):
    """The command the model chose and its arguments (already schema-checked)."""

    name: str
    arguments: dict[str, Any]


class Stream:
    """Iterator over text deltas; ``completion`` holds the totals once it is exhausted."""

    def __init__(self, deltas: Iterator[str]) -> None:
        self._deltas = deltas
        self.completion: Completion | None = None
        self._usage: _Usage | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        return next(self._deltas)

    def text(self) -> str:
        """Consume the rest of the stream and return the whole text."""
        return "".join(self)

    def close(self) -> None:
        """Stop generating early (frees the local model for the next caller at once)."""
        close = getattr(self._deltas, "close", None)
        if close is not None:
            close()

    def abort(self) -> None:
        """Stop from another thread, even while the reading thread waits for the next delta:
        that thread then ends with :class:`LLMError` ("aborted")."""
        usage = self._usage
        if usage is None:
            return
        usage.aborted = True
        if usage.on_abort is not None:
            try:
                usage.on_abort()
            except Exception:  # closing an already closed connection
                log.debug("abort of a finished stream", exc_info=True)


@dataclass
class _Usage:
    """What a backend reports about one generation, filled in while it streams."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"
    aborted: bool = False
    """Set by :meth:`Stream.abort`: the backend stops at the next delta (and a remote one
    drops its connection at once, so the server stops generating for nobody)."""
    on_abort: Callable[[], None] | None = None


def schema_of(schema: dict[str, Any] | type[BaseModel]) -> dict[str, Any]:
    """A plain JSON schema from a dict or a pydantic model class."""
    if isinstance(schema, dict):
        return schema
    return schema.model_json_schema()


def choice_schema(commands: Sequence[Command]) -> dict[str, Any]:
    """JSON schema for "exactly one of these commands with its arguments"."""
    if not commands:
        raise ValueError("choose() needs at least one command")
    names = [c.name for c in commands]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate command names: {names}")
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {"command": {"const": c.name}, "arguments": c.parameters},
                "required": ["command", "arguments"],
                "additionalProperties": False,
            }
            for c in commands
        ]
    }


def _menu(commands: Sequence[Command]) -> str:
    lines = ['Answer with one JSON object {"command": NAME, "arguments": {...}}. Commands:']
    for c in commands:
        params = json.dumps(c.parameters, ensure_ascii=False)
        lines.append(f"- {c.name}: {c.description} arguments schema: {params}")
    return "\n".join(lines)


class LanguageModel(ABC):
    """Chat, streaming, schema-constrained JSON and command choice over one backend."""

    backend: str = "base"
    model: str = ""

    # --- what a backend implements -------------------------------------------------------
    @abstractmethod
    def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] | None,
        schema: dict[str, Any] | None,
        usage: _Usage,
    ) -> Iterator[str]:
        """Yield text deltas; fill ``usage`` by the time the iterator ends.

        ``schema`` set means the output must be one JSON value matching it (constrained
        decoding where the backend supports it). Raise LLMUnavailable for transport
        failures.
        """

    # --- the public interface -------------------------------------------------------------
    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
    ) -> Stream:
        """Generate a reply as text deltas; ``.completion`` has counts and timings at the end."""
        return self._run("stream", messages, max_tokens, temperature, stop, None)

    def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
    ) -> Completion:
        """Generate a whole reply."""
        stream = self._run("chat", messages, max_tokens, temperature, stop, None)
        stream.text()
        assert stream.completion is not None
        return stream.completion

    def json(
        self,
        messages: Sequence[ChatMessage],
        schema: dict[str, Any] | type[BaseModel],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
    ) -> dict[str, Any]:
        """One JSON object matching ``schema``; one retry on invalid output, then LLMOutputError."""
        plain = schema_of(schema)
        raw = ""
        problem = ""
        for attempt in range(2):
            asked = list(messages)
            if attempt:
                asked.append(
                    {
                        "role": "user",
                        "content": f"Your last answer was invalid ({problem}). Reply with JSON.",
                    }
                )
            stream = self._run("json", asked, max_tokens, temperature, None, plain)
            raw = stream.text()
            try:
                value = json.loads(raw)
                if isinstance(schema, type):
                    return schema.model_validate(value).model_dump(mode="json")
                jsonschema.validate(value, plain)
                if not isinstance(value, dict):
                    raise jsonschema.ValidationError("top-level value is not an object")
                return value
            except (ValueError, jsonschema.ValidationError) as exc:
                problem = str(exc).splitlines()[0][:200]
                log.warning("llm json invalid", extra={"attempt": attempt + 1, "problem": problem})
        raise LLMOutputError(f"no valid JSON after a retry: {problem}", raw)

    def choose(
        self,
        messages: Sequence[ChatMessage],
        commands: Sequence[Command],
        *,
        max_tokens: int = 128,
    ) -> Choice:
        """Pick one command and fill its arguments (JSON mode with a oneOf schema)."""
        schema = choice_schema(commands)
        asked = [*messages, ChatMessage(role="system", content=_menu(commands))]
        value = self.json(asked, schema, max_tokens=max_tokens)
        return Choice(name=value["command"], arguments=value["arguments"])

    # --- shared plumbing ------------------------------------------------------------------
    def _run(
        self,
        kind: str,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] | None,
        schema: dict[str, Any] | None,
    ) -> Stream:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        stream = Stream(iter(()))
        stream._deltas = self._timed(kind, messages, max_tokens, temperature, stop, schema, stream)
        return stream

    def _timed(
        self,
        kind: str,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] | None,
        schema: dict[str, Any] | None,
        stream: Stream,
    ) -> Iterator[str]:
        usage = _Usage()
        stream._usage = usage
        start = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        try:
            for delta in self._generate(
                messages,
                max_tokens=max_tokens,
                temperature=temperature,
                stop=stop,
                schema=schema,
                usage=usage,
            ):
                if usage.aborted:
                    raise LLMError("generation aborted")
                if not delta:
                    continue
                if first is None:
                    first = time.perf_counter()
                parts.append(delta)
                yield delta
        except LLMError as exc:
            self._record(kind, usage, time.perf_counter() - start, None, error=type(exc).__name__)
            raise
        latency = time.perf_counter() - start
        ttft = (first if first is not None else time.perf_counter()) - start
        stream.completion = Completion(
            text="".join(parts),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            latency_s=latency,
            ttft_s=ttft,
            finish_reason=usage.finish_reason,
        )
        self._record(kind, usage, latency, ttft)

    def _record(
        self, kind: str, usage: _Usage, latency: float, ttft: float | None, error: str = ""
    ) -> None:
        record = CallRecord(
            backend=self.backend,
            model=self.model,
            kind=kind,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            latency_s=round(latency, 4),
            ttft_s=round(ttft, 4) if ttft is not None else None,
            error=error,
        )
        recorder.add(record)
        log.info("llm call", extra={"llm": record.as_dict()})
