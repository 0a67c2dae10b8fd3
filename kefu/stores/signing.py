"""HMAC signatures of webhooks, in each platform's scheme; checked before a body is parsed."""

from __future__ import annotations

import base64
import hashlib
import hmac

#: header carrying the signature, per scheme
HEADERS = {
    "kefu": "X-Kefu-Signature",  # "sha256=<hex>" of the raw body
    "shopify": "X-Shopify-Hmac-Sha256",  # base64 HMAC-SHA256 of the raw body
    "woocommerce": "X-WC-Webhook-Signature",  # base64 HMAC-SHA256 of the raw body
}


def sign(secret: str, body: bytes, scheme: str = "kefu") -> str:
    """The signature header value for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if scheme == "kefu":
        return "sha256=" + digest.hex()
    return base64.b64encode(digest).decode()


def verify(secret: str, body: bytes, signature: str | None, scheme: str = "kefu") -> bool:
    """Constant-time check; no secret configured or no signature means refused."""
    if not secret or not signature or scheme not in HEADERS:
        return False
    return hmac.compare_digest(sign(secret, body, scheme).encode(), signature.strip().encode())
