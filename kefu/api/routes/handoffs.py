"""Staff queue: conversations waiting for a person; claim, reply, hand back, close."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from kefu.api.deps import AgentDep, SessionDep
from kefu.handoff import (
    AlreadyClaimed,
    ConversationNotFound,
    IllegalTransition,
    NotOwner,
    agent_reply,
    claim,
    close,
    hand_back,
    list_queue,
)

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])


class AgentMessage(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


def _http(exc: Exception) -> HTTPException:
    if isinstance(exc, ConversationNotFound):
        return HTTPException(status.HTTP_404_NOT_FOUND, "conversation not found")
    if isinstance(exc, AlreadyClaimed):
        return HTTPException(
            status.HTTP_409_CONFLICT, "conversation is not waiting (already claimed or closed)"
        )
    if isinstance(exc, NotOwner):
        return HTTPException(status.HTTP_409_CONFLICT, "you do not own this conversation")
    return HTTPException(status.HTTP_409_CONFLICT, str(exc))


@router.get("")
def queue(
    session: SessionDep, agent: AgentDep, include_claimed: bool = True
) -> list[dict[str, Any]]:
    """Waiting conversations (oldest first) with reason, waiting time, sentiment and summary."""
    return [entry.__dict__ for entry in list_queue(session, include_claimed=include_claimed)]


@router.post("/{conversation_id}/claim")
def claim_conversation(
    conversation_id: str, session: SessionDep, agent: AgentDep
) -> dict[str, Any]:
    """Take a waiting conversation; 409 if another agent got it first."""
    try:
        handoff = claim(session, conversation_id, agent.name)
    except (ConversationNotFound, AlreadyClaimed) as exc:
        raise _http(exc)
    return {
        "conversation_id": conversation_id,
        "claimed_by": handoff.claimed_by,
        "summary": handoff.summary,
    }


@router.post("/{conversation_id}/messages", status_code=status.HTTP_201_CREATED)
def reply(
    conversation_id: str, body: AgentMessage, session: SessionDep, agent: AgentDep
) -> dict[str, Any]:
    """Reply to the customer as the agent who owns the conversation."""
    try:
        message = agent_reply(session, conversation_id, agent.name, body.text)
    except (ConversationNotFound, NotOwner) as exc:
        raise _http(exc)
    return {"conversation_id": conversation_id, "seq": message.seq, "author": message.author}


@router.post("/{conversation_id}/hand-back")
def hand_back_conversation(
    conversation_id: str, session: SessionDep, agent: AgentDep
) -> dict[str, Any]:
    """Give the conversation back to the bot."""
    try:
        conv = hand_back(session, conversation_id, agent.name)
    except (ConversationNotFound, NotOwner, IllegalTransition) as exc:
        raise _http(exc)
    return {"conversation_id": conversation_id, "handoff_state": conv.handoff_state.value}


@router.post("/{conversation_id}/close")
def close_conversation(
    conversation_id: str, session: SessionDep, agent: AgentDep
) -> dict[str, Any]:
    """Close the conversation; the customer is asked for a CSAT score."""
    try:
        conv = close(session, conversation_id, agent.name)
    except (ConversationNotFound, NotOwner, IllegalTransition) as exc:
        raise _http(exc)
    return {
        "conversation_id": conversation_id,
        "handoff_state": conv.handoff_state.value,
        "csat_requested": True,
    }
