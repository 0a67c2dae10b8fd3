"""A model-written brief of a handed-off conversation, for the agent who takes it over.

Asked for on demand (the console fetches it when an agent opens a conversation), never
inside a customer's turn: a model call there would hold the turn, and the database, for
seconds. The rules summary written at hand-off stays the record; this is a reading aid.

Grounding is checked in code: every order id and email address the brief mentions must
appear in the conversation itself, else the brief is discarded and the rules summary is
returned with the reason. Customer text reaches the model fenced as quoted data. Without
a model, or when it fails, the rules summary is the answer.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.handoff._machine import HandoffReason
from kefu.handoff.service import ConversationNotFound, summarize
from kefu.llm.base import ChatMessage, LLMError
from kefu.llm.prompts import fence, render_prompt
from kefu.store.models import Conversation, Customer, Handoff, Message

log = logging.getLogger(__name__)

ORDER_ID = re.compile(r"#?W\d{7}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LAST_MESSAGES = 16
MAX_CHARS = 1200


@dataclass(frozen=True)
class Brief:
    """What the agent reads: ``source`` says who wrote it; ``note`` why the rules won."""

    text: str
    source: Literal["model", "rules"]
    note: str = ""


class _Cache:
    """Briefs by (conversation, last message id): a console refresh does not re-run the model."""

    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[tuple[str, int], Brief] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[str, int]) -> Brief | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, int], brief: Brief) -> None:
        with self._lock:
            self._items[key] = brief
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_cache = _Cache()


def _rules_summary(session: Session, conv: Conversation) -> str:
    handoff = session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conv.id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )
    if handoff is not None and handoff.summary:
        return handoff.summary
    reason = HandoffReason(handoff.reason) if handoff is not None else HandoffReason.AGENT_INITIATED
    return summarize(session, conv, reason)


def ungrounded(brief: str, transcript: str) -> list[str]:
    """Order ids and email addresses in ``brief`` that the conversation never mentioned."""
    seen_ids = {m.lstrip("#") for m in ORDER_ID.findall(transcript)}
    seen_emails = {m.lower() for m in EMAIL.findall(transcript)}
    bad = [m for m in ORDER_ID.findall(brief) if m.lstrip("#") not in seen_ids]
    bad += [m for m in EMAIL.findall(brief) if m.lower() not in seen_emails]
    return bad


def conversation_brief(session: Session, conversation_id: str, llm: Any | None) -> Brief:
    """The brief for ``conversation_id``: the model's if it is grounded, else the rules'."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise ConversationNotFound(conversation_id)
    rules = _rules_summary(session, conv)
    if llm is None:
        return Brief(rules, "rules", "no language model configured")
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conv.id)
            .order_by(Message.seq.desc())
            .limit(LAST_MESSAGES)
        )
    )[::-1]
    if not messages:
        return Brief(rules, "rules", "the conversation has no messages yet")
    key = (conv.id, messages[-1].id)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    brief = _ask_model(session, conv, messages, rules, llm)
    _cache.put(key, brief)
    return brief


def _ask_model(
    session: Session, conv: Conversation, messages: list[Message], rules: str, llm: Any
) -> Brief:
    lang = conv.language if conv.language in ("zh", "en") else "en"
    transcript = "\n".join(f"{m.role}: {m.text[:500]}" for m in messages)
    customer = session.get(Customer, conv.customer_id) if conv.customer_id else None
    name = f"{customer.first_name} {customer.last_name}".strip() if customer is not None else None
    order_ids = sorted({m.lstrip("#") for m in ORDER_ID.findall(transcript)})
    prompt = render_prompt(
        "handoff_summary",
        lang,
        customer_name=name,
        order_ids=order_ids or None,
        transcript=fence(transcript, "transcript"),
    )
    system = render_prompt("system", lang, store_name="the store")
    try:
        completion = llm.chat(
            [ChatMessage(role="system", content=system), ChatMessage(role="user", content=prompt)],
            max_tokens=160,
            temperature=0.1,
        )
    except LLMError as exc:
        log.warning("model brief failed: %s", type(exc).__name__)
        return Brief(rules, "rules", "the language model did not answer")
    text = completion.text.strip()[:MAX_CHARS]
    if not text:
        return Brief(rules, "rules", "the language model returned nothing")
    bad = ungrounded(text, transcript)
    if bad:
        log.warning("model brief dropped: %d ungrounded identifiers", len(bad))
        return Brief(rules, "rules", "the model's brief named details not in the conversation")
    return Brief(text, "model")
