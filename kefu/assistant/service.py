"""Conversation service: open a chat, take a turn, read a transcript, control access.

Customers hold a signed conversation token naming exactly one conversation; the store's
site may pass a signed customer token so the chat starts already authenticated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kefu.assistant._reply import Reply
from kefu.assistant.engine import Assistant, ConversationNotFound
from kefu.assistant.wording import WordingRun, record, wording_for
from kefu.auth.tokens import TokenError, sign_token, verify_site_identity, verify_token
from kefu.store.models import Conversation, Handoff, Message

CONVERSATION_TOKEN_TTL_S = 30 * 24 * 3600
_ASSISTANTS: dict[int, Assistant] = {}


def get_assistant(engine: Engine) -> Assistant:
    """One engine-bound assistant per database engine (with the configured model, if any)."""
    key = id(engine)
    if key not in _ASSISTANTS:
        _ASSISTANTS[key] = Assistant(engine, llm=_configured_llm())
    return _ASSISTANTS[key]


def warm_assistant(engine: Engine) -> Assistant:
    """Build the server's assistant (and its model client) before traffic; in converse also
    read the product names the wording checks use. Nothing here calls the model."""
    assistant = get_assistant(engine)
    if assistant.llm is not None:
        from kefu.assistant.wording import current_role, store_products

        if current_role() == "converse":
            store_products(engine)
    return assistant


def _configured_llm() -> Any | None:
    try:
        from kefu.llm import get_llm
    except ImportError:
        return None
    return get_llm()


@dataclass(frozen=True)
class OpenedConversation:
    """A new conversation and the token its customer uses to reach it."""

    conversation_id: str
    token: str
    customer_id: str | None
    language: str


def customer_from_token(customer_token: str) -> str:
    """The customer id a store site vouched for (:func:`kefu.auth.sign_site_identity`)."""
    return verify_site_identity(customer_token)


def open_conversation(
    assistant: Assistant,
    *,
    language: str | None = None,
    customer_token: str | None = None,
    channel: str = "web",
) -> OpenedConversation:
    """Start a conversation; a valid customer token authenticates it from the first turn."""
    customer_id = customer_from_token(customer_token) if customer_token else None
    conversation_id = assistant.start(language=language, customer_id=customer_id, channel=channel)
    token = sign_token(
        {"conv": conversation_id, "kind": "conversation"}, ttl_s=CONVERSATION_TOKEN_TTL_S
    )
    return OpenedConversation(
        conversation_id, token, customer_id, language if language in ("zh", "en") else "en"
    )


def conversation_from_token(token: str) -> str:
    """The conversation a customer token grants; raises TokenError for anything else."""
    claims = verify_token(token)
    if claims.get("kind") != "conversation" or not isinstance(claims.get("conv"), str):
        raise TokenError("not a conversation token")
    return str(claims["conv"])


def send_message(
    assistant: Assistant, conversation_id: str, text: str, client_message_id: str | None = None
) -> Reply:
    """One customer turn (idempotent by ``client_message_id``).

    With ``KEFU_LLM_ROLE=converse`` and a model, the decided reply is then worded by the
    model (one call, after the turn's transaction, checked; the template where it fails) and
    the stored message holds what the customer sees.
    """
    reply = assistant.handle(conversation_id, text, client_message_id)
    run = wording_for(assistant, reply, text)
    if run is None:
        return reply
    return record(assistant, reply, run.run())


def stream_message(
    assistant: Assistant, conversation_id: str, text: str, client_message_id: str | None = None
) -> tuple[Reply, WordingRun | None]:
    """One customer turn for a streaming client: the decided reply and, in converse, the
    wording run to iterate for checked text deltas; then :func:`finish_stream`."""
    reply = assistant.handle(conversation_id, text, client_message_id)
    return reply, wording_for(assistant, reply, text)


def finish_stream(assistant: Assistant, reply: Reply, run: WordingRun) -> Reply:
    """After the deltas: store and return the reply as it was shown. A client that left
    early gets the checked text so far and the template for the rest."""
    if run.result is None:
        for _ in run:  # the client left mid-stream: finish (bounded by the timeout)
            pass
    assert run.result is not None
    return record(assistant, reply, run.result)


@dataclass(frozen=True)
class TranscriptMessage:
    """One line of a transcript as customers and agents see it."""

    seq: int
    role: str
    text: str
    language: str | None
    author: str | None
    created_at: datetime
    data: dict[str, Any] | None


@dataclass(frozen=True)
class Transcript:
    """A conversation with its messages and handoff history."""

    conversation_id: str
    customer_id: str | None
    language: str
    handoff_state: str
    created_at: datetime
    messages: list[TranscriptMessage]
    handoffs: list[dict[str, Any]]


def transcript(session: Session, conversation_id: str, *, for_staff: bool = False) -> Transcript:
    """The conversation's messages in order (staff also see intents and handoff summaries)."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise ConversationNotFound(conversation_id)
    messages = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq)
    ).all()
    handoffs = []
    if for_staff:
        for h in session.scalars(
            select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(Handoff.id)
        ):
            handoffs.append(
                {
                    "reason": h.reason,
                    "summary": h.summary,
                    "requested_at": h.requested_at.isoformat(),
                    "claimed_by": h.claimed_by,
                    "ended_at": h.ended_at.isoformat() if h.ended_at else None,
                    "outcome": h.outcome,
                }
            )
    return Transcript(
        conversation_id=conv.id,
        customer_id=conv.customer_id,
        language=conv.language,
        handoff_state=conv.handoff_state.value,
        created_at=conv.created_at,
        messages=[
            TranscriptMessage(
                seq=m.seq,
                role=m.role,
                text=m.text,
                language=m.language,
                author=m.author,
                created_at=m.created_at,
                data=_visible_data(m, for_staff),
            )
            for m in messages
        ],
        handoffs=handoffs,
    )


def _visible_data(message: Message, for_staff: bool) -> dict[str, Any] | None:
    if for_staff:
        return {
            "intent": message.intent,
            "confidence": message.confidence,
            "sentiment": message.sentiment,
            **(message.data or {}),
        }
    reply = (message.data or {}).get("reply")
    if not reply:
        return None
    return {k: reply.get(k) for k in ("quick_replies", "cards", "citations", "csat")}
