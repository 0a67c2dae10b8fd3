"""Access control: staff API keys with roles and signed customer tokens."""

from kefu.auth.keys import Role, StaffPrincipal, authenticate_key, create_key, revoke_key
from kefu.auth.tokens import TokenError, sign_token, verify_token

__all__ = [
    "Role",
    "StaffPrincipal",
    "TokenError",
    "authenticate_key",
    "create_key",
    "revoke_key",
    "sign_token",
    "verify_token",
]
