"""OpenAI-compatible HTTP backend (vLLM, Ollama, llama.cpp server, hosted Qwen/DeepSeek).

The ``openai`` client does timeouts and retries with exponential backoff; on top of it a
circuit breaker stops calling a failing server for a cool-down, so a dead endpoint costs
the assistant one fast ``LLMUnavailable`` per message instead of a timeout each time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from kefu.llm.base import ChatMessage, LanguageModel, LLMError, LLMUnavailable, _Usage
from kefu.llm.redact import redact


class CircuitBreaker:
    """Open after ``threshold`` consecutive failures; allow one trial call after ``cooldown_s``."""

    def __init__(
        self,
        threshold: int = 3,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self.opened_at: float | None = None

    @property
    def state(self) -> Literal["closed", "open", "half-open"]:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self._clock() - self.opened_at >= self.cooldown_s else "open"

    def before_call(self) -> None:
        """Raise LLMUnavailable while open; in half-open, let one trial through."""
        with self._lock:
            if self.state == "open":
                assert self.opened_at is not None
                left = self.cooldown_s - (self._clock() - self.opened_at)
                raise LLMUnavailable(
                    f"model circuit open after {self.failures} failures; retry in {left:.0f} s"
                )
            if self.state == "half-open":
                self.opened_at = self._clock()  # further callers wait while the trial runs

    def success(self) -> None:
        with self._lock:
            self.failures = 0
            self.opened_at = None

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.threshold:
                self.opened_at = self._clock()


class OpenAICompatible(LanguageModel):
    """Any server speaking the OpenAI chat-completions API."""

    backend = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout_s: float = 20.0,
        max_retries: int = 2,
        breaker: CircuitBreaker | None = None,
        redact_prompts: bool = False,
        json_mode: Literal["json_schema", "json_object"] = "json_schema",
    ) -> None:
        import openai

        self.model = model
        self.base_url = base_url
        self.redact_prompts = redact_prompts
        self.json_mode = json_mode
        self.breaker = breaker or CircuitBreaker()
        self._openai = openai
        self.client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "unused",
            timeout=timeout_s,
            max_retries=max_retries,
        )

    def _payload(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        if not self.redact_prompts:
            return [{"role": m["role"], "content": m["content"]} for m in messages]
        return [{"role": m["role"], "content": redact(m["content"])} for m in messages]

    def _response_format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.json_mode == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}

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
        self.breaker.before_call()
        extra: dict[str, Any] = {}
        if schema is not None:
            extra["response_format"] = self._response_format(schema)
        if stop:
            extra["stop"] = list(stop)
        errors = self._openai
        try:
            create: Any = self.client.chat.completions.create
            chunks = create(
                model=self.model,
                messages=self._payload(messages),
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                stream_options={"include_usage": True},
                **extra,
            )
            response = getattr(chunks, "response", None)
            if response is not None:
                usage.on_abort = response.close
            try:
                for chunk in chunks:
                    if chunk.usage is not None:
                        usage.prompt_tokens = chunk.usage.prompt_tokens
                        usage.completion_tokens = chunk.usage.completion_tokens
                    for choice in chunk.choices:
                        if choice.finish_reason:
                            usage.finish_reason = choice.finish_reason
                        if choice.delta.content:
                            yield choice.delta.content
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()  # a stream stopped early frees its connection (and server slot)
        except (errors.BadRequestError, errors.UnprocessableEntityError) as exc:
            self.breaker.success()  # the server is up; the request was wrong
            raise LLMError(f"model server rejected the request: {exc}") from exc
        except Exception as exc:
            if usage.aborted:  # stopped by the caller: not the server's failure
                raise LLMError("generation aborted") from exc
            import httpx

            transport = (errors.APIError, errors.APITimeoutError, errors.APIConnectionError)
            if isinstance(exc, (*transport, httpx.HTTPError)):  # a stream cut mid-way too
                self.breaker.failure()
                raise LLMUnavailable(f"model server failed: {type(exc).__name__}: {exc}") from exc
            raise
        self.breaker.success()
