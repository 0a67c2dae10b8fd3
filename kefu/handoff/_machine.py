"""The handoff state machine: who answers a conversation, and which moves are legal.

The state is an enum column (never a magic string in a message), and every change goes
through :func:`transition`, so an illegal move (claiming a closed chat, replying as the bot
while an agent owns it) fails loudly instead of silently corrupting the queue.
"""

from __future__ import annotations

import enum

from kefu.store.models import HandoffState


class HandoffReason(enum.StrEnum):
    """Why the bot asked for a person."""

    EXPLICIT_REQUEST = "explicit_request"
    NEGATIVE_SENTIMENT = "negative_sentiment"
    REPEATED_FRUSTRATION = "repeated_frustration"
    LOW_CONFIDENCE = "low_confidence"
    OUT_OF_SCOPE = "out_of_scope"
    POLICY_DISPUTE = "policy_dispute"
    AGENT_INITIATED = "agent_initiated"


class IllegalTransition(ValueError):
    """A handoff move that the current state does not allow."""

    def __init__(self, current: HandoffState, target: HandoffState) -> None:
        super().__init__(f"cannot move a conversation from {current.value} to {target.value}")
        self.current = current
        self.target = target


ALLOWED: dict[HandoffState, frozenset[HandoffState]] = {
    HandoffState.BOT: frozenset(
        {HandoffState.WAITING_FOR_AGENT, HandoffState.AGENT, HandoffState.CLOSED}
    ),
    HandoffState.WAITING_FOR_AGENT: frozenset(
        {HandoffState.AGENT, HandoffState.BOT, HandoffState.CLOSED}
    ),
    HandoffState.AGENT: frozenset({HandoffState.BOT, HandoffState.CLOSED}),
    HandoffState.CLOSED: frozenset(),
}


def can_transition(current: HandoffState, target: HandoffState) -> bool:
    """Whether ``current -> target`` is a legal move."""
    return target in ALLOWED[current]


def transition(current: HandoffState, target: HandoffState) -> HandoffState:
    """Return ``target`` if the move is legal; raise :class:`IllegalTransition` otherwise."""
    if not can_transition(current, target):
        raise IllegalTransition(current, target)
    return target


def bot_may_reply(state: HandoffState) -> bool:
    """The bot speaks only while it owns the conversation."""
    return state is HandoffState.BOT
