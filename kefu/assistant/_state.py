"""Dialogue state: everything the engine remembers between turns.

Stored as JSON in ``Conversation.state`` (version-locked row), so any API worker can take the
next turn and a restart mid-flow resumes exactly where the customer left off.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FlowState(BaseModel):
    """An open request: which flow, the slots gathered so far, and the pending action."""

    name: str
    slots: dict[str, Any] = Field(default_factory=dict)
    awaiting: str | None = None
    confirming: bool = False
    action: dict[str, Any] | None = None
    request: str = ""
    """The message that asked for this (products, reasons or payment named there still count)."""
    context: str = ""
    """What the customer said about the problem before asking (see ``DialogueState.context``):
    read for the order and the items only when the request itself names none."""


class DialogueState(BaseModel):
    """Per-conversation memory of the dialogue policy."""

    language: str = "en"
    customer_id: str | None = None
    auth_failures: int = 0
    pending_flow: str | None = None
    pending_text: str | None = None
    pending_slots: dict[str, Any] = Field(default_factory=dict)
    flow: FlowState | None = None
    orders_shown: list[str] = Field(default_factory=list)
    current_order: str | None = None
    previous_order: str | None = None
    low_confidence: int = 0
    frustration: int = 0
    offer_handoff: str | None = None
    last_refusal: str | None = None
    declined: FlowState | None = None
    """The action the customer just said no to, so "actually, yes" can bring it back."""
    shown: list[str] = Field(default_factory=list)
    """Variant ids of the products just shown to a shopper ("that one", "那个", "cheaper?")."""
    shop_query: dict[str, Any] = Field(default_factory=dict)
    """The shopper's last catalogue query (types, category, price range, option values), so a
    follow-up ("what about in blue?", "under $50?") keeps what was asked before."""
    queue: list[str] = Field(default_factory=list)
    """Requests a message asked for beside the first one, taken up when it is finished."""
    last_question: str | None = None
    """The store question answered last, so a short follow-up ("how long would that take?")
    is searched with it when it is unclear alone."""
    context: list[str] = Field(default_factory=list)
    """What the customer said about a problem before asking for anything ("the bluetooth
    speaker crackles" before "I just want to send it back"): the next request reads the
    products and orders it names from here too."""
    turns: int = 0
    csat_requested: bool = False

    @classmethod
    def load(cls, raw: dict[str, Any] | None) -> DialogueState:
        """Parse stored state; unknown keys (written by handoff) are ignored."""
        return cls.model_validate({k: v for k, v in (raw or {}).items() if k in cls.model_fields})

    def dump(self) -> dict[str, Any]:
        """JSON-ready form for ``Conversation.state``."""
        return self.model_dump(mode="json")

    def focus_order(self, order_id: str) -> None:
        """Remember the order the customer means now (and the one before, for 'the other')."""
        if order_id != self.current_order:
            self.previous_order = self.current_order
            self.current_order = order_id
