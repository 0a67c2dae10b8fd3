"""Appending turns to a conversation's transcript (shared by the bot and human agents)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.store.models import Conversation, Message


def next_seq(session: Session, conversation_id: str) -> int:
    """The next message sequence number. The conversation row is locked first (PostgreSQL;
    SQLite has one writer at a time), so a turn and a store notice written at the same moment
    queue instead of taking the same number; the unique constraint still guards."""
    session.execute(
        select(Conversation.id).where(Conversation.id == conversation_id).with_for_update()
    )
    current = session.scalar(
        select(func.max(Message.seq)).where(Message.conversation_id == conversation_id)
    )
    return int(current or 0) + 1


def append_message(
    session: Session,
    conversation: Conversation,
    role: str,
    text: str,
    *,
    language: str | None = None,
    intent: str | None = None,
    confidence: float | None = None,
    sentiment: float | None = None,
    data: dict[str, Any] | None = None,
    client_message_id: str | None = None,
    author: str | None = None,
) -> Message:
    """Add one message (customer, assistant, agent or system) and flush it."""
    message = Message(
        conversation_id=conversation.id,
        seq=next_seq(session, conversation.id),
        role=role,
        text=text,
        language=language,
        intent=intent,
        confidence=confidence,
        sentiment=sentiment,
        data=data,
        client_message_id=client_message_id,
        author=author,
    )
    session.add(message)
    session.flush()
    return message
