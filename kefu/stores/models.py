"""Tables of store sync: the outbox of writes for the shop, webhook events, entity versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.models import Base, utcnow


class OutboxMessage(Base):
    """A confirmed write for the shop, recorded in the same transaction as the turn.

    ``status``: pending (to deliver), delivered (the shop applied it), refused (the shop
    said no), failed (gave up after the last attempt; staff are told). ``idempotency_key``
    is unique and sent with every attempt, so the shop applies a write once however often
    it is delivered.
    """

    __tablename__ = "store_outbox"
    __table_args__ = (Index("ix_store_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    backend: Mapped[str] = mapped_column(String(32))
    operation: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column()


class StoreEvent(Base):
    """A webhook event from the shop, kept by id so a replay is recognised and ignored."""

    __tablename__ = "store_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # applied | stale
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class EntityVersion(Base):
    """The newest shop version applied to one mirrored record (out-of-order guard)."""

    __tablename__ = "store_entity_versions"

    entity_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
