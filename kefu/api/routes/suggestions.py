"""Suggested replies for the agent console."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kefu.api.deps import AgentDep, SessionDep
from kefu.handoff.suggestions import suggest_replies

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])


@router.get("/{conversation_id}/suggestions")
def suggestions(
    conversation_id: str, session: SessionDep, _agent: AgentDep
) -> list[dict[str, Any]]:
    """Draft replies: knowledge snippets for the latest question, then openers."""
    return [s.__dict__ for s in suggest_replies(session, conversation_id)]
