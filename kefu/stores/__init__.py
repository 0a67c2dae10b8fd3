"""Store backends: where kefu's order writes go and where its mirror comes from.

``get_store_backend()`` picks the backend named by ``KEFU_STORE_BACKEND`` (default
``builtin``: kefu's own database is the store). See docs/stores.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kefu.config import get_settings
from kefu.stores.base import (
    Operation,
    Record,
    StoreBackend,
    WriteOutcome,
    WriteRequest,
    WriteState,
)
from kefu.stores.builtin import BuiltinBackend

_override: StoreBackend | None = None


def get_store_backend() -> StoreBackend:
    """The configured backend (a test or embedding app may install one with ``use_backend``)."""
    if _override is not None:
        return _override
    settings = get_settings()
    kind = settings.store_backend
    if kind == "builtin":
        return BuiltinBackend()
    if not settings.store_url:
        raise RuntimeError(f"KEFU_STORE_BACKEND={kind} needs KEFU_STORE_URL (docs/stores.md)")
    if kind == "webhook":
        from kefu.stores.webhook import WebhookBackend

        return WebhookBackend(settings.store_url, sync_confirm=settings.store_sync_confirm)
    if kind == "shopify":
        from kefu.stores.shopify import ShopifyBackend

        return ShopifyBackend(settings.store_url, settings.store_api_key)
    if kind == "medusa":
        from kefu.stores.medusa import MedusaBackend

        return MedusaBackend(
            settings.store_url,
            settings.store_api_key,
            settings.store_medusa_password,
            timeout_s=settings.store_timeout_s,
        )
    if kind == "woocommerce":
        from kefu.stores.woocommerce import WooCommerceBackend

        return WooCommerceBackend(
            settings.store_url, settings.store_api_key, settings.store_api_secret
        )
    raise RuntimeError(f"unknown KEFU_STORE_BACKEND: {kind}")


def use_backend(backend: StoreBackend | None) -> None:
    """Install ``backend`` for this process (None = back to the configured one)."""
    global _override
    _override = backend


@contextmanager
def backend_in_use(backend: StoreBackend) -> Iterator[StoreBackend]:
    """Use ``backend`` inside the block, then whatever was in use before."""
    global _override
    before = _override
    _override = backend
    try:
        yield backend
    finally:
        _override = before


__all__ = [
    "BuiltinBackend",
    "Operation",
    "Record",
    "StoreBackend",
    "WriteOutcome",
    "WriteRequest",
    "WriteState",
    "backend_in_use",
    "get_store_backend",
    "use_backend",
]
