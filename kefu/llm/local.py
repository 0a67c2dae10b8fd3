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
    """A llama.cpp stopping criterion that never stops, used to count sampled tokens.

    llama-cpp-python reports no usage when streaming. It calls the criterion once per
    sampled token with the context evaluated so far (prompt plus all earlier tokens), so
    the longest context seen tells how many tokens were sampled.
    """

    def __init__(self) -> None:
        self.longest = 0

    def __call__(self, input_ids: Any, logits: Any) -> bool:
        self.longest = max(self.longest, len(input_ids))
        return False

    def sampled(self, prompt_tokens: int) -> int:
        return self.longest - prompt_tokens + 1 if self.longest else 0


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
        self._chat_formatter: Any = None
        self.llama, self._lock = _llama(model_path, n_ctx, self.n_threads)

    def _grammar(self, schema: dict[str, Any]) -> Any:
        """The llama.cpp grammar for a schema, converted once per schema."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[key] = LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

    def _formatter(self) -> Any:
        """The model's own chat template (GGUF metadata), as llama-cpp-python builds it.

        Formatting here rather than in ``create_chat_completion`` lets kefu pass a stopping
        criterion (to count tokens exactly while streaming) and know the prompt's length.
        """
        if self._chat_formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            template = self.llama.metadata.get("tokenizer.chat_template")
            if not template:
                raise LLMUnavailable(f"{self.model_path} has no chat template in its metadata")
            eos, bos = self.llama.token_eos(), self.llama.token_bos()
            text = self.llama._model.token_get_text
            self._chat_formatter = Jinja2ChatFormatter(
                template=template,
                eos_token=text(eos) if eos != -1 else "",
                bos_token=text(bos) if bos != -1 else "",
                stop_token_ids=[eos],
            )
        return self._chat_formatter

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

        formatted = self._formatter()(messages=list(messages))
        stops = [
            *(stop or []),
            *([formatted.stop] if isinstance(formatted.stop, str) else formatted.stop or []),
        ]
        counter = _TokenCounter()
        criteria = StoppingCriteriaList([counter, *(formatted.stopping_criteria or [])])
        finish = "stop"
        with self._lock:
            prompt = self.llama.tokenize(
                formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True
            )
            # Sampling settings are llama-cpp-python's chat defaults, so results match it.
            chunks = self.llama.create_completion(
                prompt,
                max_tokens=max_tokens,
                temperature=temperature,
                top_p=0.95,
                top_k=40,
                min_p=0.05,
                repeat_penalty=1.0,
                stop=stops,
                stream=True,
                grammar=self._grammar(schema) if schema is not None else None,
                stopping_criteria=criteria,
            )
            for chunk in chunks:
                choice = chunk["choices"][0]
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
                if choice["text"]:
                    yield choice["text"]
        usage.prompt_tokens = len(prompt)
        sampled = counter.sampled(len(prompt))
        # A natural stop samples one end-of-turn token that is not part of the reply.
        usage.completion_tokens = sampled - 1 if finish == "stop" and sampled else sampled
        usage.finish_reason = finish
