"""Staff HTTP access to the order-service tools: ``POST /v1/tools/{name}``, ``GET /v1/tools``.

A thin adapter: the body is the tool's arguments, validated by the tool's own pydantic
model; rule violations, missing records and lost races map to 400/404/409 with the
service's message, so a client never sees a 500 for bad input.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header
from fastapi.responses import JSONResponse

from kefu.api.deps import AgentDep, SessionDep
from kefu.orders import TOOLS, ToolContext, call_tool

router = APIRouter(prefix="/v1/tools", tags=["tools"])


@router.get("")
def list_tools(_principal: AgentDep) -> list[dict[str, Any]]:
    """Every tool with its kind (read/write) and function schema."""
    return [{"kind": spec.kind, **spec.schema()} for spec in TOOLS.values()]


@router.post("/{name}")
def run_tool(
    name: str,
    session: SessionDep,
    principal: AgentDep,
    arguments: Annotated[dict[str, Any] | None, Body()] = None,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=128)
    ] = None,
    conversation_id: Annotated[
        str | None, Header(alias="X-Conversation-Id", min_length=1, max_length=40)
    ] = None,
    customer_id: Annotated[
        str | None, Header(alias="X-Customer-Id", min_length=1, max_length=64)
    ] = None,
) -> JSONResponse:
    """Run one tool as the calling staff member.

    ``X-Customer-Id`` limits the call to that customer's records (as in their conversation);
    ``Idempotency-Key`` makes a retried write return the first result instead of acting twice.
    """
    ctx = ToolContext(
        actor=f"staff:{principal.name}"[:120],
        conversation_id=conversation_id,
        customer_id=customer_id,
        idempotency_key=idempotency_key,
    )
    result = call_tool(session, name, arguments or {}, ctx)
    if result.ok:
        return JSONResponse({"ok": True, "data": result.data, "message": result.message})
    body = {"ok": False, "code": result.code, "error": result.error, "detail": result.data}
    return JSONResponse(body, status_code=result.http_status)
