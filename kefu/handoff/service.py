"""Human handoff: escalate, queue, claim, reply, hand back, close, and CSAT.

Every state change goes through the state machine in :mod:`kefu.handoff._machine`; claiming
is a single conditional UPDATE so two agents racing for one conversation cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kefu.handoff._machine import HandoffReason, IllegalTransition, transition
from kefu.handoff._transcript import append_message
from kefu.store.models import Conversation, Feedback, Handoff, HandoffState, Message, utcnow

CSAT_PROMPT = {
    "en": "This conversation is closed. How satisfied were you with the help you got? (1-5)",
    "zh": "本次对话已结束。您对本次服务满意吗？请打分（1-5）。",
}


class HandoffError(Exception):
    """Base for handoff errors the API maps to HTTP statuses."""


class ConversationNotFound(HandoffError):
    """No conversation with that id."""


class AlreadyClaimed(HandoffError):
    """Another agent claimed the conversation first, or it is not waiting."""


class NotOwner(HandoffError):
    """The agent does not own this conversation."""


@dataclass(frozen=True)
class QueueEntry:
    """One conversation waiting for (or held by) a person."""

    conversation_id: str
    state: str
    reason: str
    summary: str
    requested_at: datetime
    waiting_s: float
    claimed_by: str | None
    language: str
    customer_id: str | None
    sentiment: float | None
    last_customer_message: str | None


def _conversation(session: Session, conversation_id: str) -> Conversation:
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise ConversationNotFound(conversation_id)
    return conv


def _open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.ended_at.is_(None))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def summarize(
    session: Session, conversation: Conversation, reason: HandoffReason, last: int = 6
) -> str:
    """A templated brief for the agent: who, what was asked, how far the bot got."""
    state: dict[str, Any] = conversation.state or {}
    lines = [
        f"Reason: {reason.value}",
        f"Customer: {conversation.customer_id or 'not authenticated'}",
        f"Language: {conversation.language}",
    ]
    flow = state.get("flow")
    if flow:
        slots = ", ".join(f"{k}={v}" for k, v in sorted((flow.get("slots") or {}).items()))
        lines.append(f"Open request: {flow.get('name')} ({slots or 'no details yet'})")
    if state.get("last_refusal"):
        lines.append(f"Bot refused: {state['last_refusal']}")
    intents = [m.intent for m in conversation.messages if m.role == "customer" and m.intent]
    if intents:
        lines.append("Intents so far: " + ", ".join(dict.fromkeys(intents)))
    recent = [m for m in conversation.messages if m.role == "customer"][-last:]
    if recent:
        lines.append("Recent customer messages:")
        lines.extend(f"  - {m.text}" for m in recent)
    return "\n".join(lines)


def request_handoff(
    session: Session, conversation: Conversation, reason: HandoffReason, summary: str | None = None
) -> Handoff:
    """Move the conversation to WAITING_FOR_AGENT and record why, when and a summary."""
    conversation.handoff_state = transition(
        conversation.handoff_state, HandoffState.WAITING_FOR_AGENT
    )
    handoff = Handoff(
        conversation_id=conversation.id,
        reason=reason.value,
        summary=summary if summary is not None else summarize(session, conversation, reason),
    )
    session.add(handoff)
    session.flush()
    return handoff


def list_queue(session: Session, include_claimed: bool = True) -> list[QueueEntry]:
    """Conversations waiting for a person (oldest first), then those agents hold."""
    states = [HandoffState.WAITING_FOR_AGENT] + ([HandoffState.AGENT] if include_claimed else [])
    rows = session.execute(
        select(Conversation, Handoff)
        .join(Handoff, Handoff.conversation_id == Conversation.id)
        .where(Conversation.handoff_state.in_(states), Handoff.ended_at.is_(None))
        .order_by(Handoff.requested_at)
    ).all()
    now = utcnow()
    entries = []
    for conv, handoff in rows:
        customer_msgs = session.scalars(
            select(Message)
            .where(Message.conversation_id == conv.id, Message.role == "customer")
            .order_by(Message.seq.desc())
            .limit(5)
        ).all()
        scores = [m.sentiment for m in customer_msgs if m.sentiment is not None]
        entries.append(
            QueueEntry(
                conversation_id=conv.id,
                state=conv.handoff_state.value,
                reason=handoff.reason,
                summary=handoff.summary,
                requested_at=handoff.requested_at,
                waiting_s=(now - handoff.requested_at).total_seconds(),
                claimed_by=handoff.claimed_by,
                language=conv.language,
                customer_id=conv.customer_id,
                sentiment=round(sum(scores) / len(scores), 3) if scores else None,
                last_customer_message=customer_msgs[0].text if customer_msgs else None,
            )
        )
    return entries


def claim(session: Session, conversation_id: str, agent: str) -> Handoff:
    """Take a waiting conversation; exactly one of several racing agents succeeds.

    The conditional UPDATE is the transaction's first statement, so on SQLite it takes the
    write lock before reading anything (no stale snapshot to upgrade from).
    """
    result = session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.handoff_state == HandoffState.WAITING_FOR_AGENT,
        )
        .values(
            handoff_state=HandoffState.AGENT, version=Conversation.version + 1, updated_at=utcnow()
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        _conversation(session, conversation_id)
        raise AlreadyClaimed(conversation_id)
    session.expire_all()
    handoff = _open_handoff(session, conversation_id)
    if handoff is None:  # a conversation can only wait through request_handoff
        raise AlreadyClaimed(conversation_id)
    handoff.claimed_by = agent
    handoff.claimed_at = utcnow()
    session.flush()
    return handoff


def _owned(session: Session, conversation_id: str, agent: str) -> tuple[Conversation, Handoff]:
    conv = _conversation(session, conversation_id)
    handoff = _open_handoff(session, conversation_id)
    if (
        conv.handoff_state is not HandoffState.AGENT
        or handoff is None
        or handoff.claimed_by != agent
    ):
        raise NotOwner(conversation_id)
    return conv, handoff


def agent_reply(session: Session, conversation_id: str, agent: str, text: str) -> Message:
    """Post a message as the agent who owns the conversation."""
    conv, handoff = _owned(session, conversation_id, agent)
    if handoff.first_agent_reply_at is None:
        handoff.first_agent_reply_at = utcnow()
    return append_message(session, conv, "agent", text, language=conv.language, author=agent)


def hand_back(session: Session, conversation_id: str, agent: str) -> Conversation:
    """Return the conversation to the bot (the agent solved the blocking part)."""
    conv, handoff = _owned(session, conversation_id, agent)
    conv.handoff_state = transition(conv.handoff_state, HandoffState.BOT)
    handoff.ended_at = utcnow()
    handoff.outcome = "handed_back"
    state = dict(conv.state or {})
    state.update(low_confidence=0, frustration=0, flow=None, offer_handoff=False)
    conv.state = state
    session.flush()
    return conv


def close(
    session: Session, conversation_id: str, actor: str, *, require_owner: bool = True
) -> Conversation:
    """Close the conversation and ask the customer for a CSAT score."""
    conv = _conversation(session, conversation_id)
    handoff = _open_handoff(session, conversation_id)
    if (
        require_owner
        and conv.handoff_state is HandoffState.AGENT
        and (handoff is None or handoff.claimed_by != actor)
    ):
        raise NotOwner(conversation_id)
    conv.handoff_state = transition(conv.handoff_state, HandoffState.CLOSED)
    conv.closed_at = utcnow()
    if handoff is not None:
        handoff.ended_at = conv.closed_at
        handoff.outcome = "closed"
    conv.state = {**(conv.state or {}), "csat_requested": True}
    lang = conv.language if conv.language in CSAT_PROMPT else "en"
    append_message(
        session, conv, "system", CSAT_PROMPT[lang], language=lang, data={"csat": True}, author=actor
    )
    return conv


def record_csat(
    session: Session, conversation_id: str, score: int, comment: str | None = None
) -> Feedback:
    """Store the customer's 1-5 satisfaction score for a conversation (one per conversation)."""
    if not 1 <= score <= 5:
        raise ValueError("CSAT score must be between 1 and 5")
    _conversation(session, conversation_id)
    existing = session.scalar(
        select(Feedback).where(Feedback.conversation_id == conversation_id, Feedback.kind == "csat")
    )
    if existing is not None:
        existing.score = score
        existing.comment = comment
        session.flush()
        return existing
    feedback = Feedback(conversation_id=conversation_id, kind="csat", score=score, comment=comment)
    session.add(feedback)
    session.flush()
    return feedback


__all__ = [
    "CSAT_PROMPT",
    "AlreadyClaimed",
    "ConversationNotFound",
    "HandoffError",
    "IllegalTransition",
    "NotOwner",
    "QueueEntry",
    "agent_reply",
    "claim",
    "close",
    "hand_back",
    "list_queue",
    "record_csat",
    "request_handoff",
    "summarize",
]
