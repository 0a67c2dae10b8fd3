"""Local backend: llama-cpp-python running a GGUF model in this process.

One ``Llama`` per model file per process (loading costs seconds and memory, and keeping it
lets llama.cpp reuse the KV cache of a shared prompt prefix such as the system prompt).
Calls are serialised with a lock because a llama.cpp context is not thread-safe.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kefu.llm.base import ChatMessage, LanguageModel, LLMUnavailable, _Usage

_loaded: dict[tuple[str, int, int], Any] = {}
_locks: dict[tuple[str, int, int], threading.Lock] = {}
_load_lock = threading.Lock()


def _llama(path: Path, n_ctx: int, n_threads: int) -> tuple[Any, threading.Lock]:
    key = (str(path.resolve()), n_ctx, n_threads)
    with _load_lock:
        if key not in _loaded:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LLMUnavailable("llama-cpp-python is not installed; run `make llm`") from exc
            if not path.is_file():
                raise LLMUnavailable(f"no model file at {path}; run `kefu llm fetch`")
            _loaded[key] = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                verbose=False,
            )
            _locks[key] = threading.Lock()
        return _loaded[key], _locks[key]


class _TokenCounter:
    """A llama.cpp stopping criterion that never stops, used to count tokens exactly.

    llama-cpp-python reports no usage when streaming; it calls the criterion once per
    sampled token with the context so far, whose length tells prompt and output sizes.
    """

    def __init__(self) -> None:
        self.first = 0
        self.longest = 0

    def __call__(self, input_ids: Any, logits: Any) -> bool:
        n = len(input_ids)
        if not self.first:
            self.first = n
        self.longest = max(self.longest, n)
        return False

    @property
    def prompt_tokens(self) -> int:
        return max(self.first - 1, 0)

    @property
    def sampled_tokens(self) -> int:
        return max(self.longest - self.prompt_tokens, 0) if self.first else 0


class LocalLlama(LanguageModel):
    """A GGUF model run by llama.cpp in this process."""

    backend = "local"

    def __init__(
        self, model_path: Path, *, n_ctx: int = 4096, n_threads: int = 0, name: str = ""
    ) -> None:
        self.model_path = model_path
        self.model = name or model_path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self._grammars: dict[str, Any] = {}
        self.llama, self._lock = _llama(model_path, n_ctx, self.n_threads)

    def _grammar(self, schema: dict[str, Any]) -> Any:
        """The llama.cpp grammar for a schema, converted once per schema."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[key] = LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

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
        from llama_cpp import StoppingCriteriaList

        counter = _TokenCounter()
        finish = "stop"
        with self._lock:
            chunks = self.llama.create_chat_completion(
                messages=list(messages),
                max_tokens=max_tokens,
                temperature=temperature,
                stop=list(stop or []),
                stream=True,
                grammar=self._grammar(schema) if schema is not None else None,
                stopping_criteria=StoppingCriteriaList([counter]),
            )
            for chunk in chunks:
                choice = chunk["choices"][0]
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
                delta = choice["delta"].get("content")
                if delta:
                    yield delta
        usage.prompt_tokens = counter.prompt_tokens
        # A natural stop samples one end-of-turn token that is not part of the reply.
        usage.completion_tokens = counter.sampled_tokens - (1 if finish == "stop" else 0)
        usage.finish_reason = finish
