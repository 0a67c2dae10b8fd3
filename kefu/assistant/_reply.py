"""The structured reply a turn produces: what the widget renders and what the CLI prints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class QuickReply(BaseModel):
    """A button the widget shows; ``value`` is sent back as the customer's message."""

    label: str
    value: str


class Card(BaseModel):
    """A rich element: ``order``, ``product``, ``handoff`` or ``csat``."""

    type: str
    data: dict[str, Any] = Field(default_factory=dict)


class Citation(BaseModel):
    """Where a knowledge answer came from."""

    citation: str
    section: str = ""
    score: float = 0.0


class ToolCall(BaseModel):
    """One order-tool call made during the turn, with its real result."""

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    ok: bool
    data: Any = None
    error: str | None = None


class Reply(BaseModel):
    """The bot's answer to one customer message (``silent`` while a person owns the chat)."""

    conversation_id: str
    message_id: int | None = None
    text: str = ""
    language: str = "en"
    intent: str | None = None
    confidence: float | None = None
    flow: str | None = None
    quick_replies: list[QuickReply] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    handoff_state: str = "bot"
    silent: bool = False
    csat: bool = False
    model_command: str | None = None
    """The language model's command that decided this turn (validated by the code), if any."""
    said: list[dict[str, Any]] = Field(default_factory=list)
    """What the text was built from, piece by piece: ``{"key", "facts", "text"}`` (key is the
    template's name, None for code-built text). A model may reword these; code checks it."""
