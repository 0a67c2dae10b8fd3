"""The demo store loads both languages and running it twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from kefu.analytics.service import churn_list
from kefu.demo import load_demo
from kefu.store.db import session_scope
from kefu.store.models import ApiKey, Customer, Order, Product
from tests.conftest import TAU2_DB


def _counts() -> tuple[int, ...]:
    with session_scope() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Customer, Order, Product, ApiKey)
        )


def test_demo_is_idempotent_and_bilingual(store_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KEFU_DATABASE_URL", store_url)
    from kefu.config import get_settings

    get_settings.cache_clear()
    first = load_demo(tau2_path=TAU2_DB)
    counts = _counts()
    assert counts[:3] == (512, 1035, 62)
    second = load_demo(tau2_path=TAU2_DB)
    assert _counts() == counts
    assert any("already loaded" in line for line in second)
    assert first[-2] == second[-2]  # same admin key shown both times
    with session_scope() as s:
        assert s.get(Product, "8800000001").name == "保温杯"  # type: ignore[union-attr]
        assert (
            s.scalar(select(func.count()).select_from(Order).where(Order.placed_at.is_(None))) == 0
        )
        # the dashboard's churn warning has someone to warn about: lapsed demo customers
        churn = churn_list(s)
        assert churn.total >= 1
        assert all(c.p_alive is not None and c.p_alive < 0.5 for c in churn.customers)


def test_demo_history_never_reaches_a_configured_shop(store_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`kefu demo` plays canned conversations with writes in them (cancels, address
    changes...). With a real shop configured, those writes belong to the demo mirror only:
    nothing may be queued for the shop (here an endpoint nobody listens on)."""
    from kefu.config import get_settings
    from kefu.store.models import AuditLog
    from kefu.stores import get_store_backend
    from kefu.stores.models import OutboxMessage
    from kefu.stores.webhook import WebhookBackend

    monkeypatch.setenv("KEFU_DATABASE_URL", store_url)
    monkeypatch.setenv("KEFU_STORE_BACKEND", "webhook")
    monkeypatch.setenv("KEFU_STORE_URL", "http://127.0.0.1:9/kefu")
    monkeypatch.setenv("KEFU_STORE_WEBHOOK_SECRET", "s3cret")
    get_settings.cache_clear()
    try:
        load_demo(tau2_path=TAU2_DB)
        with session_scope() as s:
            writes = s.scalar(select(func.count()).select_from(AuditLog)) or 0
            queued = s.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        assert writes > 0  # the history did write, into the mirror
        assert queued == 0
        # and the configured backend is back in use afterwards
        assert isinstance(get_store_backend(), WebhookBackend)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
