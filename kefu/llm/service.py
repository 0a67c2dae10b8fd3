"""Choosing the backend from settings, once per process.

``get_llm()`` returns ``None`` when no model is configured or the configured one cannot be
loaded: the model is optional, and callers fall back to deterministic templates. The
``none`` backend is therefore "no object" rather than a stub that raises.
"""

from __future__ import annotations

import logging
import threading

from kefu.config import Settings, get_settings
from kefu.llm.base import LanguageModel, LLMUnavailable

log = logging.getLogger("kefu.llm")
_lock = threading.Lock()
_cached: dict[tuple[object, ...], LanguageModel | None] = {}


def _key(settings: Settings) -> tuple[object, ...]:
    return (
        settings.llm_backend,
        settings.llm_local_model,
        settings.llm_model_path,
        settings.llm_models_dir,
        settings.llm_threads,
        settings.llm_context,
        settings.llm_base_url,
        settings.llm_model,
        settings.llm_timeout_s,
        settings.llm_max_retries,
        settings.llm_redact_remote,
    )


def load_llm(settings: Settings | None = None) -> LanguageModel | None:
    """Build the configured backend; raise LLMUnavailable if it is configured but unusable."""
    settings = settings or get_settings()
    if settings.llm_backend == "none":
        return None
    if settings.llm_backend == "local":
        from kefu.llm.local import LocalLlama
        from kefu.llm.models import ModelError, get_spec, model_path, verify

        try:
            spec = get_spec(settings.llm_local_model)
        except ModelError as exc:
            raise LLMUnavailable(str(exc)) from exc
        path = settings.llm_model_path or model_path(spec.name, settings.llm_models_dir)
        if settings.llm_model_path is None:
            try:
                verify(spec, path, full=False)
            except ModelError as exc:
                raise LLMUnavailable(str(exc)) from exc
        return LocalLlama(
            path, n_ctx=settings.llm_context, n_threads=settings.llm_threads, name=spec.name
        )
    if not settings.llm_base_url:
        raise LLMUnavailable("KEFU_LLM_BACKEND=openai needs KEFU_LLM_BASE_URL")
    from kefu.llm.remote import OpenAICompatible

    return OpenAICompatible(
        settings.llm_base_url,
        settings.llm_model or "default",
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        redact_prompts=settings.llm_redact_remote,
    )


def get_llm() -> LanguageModel | None:
    """The process-wide model for the current settings, or None (no model: use templates)."""
    settings = get_settings()
    key = _key(settings)
    with _lock:
        if key not in _cached:
            try:
                _cached[key] = load_llm(settings)
            except LLMUnavailable as exc:
                log.warning("language model unavailable, continuing without it: %s", exc)
                _cached[key] = None
        return _cached[key]


def reset_llm() -> None:
    """Forget the cached choice (tests and settings reloads); loaded llama models stay."""
    with _lock:
        _cached.clear()
