"""Support analytics for the dashboard (staff only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kefu.analytics.support import support_report
from kefu.api.deps import AgentDep, SessionDep
from kefu.store.models import utcnow

router = APIRouter(prefix="/v1/analytics/support", tags=["analytics"])


@router.get("")
def support_metrics(
    session: SessionDep, _agent: AgentDep, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> dict[str, Any]:
    """Auto-resolution, handoffs by reason, CSAT, first response, intents, knowledge gaps."""
    until = utcnow()
    return support_report(session, until - timedelta(days=days), until).as_dict()
