"""Staff key management for administrators: list, issue (secret shown once), revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from kefu.api.deps import AdminDep, SessionDep
from kefu.auth import KeyInfo, Role, issue_key, list_keys, revoke_key

router = APIRouter(prefix="/v1/admin/keys", tags=["admin"])


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    role: Role = Role.AGENT


def _out(key: KeyInfo) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role.value,
        "prefix": key.prefix,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@router.get("")
def keys(
    session: SessionDep, _admin: AdminDep, include_revoked: bool = False
) -> list[dict[str, Any]]:
    """Keys without their secrets (only a short prefix, to recognise one)."""
    return [_out(k) for k in list_keys(session, include_revoked)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: NewKey, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    """Issue a key; the secret is in this response only (stored as a hash)."""
    info, secret = issue_key(session, body.name, body.role)
    return {**_out(info), "secret": secret}


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(key_id: int, session: SessionDep, _admin: AdminDep) -> Response:
    """Revoke a key at once (every worker checks the database on each request)."""
    if not revoke_key(session, key_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no active key with that id")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
