"""Support analytics for the dashboard: how well the desk (bot + people) serves customers.

Definitions (computed over conversations *created* in the window):

- **finished**: closed, or idle (no message) for ``idle_hours``.
- **auto-resolved**: finished, never handed to a person, its last assistant turn was not a
  knowledge gap, and the same customer did not open another conversation (or write again
  in this one after it went idle) within ``reopen_days`` (7) of its last message.
  Anonymous conversations can only be checked within themselves.
- **auto-resolution rate** = auto-resolved / finished.
- **handoff rate** = conversations with at least one handoff / conversations, per reason.
- **CSAT** = mean 1-5 score and the share of 4-5 scores.
- **first response time**: customer's first message → first reply (bot or person), and
  handoff requested → first human reply (the number that staffing changes).
- **top intents**: what customers came for (yes/no answers to the bot are not counted).
- **knowledge gaps** (unanswered questions): customer *questions* answered with the
  low-confidence / no-answer path, or classified out of scope. Messages that carry identity
  or order details (an email, a zip, an order id, a street address, a phone number) are never
  gaps, and the questions listed are shown with any personal data masked.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.llm.redact import redact
from kefu.store.models import Conversation, Feedback, Handoff, Message, utcnow

GAP_MARKERS = frozenset(
    {"low_confidence", "no_answer", "kb_no_answer", "knowledge_gap", "out_of_scope"}
)
KNOWLEDGE_INTENTS = frozenset(
    {"shipping_policy", "payment_methods", "invoice", "product_question", "policy_question"}
)
DIALOGUE_ACTS = frozenset({"affirm", "deny"})  # answers to the bot, not what customers came for
SOCIAL_INTENTS = frozenset(
    {"greeting", "thanks", "goodbye", "affirm", "deny", "human_agent", "complaint"}
)


@dataclass
class SupportReport:
    """Everything the dashboard charts, JSON-ready."""

    since: str
    until: str
    conversations: int = 0
    finished: int = 0
    auto_resolved: int = 0
    auto_resolution_rate: float | None = None
    handed_off: int = 0
    handoff_rate: float | None = None
    handoffs_by_reason: dict[str, int] = field(default_factory=dict)
    csat_mean: float | None = None
    csat_positive_share: float | None = None
    csat_responses: int = 0
    first_response_s_p50: float | None = None
    agent_first_response_s_p50: float | None = None
    agent_first_response_s_p90: float | None = None
    conversations_per_day: list[dict[str, Any]] = field(default_factory=list)
    top_intents: list[dict[str, Any]] = field(default_factory=list)
    knowledge_gaps: list[dict[str, Any]] = field(default_factory=list)
    sentiment_trend: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict."""
        return asdict(self)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    data = sorted(values)
    return round(data[min(len(data) - 1, int(q * (len(data) - 1) + 0.5))], 2)


GAP_KEYS = frozenset({"low_confidence", "out_of_scope", "kb_unsure"})
"""Reply templates that mean "I could not answer that" (see kefu.assistant._templates)."""
_QUESTION = re.compile(
    r"[?？]|^\s*(?:what|how|why|when|where|which|who|can|could|do|does|is|are|will|would|"
    r"should|may)\b|吗|呢|怎么|什么|多少|如何|哪|能不能|可不可以|可以.{0,8}吗|是否|有没有|几",
    re.I,
)
_DETAILS = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|#?\bW\d{7}\b|(?<!\d)\d{5}(?!\d)|\d{3}[ .-]?\d{3,4}[ .-]?\d{4}"
    r"|\b\d{1,6}\s+[A-Z][a-z]+\s+(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr)\b",
    re.I,
)


def _is_question(text: str) -> bool:
    """A question someone could answer in the knowledge base, not identity or order details."""
    return bool(_QUESTION.search(text)) and not _DETAILS.search(text)


def _is_gap(customer: Message, reply: Message | None) -> bool:
    """Whether ``customer`` is a real question the bot could not answer (see the module doc)."""
    return _is_question(customer.text) and _unanswered(customer, reply)


def _unanswered(customer: Message, reply: Message | None) -> bool:
    """Whether the bot failed to answer ``customer`` from knowledge or a flow.

    Out-of-scope questions count; so do questions the bot answered without a citation, a
    tool call or a flow (a knowledge-type intent with nothing retrieved, or a message it did
    not understand).
    """
    if customer.intent == "out_of_scope":
        return True
    if reply is None or not reply.data:
        return False
    body = reply.data.get("reply", reply.data)
    said = {str(p.get("key")) for p in body.get("said") or [] if isinstance(p, dict)}
    if said & GAP_KEYS or body.get("answer_kind") in GAP_MARKERS:
        return True
    if body.get("citations") or body.get("tool_calls") or body.get("flow") or body.get("cards"):
        return False
    if body.get("handoff_state", "bot") != "bot" or customer.intent in SOCIAL_INTENTS:
        return False
    return customer.intent in KNOWLEDGE_INTENTS or (customer.confidence or 0.0) < 0.5


