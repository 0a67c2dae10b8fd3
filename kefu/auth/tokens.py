"""Signed, expiring tokens for customers (conversation access, store-site identity).

Compact ``payload.signature`` form: base64url JSON and an HMAC-SHA256 over it with the
deployment's secret key. Stateless, so any API worker can verify any token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from kefu.config import get_settings


class TokenError(ValueError):
    """The token is malformed, forged or expired."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(body: str, key: str) -> str:
    return _b64(hmac.new(key.encode(), body.encode(), hashlib.sha256).digest())


def sign_token(claims: dict[str, Any], ttl_s: int = 7 * 24 * 3600, key: str | None = None) -> str:
    """Sign ``claims`` with an expiry ``ttl_s`` seconds from now."""
    body = _b64(
        json.dumps({**claims, "exp": int(time.time()) + ttl_s}, separators=(",", ":")).encode()
    )
    return f"{body}.{_sign(body, key or get_settings().secret_key)}"


def verify_token(token: str, key: str | None = None) -> dict[str, Any]:
    """The claims of a valid token; raises :class:`TokenError` otherwise."""
    try:
        body, sig = token.split(".", 1)
    except ValueError:
        raise TokenError("malformed token") from None
    if not hmac.compare_digest(sig, _sign(body, key or get_settings().secret_key)):
        raise TokenError("bad signature")
    try:
        claims: dict[str, Any] = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        raise TokenError("malformed token") from None
    if not isinstance(claims, dict) or int(claims.get("exp", 0)) < time.time():
        raise TokenError("token expired")
    return claims


SITE_IDENTITY_KIND = "customer"


def _site_key() -> str:
    settings = get_settings()
    return settings.site_secret or settings.secret_key


def sign_site_identity(customer_id: str, ttl_s: int = 3600, key: str | None = None) -> str:
    """What a store's site sends so a chat starts signed in as ``customer_id``.

    Signed with ``KEFU_SITE_SECRET`` when set, so the store holds a key that can vouch for
    its own customers but cannot mint conversation tokens (those use ``KEFU_SECRET_KEY``).
    """
    claims = {"kind": SITE_IDENTITY_KIND, "customer_id": customer_id}
    return sign_token(claims, ttl_s, key or _site_key())


def verify_site_identity(token: str, key: str | None = None) -> str:
    """The customer id a valid site identity names; raises :class:`TokenError` otherwise."""
    claims = verify_token(token, key or _site_key())
    if claims.get("kind", SITE_IDENTITY_KIND) != SITE_IDENTITY_KIND:
        raise TokenError("not a customer identity token")
    customer_id = claims.get("customer_id") or claims.get("sub")
    if not isinstance(customer_id, str) or not customer_id:
        raise TokenError("customer token names no customer")
    return customer_id
