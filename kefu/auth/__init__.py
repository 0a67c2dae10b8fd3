"""Access control: staff API keys with roles, signed customer tokens and site identities."""

from kefu.auth.keys import (
    KeyInfo,
    Role,
    StaffPrincipal,
    authenticate_key,
    create_key,
    issue_key,
    list_keys,
    revoke_key,
)
from kefu.auth.tokens import (
    TokenError,
    sign_site_identity,
    sign_token,
    verify_site_identity,
    verify_token,
)

__all__ = [
    "KeyInfo",
    "Role",
    "StaffPrincipal",
    "TokenError",
    "authenticate_key",
    "create_key",
    "issue_key",
    "list_keys",
    "revoke_key",
    "sign_site_identity",
    "sign_token",
    "verify_site_identity",
    "verify_token",
]