def support_report(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    idle_hours: float = 24,
    reopen_days: int = 7,
    top: int = 10,
) -> SupportReport:
    """Compute the support metrics for conversations created in ``[since, until)``."""
    until = until or utcnow()
    since = since or until - timedelta(days=30)
    report = SupportReport(since=since.isoformat(), until=until.isoformat())
    convs = list(
        session.scalars(
            select(Conversation).where(
                Conversation.created_at >= since, Conversation.created_at < until
            )
        )
    )
    report.conversations = len(convs)
    if not convs:
        return report
    ids = [c.id for c in convs]
    messages: dict[str, list[Message]] = defaultdict(list)
    for m in session.scalars(
        select(Message)
        .where(Message.conversation_id.in_(ids))
        .order_by(Message.conversation_id, Message.seq)
    ):
        messages[m.conversation_id].append(m)
    handoffs: dict[str, list[Handoff]] = defaultdict(list)
    for h in session.scalars(select(Handoff).where(Handoff.conversation_id.in_(ids))):
        handoffs[h.conversation_id].append(h)
    feedback = list(
        session.scalars(
            select(Feedback).where(Feedback.conversation_id.in_(ids), Feedback.kind == "csat")
        )
    )

    # later conversations of the same customers, for the reopen check
    customer_ids = {c.customer_id for c in convs if c.customer_id}
    later_starts: dict[str, list[datetime]] = defaultdict(list)
    if customer_ids:
        for cid, created in session.execute(
            select(Conversation.customer_id, Conversation.created_at).where(
                Conversation.customer_id.in_(customer_ids), Conversation.created_at >= since
            )
        ):
            if cid is not None:
                later_starts[cid].append(created)

    now = utcnow()
    per_day: Counter[str] = Counter()
    intents: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    gap_example_lang: dict[str, str | None] = {}
    first_response: list[float] = []
    sentiment_by_day: dict[str, list[float]] = defaultdict(list)
    for conv in convs:
        msgs = messages[conv.id]
        per_day[conv.created_at.date().isoformat()] += 1
        last_at = msgs[-1].created_at if msgs else conv.created_at
        finished = conv.closed_at is not None or (now - last_at) >= timedelta(hours=idle_hours)
        gap_at_end = False
        first_customer = next((m for m in msgs if m.role == "customer"), None)
        if first_customer is not None:
            first_reply = next(
                (
                    m
                    for m in msgs
                    if m.seq > first_customer.seq and m.role in ("assistant", "agent")
                ),
                None,
            )
            if first_reply is not None:
                first_response.append(
                    (first_reply.created_at - first_customer.created_at).total_seconds()
                )
        for i, m in enumerate(msgs):
            if m.role != "customer":
                continue
            if m.intent and m.intent not in DIALOGUE_ACTS:
                intents[m.intent] += 1
            if m.sentiment is not None:
                sentiment_by_day[m.created_at.date().isoformat()].append(float(m.sentiment))
            reply = next((r for r in msgs[i + 1 :] if r.role == "assistant"), None)
            if _is_gap(m, reply):
                key = redact(" ".join(m.text.split()))[:200]
                gaps[key] += 1
                gap_example_lang[key] = m.language
                gap_at_end = True
            elif reply is not None:
                gap_at_end = False
        if handoffs[conv.id]:
            report.handed_off += 1
        if not finished:
            continue
        report.finished += 1
        reopened = any(
            last_at < start <= last_at + timedelta(days=reopen_days)
            for start in later_starts.get(conv.customer_id or "", [])
        )
        if not handoffs[conv.id] and not gap_at_end and not reopened:
            report.auto_resolved += 1

    report.auto_resolution_rate = (
        round(report.auto_resolved / report.finished, 4) if report.finished else None
    )
    report.handoff_rate = round(report.handed_off / report.conversations, 4)
    reasons: Counter[str] = Counter(h.reason for hs in handoffs.values() for h in hs)
    report.handoffs_by_reason = dict(reasons.most_common())
    agent_frt = [
        (h.first_agent_reply_at - h.requested_at).total_seconds()
        for hs in handoffs.values()
        for h in hs
        if h.first_agent_reply_at is not None
    ]
    report.first_response_s_p50 = _pct(first_response, 0.5)
    report.agent_first_response_s_p50 = _pct(agent_frt, 0.5)
    report.agent_first_response_s_p90 = _pct(agent_frt, 0.9)
    if feedback:
        scores = [f.score for f in feedback]
        report.csat_responses = len(scores)
        report.csat_mean = round(statistics.fmean(scores), 3)
        report.csat_positive_share = round(sum(s >= 4 for s in scores) / len(scores), 4)
    report.conversations_per_day = [{"day": d, "count": n} for d, n in sorted(per_day.items())]
    report.top_intents = [{"intent": k, "count": n} for k, n in intents.most_common(top)]
    report.knowledge_gaps = [
        {"question": q, "count": n, "language": gap_example_lang.get(q)}
        for q, n in gaps.most_common(top * 2)
    ]
    report.sentiment_trend = [
        {"day": d, "mean_sentiment": round(statistics.fmean(v), 3), "messages": len(v)}
        for d, v in sorted(sentiment_by_day.items())
    ]
    return report
