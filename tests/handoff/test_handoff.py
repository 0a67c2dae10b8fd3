"""The handoff state machine and the staff queue on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select

from kefu.handoff import (
    AlreadyClaimed,
    HandoffReason,
    IllegalTransition,
    NotOwner,
    agent_reply,
    append_message,
    claim,
    close,
    hand_back,
    list_queue,
    record_csat,
    request_handoff,
    transition,
)
from kefu.store.db import session_factory
from kefu.store.models import Conversation, Feedback, Handoff, HandoffState, Message


def _waiting_conversation(engine: Engine, cid: str = "c_test") -> str:
    with session_factory(engine)() as s:
        conv = Conversation(id=cid, language="zh", state={})
        s.add(conv)
        s.flush()
        append_message(s, conv, "customer", "我要投诉，包裹一直没到", sentiment=-0.6)
        request_handoff(s, conv, HandoffReason.NEGATIVE_SENTIMENT)
        s.commit()
    return cid


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (HandoffState.CLOSED, HandoffState.BOT),
        (HandoffState.CLOSED, HandoffState.AGENT),
        (HandoffState.AGENT, HandoffState.WAITING_FOR_AGENT),
        (HandoffState.BOT, HandoffState.BOT),
    ],
)
def test_illegal_transitions_raise(current: HandoffState, target: HandoffState) -> None:
    with pytest.raises(IllegalTransition):
        transition(current, target)


def test_handoff_records_reason_time_and_summary_and_joins_the_queue(engine: Engine) -> None:
    cid = _waiting_conversation(engine)
    with session_factory(engine)() as s:
        handoff = s.scalar(select(Handoff).where(Handoff.conversation_id == cid))
        assert handoff is not None
        assert handoff.reason == "negative_sentiment"
        assert handoff.requested_at is not None
        assert "包裹一直没到" in handoff.summary
        queue = list_queue(s)
    assert [e.conversation_id for e in queue] == [cid]
    assert queue[0].state == "waiting_for_agent"
    assert queue[0].sentiment == pytest.approx(-0.6)
    assert queue[0].waiting_s >= 0


def test_only_one_of_two_racing_agents_claims(engine: Engine) -> None:
    cid = _waiting_conversation(engine)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def grab(agent: str) -> None:
        with session_factory(engine)() as s:
            barrier.wait()
            try:
                claim(s, cid, agent)
                s.commit()
                outcomes[agent] = "won"
            except AlreadyClaimed:
                s.rollback()
                outcomes[agent] = "lost"

    threads = [threading.Thread(target=grab, args=(a,)) for a in ("alice", "bob")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes.values()) == ["lost", "won"]
    winner = next(a for a, o in outcomes.items() if o == "won")
    with session_factory(engine)() as s:
        handoff = s.scalar(select(Handoff).where(Handoff.conversation_id == cid))
        assert handoff is not None and handoff.claimed_by == winner
        assert s.get(Conversation, cid).handoff_state is HandoffState.AGENT  # type: ignore[union-attr]


def test_agent_reply_hand_back_and_close_with_csat(engine: Engine) -> None:
    cid = _waiting_conversation(engine)
    with session_factory(engine)() as s:
        claim(s, cid, "alice")
        with pytest.raises(NotOwner):
            agent_reply(s, cid, "bob", "hi")
        msg = agent_reply(s, cid, "alice", "您好，我来帮您查一下。")
        assert msg.role == "agent" and msg.author == "alice"
        conv = hand_back(s, cid, "alice")
        assert conv.handoff_state is HandoffState.BOT
        s.commit()
    with session_factory(engine)() as s:
        conv = close(s, cid, "alice")
        assert conv.handoff_state is HandoffState.CLOSED
        last = s.scalar(
            select(Message)
            .where(Message.conversation_id == cid)
            .order_by(Message.seq.desc())
            .limit(1)
        )
        assert last is not None and last.data == {"csat": True} and "1-5" in last.text
        record_csat(s, cid, 4, "快")
        with pytest.raises(ValueError):
            record_csat(s, cid, 9)
        s.commit()
        assert (
            s.scalar(
                select(func.count()).select_from(Feedback).where(Feedback.conversation_id == cid)
            )
            == 1
        )
        with pytest.raises(IllegalTransition):
            close(s, cid, "alice")
