"""Staff API keys: random secrets shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.store.models import ApiKey, utcnow

KEY_PREFIX = "kf_"


class Role(enum.StrEnum):
    """Staff roles; an admin can do everything an agent can."""

    AGENT = "agent"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        """Whether this role satisfies a route that needs ``needed``."""
        return self is Role.ADMIN or self is needed


@dataclass(frozen=True)
class StaffPrincipal:
    """An authenticated staff member (or service) calling the API."""

    key_id: int | None
    name: str
    role: Role


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, name: str, role: Role = Role.AGENT) -> str:
    """Create a key and return its secret; only the hash is stored, so show it once."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, role=role.value, prefix=secret[:10], key_hash=_hash(secret)))
    session.flush()
    return secret


def revoke_key(session: Session, key_id: int) -> bool:
    """Revoke a key by id; returns False when there is no such active key."""
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    return True


def authenticate_key(session: Session, secret: str) -> StaffPrincipal | None:
    """The principal for ``secret``, or None for unknown or revoked keys."""
    if not secret:
        return None
    bootstrap = get_settings().bootstrap_admin_key
    if bootstrap and hmac.compare_digest(secret, bootstrap):
        return StaffPrincipal(key_id=None, name="bootstrap-admin", role=Role.ADMIN)
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return StaffPrincipal(key_id=key.id, name=key.name, role=Role(key.role))


@dataclass(frozen=True)
class KeyInfo:
    """A key as administrators see it: never the secret or its hash."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def list_keys(session: Session, include_revoked: bool = False) -> list[KeyInfo]:
    """Every key (oldest first); revoked ones only when asked."""
    query = select(ApiKey).order_by(ApiKey.id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return [
        KeyInfo(k.id, k.name, Role(k.role), k.prefix, k.created_at, k.revoked_at)
        for k in session.scalars(query)
    ]


def issue_key(session: Session, name: str, role: Role = Role.AGENT) -> tuple[KeyInfo, str]:
    """Like :func:`create_key`, also returning the stored key's description (for the admin API)."""
    secret = create_key(session, name, role)
    key = session.scalars(select(ApiKey).where(ApiKey.key_hash == _hash(secret))).one()
    info = KeyInfo(key.id, key.name, Role(key.role), key.prefix, key.created_at, key.revoked_at)
    return info, secret
