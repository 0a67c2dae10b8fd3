"""Customer data rights for administrators: export all personal data, erase it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from kefu.api.deps import AdminDep, SessionDep
from kefu.privacy import CustomerNotFound, erase_customer, export_customer

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])


@router.get("/customers/{customer_id}/export")
def export(customer_id: str, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    """Everything held about the customer (PIPL/GDPR access request), as JSON."""
    try:
        return export_customer(session, customer_id, actor=f"staff:{admin.name}")
    except CustomerNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "customer not found")


@router.delete("/customers/{customer_id}")
def erase(customer_id: str, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    """Anonymise the customer's personal data; orders' money records and the audit log stay."""
    try:
        result = erase_customer(session, customer_id, actor=f"staff:{admin.name}")
    except CustomerNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "customer not found")
    return {**result.__dict__, "erased_at": result.erased_at.isoformat()}
