"""A month of support history for the demo, made by the real assistant.

Scripted customer conversations (the assistant's own evaluation scripts) are played through
the engine by the rules alone, never worded or read by a configured language model; people
then claim, answer and close some of the handed-off ones, a share of customers leave a CSAT
score, and the timestamps are spread over the 30 days before the demo date so the dashboard
has something to show. Everything is recorded exactly as live traffic would be.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kefu.store.db import get_engine, session_scope
from kefu.store.models import Conversation, Feedback, Handoff, HandoffState, Message
from kefu.stores import BuiltinBackend, backend_in_use

SCRIPTS = Path(__file__).resolve().parent.parent / "assistant" / "eval" / "conversations"
AGENT_REPLY = {
    "zh": "您好，我是人工客服小林，已经为您查看了订单，问题已处理，请放心。",
    "en": "Hi, this is Lin from the support team. I've looked into it and sorted it out for you.",
}


def _scripts(every: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted(SCRIPTS.glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        out.extend(items[::every])
    return out


def _shift(session: Session, conversation_id: str, delta: timedelta) -> None:
    conv = session.get(Conversation, conversation_id)
    assert conv is not None
    conv.created_at += delta
    conv.updated_at += delta
    if conv.closed_at is not None:
        conv.closed_at += delta
    for msg in session.scalars(select(Message).where(Message.conversation_id == conversation_id)):
        msg.created_at += delta
    for h in session.scalars(select(Handoff).where(Handoff.conversation_id == conversation_id)):
        h.requested_at += delta
        for field in ("claimed_at", "first_agent_reply_at", "ended_at"):
            value = getattr(h, field)
            if value is not None:
                setattr(h, field, value + delta)


def load_demo_history(now: datetime, rand: Callable[[str], float], every: int = 4) -> list[str]:
    """Play the scripts once into an empty support desk; returns summary lines.

    ``rand`` maps a string to a stable number in [0, 1), so every machine gets the same demo.
    """
    from kefu.assistant import Assistant, open_conversation
    from kefu.handoff.service import agent_reply, claim, close, record_csat

    engine = get_engine()
    with session_scope() as session:
        if session.scalar(select(func.count()).select_from(Conversation)):
            return ["support history: already there"]
    # canned history for the dashboard: played by the rules alone, so a configured model
    # (or a slow one) neither words it nor holds up `kefu demo`; the server's own assistant,
    # with the model, is built at its start-up (kefu.api.app.warm_up)
    assistant = Assistant(engine, llm=None)
    played: list[tuple[str, str]] = []
    # the canned writes change the demo mirror only: with a real shop configured
    # (KEFU_STORE_BACKEND=webhook, medusa...) they must never reach it
    with backend_in_use(BuiltinBackend()):
        for script in _scripts(every):
            opened = open_conversation(assistant, language=str(script.get("language") or "en"))
            for turn in script.get("turns", []):  # type: ignore[attr-defined]
                assistant.handle(opened.conversation_id, str(turn))
            played.append((opened.conversation_id, str(script.get("id"))))
    closed = rated = 0
    for cid, sid in played:
        with session_scope() as session:
            conv = session.get(Conversation, cid)
            assert conv is not None
            lang = conv.language if conv.language in AGENT_REPLY else "en"
            waiting = conv.handoff_state is HandoffState.WAITING_FOR_AGENT
            if waiting and rand(f"answer:{sid}") < 0.75:
                claim(session, cid, "demo-agent-lin")
                agent_reply(session, cid, "demo-agent-lin", AGENT_REPLY[lang])
                close(session, cid, "demo-agent-lin")
                closed += 1
            elif conv.handoff_state is HandoffState.BOT and rand(f"close:{sid}") < 0.5:
                close(session, cid, "assistant", require_owner=False)
                closed += 1
            if conv.closed_at is not None and rand(f"csat:{sid}") < 0.6:
                score = 5 if rand(f"score:{sid}") < 0.55 else (4 if rand(f"s2:{sid}") < 0.6 else 3)
                record_csat(session, cid, score)
                rated += 1
            # spread over the last 30 days; human replies came a few minutes after the request
            delta = (now - timedelta(days=30 * rand(f"day:{sid}"), hours=2)) - conv.created_at
            _shift(session, cid, delta)
            session.flush()
            for h in session.scalars(select(Handoff).where(Handoff.conversation_id == cid)):
                if h.first_agent_reply_at is not None:
                    wait = timedelta(seconds=60 + 900 * rand(f"wait:{sid}"))
                    h.claimed_at = h.requested_at + wait * 0.8
                    h.first_agent_reply_at = h.requested_at + wait
            session.execute(
                update(Feedback)
                .where(Feedback.conversation_id == cid)
                .values(created_at=conv.created_at + timedelta(minutes=30))
            )
    return [f"support history: {len(played)} conversations, {closed} closed, {rated} rated"]
