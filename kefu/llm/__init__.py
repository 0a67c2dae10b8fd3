"""The language-model layer: one small interface, local / OpenAI-compatible / no backend.

A model only understands and phrases; business decisions are made in code and passed in
as facts. Everything callers need is re-exported here.
"""

from kefu.llm.base import (
    ChatMessage,
    Choice,
    Command,
    Completion,
    LanguageModel,
    LLMError,
    LLMOutputError,
    LLMUnavailable,
    Stream,
)
from kefu.llm.metrics import CallRecord, recorder
from kefu.llm.prompts import (
    PromptError,
    facts_block,
    fence,
    format_fact,
    load_prompt,
    render_prompt,
)
from kefu.llm.redact import redact
from kefu.llm.service import get_llm, load_llm, reset_llm

__all__ = [
    "CallRecord",
    "ChatMessage",
    "Choice",
    "Command",
    "Completion",
    "LLMError",
    "LLMOutputError",
    "LLMUnavailable",
    "LanguageModel",
    "PromptError",
    "Stream",
    "facts_block",
    "fence",
    "format_fact",
    "get_llm",
    "load_llm",
    "load_prompt",
    "recorder",
    "redact",
    "render_prompt",
    "reset_llm",
]
