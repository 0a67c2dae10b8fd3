"""One turn of the dialogue: what it reads (records via tools) and writes (the reply),
and the thresholds the dialogue policy decides with."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from kefu.assistant._phrase import Prepared
from kefu.assistant._reply import Card, Citation, QuickReply
from kefu.assistant._state import DialogueState
from kefu.assistant._templates import label, t
from kefu.assistant._tools import ToolRunner
from kefu.assistant._understand import (
    KNOWLEDGE_INTENTS,
    Understanding,
)
from kefu.store.models import Conversation

KNOWLEDGE_LIKE = KNOWLEDGE_INTENTS | {"product_question"}
MODEL_MARGIN = 0.25
MODEL_SURE = 0.6
"""With a model, a best intent under MODEL_SURE or within MODEL_MARGIN of the runner-up,
when the two lead to different actions, is settled by the model choosing between them
(its choice still validated by the code)."""
CONFIDENCE_FLOOR = 0.45
"""Below this intent confidence the engine asks to rephrase (twice in a row: a person)."""
NEGATIVE_SENTIMENT = -0.6
"""A message this negative goes straight to a person."""
SMALL_TALK = {"greeting", "thanks", "goodbye"}
OWN_SLOT = {
    "change_payment": "payment_method_id",
    "refund_status": "payment_method_id",
    "change_address": "address",
}
"""Requests that, inside an open request with that slot, only fill it ("paypal for the
difference" in an exchange is its payment method, not a payment change of the order)."""
POLICY_TOPICS = re.compile(
    r"(?P<exchange_items>exchang|换货|换成)|(?P<return_items>return|退货|退回|能退|可以退)"
    r"|(?P<cancel_order>cancel|取消)",
    re.I,
)
"""Which request a policy question is about, to offer starting it."""
POLICY_CUES = re.compile(r"warrant|guarantee|return|refund|保修|质保|保固|退货|退款|三包", re.I)
"""Product questions about these are policy questions about that product."""


class ConversationNotFound(LookupError):
    """No conversation with that id (or not visible to the caller)."""


class Turn:
    """Everything one turn reads and writes; the policy methods below fill ``reply``."""

    def __init__(
        self, session: Session, conv: Conversation, state: DialogueState, u: Understanding
    ) -> None:
        self.session = session
        self.conv = conv
        self.state = state
        self.u = u
        self.tools = ToolRunner(session, conv.id, state.customer_id)
        self.texts: list[str] = []
        self.said: list[dict[str, Any]] = []
        """One entry per text: the template key and the facts it was filled from (for a
        model to word them; code-written texts have no key)."""
        self.quick: list[QuickReply] = []
        self.cards: list[Card] = []
        self.citations: list[Citation] = []
        self.previous_offer: str | None = None
        self.model_command: str | None = None
        self.prepared: Prepared | None = None
        self._orders: dict[str, dict[str, Any] | None] = {}
        self._user: dict[str, Any] | None = None

    @property
    def lang(self) -> str:
        return self.state.language

    def say(self, key: str, **facts: Any) -> None:
        self.add(t(key, self.lang, **facts), key=key, facts=facts)

    def add(
        self, text: str, *, key: str | None = None, facts: dict[str, Any] | None = None
    ) -> None:
        """Append one piece of the reply (``say`` for a template; code-built text otherwise)."""
        self.texts.append(text)
        self.said.append({"key": key, "facts": _plain(facts or {}), "text": text})

    def lead_with(self, n: int) -> None:
        """Move the texts added after the first ``n`` to the front of the reply."""
        self.texts[:] = self.texts[n:] + self.texts[:n]
        self.said[:] = self.said[n:] + self.said[:n]

    def rewind(self, n: int) -> None:
        """Drop every text after the first ``n`` (a probe that must leave no trace)."""
        del self.texts[n:]
        del self.said[n:]

    def yes_no(self) -> None:
        self.quick = [
            QuickReply(label=label("yes", self.lang), value=label("yes", self.lang)),
            QuickReply(label=label("no", self.lang), value=label("no", self.lang)),
        ]

    # ------------------------------------------------------------------ records via tools

    def order(self, order_id: str) -> dict[str, Any] | None:
        if order_id not in self._orders:
            call = self.tools.call("get_order_details", {"order_id": order_id})
            self._orders[order_id] = call.data if call.ok and isinstance(call.data, dict) else None
        return self._orders[order_id]

    def user(self) -> dict[str, Any] | None:
        if self._user is None and self.state.customer_id:
            call = self.tools.call("get_user_details", {"user_id": self.state.customer_id})
            self._user = call.data if call.ok and isinstance(call.data, dict) else None
        return self._user

    def product(self, product_id: str) -> dict[str, Any] | None:
        call = self.tools.call("get_product_details", {"product_id": product_id})
        return call.data if call.ok and isinstance(call.data, dict) else None

    def methods(self) -> list[dict[str, Any]]:
        user = self.user()
        return list((user or {}).get("payment_methods", {}).values())


def _plain(value: Any) -> Any:
    """Facts as JSON-safe values (Decimal and dates as text) for the stored reply."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


_ORDER_ID = re.compile(r"#?\bW\d{7}\b")


def _proposal_key(text: str, lang: str, menu: dict[str, str] | None) -> tuple[Any, ...]:
    """What a model reading depends on: the message, its language and the offered menu."""
    return (text, lang, tuple(sorted(menu.items())) if menu else None)


def _scrub_identifiers(text: str) -> str:
    """A policy answer never needs a particular customer's order: a document that carries
    order ids (planted or pasted) is quoted without them. Store contact details in the
    documents (hotline, returns address) are kept."""
    return _ORDER_ID.sub("[order]", text)
