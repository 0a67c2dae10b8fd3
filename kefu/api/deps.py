"""Shared route dependencies: database session and the caller's identity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from kefu.auth.keys import Role, StaffPrincipal, authenticate_key
from kefu.store.db import session_factory

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the handler returns without error."""
    session = session_factory(request.app.state.engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def _staff(session: SessionDep, api_key: str | None = Depends(_api_key_header)) -> StaffPrincipal:
    if not api_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing X-API-Key header")
    principal = authenticate_key(session, api_key)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked API key")
    return principal


def require_role(role: Role):  # type: ignore[no-untyped-def]
    """Dependency factory: the caller must hold ``role`` (admins hold every role)."""

    def check(principal: Annotated[StaffPrincipal, Depends(_staff)]) -> StaffPrincipal:
        if not principal.role.allows(role):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"needs the {role.value} role")
        return principal

    return check


AgentDep = Annotated[StaffPrincipal, Depends(require_role(Role.AGENT))]
AdminDep = Annotated[StaffPrincipal, Depends(require_role(Role.ADMIN))]
