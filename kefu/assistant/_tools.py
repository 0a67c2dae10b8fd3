"""Calling the order tools on the customer's behalf and recording each call for the reply."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from kefu.assistant._reply import ToolCall


def idempotency_key(conversation_id: str, name: str, args: dict[str, Any]) -> str:
    """Same conversation + same confirmed action = same key, so a retried 'yes' acts once."""
    digest = hashlib.sha256(
        json.dumps([name, args], sort_keys=True, default=str).encode()
    ).hexdigest()[:24]
    return f"conv:{conversation_id}:{name}:{digest}"


class ToolRunner:
    """Calls :func:`kefu.orders.call_tool` scoped to one conversation and customer."""

    def __init__(self, session: Session, conversation_id: str, customer_id: str | None) -> None:
        self.session = session
        self.conversation_id = conversation_id
        self.customer_id = customer_id
        self.calls: list[ToolCall] = []

    def call(self, name: str, args: dict[str, Any], *, write: bool = False) -> ToolCall:
        """Run one tool; reads are scoped to the customer, writes also carry an idempotency key."""
        from kefu.orders import ToolContext, call_tool

        ctx = ToolContext(
            actor="assistant",
            conversation_id=self.conversation_id,
            customer_id=self.customer_id,
            idempotency_key=idempotency_key(self.conversation_id, name, args) if write else None,
        )
        result = call_tool(self.session, name, args, ctx)
        record = ToolCall(
            name=name,
            arguments=dict(args),
            ok=bool(result.ok),
            data=_jsonable(result.data),
            error=None if result.ok else str(result.error),
        )
        self.calls.append(record)
        return record


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None
