"""Human handoff: a state machine per conversation and the staff queue around it."""

from kefu.handoff._machine import (
    HandoffReason,
    IllegalTransition,
    bot_may_reply,
    can_transition,
    transition,
)
from kefu.handoff._transcript import append_message
from kefu.handoff.service import (
    CSAT_PROMPT,
    AlreadyClaimed,
    ConversationNotFound,
    HandoffError,
    NotOwner,
    QueueEntry,
    agent_reply,
    claim,
    close,
    hand_back,
    list_queue,
    record_csat,
    request_handoff,
    summarize,
)

__all__ = [
    "CSAT_PROMPT",
    "AlreadyClaimed",
    "ConversationNotFound",
    "HandoffError",
    "HandoffReason",
    "IllegalTransition",
    "NotOwner",
    "QueueEntry",
    "agent_reply",
    "append_message",
    "bot_may_reply",
    "can_transition",
    "claim",
    "close",
    "hand_back",
    "list_queue",
    "record_csat",
    "request_handoff",
    "summarize",
    "transition",
]
