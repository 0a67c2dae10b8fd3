"""Customer chat API: open a conversation, send messages (JSON or SSE), read the transcript."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool

from kefu.api.deps import SessionDep
from kefu.assistant import (
    ConversationNotFound,
    Reply,
    conversation_from_token,
    get_assistant,
    open_conversation,
    send_message,
    transcript,
)
from kefu.assistant.service import finish_stream, stream_message
from kefu.assistant.wording import WordingRun
from kefu.auth.keys import authenticate_key
from kefu.auth.tokens import TokenError
from kefu.handoff import record_csat
from kefu.stores.models import OutboxMessage

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


class OpenRequest(BaseModel):
    language: str | None = Field(
        default=None, description="'zh' or 'en'; guessed per message otherwise."
    )
    customer_token: str | None = Field(
        default=None, description="Signed customer identity from the store site."
    )
    channel: str = Field(default="web", max_length=32)


class OpenResponse(BaseModel):
    conversation_id: str
    token: str
    customer_id: str | None
    language: str


class MessageRequest(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    client_message_id: str | None = Field(default=None, max_length=64)


class FeedbackRequest(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


def _customer_conversation(authorization: str | None, conversation_id: str) -> None:
    """A customer token opens only its own conversation; anything else looks absent (404)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing conversation token")
    try:
        granted = conversation_from_token(authorization.split(" ", 1)[1].strip())
    except TokenError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired conversation token")
    if granted != conversation_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "conversation not found")


def _conversation_access(
    conversation_id: str, authorization: Annotated[str | None, Header()] = None
) -> str:
    """Dependency form, so a missing token is 401 before the body is even validated."""
    _customer_conversation(authorization, conversation_id)
    return conversation_id


CustomerConversation = Annotated[str, Depends(_conversation_access)]


@router.post("", response_model=OpenResponse, status_code=status.HTTP_201_CREATED)
def open_chat(body: OpenRequest, request: Request) -> OpenResponse:
    """Open a conversation; returns its id and the token the customer uses for it."""
    try:
        opened = open_conversation(
            get_assistant(request.app.state.engine),
            language=body.language,
            customer_token=body.customer_token,
            channel=body.channel,
        )
    except TokenError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"invalid customer token: {exc}")
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    return OpenResponse(**opened.__dict__)


def _chunks(text: str) -> list[str]:
    """Word-sized deltas for English, a few characters at a time for Chinese."""
    return [
        c
        for c in re.findall(r"\S+\s*|\s+", text)
        for c in ([c] if c.isascii() else re.findall(r".{1,4}", c, re.S))
    ]


@router.post("/{conversation_id}/messages", response_model=Reply)
async def post_message(
    conversation_id: str,
    body: MessageRequest,
    request: Request,
    _access: CustomerConversation,
    accept: Annotated[str | None, Header()] = None,
    stream: Annotated[bool, Query(description="Stream server-sent events")] = False,
) -> Any:
    """Send a customer message; JSON reply, or SSE (deltas, then the structured reply).

    With ``KEFU_LLM_ROLE=converse`` the deltas are the model's wording as it is generated,
    released sentence by sentence once each passed the checks (kefu/assistant/wording.py),
    then the template for anything that did not; the ``reply`` event carries the text
    exactly as streamed. Otherwise the template is sent in word-sized deltas.
    """
    assistant = get_assistant(request.app.state.engine)
    streaming = stream or "text/event-stream" in (accept or "")
    try:
        if not streaming:
            return await run_in_threadpool(
                send_message, assistant, conversation_id, body.text, body.client_message_id
            )
        reply, run = await run_in_threadpool(
            stream_message, assistant, conversation_id, body.text, body.client_message_id
        )
    except ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "conversation not found")
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    if run is None:
        return EventSourceResponse(_template_events(reply))
    return EventSourceResponse(_worded_events(assistant, reply, run))


def _delta(text: str) -> dict[str, str]:
    return {"event": "delta", "data": json.dumps({"text": text}, ensure_ascii=False)}


async def _template_events(reply: Reply) -> AsyncIterator[dict[str, str]]:
    for delta in _chunks(reply.text):
        yield _delta(delta)
    yield {"event": "reply", "data": reply.model_dump_json()}
    yield {"event": "done", "data": "{}"}


async def _worded_events(
    assistant: Any, reply: Reply, run: WordingRun
) -> AsyncIterator[dict[str, str]]:
    recorded = False
    try:
        async for delta in iterate_in_threadpool(run):
            yield _delta(delta)
        shown = await run_in_threadpool(finish_stream, assistant, reply, run)
        recorded = True
        yield {"event": "reply", "data": shown.model_dump_json()}
        yield {"event": "done", "data": "{}"}
    finally:
        if not recorded:  # the client left: finish and store the turn without it
            threading.Thread(
                target=finish_stream, args=(assistant, reply, run), daemon=True
            ).start()


@router.get("/{conversation_id}")
def get_transcript(
    conversation_id: str,
    session: SessionDep,
    authorization: Annotated[str | None, Header()] = None,
    api_key: Annotated[str | None, Header(alias="X-API-Key")] = None,
    after: Annotated[int | None, Query(ge=0, description="Only messages after this seq")] = None,
) -> dict[str, Any]:
    """The transcript: customers with their conversation token, staff with an API key.

    ``store_pending`` counts this conversation's writes still waiting for the shop (the
    webhook backend's outbox): while it is above 0 the widget polls with ``after`` for the
    store's later notice (a message with role ``store``)."""
    staff = bool(api_key) and authenticate_key(session, api_key or "") is not None
    if not staff:
        _customer_conversation(authorization, conversation_id)
    try:
        result = transcript(session, conversation_id, for_staff=staff)
    except ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "conversation not found")
    out = dict(result.__dict__)
    out["messages"] = [m.__dict__ for m in result.messages if after is None or m.seq > after]
    out["store_pending"] = int(
        session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.conversation_id == conversation_id,
                OutboxMessage.status == "pending",
            )
        )
        or 0
    )
    if not staff:
        out.pop("handoffs")
    return out


@router.post("/{conversation_id}/feedback", status_code=status.HTTP_201_CREATED)
def post_feedback(
    conversation_id: str,
    body: FeedbackRequest,
    session: SessionDep,
    _access: CustomerConversation,
) -> dict[str, Any]:
    """CSAT (1-5) from the customer, asked when the conversation closes."""
    feedback = record_csat(session, conversation_id, body.score, body.comment)
    return {"conversation_id": conversation_id, "score": feedback.score}
