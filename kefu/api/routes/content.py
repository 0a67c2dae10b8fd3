"""Staff API for grounded product copy."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from kefu.api.deps import AgentDep, SessionDep
from kefu.content import ContentError, describe_product_id

router = APIRouter(prefix="/v1/content", tags=["content"])


class DescribeIn(BaseModel):
    product_id: str
    lang: Literal["zh", "en"] = "en"
    kind: Literal["description", "selling_points", "title", "marketing"] = "description"
    use_llm: bool = True


class ViolationOut(BaseModel):
    kind: str
    claim: str
    sentence: str


class CopyOut(BaseModel):
    text: str
    source: str
    facts_used: dict[str, Any]
    violations_fixed: list[ViolationOut]


@router.post("/describe", response_model=CopyOut)
def describe_route(payload: DescribeIn, session: SessionDep, _staff: AgentDep) -> CopyOut:
    """Copy from the product's real attributes (the configured model, else templates)."""
    llm = None
    if payload.use_llm:
        from kefu.llm import get_llm

        llm = get_llm()
    try:
        copy = describe_product_id(session, payload.product_id, payload.lang, payload.kind, llm)
    except ContentError as exc:
        raise HTTPException(404 if "unknown product" in str(exc) else 422, str(exc))
    return CopyOut(
        text=copy.text,
        source=copy.source,
        facts_used=copy.facts_used,
        violations_fixed=[
            ViolationOut(kind=v.kind, claim=v.claim, sentence=v.sentence)
            for v in copy.violations_fixed
        ],
    )
