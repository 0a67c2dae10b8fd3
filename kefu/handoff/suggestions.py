"""Suggested replies for a human agent: grounded snippets from the knowledge base for the
customer's latest question, plus a few courteous openers in the conversation's language.

Suggestions are drafts the agent edits and sends; nothing is sent automatically.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.store.models import Conversation, Message

log = logging.getLogger(__name__)

_OPENERS = {
    "zh": [
        "您好，我是人工客服，已经看到您前面的对话，马上为您处理。",
        "非常抱歉给您带来不便，我来帮您核实一下订单情况，请稍等。",
        "已为您处理完毕，请问还有其他可以帮您的吗？",
    ],
    "en": [
        "Hi, I'm a member of the support team. I've read your conversation and I'm on it.",
        "I'm sorry for the trouble. Let me check your order for you, one moment please.",
        "That's done for you. Is there anything else I can help with?",
    ],
}


@dataclass(frozen=True)
class Suggestion:
    """A draft reply and where its facts come from (empty for openers)."""

    text: str
    source: str = ""


def suggest_replies(session: Session, conversation_id: str, k: int = 2) -> list[Suggestion]:
    """Drafts for the agent working ``conversation_id`` (empty list if it does not exist)."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        return []
    lang = conv.language if conv.language in _OPENERS else "en"
    last = session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.role == "customer")
        .order_by(Message.seq.desc())
        .limit(1)
    )
    out: list[Suggestion] = []
    if last is not None:
        try:
            from kefu.knowledge import get_knowledge_base

            for hit in get_knowledge_base().search(last.text, k=k):
                snippet = " ".join(hit.text.split())[:400]
                out.append(Suggestion(text=snippet, source=hit.citation))
        except Exception:  # the knowledge base is optional for suggestions; openers still help
            log.warning("knowledge suggestions unavailable", exc_info=True)
    out.extend(Suggestion(text=t) for t in _OPENERS[lang])
    return out
