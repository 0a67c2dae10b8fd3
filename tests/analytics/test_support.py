"""Support metrics computed from real conversation, handoff and feedback rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from kefu.analytics.support import support_report
from kefu.store.models import (
    Conversation,
    Customer,
    Feedback,
    Handoff,
    HandoffState,
    Message,
    utcnow,
)

NOW = utcnow()


def _customer(session: Session, cid: str) -> None:
    session.add(Customer(id=cid, first_name="A", last_name="B", email=f"{cid}@example.com"))


def _conv(
    session: Session, cid: str, customer: str | None, days_ago: float, **kw: object
) -> Conversation:
    start = NOW - timedelta(days=days_ago)
    conv = Conversation(id=cid, customer_id=customer, created_at=start, updated_at=start, **kw)
    session.add(conv)
    return conv


def _msg(
    session: Session, conv: str, seq: int, role: str, text: str, at_days: float, **kw: object
) -> None:
    session.flush()
    session.add(
        Message(
            conversation_id=conv,
            seq=seq,
            role=role,
            text=text,
            created_at=NOW - timedelta(days=at_days),
            **kw,
        )
    )


def test_support_report_definitions(session: Session) -> None:
    for cid in ("alice", "bob", "carol"):
        _customer(session, cid)
    session.flush()
    # 1. resolved by the bot, customer never came back -> auto-resolved
    _conv(session, "c1", "alice", 20)
    _msg(
        session,
        "c1",
        1,
        "customer",
        "where is my order",
        20,
        intent="order_status",
        confidence=0.9,
        sentiment=0.1,
    )
    _msg(
        session,
        "c1",
        2,
        "assistant",
        "It shipped.",
        20 - 1 / 86400,
        data={"reply": {"tool_calls": [{"name": "track_order"}]}},
    )
    # 2. bob: resolved by bot but came back 3 days later -> not auto-resolved (reopened)
    _conv(session, "c2", "bob", 15)
    _msg(
        session,
        "c2",
        1,
        "customer",
        "how long is shipping",
        15,
        intent="shipping_policy",
        confidence=0.9,
    )
    _msg(
        session,
        "c2",
        2,
        "assistant",
        "3-5 days.",
        15,
        data={"reply": {"citations": [{"citation": "FAQ"}]}},
    )
    _conv(session, "c3", "bob", 12)
    _msg(
        session,
        "c3",
        1,
        "customer",
        "do you sell gift wrapping?",
        12,
        intent="product_question",
        confidence=0.8,
    )
    _msg(
        session, "c3", 2, "assistant", "I'm not sure.", 12, data={"reply": {"citations": []}}
    )  # knowledge gap
    # 3. carol: handed off, answered 5 minutes later, closed, CSAT 2
    conv = _conv(session, "c4", "carol", 5, handoff_state=HandoffState.CLOSED)
    conv.closed_at = NOW - timedelta(days=5) + timedelta(hours=1)
    _msg(
        session,
        "c4",
        1,
        "customer",
        "I want a person",
        5,
        intent="human_agent",
        confidence=0.95,
        sentiment=-0.6,
    )
    requested = NOW - timedelta(days=5)
    session.add(
        Handoff(
            conversation_id="c4",
            reason="explicit_request",
            requested_at=requested,
            first_agent_reply_at=requested + timedelta(minutes=5),
        )
    )
    session.flush()
    session.add(Feedback(conversation_id="c4", kind="csat", score=2))
    session.add(Feedback(conversation_id="c1", kind="csat", score=5))
    # 4. a fresh conversation still in progress -> not finished
    _conv(session, "c5", None, 0.01)
    session.flush()
    _msg(session, "c5", 1, "customer", "hello", 0.01, intent="greeting", confidence=0.99)
    session.flush()

    r = support_report(session, NOW - timedelta(days=30), NOW + timedelta(seconds=1))
    assert r.conversations == 5
    assert r.finished == 4
    assert r.auto_resolved == 1  # only c1: c2 reopened, c3 ended on a gap, c4 went to a person
    assert r.auto_resolution_rate == 0.25
    assert r.handed_off == 1 and r.handoff_rate == 0.2
    assert r.handoffs_by_reason == {"explicit_request": 1}
    assert r.csat_responses == 2 and r.csat_mean == 3.5 and r.csat_positive_share == 0.5
    assert r.agent_first_response_s_p50 == 300.0
    assert [g["question"] for g in r.knowledge_gaps] == ["do you sell gift wrapping?"]
    assert {i["intent"] for i in r.top_intents} == {
        "order_status",
        "shipping_policy",
        "product_question",
        "human_agent",
        "greeting",
    }
    assert sum(d["count"] for d in r.conversations_per_day) == 5
    assert any(p["mean_sentiment"] == -0.6 for p in r.sentiment_trend)


def test_empty_window_is_all_zero(session: Session) -> None:
    r = support_report(session)
    assert r.conversations == 0 and r.auto_resolution_rate is None and r.knowledge_gaps == []


def test_knowledge_gaps_are_questions_without_personal_data(session: Session) -> None:
    _conv(session, "g1", None, 3, handoff_state=HandoffState.CLOSED)
    unsure = {"reply": {"said": [{"key": "low_confidence", "facts": {}, "text": "Sorry?"}]}}
    kb_unsure = {"reply": {"said": [{"key": "kb_unsure", "facts": {}, "text": "Not sure."}]}}
    turns = [
        ("I'm Ivan Santos, zip 75277", unsure),  # identity, not a question
        ("Ivan Santos", unsure),
        ("what about order #W1234567, is it late?", unsure),  # order details
        ("can I pay by phone? call me at 555-123-4567", kb_unsure),  # would leak a phone
        ("do you price match other stores?", kb_unsure),  # a real unanswered question
        ("你们支持开发票吗", kb_unsure),
    ]
    seq = 0
    for text, reply in turns:
        seq += 1
        _msg(session, "g1", seq, "customer", text, 3, intent="policy_question", confidence=0.3)
        seq += 1
        _msg(session, "g1", seq, "assistant", reply["reply"]["said"][0]["text"], 3, data=reply)
    session.flush()
    r = support_report(session, NOW - timedelta(days=30), NOW + timedelta(seconds=1))
    questions = [g["question"] for g in r.knowledge_gaps]
    assert sorted(questions) == sorted(["do you price match other stores?", "你们支持开发票吗"])
    assert not any("75277" in q or "555" in q or "Ivan" in q for q in questions)
