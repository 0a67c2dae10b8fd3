"""Reading aids for the agent console: suggested replies and a brief of the conversation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from kefu.api.deps import AgentDep, SessionDep
from kefu.handoff import ConversationNotFound
from kefu.handoff.brief import conversation_brief
from kefu.handoff.suggestions import suggest_replies

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])


@router.get("/{conversation_id}/suggestions")
def suggestions(
    conversation_id: str, session: SessionDep, _agent: AgentDep
) -> list[dict[str, Any]]:
    """Draft replies: knowledge snippets for the latest question, then openers."""
    return [s.__dict__ for s in suggest_replies(session, conversation_id)]


@router.get("/{conversation_id}/brief")
def brief(conversation_id: str, session: SessionDep, _agent: AgentDep) -> dict[str, str]:
    """A brief of the conversation: the configured model's when it is grounded in the
    transcript (``source: model``), else the rules summary (``source: rules``, ``note`` why)."""
    from kefu.llm import get_llm

    try:
        found = conversation_brief(session, conversation_id, get_llm())
    except ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "conversation not found") from None
    return {"text": found.text, "source": found.source, "note": found.note}
